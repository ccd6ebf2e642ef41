"""Checklist answers captured offline carry the answer time they were based on (issue 20, offline capture):
a change made on the server meanwhile is never overwritten silently — 409 with the server's answer."""

import pytest

from inspections import services
from inspections.tests.helpers import template


def _inspection(persona):
    return services.start_inspection(
        actor=persona("inspector_duruan"), enterprise=persona("ent_duruan").enterprise, template=template()
    )


def _row(inspection):
    return inspection.results.select_related("item").order_by("item__number").first()


@pytest.mark.django_db
def test_an_answer_based_on_an_older_reading_gets_409_with_the_servers_answer(persona, api_as):
    inspection = _inspection(persona)
    read = _row(inspection)
    services.save_item_result(
        actor=persona("duruan"),
        inspection=inspection,
        item_id=read.item_id,
        result="fail",
        note="通风设备损坏",
    )
    answer = api_as("inspector_duruan").post(
        f"/api/v1/inspections/{inspection.pk}/results/",
        {"item": read.item_id, "result": "pass", "note": "合格", "based_on": read.updated_at.isoformat()},
        format="json",
    )
    assert answer.status_code == 409
    assert answer.json()["current"]["result"] == "fail" and answer.json()["current"]["note"] == "通风设备损坏"
    row = _row(inspection)
    assert (row.result, row.note) == ("fail", "通风设备损坏")
    # Keep mine: sent again based on the server's answer, it is saved.
    again = api_as("inspector_duruan").post(
        f"/api/v1/inspections/{inspection.pk}/results/",
        {
            "item": read.item_id,
            "result": "pass",
            "note": "合格",
            "based_on": answer.json()["current"]["updated_at"],
        },
        format="json",
    )
    assert again.status_code == 200 and _row(inspection).result == "pass"


@pytest.mark.django_db
def test_the_same_answer_or_no_reading_time_saves_as_before(persona, as_user):
    inspection = _inspection(persona)
    read = _row(inspection)
    services.save_item_result(
        actor=persona("duruan"), inspection=inspection, item_id=read.item_id, result="fail", note="损坏"
    )
    client = as_user("inspector_duruan")
    url = f"/inspections/records/{inspection.pk}/items/{read.item_id}/"
    same = client.post(url, {"result": "fail", "note": "损坏", "based_on": read.updated_at.isoformat()})
    assert same.status_code == 200 and 'name="based_on"' in same.content.decode()
    stale = client.post(url, {"result": "pass", "note": "", "based_on": read.updated_at.isoformat()})
    page = stale.content.decode()
    assert stale.status_code == 409 and 'data-testid="answer-conflict"' in page and "损坏" in page
    assert "保留我的" in page and "采用对方的" in page
    legacy = client.post(url, {"result": "na", "note": ""})  # an older client: the last save wins
    assert legacy.status_code == 200 and _row(inspection).result == "na"
    bad = client.post(url, {"result": "pass", "based_on": "yesterday"})
    assert bad.status_code == 400 and _row(inspection).result == "na"
