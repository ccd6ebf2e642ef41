"""Every change of a task's state, a campaign's list and a draft's answers runs through the workflow tables of
inspections/rules.py: the version read, the conditional UPDATE and one audit event, in one transaction."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import Conflict
from inspections import services
from inspections.models import Inspection, InspectionTask
from inspections.tests.helpers import answer_all, campaign_data, make_enterprise
from registry.models import Enterprise


@pytest.fixture
def campaign(persona, district):
    """A campaign of two new enterprises in Duruan, each with an open task."""
    duruan = district["duruan"]
    Enterprise.objects.filter(sectors="water_transport", town=duruan).update(status="suspended")
    for _ in range(2):
        make_enterprise(duruan, ["water_transport"])
    launched = services.launch_campaign(
        actor=persona("admin"),
        data=campaign_data([duruan], sectors=["water_transport"], family="water_transport"),
    )
    services.assign_tasks(
        actor=persona("admin"), campaign=launched, deadline=timezone.localdate() + dt.timedelta(days=5)
    )
    launched.refresh_from_db()
    return launched


def _events(obj, action: str) -> int:
    return AuditEvent.objects.for_object(obj).filter(action=action).count()


@pytest.mark.django_db
def test_starting_a_task_is_its_transition_and_a_second_start_resumes_the_draft(persona, campaign):
    admin = persona("admin")
    task = campaign.tasks.order_by("pk").first()
    read = task.version
    inspection = services.start_inspection(actor=admin, task=task)
    task.refresh_from_db()
    assert (task.state, task.version) == ("in_progress", read + 1)
    assert _events(task, "inspections.task.started") == 1
    assert services.start_inspection(actor=admin, task=task).pk == inspection.pk
    assert _events(task, "inspections.task.started") == 1


@pytest.mark.django_db
def test_a_start_based_on_an_older_reading_of_the_task_is_refused_and_opens_nothing(persona, campaign):
    task = campaign.tasks.order_by("pk").first()
    with pytest.raises(Conflict):
        services.start_inspection(actor=persona("admin"), task=task, version=task.version - 1)
    task.refresh_from_db()
    assert task.state == "open" and not Inspection.objects.filter(task=task).exists()


@pytest.mark.django_db
def test_finishing_the_inspection_completes_its_task_through_the_task_workflow(persona, campaign):
    admin = persona("admin")
    task = campaign.tasks.order_by("pk").first()
    inspection = services.start_inspection(actor=admin, task=task)
    answer_all(inspection, admin)
    inspection.refresh_from_db()
    services.finish_inspection(actor=admin, inspection=inspection, version=inspection.version)
    task.refresh_from_db()
    assert task.state == "done"
    assert _events(task, "inspections.task.done") == 1


@pytest.mark.django_db
def test_closing_a_campaign_cancels_each_open_task_with_its_version_and_event(persona, campaign):
    admin = persona("admin")
    started, waiting = campaign.tasks.order_by("pk")
    services.start_inspection(actor=admin, task=started)
    read = waiting.version
    campaign.refresh_from_db()
    services.close_campaign(actor=admin, campaign=campaign, version=campaign.version)
    waiting.refresh_from_db()
    started.refresh_from_db()
    assert (waiting.state, waiting.version) == ("cancelled", read + 1)
    assert _events(waiting, "inspections.task.cancelled") == 1
    assert started.state == "in_progress" and _events(started, "inspections.task.cancelled") == 0


@pytest.mark.django_db
def test_a_list_change_based_on_an_older_reading_of_the_campaign_gets_409_and_changes_nothing(
    api_as, campaign, district
):
    extra = make_enterprise(district["duruan"], ["gas"])
    url = f"/api/v1/campaigns/{campaign.pk}/targets/"
    before = campaign.targets.count()
    stale = api_as("admin").post(
        url, {"enterprises": [extra.pk], "version": campaign.version - 1}, format="json"
    )
    assert stale.status_code == 409
    assert campaign.targets.count() == before
    added = api_as("admin").post(url, {"enterprises": [extra.pk], "version": campaign.version}, format="json")
    assert added.status_code == 201 and campaign.targets.count() == before + 1
    campaign.refresh_from_db()
    assert _events(campaign, "inspections.campaign.targets_added") == 1
    # API.md names no version for this route: left out, it is the one the server reads.
    other = make_enterprise(district["duruan"], ["gas"])
    assert api_as("admin").post(url, {"enterprises": [other.pk]}, format="json").status_code == 201


@pytest.mark.django_db
def test_the_page_refuses_a_stale_task_assignment_with_409_and_keeps_the_tasks(as_user, campaign):
    deadlines = set(InspectionTask.objects.filter(campaign=campaign).values_list("deadline", flat=True))
    due = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    refused = as_user("admin").post(
        f"/inspections/campaigns/{campaign.pk}/assign/", {"deadline": due, "version": campaign.version - 1}
    )
    assert refused.status_code == 409
    assert (
        set(InspectionTask.objects.filter(campaign=campaign).values_list("deadline", flat=True)) == deadlines
    )


@pytest.mark.django_db
def test_answers_and_details_are_recorded_on_the_draft_under_its_version(persona, api_as):
    from inspections.tests.helpers import template

    inspection = services.start_inspection(
        actor=persona("inspector_duruan"), enterprise=persona("ent_duruan").enterprise, template=template()
    )
    row = inspection.results.order_by("item__number").first()
    client = api_as("inspector_duruan")
    url = f"/api/v1/inspections/{inspection.pk}/"
    stale = {"item": row.item_id, "result": "pass", "version": inspection.version - 1}
    assert client.post(url + "results/", stale, format="json").status_code == 409
    row.refresh_from_db()
    assert row.result == "pending"
    saved = client.post(url + "results/", {"item": row.item_id, "result": "pass"}, format="json")
    assert saved.status_code == 200
    inspection.refresh_from_db()
    assert _events(inspection, "inspections.inspection.answered") == 1
    details = {"place": "一号车间", "version": inspection.version - 1}
    assert client.post(url + "details/", details, format="json").status_code == 409
    details["version"] = inspection.version
    assert client.post(url + "details/", details, format="json").json()["place"] == "一号车间"
    # A finish based on the reading before the answers is refused: they bumped the draft's version.
    inspection.refresh_from_db()
    with pytest.raises(Conflict):
        services.finish_inspection(
            actor=persona("inspector_duruan"), inspection=inspection, version=inspection.version - 1
        )


@pytest.mark.django_db
def test_the_targets_page_refuses_a_stale_or_empty_choice_and_keeps_the_search_and_the_ticks(
    as_user, campaign, district
):
    extra = make_enterprise(district["duruan"], ["gas"], name="杜阮燃气补充目标有限公司")
    url = f"/inspections/campaigns/{campaign.pk}/targets/add/?q=杜阮燃气补充目标"
    client = as_user("admin")
    before = campaign.targets.count()
    stale = client.post(url, {"enterprise": [extra.pk], "version": campaign.version - 1})
    assert stale.status_code == 409 and campaign.targets.count() == before
    assert f'value="{extra.pk}" id="e{extra.pk}" checked' in stale.content.decode()
    empty = client.post(url, {"version": campaign.version}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert empty.status_code == 400 and "请选择本辖区内的企业。" in empty.content.decode()
    assert campaign.targets.count() == before
    assert _events(campaign, "inspections.campaign.targets_added") == 0


@pytest.mark.django_db
def test_removing_a_target_on_a_stale_page_answers_409_and_keeps_it(as_user, campaign):
    target = campaign.targets.order_by("pk").first()
    url = f"/inspections/campaigns/{campaign.pk}/targets/{target.pk}/remove/"
    refused = as_user("admin").post(url, {"version": campaign.version - 1})
    assert refused.status_code == 409
    assert campaign.targets.filter(pk=target.pk).exists()
    assert campaign.tasks.filter(enterprise_id=target.enterprise_id, state="open").exists()
