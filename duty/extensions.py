"""The duty module plugs into the shared pages: navigation, the duty officer's home panel, the demo
district, the jobs, the annual assessment items and the cockpit figures."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.extensions import (
    AssessmentItem,
    CockpitFigure,
    DemoBuilder,
    HomePanel,
    Measured,
    NavItem,
    assessment_items,
    cockpit_figures,
    demo_builders,
    home_panels,
    nav_items,
)
from core.scoping import scope_of
from duty import tasks  # noqa: F401  (registers the jobs)


def _sees(user) -> bool:
    return not scope_of(user).is_empty


def _duty_room(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.role_codes & {Role.DUTY_OFFICER, Role.DISTRICT_ADMIN}
    )


nav_items.register(NavItem("duty", _("Duty"), "duty:board", 45, "telephone", _sees))


def _panel(request) -> dict:
    from django.utils import timezone

    from duty import selectors
    from duty.choices import ShiftRole

    now = timezone.now()
    room = selectors.district_room()
    reports = list(selectors.open_reports(request.user)[:5])
    for report in reports:
        report.clocks = selectors.report_clocks(report, now)
    return {
        "leaders": selectors.on_duty_people(room, ShiftRole.LEADER, now),
        "officers": selectors.on_duty_people(room, ShiftRole.OFFICER, now),
        "reports": reports,
    }


home_panels.register(HomePanel("duty", 5, "duty/panels/home.html", _panel, _duty_room))


def _build(*, rng, stdout=None, small=False, **_options):
    from duty.demo import build_duty

    build_duty(rng=rng, small=small, stdout=stdout)


demo_builders.register(DemoBuilder("duty", 70, _build))


# --- the annual assessment -----------------------------------------------------------------------------


def _late_reports(*, kind, unit_id, year, until) -> Measured:
    from duty.models import InfoReport

    records = InfoReport.objects.filter(late=True, known_at__year=year, known_at__date__lte=until)
    records = records.filter(town_id=unit_id) if kind == "town" else records.filter(department_id=unit_id)
    key = "town" if kind == "town" else "department"
    return Measured(records.count(), records, f"/duty/reports/?late=1&{key}={unit_id}")


def _duty_gaps(*, kind, unit_id, year, until) -> Measured:
    from duty.models import Roster
    from duty.services import check_coverage

    rosters = Roster.objects.filter(
        room__town_id=unit_id, state="published", month__year=year, month__lte=until
    ).select_related("room")
    # The gaps themselves are the records behind the value (API.md: the list's count is the value).
    gaps = [_gap_record(roster, gap) for roster in rosters for gap in check_coverage(roster)["gaps"]]
    return Measured(len(gaps), gaps, "/duty/rooms/")


def _gap_record(roster, gap: dict) -> dict:
    from django.utils import timezone

    from duty.choices import ShiftRole

    start, end = (timezone.localtime(gap[k]).strftime("%m-%d %H:%M") for k in ("start", "end"))
    url = roster.get_absolute_url()
    title = f"{roster} · {start}–{end} · {ShiftRole(gap['missing']).label}"
    return {"kind": "duty_gap", "id": roster.pk, "title": title, "href": url, "url": url}


assessment_items.register(
    AssessmentItem("duty_late_reports", 60, _("Late information reports"), _late_reports, default_weight=5)
)
assessment_items.register(
    AssessmentItem(
        "duty_gaps", 61, _("Duty gaps"), _duty_gaps, unit_kinds=frozenset({"town"}), default_weight=5
    )
)


# --- cockpit ------------------------------------------------------------------------------------------


def _open_reports(user):
    from duty.models import InfoReport

    return InfoReport.objects.visible_to(user).open().count(), "/api/v1/info-reports/?state=open"


def _late_open(user):
    from duty.models import InfoReport

    return InfoReport.objects.visible_to(user).filter(late=True).count(), "/api/v1/info-reports/?late=true"


# `page`: the report list with the same filter, so the figure clicks down to the records that make it.
cockpit_figures.register(
    CockpitFigure(
        "duty_open_reports",
        50,
        _("Open information reports"),
        _open_reports,
        group="duty",
        page="/duty/reports/?state=open",
    )
)
cockpit_figures.register(
    CockpitFigure(
        "duty_late_reports",
        51,
        _("Late information reports"),
        _late_open,
        group="duty",
        page="/duty/reports/?late=1",
    )
)
