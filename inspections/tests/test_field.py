"""Field inspections: drafts that survive a reload, photos, failed items → exactly one hazard, PDFs, scope."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from core.errors import Conflict
from inspections import services
from inspections.models import Inspection, InspectionTask, ItemResult
from inspections.tests.helpers import answer_all, campaign_data


def _task_for(persona, district, *, town="duruan", inspector="inspector_duruan"):
    admin = persona("admin")
    campaign = services.launch_campaign(actor=admin, data=campaign_data([district[town]]))
    services.assign_tasks(
        actor=admin, campaign=campaign, deadline=campaign.end_date, inspectors=[persona(inspector).pk]
    )
    return InspectionTask.objects.filter(campaign=campaign).order_by("id").first()


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_the_draft_survives_a_reload(as_user, persona, district):
    task = _task_for(persona, district)
    client = as_user("inspector_duruan")
    response = client.post(f"/inspections/tasks/{task.pk}/start/")
    inspection = Inspection.objects.get(task=task)
    assert response.status_code == 302 and response["Location"] == f"/inspections/records/{inspection.pk}/"
    item = inspection.results.select_related("item").order_by("item__number").first().item
    saved = client.post(
        f"/inspections/records/{inspection.pk}/items/{item.pk}/",
        {"result": "fail", "note": "台账缺失，现场未见记录"},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200
    client.post(
        f"/inspections/records/{inspection.pk}/details/",
        {"place": "污水处理站", "people_present": "安全主任"},
        HTTP_HX_REQUEST="true",
    )
    # A lost connection or a closed browser: a new client session opens the same task again.
    again = as_user("inspector_duruan")
    resumed = again.post(f"/inspections/tasks/{task.pk}/start/")
    assert resumed["Location"] == f"/inspections/records/{inspection.pk}/"
    assert Inspection.objects.filter(task=task).count() == 1
    html = again.get(f"/inspections/records/{inspection.pk}/").content.decode()
    assert "台账缺失，现场未见记录" in html
    assert f'id="r{item.pk}-fail" value="fail" autocomplete="off" checked' in html
    assert "污水处理站" in html


@pytest.mark.django_db
def test_a_failed_item_creates_exactly_one_hazard_prefilled_from_the_item(persona, district):
    from hazards.models import Hazard

    task = _task_for(persona, district)
    inspector = persona("inspector_duruan")
    inspection = services.start_inspection(actor=inspector, task=task)
    answer_all(inspection, inspector, fail_numbers=(1,), note="未建立有限空间台账")
    failed = inspection.results.select_related("item").get(item__number=1)
    services.add_item_photo(actor=inspector, inspection=inspection, item_id=failed.item_id, upload=_png())
    hazard = services.confirm_item_hazard(actor=inspector, result=failed)
    again = services.confirm_item_hazard(actor=inspector, result=failed)
    assert again.pk == hazard.pk
    services.finish_inspection(actor=inspector, inspection=inspection, version=inspection.version)
    hazards = Hazard.objects.filter(origin_type="inspections.itemresult", origin_id=failed.pk)
    assert hazards.count() == 1
    hazard = hazards.get()
    item = failed.item
    assert (hazard.category, hazard.level, hazard.legal_basis) == (
        item.category,
        item.level,
        item.legal_basis,
    )
    assert hazard.source == "campaign" and hazard.state == "reported"
    assert hazard.description == "未建立有限空间台账" and hazard.location == "一号车间"
    from attachments.models import Attachment

    assert Attachment.objects.for_owner(hazard).count() == 1
    failed.refresh_from_db()
    assert failed.hazard_id == hazard.pk
    inspection.refresh_from_db()
    assert inspection.outcome == "problems_found" and inspection.order_serial
    task.refresh_from_db()
    assert task.state == "done"
    with pytest.raises(Conflict):
        services.save_item_result(
            actor=inspector, inspection=inspection, item_id=failed.item_id, result="pass"
        )


@pytest.mark.django_db
def test_finishing_from_the_page_registers_the_confirmed_values(as_user, persona, district):
    from hazards.models import Hazard

    task = _task_for(persona, district)
    inspector = persona("inspector_duruan")
    inspection = services.start_inspection(actor=inspector, task=task)
    answer_all(inspection, inspector, fail_numbers=(2, 3))
    client = as_user("inspector_duruan")
    page = client.get(f"/inspections/records/{inspection.pk}/finish/")
    assert page.status_code == 200
    rows = list(inspection.results.filter(result="fail"))
    data = {"version": Inspection.objects.get(pk=inspection.pk).version}
    for row in rows:
        # Named by the item, which the phone knows without signal (the finish it queues uses the same names).
        data[f"title-{row.item_id}"] = f"确认的隐患 {row.pk}"
        data[f"category-{row.item_id}"] = "management"
        data[f"level-{row.item_id}"] = "general"
    stale = client.post(
        f"/inspections/records/{inspection.pk}/finish/", {**data, "version": data["version"] - 1}
    )
    # Refused: the page again, with the titles the inspector confirmed still in their fields; nothing written.
    assert stale.status_code == 409
    assert all(f'value="确认的隐患 {row.pk}"' in stale.content.decode() for row in rows)
    assert Inspection.objects.get(pk=inspection.pk).state == "draft"
    assert not Hazard.objects.filter(
        origin_type="inspections.itemresult", origin_id__in=[r.pk for r in rows]
    ).exists()
    response = client.post(f"/inspections/records/{inspection.pk}/finish/", data)
    assert response.status_code == 302
    titles = set(
        Hazard.objects.filter(
            origin_type="inspections.itemresult", origin_id__in=[r.pk for r in rows]
        ).values_list("title", flat=True)
    )
    assert titles == {f"确认的隐患 {r.pk}" for r in rows}


@pytest.mark.django_db
def test_inspection_record_and_rectification_order_pdfs(as_user, persona, district):
    task = _task_for(persona, district)
    inspector = persona("inspector_duruan")
    inspection = services.start_inspection(actor=inspector, task=task)
    answer_all(inspection, inspector, fail_numbers=(4,), note="未执行先通风再检测")
    services.finish_inspection(actor=inspector, inspection=inspection, version=inspection.version)
    inspection.refresh_from_db()
    client = as_user("duruan")
    record = client.get(f"/inspections/records/{inspection.pk}/record.pdf")
    assert record.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(record.content)).pages)
    assert inspection.enterprise.name in text and inspection.record_serial in text and "一号车间" in text
    order = client.get(f"/inspections/records/{inspection.pk}/order.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(order.content)).pages)
    text = text.replace("\n", "").replace(" ", "")
    assert inspection.order_serial in text and "未执行先通风再检测" in text
    # The enterprise receives its finished record; other towns do not see it.
    assert as_user("baisha").get(f"/inspections/records/{inspection.pk}/record.pdf").status_code == 404


@pytest.mark.django_db
def test_other_inspectors_and_roles_may_not_write(persona, district, as_user):
    task = _task_for(persona, district)
    inspector = persona("inspector_duruan")
    inspection = services.start_inspection(actor=inspector, task=task)
    item = inspection.results.first().item_id
    assert (
        as_user("leader")
        .post(f"/inspections/records/{inspection.pk}/items/{item}/", {"result": "pass"})
        .status_code
        == 403
    )
    assert (
        as_user("baisha")
        .post(f"/inspections/records/{inspection.pk}/items/{item}/", {"result": "pass"})
        .status_code
        == 404
    )
    assert ItemResult.objects.get(inspection=inspection, item_id=item).result == "pending"
    bad = as_user("inspector_duruan").post(
        f"/inspections/records/{inspection.pk}/items/{item}/", {"result": "maybe"}
    )
    assert bad.status_code == 400


@pytest.mark.django_db
def test_enterprise_sees_only_its_finished_inspections(persona, district):
    ent_user = persona("ent_duruan")
    enterprise = ent_user.enterprise
    admin = persona("admin")
    inspection = services.start_inspection(
        actor=admin,
        enterprise=enterprise,
        template=__import__("inspections.tests.helpers", fromlist=["template"]).template("industry_trade"),
    )
    assert not Inspection.objects.visible_to(ent_user).filter(pk=inspection.pk).exists()
    answer_all(inspection, admin)
    services.finish_inspection(actor=admin, inspection=inspection, version=inspection.version)
    assert Inspection.objects.visible_to(ent_user).filter(pk=inspection.pk).exists()
    assert not InspectionTask.objects.visible_to(ent_user).exists()  # R-INSP-3: never told in advance


@pytest.mark.django_db
def test_api_inspection_flow_and_shapes(api_as, persona, district, django_assert_max_num_queries):
    task = _task_for(persona, district)
    client = api_as("inspector_duruan")
    started = client.post("/api/v1/inspections/", {"task": task.pk}, format="json")
    assert started.status_code == 201
    body = started.json()
    assert {"id", "state", "state_display", "results", "version", "template_version"} <= set(body)
    assert body["state"] == "draft" and all(r["result"] == "pending" for r in body["results"])
    for row in body["results"]:
        saved = client.post(
            f"/api/v1/inspections/{body['id']}/results/",
            {"item": row["item"], "result": "pass"},
            format="json",
        )
        assert saved.status_code == 200 and saved.json()["result_display"]
    client.post(f"/api/v1/inspections/{body['id']}/details/", {"place": "厂区"}, format="json")
    current = client.get(f"/api/v1/inspections/{body['id']}/").json()
    stale = client.post(
        f"/api/v1/inspections/{body['id']}/finish/", {"version": current["version"] - 1}, format="json"
    )
    assert stale.status_code == 409
    done = client.post(
        f"/api/v1/inspections/{body['id']}/finish/", {"version": current["version"]}, format="json"
    )
    assert done.status_code == 200 and done.json()["outcome"] == "compliant"
    assert api_as("baisha").get(f"/api/v1/inspections/{body['id']}/").status_code == 404
    with django_assert_max_num_queries(10):
        small = api_as("admin").get("/api/v1/inspections/?page_size=2")
    with django_assert_max_num_queries(10):
        large = api_as("admin").get("/api/v1/inspections/?page_size=100")
    assert small.status_code == large.status_code == 200
    with django_assert_max_num_queries(12):
        assert api_as("admin").get("/api/v1/inspection-tasks/?page_size=100").status_code == 200
    with django_assert_max_num_queries(10):
        assert api_as("admin").get("/api/v1/draws/?page_size=100").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/inspections/",
        "/inspections/tasks/",
        "/inspections/records/",
        "/inspections/draws/",
        "/inspections/checklists/",
        "/inspections/draws/new/",
        "/inspections/campaigns/new/",
        "/",
    ],
)
@pytest.mark.django_db
def test_pages_render(as_user, url):
    assert as_user("admin").get(url).status_code == 200


@pytest.mark.django_db
def test_enterprise_page_has_the_inspections_section(as_user, persona):
    enterprise = persona("ent_duruan").enterprise
    html = as_user("duruan").get(f"/registry/enterprises/{enterprise.pk}/").content.decode()
    assert 'id="section-inspections"' in html


@pytest.mark.django_db
def test_home_panel_lists_my_tasks(as_user, persona, district):
    task = _task_for(persona, district)
    html = as_user("inspector_duruan").get("/").content.decode()
    assert f"/inspections/tasks/{task.pk}/" in html


@pytest.mark.django_db
def test_reminders_go_to_the_assigned_inspectors_once(persona, district):
    import datetime as dt

    from django.utils import timezone

    from inspections.tasks import remind_task_deadlines
    from notifications.models import Notification

    task = _task_for(persona, district)
    InspectionTask.objects.filter(pk=task.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    now = timezone.now()
    remind_task_deadlines(now=now)
    remind_task_deadlines(now=now)
    notes = Notification.objects.filter(kind="inspections.task.overdue", target_id=task.pk)
    assert list(notes.values_list("recipient__username", flat=True)) == ["inspector_duruan"]
    assert not Notification.objects.filter(
        target_id=task.pk, recipient__enterprise_id=task.enterprise_id
    ).exists()


@pytest.mark.django_db
def test_an_inspector_outside_its_area_leaves_the_hazards_to_an_officer(persona, district):
    from core.errors import NotAllowed

    task = _task_for(persona, district, town="baisha")
    inspector = persona("inspector_duruan")
    inspection = services.start_inspection(actor=inspector, task=task)
    answer_all(inspection, inspector, fail_numbers=(1,))
    with pytest.raises(NotAllowed):
        services.finish_inspection(actor=inspector, inspection=inspection, version=inspection.version)
    inspection.refresh_from_db()
    assert inspection.state == "draft"
    done = services.finish_inspection(
        actor=persona("baisha"), inspection=inspection, version=inspection.version
    )
    assert done.outcome == "problems_found"


@pytest.mark.django_db
def test_task_and_record_lists_exclude_other_towns(as_user, persona, district):
    task = _task_for(persona, district)
    inspector = persona("inspector_duruan")
    inspection = services.start_inspection(actor=inspector, task=task)
    tasks_html = as_user("baisha").get("/inspections/tasks/?mine=0&state=").content.decode()
    records_html = as_user("baisha").get("/inspections/records/").content.decode()
    assert f"/inspections/tasks/{task.pk}/" not in tasks_html
    assert f"/inspections/records/{inspection.pk}/" not in records_html
    assert (
        f"/inspections/tasks/{task.pk}/"
        in as_user("duruan").get("/inspections/tasks/?mine=0&state=").content.decode()
    )
    assert as_user("baisha").get(f"/inspections/tasks/{task.pk}/").status_code == 404
    assert as_user("baisha").get(f"/inspections/records/{inspection.pk}/").status_code == 404
    assert as_user("baisha").post(f"/inspections/tasks/{task.pk}/start/").status_code == 404
