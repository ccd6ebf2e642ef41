"""API.md "Supplies" and "Plans and drills": the fixed shapes, 409 beyond the stock, 400 naming the field."""

import datetime as dt

from emergency.models import StockBatch, Warehouse


def _duruan_stock(district):
    warehouse = Warehouse.objects.get(town=district["duruan"], level="town")
    batch = warehouse.batches.filter(quantity__gt=0).order_by("pk").first()
    return warehouse, batch


def test_movements_answer_409_beyond_the_stock_and_change_nothing(api_as, district):
    warehouse, batch = _duruan_stock(district)
    client = api_as("duruan")
    body = {
        "item": batch.item_id,
        "warehouse": warehouse.pk,
        "kind": "out",
        "quantity": batch.quantity + 10**6,
        "reason": "抢险",
    }
    response = client.post("/api/v1/supplies/movements/", body, format="json")
    assert response.status_code == 409 and "detail" in response.json()
    assert StockBatch.objects.get(pk=batch.pk).quantity == batch.quantity
    response = client.post("/api/v1/supplies/movements/", {**body, "quantity": 0}, format="json")
    assert response.status_code == 400 and "quantity" in response.json()
    response = client.post(
        "/api/v1/supplies/movements/",
        {**body, "quantity": 1, "kind": "transfer", "to_warehouse": warehouse.pk},
        format="json",
    )
    assert response.status_code == 400 and "to_warehouse" in response.json()
    response = client.post("/api/v1/supplies/movements/", {**body, "quantity": 1}, format="json")
    assert response.status_code == 201 and response.json()["kind"] == "out"


def test_read_only_roles_are_refused_before_their_input_is_judged(api_as):
    assert api_as("leader").post("/api/v1/supplies/movements/", {}, format="json").status_code == 403
    assert api_as("duruan").post("/api/v1/warnings/", {}, format="json").status_code == 403


def test_the_lists_have_their_fixed_shapes(api_as, district):
    client = api_as("duruan")
    warehouse = client.get("/api/v1/supplies/warehouses/").json()["results"][0]
    assert {"id", "name", "town"} <= set(warehouse)
    item = client.get("/api/v1/supplies/items/").json()["results"][0]
    assert {"id", "name", "category", "unit"} <= set(item)
    rows = client.get(f"/api/v1/supplies/stock/?warehouse={warehouse['id']}").json()["results"]
    assert rows and set(rows[0]) == {"warehouse", "item", "quantity"}
    shortfalls = client.get(f"/api/v1/supplies/shortfalls/?town={district['duruan'].pk}").json()["results"]
    # API.md's fields, and `warehouse`: null on a town norm's row, the warehouse of a warehouse norm's row.
    assert shortfalls and set(shortfalls[0]) == {"town", "item", "norm", "quantity", "shortfall", "warehouse"}
    assert any(r["warehouse"] is None for r in shortfalls)
    assert all(r["shortfall"] == max(r["norm"] - r["quantity"], 0) for r in shortfalls)
    assert client.get(f"/api/v1/supplies/shortfalls/?town={district['baisha'].pk}").json()["count"] == 0


def test_the_plans_due_job_tells_each_owner_once(persona):
    from django.utils import timezone

    from emergency.tasks import notify_plans_due
    from notifications.models import Notification

    now = timezone.now()
    first = notify_plans_due(now=now)
    count = Notification.objects.filter(kind__startswith="emergency.plan.").count()
    assert first["notices"] > 0 and count > 0
    notify_plans_due(now=now)
    assert Notification.objects.filter(kind__startswith="emergency.plan.").count() == count
    assert Notification.objects.filter(
        kind__startswith="emergency.plan.", recipient=persona("ent_duruan")
    ).exists()


def test_a_warning_and_a_declaration_through_the_api(api_as):
    client = api_as("duty")
    start = (dt.datetime.now(dt.UTC)).isoformat()
    response = client.post(
        "/api/v1/warnings/",
        {"hazard": "typhoon", "signal": "orange", "area": "全区", "valid_from": start},
        format="json",
    )
    assert response.status_code == 201 and response.json()["grade"] == "II"
    response = client.post(
        "/api/v1/response-declarations/", {"level": "iii", "hazard": "typhoon"}, format="json"
    )
    assert response.status_code == 201
    assert {c["state"] for c in response.json()["confirmations"]} == {"pending"}


def test_a_version_is_published_with_its_documents(api_as, persona):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from attachments.models import Attachment
    from core.pdf import PdfDocument
    from emergency import services

    plan = services.create_plan(
        actor=persona("ent_duruan"),
        data={
            "owner_enterprise": persona("ent_duruan").enterprise_id,
            "type": "special",
            "title": "有限空间专项应急预案",
        },
    )
    draft = plan.versions.get()
    client = api_as("ent_duruan")
    pdf = PdfDocument("有限空间专项应急预案").render()
    upload = client.post(
        "/api/v1/attachments/",
        {"file": SimpleUploadedFile("plan.pdf", pdf, "application/pdf")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    body = {"version": draft.version, "published_on": "2026-11-02", "attachments": [upload.json()["id"]]}
    response = client.post(f"/api/v1/plan-versions/{draft.pk}/publish/", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["filing_due"] == "2026-11-30"
    assert list(Attachment.objects.for_owner(draft, "plan_document").values_list("pk", flat=True)) == [
        upload.json()["id"]
    ]
