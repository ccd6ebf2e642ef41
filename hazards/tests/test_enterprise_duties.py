"""R-HAZ-10…12 through the API: closure inside the enterprise, the sample re-check, the statistics tables,
resumption after a major hazard stopped production."""

import datetime as dt

import pytest
from django.utils import timezone

from hazards.models import Hazard, HazardRecheck
from hazards.services import statements
from hazards.tests.helpers import reported, submitted


def _self_found_submitted(persona):
    """A general hazard the demo enterprise found itself, rectified and submitted by ent_duruan."""
    ent = persona("ent_duruan")
    hazard = submitted(ent, ent.enterprise, submitter=ent, source="self_inspection")
    assert hazard.submitted_by_id == ent.pk
    return hazard


def test_a_second_enterprise_user_accepts_and_closes_its_own_self_inspection_hazard(
    api_as, persona, settings
):
    settings.HAZARD_RECHECK_PERCENT = 100
    hazard = _self_found_submitted(persona)
    # The person who rectified never accepts.
    assert (
        api_as("ent_duruan")
        .post(f"/api/v1/hazards/{hazard.pk}/accept/", {"version": hazard.version}, format="json")
        .status_code
        == 403
    )
    head = api_as("ent_duruan_head")
    accepted = head.post(f"/api/v1/hazards/{hazard.pk}/accept/", {"version": hazard.version}, format="json")
    assert accepted.status_code == 200, accepted.content
    closed = head.post(
        f"/api/v1/hazards/{hazard.pk}/close/", {"version": accepted.json()["version"]}, format="json"
    )
    assert closed.status_code == 200, closed.content
    assert Hazard.objects.get(pk=hazard.pk).state == "closed"
    # Drawn for the government's re-check (setting 100 % here), which records its opinion.
    pending = api_as("duruan").get("/api/v1/hazard-rechecks/?pending=true").json()["results"]
    assert hazard.pk in [r["hazard"] for r in pending]
    assert (
        api_as("ent_duruan_head")
        .post(f"/api/v1/hazards/{hazard.pk}/recheck/", {"opinion": "ok", "passed": True}, format="json")
        .status_code
        == 403
    )
    done = api_as("duruan").post(
        f"/api/v1/hazards/{hazard.pk}/recheck/",
        {"opinion": "现场复查，整改到位", "passed": True},
        format="json",
    )
    assert done.status_code == 200 and done.json()["rechecked_at"]
    again = api_as("duruan").post(
        f"/api/v1/hazards/{hazard.pk}/recheck/", {"opinion": "x", "passed": True}, format="json"
    )
    assert again.status_code == 409


def test_none_is_drawn_at_zero_percent_and_government_found_hazards_stay_with_the_government(
    persona, settings
):
    settings.HAZARD_RECHECK_PERCENT = 0
    hazard = _self_found_submitted(persona)
    from hazards import services

    head = persona("ent_duruan_head")
    hazard = services.accept_rectification(actor=head, hazard=hazard, version=hazard.version)
    services.close_hazard(actor=head, hazard=hazard, version=hazard.version)
    assert not HazardRecheck.objects.filter(hazard=hazard).exists()
    ent = persona("ent_duruan")
    found = submitted(persona("admin"), ent.enterprise, submitter=ent)
    from hazards.rules import may

    assert not may(head, "accept", found)


@pytest.mark.django_db
def test_the_quarterly_table_figures_equal_the_hazard_ledger(api_as, persona):
    head = persona("ent_duruan_head")
    enterprise = head.enterprise
    today = timezone.localdate()
    year, quarter = (today.year, (today.month - 1) // 3) if today.month > 3 else (today.year - 1, 4)
    start, end = statements.period_bounds(year, quarter)
    when = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=3), dt.time(10)))
    ent = persona("ent_duruan")
    made = [reported(ent, enterprise, source="self_inspection") for _ in range(2)]
    Hazard.objects.filter(pk__in=[h.pk for h in made]).update(discovered_at=when)
    response = api_as("ent_duruan_head").post(
        "/api/v1/hazard-statements/",
        {"enterprise": enterprise.pk, "year": year, "quarter": quarter},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    ledger = Hazard.objects.filter(
        enterprise=enterprise, discovered_at__date__gte=start, discovered_at__date__lte=end
    ).exclude(state="cancelled")
    assert body["figures"]["general_found"] == ledger.filter(level="general").count() >= 2
    assert body["figures"]["major_found"] == ledger.filter(level="major").count()
    assert body["due_on"] == statements.statement_due(year, quarter).isoformat()
    assert body["signed_by_name"]
    # Only the principal signs; a second table for the period is refused.
    assert (
        api_as("ent_duruan")
        .post(
            "/api/v1/hazard-statements/",
            {"enterprise": enterprise.pk, "year": year, "quarter": quarter},
            format="json",
        )
        .status_code
        == 403
    )
    assert (
        api_as("ent_duruan_head")
        .post(
            "/api/v1/hazard-statements/",
            {"enterprise": enterprise.pk, "year": year, "quarter": quarter},
            format="json",
        )
        .status_code
        == 409
    )


@pytest.mark.django_db
def test_due_dates_and_late_flags():
    assert statements.statement_due(2026, 1) == dt.date(2026, 4, 15)
    assert statements.statement_due(2026, 4) == dt.date(2027, 1, 15)
    assert statements.statement_due(2026, None) == dt.date(2027, 1, 31)
    missing = statements.missing_statements(enterprise_id=0, today=dt.date(2026, 5, 1))
    assert {"year": 2026, "quarter": 1, "due_on": dt.date(2026, 4, 15)} in missing
    assert {"year": 2025, "quarter": None, "due_on": dt.date(2026, 1, 31)} in missing


def test_resumption_is_reviewed_on_site_within_10_days(api_as, persona):
    ent = persona("ent_duruan")
    hazard = submitted(persona("admin"), ent.enterprise, submitter=ent, major=True)
    url = f"/api/v1/hazards/{hazard.pk}/resumption/"
    applied = api_as("ent_duruan").post(
        url,
        {"stopped_on": timezone.localdate().isoformat(), "application": "已完成治理并经评估"},
        format="json",
    )
    assert applied.status_code == 201, applied.content
    from core.calendar import period_end

    due = dt.date.fromisoformat(applied.json()["review_due"])
    assert due == period_end(timezone.localdate(), 10) and (due - timezone.localdate()).days >= 10
    assert (
        api_as("ent_duruan")
        .post(url, {"stopped_on": "2026-01-01", "application": "x"}, format="json")
        .status_code
        == 409
    )
    current = Hazard.objects.get(pk=hazard.pk)
    more = api_as("yjj").post(
        f"{url}review/",
        {"decision": "more_work", "opinion": "通风系统未整改到位", "version": current.version},
        format="json",
    )
    assert more.status_code == 200, more.content
    assert more.json()["decision"] == "more_work" and more.json()["review_late"] is False
    assert Hazard.objects.get(pk=hazard.pk).state == "rectifying"


def test_unfiled_tables_past_their_due_date_are_listed_as_late(api_as, persona):
    rows = api_as("ent_duruan").get("/api/v1/hazard-statements/missing/").json()
    today = timezone.localdate()
    assert {
        "year": today.year - 1,
        "quarter": None,
        "due_on": dt.date(today.year, 1, 31).isoformat(),
    } in rows or (today <= dt.date(today.year, 1, 31))
    assert api_as("duruan").get("/api/v1/hazard-statements/missing/").status_code == 400
    enterprise = persona("ent_duruan").enterprise
    assert (
        api_as("baisha").get(f"/api/v1/hazard-statements/missing/?enterprise={enterprise.pk}").status_code
        == 404
    )
