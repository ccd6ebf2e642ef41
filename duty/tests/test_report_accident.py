"""Linking an information report to an accident record that already exists (not making a new one): the
desk's action on the API and on the page, with the version check, the audit event, the follow-up clock the
accident's level sets, and every refusal writing nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from duty import services
from duty.models import InfoReport

LINKED = "duty.info_report.link_accident"


@pytest.fixture
def report(persona, district):
    """A quiet report of Duruan, just submitted: daily follow-ups (R-ACC-4)."""
    now = timezone.now()
    return services.submit_report(
        actor=persona("duruan"),
        data={
            "town": district["duruan"].pk,
            "title": "杜阮镇某厂机械伤害",
            "event_type": "production_accident",
            "occurred_at": now - dt.timedelta(minutes=30),
            "known_at": now - dt.timedelta(minutes=20),
            "deaths": 0,
            "missing": 0,
            "serious_injuries": 0,
            "description": "冲床伤人，正在核实。",
        },
    )


@pytest.fixture
def accident(persona, district):
    """An accident already recorded by the duty room, apart from the report: a major one (ten deaths)."""
    from accidents.services import record_accident

    def make(town="duruan", deaths=10):
        return record_accident(
            actor=persona("duty"),
            data={
                "occurred_at": timezone.now() - dt.timedelta(minutes=40),
                "town": district[town],
                "sector": "industry_trade",
                "enterprise": None,
                "accident_type": "03",
                "narrative": "冲床伤人",
                "deaths": deaths,
                "serious_injuries": 0,
                "direct_loss": 0,
            },
        )

    return make


def _link(client, report, accident_id, version):
    return client.post(
        f"/api/v1/info-reports/{report.pk}/link-accident/",
        {"version": version, "accident": accident_id},
        format="json",
    )


def _links(report):
    return AuditEvent.objects.for_object(report).filter(action=LINKED)


def test_the_desk_links_a_report_to_an_existing_accident_and_records_it(api_as, report, accident):
    """R-DUTY-3, R-ACC-4: the link moves the version, leaves the state, is audited, and a major accident
    asks follow-ups twice a day."""
    from accidents.models import Accident

    existing = accident()
    accidents_before = Accident.objects.count()
    assert report.follow_up_due_at == report.last_report_at + dt.timedelta(hours=24)

    response = _link(api_as("duty"), report, existing.pk, report.version)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["accident"] == existing.pk
    assert body["version"] == report.version + 1 and body["state"] == "submitted"
    assert Accident.objects.count() == accidents_before  # linked, not made
    fresh = InfoReport.objects.get(pk=report.pk)
    assert fresh.accident_id == existing.pk
    assert fresh.follow_up_due_at == report.last_report_at + dt.timedelta(hours=12)
    [event] = _links(report)
    assert event.actor.username == "duty"
    assert event.data["accident"] == existing.pk
    assert (event.data["from_state"], event.data["to_state"]) == ("submitted", "submitted")


def test_a_link_with_a_stale_or_missing_version_changes_nothing(api_as, report, accident):
    """R-DUTY-3: the version the desk read guards the link (stale 409, missing 400)."""
    existing = accident()
    client = api_as("duty")
    assert _link(client, report, existing.pk, report.version + 1).status_code == 409
    missing = client.post(
        f"/api/v1/info-reports/{report.pk}/link-accident/", {"accident": existing.pk}, format="json"
    )
    assert missing.status_code == 400 and "version" in missing.json()
    fresh = InfoReport.objects.get(pk=report.pk)
    assert fresh.accident_id is None and fresh.version == report.version
    assert not _links(report).exists()


def test_a_closed_report_refuses_a_link_with_409(api_as, persona, report, accident):
    """R-DUTY-3: only an open report takes a link."""
    existing = accident()
    closed = services.REPORT_SERVICES["close"](report, actor=persona("duty"), version=report.version)
    response = _link(api_as("duty"), closed, existing.pk, closed.version)
    assert response.status_code == 409
    fresh = InfoReport.objects.get(pk=report.pk)
    assert fresh.accident_id is None and fresh.version == closed.version
    assert not _links(report).exists()


def test_a_report_of_another_town_is_404_and_a_town_may_not_link_its_own(api_as, report, accident):
    """R-DUTY-3: linking is the district desk's; another town's report is out of scope (404), a town's own
    report is visible but the action is not its role's (403)."""
    existing = accident(town="baisha")
    assert _link(api_as("baisha"), report, existing.pk, report.version).status_code == 404
    assert _link(api_as("duruan"), report, existing.pk, report.version).status_code == 403
    assert InfoReport.objects.get(pk=report.pk).accident_id is None
    assert not _links(report).exists()


def test_an_accident_the_desk_cannot_see_is_refused_like_an_unknown_one(api_as, report, accident):
    """R-DUTY-3: the accident must be a record the desk can see; an unknown id names the field and gives
    no hint whether such a record exists elsewhere."""
    from accidents.models import Accident

    unknown = (Accident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    response = _link(api_as("duty"), report, unknown, report.version)
    assert response.status_code == 400
    assert list(response.json()) == ["accident"]
    assert InfoReport.objects.get(pk=report.pk).accident_id is None
    assert not _links(report).exists()


def test_an_accident_of_another_town_is_refused_naming_the_reports_town(api_as, report, accident):
    """R-DUTY-3: a report of Duruan names an accident of Duruan; the desk (which sees every town) may not
    link Baisha's, which would put the wrong town's clocks and leader on the report."""
    elsewhere = accident("baisha")
    response = _link(api_as("duty"), report, elsewhere.pk, report.version)
    assert response.status_code == 400 and list(response.json()) == ["accident"]
    assert report.town.name in str(response.json()["accident"])
    assert InfoReport.objects.get(pk=report.pk).accident_id is None and not _links(report).exists()
    assert _link(api_as("duty"), report, accident("duruan").pk, report.version).status_code == 200


def test_the_report_page_links_an_existing_accident(as_user, report, accident):
    """R-DUTY-3: the page's action runs the same service (a redirect to the report, then the link)."""
    existing = accident(deaths=1)
    client = as_user("duty")
    url = f"/duty/reports/{report.pk}/link-accident/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": report.version, "accident": existing.pk})
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert InfoReport.objects.get(pk=report.pk).accident_id == existing.pk
    assert _links(report).count() == 1
    page = client.get(report.get_absolute_url()).content.decode()
    assert reverse("accidents:detail", args=[existing.pk]) in page


def test_the_report_page_refuses_a_stale_version_with_409(as_user, report, accident):
    """R-DUTY-3: a page posted from an old read is refused and the form shown again."""
    existing = accident(deaths=1)
    response = as_user("duty").post(
        f"/duty/reports/{report.pk}/link-accident/", {"version": report.version - 1, "accident": existing.pk}
    )
    assert response.status_code == 409
    assert InfoReport.objects.get(pk=report.pk).accident_id is None
