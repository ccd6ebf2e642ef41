"""Campaigns: targets from the scope, tasks, coverage arithmetic, progress per town and department, scope."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from core.errors import InvalidInput
from inspections import services
from inspections.models import Campaign, CampaignTarget, InspectionTask
from inspections.selectors import campaign_progress
from inspections.tests.helpers import answer_all, campaign_data, make_enterprise
from registry.models import Enterprise


@pytest.mark.django_db
def test_targets_are_the_operating_enterprises_of_the_scope(persona, district):
    duruan, baisha = district["duruan"], district["baisha"]
    inside = make_enterprise(duruan, ["confined_space", "industry_trade"])
    closed = make_enterprise(duruan, ["confined_space"])
    Enterprise.objects.filter(pk=closed.pk).update(status="closed")
    other_sector = make_enterprise(duruan, ["gas"])
    campaign = services.launch_campaign(actor=persona("admin"), data=campaign_data([duruan, baisha]))
    ids = set(campaign.targets.values_list("enterprise_id", flat=True))
    expected = set(
        Enterprise.objects.operating()
        .filter(town__in=[duruan, baisha], sectors="confined_space")
        .values_list("pk", flat=True)
    )
    assert ids == expected
    assert inside.pk in ids and closed.pk not in ids and other_sector.pk not in ids


@pytest.mark.django_db
def test_a_town_officer_plans_only_for_its_town(persona, district):
    with pytest.raises(InvalidInput) as exc:
        services.launch_campaign(actor=persona("duruan"), data=campaign_data([district["baisha"]]))
    assert "towns" in exc.value.errors
    campaign = services.launch_campaign(actor=persona("duruan"), data=campaign_data([district["duruan"]]))
    assert set(campaign.targets.values_list("town_id", flat=True)) <= {district["duruan"].pk}


@pytest.mark.django_db
def test_coverage_arithmetic_and_progress_per_town_and_department(persona, district):
    admin = persona("admin")
    duruan, baisha = district["duruan"], district["baisha"]
    Enterprise.objects.filter(sectors="water_transport", town__in=[duruan, baisha]).update(status="suspended")
    ents = [make_enterprise(duruan, ["water_transport"]) for _ in range(3)] + [
        make_enterprise(baisha, ["water_transport"])
    ]
    campaign = services.launch_campaign(
        actor=admin,
        data=campaign_data([duruan, baisha], sectors=["water_transport"], family="water_transport"),
    )
    assert campaign.targets.count() == 4
    services.assign_tasks(
        actor=admin, campaign=campaign, deadline=timezone.localdate() + dt.timedelta(days=5)
    )
    tasks = {t.enterprise_id: t for t in InspectionTask.objects.filter(campaign=campaign)}
    # Two Duruan targets inspected: one clean, one with two failures.
    first = services.start_inspection(actor=admin, task=tasks[ents[0].pk])
    answer_all(first, admin)
    services.finish_inspection(actor=admin, inspection=first, version=first.version)
    second = services.start_inspection(actor=admin, task=tasks[ents[1].pk])
    answer_all(second, admin, fail_numbers=(1, 2))
    services.finish_inspection(actor=admin, inspection=second, version=second.version)
    # The Baisha task is overdue.
    InspectionTask.objects.filter(pk=tasks[ents[3].pk].pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )

    items = first.results.count()
    progress = campaign_progress(admin, campaign)
    total = progress.total
    assert (total.targets, total.inspected) == (4, 2)
    assert total.coverage == 0.5 and total.coverage_percent == 50.0
    assert total.items_checked == 2 * items
    assert (total.failures, total.hazards_found, total.hazards_closed, total.overdue) == (2, 2, 0, 1)
    towns = {r.key: r for r in progress.towns}
    assert (towns[str(duruan.pk)].targets, towns[str(duruan.pk)].inspected) == (3, 2)
    assert round(towns[str(duruan.pk)].coverage, 4) == round(2 / 3, 4)
    assert (
        towns[str(baisha.pk)].targets,
        towns[str(baisha.pk)].inspected,
        towns[str(baisha.pk)].overdue,
    ) == (1, 0, 1)
    departments = {r.key: r for r in progress.departments}
    assert departments["transport"].targets == 4 and departments["transport"].failures == 2

    # Scoped: the Baisha officer counts only Baisha's target.
    baisha_view = campaign_progress(persona("baisha"), campaign)
    assert (baisha_view.total.targets, baisha_view.total.inspected) == (1, 0)


@pytest.mark.django_db
def test_targets_are_editable_but_one_being_inspected_stays(persona, district):
    admin = persona("admin")
    duruan = district["duruan"]
    campaign = services.launch_campaign(actor=admin, data=campaign_data([duruan]))
    extra = make_enterprise(duruan, ["gas"])
    assert services.add_targets(actor=admin, campaign=campaign, enterprises=[extra.pk]) == 1
    target = campaign.targets.get(enterprise=extra)
    services.assign_tasks(actor=admin, campaign=campaign, deadline=campaign.end_date)
    task = InspectionTask.objects.get(campaign=campaign, enterprise=extra)
    services.start_inspection(actor=admin, task=task)
    from core.errors import Conflict

    with pytest.raises(Conflict):
        services.remove_target(actor=admin, campaign=campaign, target=target)
    other = campaign.targets.exclude(enterprise=extra).first()
    services.remove_target(actor=admin, campaign=campaign, target=other)
    assert not CampaignTarget.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_assigning_refuses_a_past_deadline_and_non_inspectors(persona, district):
    admin = persona("admin")
    campaign = services.launch_campaign(actor=admin, data=campaign_data([district["duruan"]]))
    with pytest.raises(InvalidInput) as exc:
        services.assign_tasks(
            actor=admin,
            campaign=campaign,
            deadline=timezone.localdate() - dt.timedelta(days=1),
            inspectors=[persona("duruan").pk],
        )
    assert set(exc.value.errors) == {"deadline", "inspectors"}
    assert not InspectionTask.objects.filter(campaign=campaign).exists()


@pytest.mark.django_db
def test_an_inspector_sees_the_tasks_assigned_to_it_even_outside_its_town(persona, district, api_as, as_user):
    admin = persona("admin")
    baisha = district["baisha"]
    campaign = services.launch_campaign(actor=admin, data=campaign_data([baisha]))
    inspector = persona("inspector_duruan")
    services.assign_tasks(
        actor=admin, campaign=campaign, deadline=campaign.end_date, inspectors=[inspector.pk]
    )
    task = InspectionTask.objects.filter(campaign=campaign).first()
    assert InspectionTask.objects.visible_to(inspector).filter(pk=task.pk).exists()
    assert Campaign.objects.visible_to(inspector).filter(pk=campaign.pk).exists()
    assert api_as("inspector_duruan").get(f"/api/v1/inspection-tasks/{task.pk}/").status_code == 200
    mine = api_as("inspector_duruan").get("/api/v1/inspection-tasks/?mine=true&page_size=200").json()
    assert task.pk in [t["id"] for t in mine["results"]]
    assert as_user("inspector_duruan").get(f"/inspections/tasks/{task.pk}/").status_code == 200
    # Another Duruan account without the assignment does not see the Baisha task.
    assert api_as("duruan").get(f"/api/v1/inspection-tasks/{task.pk}/").status_code == 404


@pytest.mark.django_db
def test_campaign_pages_are_scoped(as_user, persona, district):
    campaign = services.launch_campaign(actor=persona("duruan"), data=campaign_data([district["duruan"]]))
    assert as_user("duruan").get(f"/inspections/campaigns/{campaign.pk}/").status_code == 200
    assert as_user("baisha").get(f"/inspections/campaigns/{campaign.pk}/").status_code == 404
    assert as_user("baisha").get(f"/inspections/campaigns/{campaign.pk}/report.xlsx").status_code == 404
    assert as_user("ent_duruan").get(f"/inspections/campaigns/{campaign.pk}/").status_code == 404
    listing = as_user("baisha").get("/inspections/").content.decode()
    assert f"/inspections/campaigns/{campaign.pk}/" not in listing
    assert f"/inspections/campaigns/{campaign.pk}/" in as_user("duruan").get("/inspections/").content.decode()


@pytest.mark.django_db
def test_launching_from_the_page_and_the_reports(as_user, district):
    client = as_user("admin")
    data = campaign_data([district["duruan"], district["baisha"]])
    data["template"] = data["template"].pk
    response = client.post("/inspections/campaigns/new/", data)
    assert response.status_code == 302
    campaign = Campaign.objects.latest("id")
    page = client.get(f"/inspections/campaigns/{campaign.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-chart="chart-towns"' in html and 'id="chart-towns"' in html and "<script>" not in html
    xlsx = client.get(f"/inspections/campaigns/{campaign.pk}/report.xlsx")
    assert xlsx.status_code == 200
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"
    xlsx.close()
    pdf = client.get(f"/inspections/campaigns/{campaign.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert campaign.name in text and district["duruan"].name in text


@pytest.mark.django_db
def test_a_bad_campaign_writes_nothing(as_user):
    before = Campaign.objects.count()
    response = as_user("admin").post("/inspections/campaigns/new/", {"name": "", "goal": ""})
    assert response.status_code == 400
    assert Campaign.objects.count() == before


@pytest.mark.django_db
def test_api_campaign_list_and_progress(api_as, persona, district, django_assert_max_num_queries):
    admin = persona("admin")
    for _ in range(3):
        services.launch_campaign(actor=admin, data=campaign_data([district["duruan"]]))
    client = api_as("admin")
    with django_assert_max_num_queries(12):
        small = client.get("/api/v1/campaigns/?page_size=2")
    with django_assert_max_num_queries(12):
        large = client.get("/api/v1/campaigns/?page_size=50")
    assert small.status_code == large.status_code == 200
    first = large.json()["results"][0]
    assert {
        "id",
        "name",
        "kind",
        "kind_display",
        "sectors",
        "towns",
        "start_date",
        "end_date",
        "state",
        "state_display",
        "version",
    } <= set(first)
    progress = client.get(f"/api/v1/campaigns/{first['id']}/progress/").json()
    assert set(progress) == {"total", "towns", "departments"}
    assert {
        "targets",
        "inspected",
        "coverage",
        "failures",
        "hazards_found",
        "hazards_closed",
        "overdue",
    } <= set(progress["total"])
    assert api_as("baisha").get(f"/api/v1/campaigns/{first['id']}/").status_code == 404
    assert api_as("baisha").get(f"/api/v1/campaigns/{first['id']}/progress/").status_code == 404


@pytest.mark.django_db
def test_api_campaign_create_validates(api_as, district):
    client = api_as("admin")
    bad = client.post(
        "/api/v1/campaigns/",
        {
            "name": "x",
            "goal": "y",
            "sectors": ["nope"],
            "towns": [district["duruan"].pk],
            "start_date": "2026-01-01",
            "end_date": "2025-01-01",
            "template": 1,
        },
        format="json",
    )
    assert bad.status_code == 400
    assert "sectors" in bad.json() and "end_date" in bad.json()
    assert api_as("leader").post("/api/v1/campaigns/", {}, format="json").status_code in (400, 403)


@pytest.mark.django_db
def test_one_task_is_reassigned_with_a_version_check(as_user, persona, district):
    from notifications.models import Notification

    admin = persona("admin")
    campaign = services.launch_campaign(actor=admin, data=campaign_data([district["duruan"]]))
    services.assign_tasks(actor=admin, campaign=campaign, deadline=campaign.end_date)
    task = InspectionTask.objects.filter(campaign=campaign).first()
    inspector = persona("inspector_duruan")
    new_deadline = timezone.localdate() + dt.timedelta(days=3)
    response = as_user("duruan").post(
        f"/inspections/tasks/{task.pk}/reassign/",
        {"deadline": new_deadline.isoformat(), "inspectors": [inspector.pk], "version": task.version},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.deadline == new_deadline and list(task.inspectors.all()) == [inspector]
    assert Notification.objects.filter(recipient=inspector, target_id=task.pk).exists()
    from core.errors import Conflict

    with pytest.raises(Conflict):
        services.reassign_task(
            actor=admin, task=task, deadline=new_deadline, inspectors=[inspector.pk], version=1
        )
    assert as_user("baisha").post(f"/inspections/tasks/{task.pk}/reassign/", {}).status_code == 404
    later = timezone.localdate() + dt.timedelta(days=9)
    stale = as_user("duruan").post(
        f"/inspections/tasks/{task.pk}/reassign/",
        {"deadline": later.isoformat(), "inspectors": [inspector.pk], "version": 1},
    )
    # The task's page again, the deadline typed kept and the refusal shown; nothing changed.
    assert stale.status_code == 409 and f'value="{later.isoformat()}"' in stale.content.decode()
    assert 'data-testid="form-errors"' in stale.content.decode()
    task.refresh_from_db()
    assert task.deadline == new_deadline


@pytest.mark.django_db
def test_api_task_assign(api_as, persona, district):
    admin = persona("admin")
    campaign = services.launch_campaign(actor=admin, data=campaign_data([district["duruan"]]))
    services.assign_tasks(actor=admin, campaign=campaign, deadline=campaign.end_date)
    task = InspectionTask.objects.filter(campaign=campaign).first()
    inspector = persona("inspector_duruan")
    body = {"deadline": campaign.end_date.isoformat(), "inspectors": [inspector.pk], "version": task.version}
    assert (
        api_as("leader").post(f"/api/v1/inspection-tasks/{task.pk}/assign/", body, format="json").status_code
        == 403
    )
    ok = api_as("duruan").post(f"/api/v1/inspection-tasks/{task.pk}/assign/", body, format="json")
    assert ok.status_code == 200 and ok.json()["inspectors"] == [inspector.pk]
    stale = api_as("duruan").post(f"/api/v1/inspection-tasks/{task.pk}/assign/", body, format="json")
    assert stale.status_code == 409
