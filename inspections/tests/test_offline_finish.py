"""Finishing an inspection without signal (issue 20): the field page and the task page carry the finish, the
failed items' hazards confirmed on the phone; the queued finish stands on the answers the inspector saw
(`seen-<item>`) rather than on a version its own queued answers have moved. It is refused (409, nothing
written) when the server's answers differ; a retry with the same key answers what the first did; the task's
finish address is 404 before the start and to another town."""

import pytest

from hazards.models import Hazard
from inspections import services
from inspections.models import Inspection
from inspections.tests.helpers import answer_all
from inspections.tests.test_field import _task_for

pytestmark = pytest.mark.django_db


def _started(persona, district):
    task = _task_for(persona, district)
    inspector = persona("inspector_duruan")
    inspection = services.start_inspection(actor=inspector, task=task)
    answer_all(inspection, inspector, fail_numbers=(2,))
    return task, inspection


def _seen(inspection) -> dict:
    return {f"seen-{r.item_id}": r.result for r in inspection.results.all()}


def test_the_field_page_and_the_task_page_carry_the_finish_to_confirm_without_signal(
    as_user, persona, district
):
    task = _task_for(persona, district)
    client = as_user("inspector_duruan")
    item = task.template.items.order_by("number").first()
    html = client.get(f"/inspections/tasks/{task.pk}/").content.decode()
    assert f'action="/inspections/tasks/{task.pk}/finish/" data-offline-finish' in html
    assert f'name="title-{item.pk}"' in html and f'data-finish-item="{item.pk}"' in html
    inspection = services.start_inspection(actor=persona("inspector_duruan"), task=task)
    html = client.get(f"/inspections/records/{inspection.pk}/").content.decode()
    assert f'action="/inspections/records/{inspection.pk}/finish/" data-offline-finish' in html
    assert "不符合：" in html  # the item's prefilled hazard title, in the inspector's language


def test_a_finish_confirmed_without_signal_stands_on_the_answers_seen(as_user, persona, district):
    task, inspection = _started(persona, district)
    failed = inspection.results.get(result="fail")
    data = {
        **_seen(inspection),
        f"title-{failed.item_id}": "泵房入口未设警示标志",
        "idempotency_key": "finish-0001",
    }
    client = as_user("inspector_duruan")
    response = client.post(f"/inspections/tasks/{task.pk}/finish/", data)
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == "finished" and inspection.outcome == "problems_found"
    assert (
        Hazard.objects.get(origin_type="inspections.itemresult", origin_id=failed.pk).title
        == "泵房入口未设警示标志"
    )
    # The queue retries after a lost answer: the first answer again, nothing registered twice.
    again = client.post(f"/inspections/tasks/{task.pk}/finish/", data)
    assert again.status_code == 302 and again["Idempotent-Replay"] == "true"
    assert Hazard.objects.filter(origin_type="inspections.itemresult", origin_id=failed.pk).count() == 1


def test_a_finish_on_answers_changed_meanwhile_is_refused_and_nothing_is_written(as_user, persona, district):
    _task, inspection = _started(persona, district)
    seen = _seen(inspection)
    changed = inspection.results.get(item__number=1)
    services.save_item_result(
        actor=persona("inspector_duruan"), inspection=inspection, item_id=changed.item_id, result="fail"
    )
    response = as_user("inspector_duruan").post(f"/inspections/records/{inspection.pk}/finish/", seen)
    assert response.status_code == 409
    assert "不一致（第 1 项）" in response.content.decode()
    assert Inspection.objects.get(pk=inspection.pk).state == "draft"
    rows = inspection.results.values("pk")
    assert not Hazard.objects.filter(origin_type="inspections.itemresult", origin_id__in=rows).exists()


def test_a_finish_with_neither_version_nor_answers_is_refused(as_user, persona, district):
    _task, inspection = _started(persona, district)
    response = as_user("inspector_duruan").post(f"/inspections/records/{inspection.pk}/finish/", {})
    assert response.status_code == 400
    assert Inspection.objects.get(pk=inspection.pk).state == "draft"


def test_the_tasks_finish_address_is_404_before_the_start_and_to_another_town(as_user, persona, district):
    task = _task_for(persona, district)
    item = task.template.items.order_by("number").first()
    assert (
        as_user("inspector_duruan")
        .post(f"/inspections/tasks/{task.pk}/finish/", {f"seen-{item.pk}": "pass"})
        .status_code
        == 404
    )
    services.start_inspection(actor=persona("inspector_duruan"), task=task)
    assert (
        as_user("baisha")
        .post(f"/inspections/tasks/{task.pk}/finish/", {f"seen-{item.pk}": "pass"})
        .status_code
        == 404
    )
    assert as_user("baisha").get(f"/inspections/tasks/{task.pk}/finish/").status_code == 404
