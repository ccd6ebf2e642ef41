"""A month for every room at once (issue 13): each room's draft made, generated and published through the
roster services as a job with progress; a draft shaped by hand is kept; a room with gaps stays a draft
named with its reason; scope, roles and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core import background
from core.errors import InvalidInput, NotAllowed
from core.models import BackgroundJob
from duty import services
from duty.choices import RosterState, ShiftRole
from duty.models import DutyRoom, Roster, Shift
from duty.tests.conftest import month_ahead


def _run(job):
    assert background.run_background_job(job.pk) == BackgroundJob.State.DONE
    job.refresh_from_db()
    return job


def test_the_district_prepares_and_publishes_every_rooms_month_in_one_job(persona):
    month = month_ahead(3)
    job = services.prepare_month(actor=persona("admin"), data={"month": f"{month:%Y-%m}", "publish": True})
    assert job.total == DutyRoom.objects.count() == 9
    job = _run(job)
    rosters = Roster.objects.filter(month=month)
    assert rosters.count() == 9 and set(rosters.values_list("state", flat=True)) == {RosterState.PUBLISHED}
    assert job.summary["published"] == 9 and job.done == 9
    assert all(services.check_coverage(r) == {"gaps": [], "double_bookings": []} for r in rosters)
    for action in ("duty.roster.created", "duty.roster.generate", "duty.roster.publish"):
        assert (
            AuditEvent.objects.filter(
                action=action, target_type="duty.roster", target_id__in=[r.pk for r in rosters]
            ).count()
            == 9
        )

    again = _run(
        services.prepare_month(actor=persona("admin"), data={"month": f"{month:%Y-%m}", "publish": True})
    )
    assert Roster.objects.filter(month=month).count() == 9  # nothing made twice
    assert again.summary["published"] == 9


def test_a_draft_shaped_by_hand_is_kept_and_its_gaps_keep_it_a_draft_named(persona):
    month = month_ahead(4)
    admin = persona("admin")
    room = DutyRoom.objects.get(town__isnull=True)
    draft = services.create_roster(actor=admin, data={"room": room.pk, "month": f"{month:%Y-%m}"})
    leader = room.leaders.first()
    start = dt.datetime.combine(month, dt.time(8, 30), tzinfo=dt.UTC)
    Shift.objects.create(
        roster=draft, person=leader, role=ShiftRole.LEADER, start=start, end=start + dt.timedelta(hours=24)
    )

    job = _run(services.prepare_month(actor=admin, data={"month": f"{month:%Y-%m}", "publish": "on"}))
    draft.refresh_from_db()
    assert draft.state == RosterState.DRAFT and draft.shifts.count() == 1  # not regenerated
    line = next(o for o in job.summary["rooms"] if o["room"] == room.pk)
    assert line["state"] == RosterState.DRAFT and line["gaps"] > 0 and line["problem"]
    assert job.summary["published"] == 8


def test_a_town_prepares_its_own_room_only_and_without_publishing_leaves_drafts(persona, district):
    month = month_ahead(5)
    job = _run(services.prepare_month(actor=persona("duruan"), data={"month": f"{month:%Y-%m}"}))
    rosters = Roster.objects.filter(month=month)
    assert [r.room.town_id for r in rosters] == [district["duruan"].pk]
    assert rosters.get().state == RosterState.DRAFT and rosters.get().shifts.exists()
    assert job.summary["published"] == 0


@pytest.mark.parametrize("month", ["", "2027-13", "next", "2027-1-1"])
def test_a_bad_month_is_400_on_month_and_queues_nothing(persona, month):
    before = BackgroundJob.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.prepare_month(actor=persona("admin"), data={"month": month})
    assert "month" in refused.value.errors and BackgroundJob.objects.count() == before


def test_who_keeps_no_roster_is_refused(persona):
    with pytest.raises(NotAllowed):
        services.prepare_month(actor=persona("leader"), data={"month": f"{month_ahead(3):%Y-%m}"})


def test_the_api_answers_202_with_the_job_to_follow(api_as):
    client = api_as("admin")
    answer = client.post(
        "/api/v1/duty/rosters/prepare-month/",
        {"month": f"{month_ahead(6):%Y-%m}", "publish": True},
        format="json",
    )
    assert answer.status_code == 202, answer.content
    assert answer["Location"] == answer.json()["url"]
    assert client.get(answer["Location"]).json()["kind"] == "duty.month"
    refused = client.post("/api/v1/duty/rosters/prepare-month/", {"month": ["2027-01"]}, format="json")
    assert refused.status_code == 400 and "month" in refused.json()


def test_the_rooms_page_offers_the_month_and_shows_each_rooms_roster(as_user, persona):
    month = month_ahead(3)
    client = as_user("admin")
    page = client.get(reverse("duty:rooms"), {"month": f"{month:%Y-%m}"})
    assert 'data-testid="month-prepare"' in page.content.decode()
    assert all(roster is None for _room, roster, _gaps in page.context["rows"])
    posted = client.post(reverse("duty:month_prepare"), {"month": f"{month:%Y-%m}", "publish": "on"})
    job = BackgroundJob.objects.get(kind="duty.month", owner=persona("admin"))
    assert posted.status_code == 302 and posted["Location"] == job.get_absolute_url()
    _run(job)
    page = client.get(reverse("duty:rooms"), {"month": f"{month:%Y-%m}"})
    assert all(roster.state == RosterState.PUBLISHED for _room, roster, _gaps in page.context["rows"])
    bad = client.post(reverse("duty:month_prepare"), {"month": "2027-13", "publish": "on"})
    assert bad.status_code == 400 and 'value="2027-13"' in bad.content.decode()  # what was typed stays
    assert 'data-testid="month-prepare"' not in as_user("leader").get(reverse("duty:rooms")).content.decode()
    # A month typed into the address that is no month is said so, not replaced by next month's rosters.
    typo = client.get(reverse("duty:rooms"), {"month": "2027-13"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert typo.status_code == 400 and "YYYY-MM" in typo.content.decode()
