"""An inspection started without signal (issue 20): the task page carries the checklist, answered at the
task's addresses; when the signal returns the start is sent first (with the moment the inspector pressed
it), then the answers, the photos and the place. Before the start reaches the server those addresses are 404;
another town's user gets 404 on them like on the task."""

import datetime as dt

import pytest
from django.utils import timezone

from inspections.models import Inspection, ItemResult
from inspections.tests.test_field import _png, _task_for

pytestmark = pytest.mark.django_db


def test_the_task_page_carries_the_checklist_to_answer_before_the_start(as_user, persona, district):
    task = _task_for(persona, district)
    html = as_user("inspector_duruan").get(f"/inspections/tasks/{task.pk}/").content.decode()
    assert 'data-testid="offline-start"' in html and "data-offline-start" in html
    first = task.template.items.order_by("number").first()
    assert f'hx-post="/inspections/tasks/{task.pk}/items/{first.pk}/"' in html
    assert f'hx-post="/inspections/tasks/{task.pk}/details/"' in html
    # Only to someone who may start it: the town leader reads the task without the checklist forms.
    assert (
        'data-testid="offline-start"'
        not in as_user("leader").get(f"/inspections/tasks/{task.pk}/").content.decode()
    )


def test_answers_sent_after_an_offline_start_land_on_the_tasks_inspection(as_user, persona, district):
    task = _task_for(persona, district)
    client = as_user("inspector_duruan")
    item = task.template.items.order_by("number").first()
    answer = {"result": "fail", "note": "未设置警示标志"}
    assert client.post(f"/inspections/tasks/{task.pk}/items/{item.pk}/", answer).status_code == 404
    pressed = timezone.now() - dt.timedelta(hours=2)
    started = client.post(f"/inspections/tasks/{task.pk}/start/", {"started_at": pressed.isoformat()})
    inspection = Inspection.objects.get(task=task)
    assert started.status_code == 302 and inspection.started_at == pressed

    saved = client.post(f"/inspections/tasks/{task.pk}/items/{item.pk}/", answer, HTTP_HX_REQUEST="true")
    photo = client.post(
        f"/inspections/tasks/{task.pk}/items/{item.pk}/photo/", {"file": _png()}, HTTP_HX_REQUEST="true"
    )
    place = client.post(
        f"/inspections/tasks/{task.pk}/details/", {"place": "地下泵房"}, HTTP_HX_REQUEST="true"
    )
    assert (saved.status_code, photo.status_code, place.status_code) == (200, 200, 200)
    row = ItemResult.objects.get(inspection=inspection, item=item)
    assert (row.result, row.note) == ("fail", "未设置警示标志")
    inspection.refresh_from_db()
    assert inspection.place == "地下泵房"


@pytest.mark.parametrize("offset", [dt.timedelta(hours=-25), dt.timedelta(hours=1)])
def test_a_start_time_outside_the_days_work_is_refused_and_nothing_starts(as_user, persona, district, offset):
    task = _task_for(persona, district)
    moment = (timezone.now() + offset).isoformat()
    response = as_user("inspector_duruan").post(
        f"/inspections/tasks/{task.pk}/start/", {"started_at": moment}
    )
    assert response.status_code == 400 and "24" in response.content.decode()
    assert not Inspection.objects.filter(task=task).exists()
    assert (
        as_user("inspector_duruan")
        .post(f"/inspections/tasks/{task.pk}/start/", {"started_at": "2026-13-01"})
        .status_code
        == 400
    )


def test_another_towns_user_gets_404_at_the_tasks_addresses(as_user, persona, district):
    task = _task_for(persona, district)
    as_user("inspector_duruan").post(f"/inspections/tasks/{task.pk}/start/")
    item = task.template.items.order_by("number").first()
    stranger = as_user("baisha")
    assert (
        stranger.post(f"/inspections/tasks/{task.pk}/items/{item.pk}/", {"result": "pass"}).status_code == 404
    )
    assert stranger.post(f"/inspections/tasks/{task.pk}/details/", {"place": "x"}).status_code == 404
    assert (
        stranger.post(f"/inspections/tasks/{task.pk}/items/{item.pk}/photo/", {"file": _png()}).status_code
        == 404
    )
    assert ItemResult.objects.get(inspection__task=task, item=item).result == "pending"
