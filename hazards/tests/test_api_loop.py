"""The whole loop through the REST API, exactly as API.md fixes it."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hazards.models import Hazard
from hazards.tests.helpers import PLAN, in_state, pdf_bytes, png_bytes

LIST_FIELDS = {
    "id",
    "enterprise",
    "town",
    "sector",
    "category",
    "level",
    "source",
    "title",
    "description",
    "location",
    "state",
    "deadline",
    "discovered_at",
    "measures",
    "responsible_person",
    "funds",
    "contingency_plan",
    "overdue",
    "listed_supervision",
    "version",
}


def upload(client, content=None, name="photo.png"):
    response = client.post(
        "/api/v1/attachments/", {"file": SimpleUploadedFile(name, content or png_bytes())}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"id", "name", "size", "content_type"}
    return response.json()["id"]


def create(client, enterprise, **extra):
    body = {
        "enterprise": enterprise.pk,
        "title": "二楼配电箱未上锁",
        "category": "object",
        "source": "self_inspection",
        "location": "二号车间",
        **extra,
    }
    response = client.post("/api/v1/hazards/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize("officer", ["duruan", "admin", "yjj"])
def test_enterprise_and_officer_take_a_hazard_around_the_loop(api_as, persona, officer):
    ent = api_as("ent_duruan")
    enterprise = persona("ent_duruan").enterprise
    before = upload(ent)
    hazard = create(ent, enterprise, attachments=[before])
    assert hazard["state"] == "reported" and hazard["version"] == 1
    assert set(hazard) >= LIST_FIELDS
    assert hazard["state_display"] and hazard["level_display"] and hazard["source_display"]
    url = f"/api/v1/hazards/{hazard['id']}/"

    response = ent.post(
        url + "assign/",
        {"version": 1, "measures": "加锁并张贴警示", "responsible_person": "李四", "funds": 200},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "rectifying" and body["version"] == 2 and body["deadline"]
    assert body["overdue"] is False

    response = ent.post(
        url + "submit/", {"version": 2, "rectification_note": "已加锁", "attachments": []}, format="json"
    )
    assert response.status_code == 400 and "attachments" in response.json()
    after = upload(ent, name="after.jpg")
    response = ent.post(
        url + "submit/",
        {"version": 2, "rectification_note": "已加锁", "cost": "180.5", "attachments": [after]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted" and response.json()["version"] == 3

    assert ent.post(url + "accept/", {"version": 3}, format="json").status_code == 403
    officer_client = api_as(officer)
    response = officer_client.post(url + "reject/", {"version": 3, "reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = officer_client.post(url + "reject/", {"version": 3, "reason": "照片不清楚"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "rectifying"
    response = ent.post(
        url + "submit/",
        {"version": 4, "rectification_note": "已加锁，补拍照片", "attachments": [after]},
        format="json",
    )
    assert response.status_code == 200
    response = officer_client.post(url + "accept/", {"version": 5, "note": "合格"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "accepted"
    response = officer_client.post(url + "close/", {"version": 6}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "closed"
    assert response.json()["version"] == 7

    events = ent.get(url + "events/").json()
    assert [e["action"] for e in events] == [
        "hazards.hazard.reported",
        "hazards.hazard.assigned",
        "hazards.hazard.submitted",
        "hazards.hazard.rejected",
        "hazards.hazard.submitted",
        "hazards.hazard.accepted",
        "hazards.hazard.closed",
    ]
    assert set(events[0]) == {"at", "actor", "action", "from_state", "to_state", "data"}
    assert (events[1]["from_state"], events[1]["to_state"]) == ("reported", "rectifying")
    assert events[3]["data"]["reason"] == "照片不清楚"


def test_an_inspector_registers_and_accepts_what_the_town_assigned(api_as, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    inspector = api_as("inspector_duruan")
    photo = upload(inspector)
    hazard = create(inspector, enterprise, source="government_inspection", attachments=[photo])
    url = f"/api/v1/hazards/{hazard['id']}/"
    assert inspector.post(url + "assign/", {"version": 1}, format="json").status_code == 403
    town = api_as("duruan")
    response = town.post(
        url + "assign/",
        {"version": 1, "measures": "更换", "responsible_person": "王五", "funds": "0", "deadline": None},
        format="json",
    )
    assert response.status_code == 200, response.content
    after = upload(town)
    response = town.post(
        url + "submit/", {"version": 2, "rectification_note": "完成", "attachments": [after]}, format="json"
    )
    assert response.status_code == 200
    # The submitter never accepts (R-HAZ-5).
    assert town.post(url + "accept/", {"version": 3}, format="json").status_code == 403
    assert inspector.post(url + "accept/", {"version": 3}, format="json").status_code == 200
    # A town officer closes a general hazard.
    assert town.post(url + "close/", {"version": 4}, format="json").status_code == 200


def test_a_major_hazard_needs_its_plan_before_rectifying_and_a_department_to_close(api_as, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    town = api_as("duruan")
    from hazards.models import MajorHazardCriterion

    criterion = MajorHazardCriterion.objects.get(item="IT-1")
    hazard = create(
        town, enterprise, source="government_inspection", criterion=criterion.pk, sector="industry_trade"
    )
    assert hazard["level"] == "major"
    url = f"/api/v1/hazards/{hazard['id']}/"
    basic = {"version": 1, "measures": "拆除休息室", "responsible_person": "赵六", "funds": 100000}
    response = town.post(url + "assign/", basic, format="json")
    assert response.status_code == 400
    assert {"contingency_plan", "plan_goal", "plan_attachments"} <= set(response.json())
    plan_doc = upload(town, pdf_bytes(), "plan.pdf")
    response = town.post(
        url + "assign/",
        {**basic, **PLAN, "contingency_plan": "人员撤离", "plan_attachments": [plan_doc]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "rectifying"

    yjj = api_as("yjj")
    response = yjj.post(
        url + "supervise/",
        {"version": 2, "authority": "彭江区安委办", "due_date": "2099-01-01"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["listed_supervision"] is True
    assert response.json()["supervision"]["authority"] == "彭江区安委办"

    after = upload(town)
    town.post(
        url + "submit/", {"version": 3, "rectification_note": "已拆除", "attachments": [after]}, format="json"
    )
    assert yjj.post(url + "accept/", {"version": 4}, format="json").status_code == 200
    # Listed by the emergency bureau: the town and even the district admin may not close it (R-HAZ-8).
    assert town.post(url + "close/", {"version": 5}, format="json").status_code == 403
    assert api_as("admin").post(url + "close/", {"version": 5}, format="json").status_code == 403
    response = yjj.post(url + "close/", {"version": 5}, format="json")
    assert response.status_code == 200
    # Closing takes it off the list (摘牌); the listing facts stay on the record.
    assert response.json()["listed_supervision"] is False
    closed = Hazard.objects.get(pk=hazard["id"])
    assert closed.state == "closed" and closed.listing_authority == "彭江区安委办"


def test_stale_version_and_illegal_transition_answer_409(api_as, enterprise_in):
    town = api_as("duruan")
    hazard = create(town, enterprise_in("duruan", "industry_trade"), source="government_inspection")
    url = f"/api/v1/hazards/{hazard['id']}/"
    assert town.post(url + "close/", {"version": 1}, format="json").status_code == 409
    body = {"version": 7, "measures": "x", "responsible_person": "y", "funds": 1}
    response = town.post(url + "assign/", body, format="json")
    assert response.status_code == 409 and "detail" in response.json()
    # 409 comes before 400: a stale version with bad input is still a conflict.
    assert town.post(url + "assign/", {"version": 7}, format="json").status_code == 409


def test_the_order_of_checks_is_404_403_409_400(api_as, enterprise_in):
    town = api_as("duruan")
    hazard = create(town, enterprise_in("duruan", "industry_trade"), source="government_inspection")
    url = f"/api/v1/hazards/{hazard['id']}/"
    assert api_as("baisha").post(url + "accept/", {}, format="json").status_code == 404
    assert api_as("leader").post(url + "accept/", {}, format="json").status_code == 403
    assert town.post(url + "accept/", {}, format="json").status_code == 409
    assert town.post(url + "cancel/", {"version": 1}, format="json").status_code == 400
    assert (
        town.post(url + "cancel/", {"version": 1, "reason": "重复登记"}, format="json").json()["state"]
        == "cancelled"
    )


def test_plan_extension_and_progress_through_the_api(api_as, persona, enterprise_in):
    ent = api_as("ent_duruan")
    hazard = in_state("rectifying", persona, persona("ent_duruan").enterprise)
    url = f"/api/v1/hazards/{hazard.pk}/"
    new = (hazard.deadline + dt.timedelta(days=5)).isoformat()
    response = ent.post(
        url + "extension/",
        {"version": hazard.version, "new_deadline": new, "reason": "等待配件"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["extensions"][0]["state"] == "pending"
    version = response.json()["version"]
    assert (
        ent.post(
            url + "extension-decision/", {"version": version, "approve": True}, format="json"
        ).status_code
        == 403
    )
    town = api_as("duruan")
    assert (
        town.post(
            url + "extension-decision/", {"version": version, "approve": "maybe"}, format="json"
        ).status_code
        == 400
    )
    response = town.post(url + "extension-decision/", {"version": version, "approve": True}, format="json")
    assert response.status_code == 200 and response.json()["deadline"] == new
    # Progress notes are for listed hazards only.
    assert town.post(url + "progress-notes/", {"text": "进展"}, format="json").status_code == 409

    major = in_state("reported", persona, enterprise_in("duruan", "industry_trade"), major=True)
    from hazards.tests.helpers import PLAN, pdf_bytes

    doc = town.post(
        "/api/v1/attachments/",
        {
            "file": __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
                "p.pdf", pdf_bytes()
            )
        },
        format="multipart",
    ).json()["id"]
    response = town.post(
        f"/api/v1/hazards/{major.pk}/plan/",
        {"version": major.version, **PLAN, "attachments": [doc]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["plan_goal"] == PLAN["plan_goal"]
    assert [a["purpose"] for a in response.json()["attachments"]] == ["plan"]
