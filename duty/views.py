"""Pages of the duty room: today's board, rooms, month and week rosters with exports, shifts with their
handover, information reports with their clocks, the contact directory."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import calendar
from core.errors import DomainError
from core.exports import Column, xlsx_response
from core.extensions import duty_board_panels
from core.masking import can_see_personal_data, phone_for
from core.params import BadParameter
from core.pdf import PdfDocument, pdf_response
from core.scoping import get_visible_or_404, scope_of
from core.views import apply_domain_errors, refused_button
from core.workflow_views import transition_page
from duty import rules, selectors, services
from duty.choices import RosterState, ShiftRole
from duty.forms import (
    AbsenceForm,
    HandoverForm,
    LogEntryForm,
    MonthForm,
    ReportForm,
    RoomPatternForm,
    RosterCreateForm,
    SwapRequestForm,
    user_choices,
)
from duty.models import (
    Contact,
    DutyRoom,
    Handover,
    InfoReport,
    ReportDeadline,
    ReportUpdate,
    Roster,
    Shift,
    Swap,
)
from duty.policy import POLICY


def _sees(user) -> bool:
    return not scope_of(user).is_empty


def _require_sees(user):
    if not _sees(user):
        raise Http404


# --- today's board --------------------------------------------------------------------------------------


@login_required
def board(request):
    _require_sees(request.user)
    now = timezone.now()
    rooms = selectors.board_rooms(request.user, now)
    for row in rooms:
        for shift in row["leaders"] + row["officers"]:
            shift.shown_phone = phone_for(request.user, shift.person.phone)
    reports = list(selectors.open_reports(request.user)[:50])
    for report in reports:
        report.clocks = selectors.report_clocks(report, now)
    panels = [(p, p.context(request)) for p in duty_board_panels.for_user(request.user)]
    accident_clocks = _accident_clocks(request.user, now)
    return render(
        request,
        "duty/board.html",
        {
            "rooms": rooms,
            "reports": reports,
            "panels": panels,
            "accident_clocks": accident_clocks,
            "now": now,
            "can_report": POLICY.can(request.user, "report"),
        },
    )


def _accident_clocks(user, now):
    from accidents import selectors as accident_selectors

    return [
        {"deadline": d, "overdue": d.is_overdue(now)} for d in accident_selectors.due_clocks(user, now=now)
    ]


# --- rooms ---------------------------------------------------------------------------------------------


@login_required
def room_list(request, *, month_form=None, status=200):
    """The rooms, each with its roster of the month shown (?month=YYYY-MM, next month by default), and
    for the roster keepers the form that prepares that month for every room at once."""
    _require_sees(request.user)
    month_input = bind_month(request.GET.get("month") or _next_month())
    if not month_input.is_valid():  # a typed address: said, not silently replaced by another month
        raise BadParameter(_("Give the month as YYYY-MM, e.g. %(example)s.") % {"example": _next_month()})
    month = month_input.cleaned_data["month"]
    rooms = list(
        DutyRoom.objects.visible_to(request.user)
        .select_related("town")
        .prefetch_related("leaders", "officers")
    )
    rosters = {r.room_id: r for r in Roster.objects.filter(room__in=rooms, month=month)}
    rows = [(room, rosters.get(room.pk), _gaps_of(rosters.get(room.pk))) for room in rooms]
    return render(
        request,
        "duty/room_list.html",
        {
            "rows": rows,
            "month": month,
            "can_keep": POLICY.can(request.user, "keep_rosters"),
            "month_form": month_form or MonthForm(initial={"month": f"{month:%Y-%m}", "publish": True}),
        },
        status=status,
    )


def bind_month(raw: str) -> MonthForm:
    form = MonthForm(data={"month": raw})
    form.is_valid()
    return form


def _gaps_of(roster) -> int | None:
    """A draft's open gaps (what keeps it from publishing); a published roster has none by construction."""
    if roster is None or roster.state != RosterState.DRAFT:
        return None
    return len(services.check_coverage(roster)["gaps"])


@login_required
@require_POST
def month_prepare(request):
    try:
        job = services.prepare_month(actor=request.user, data=request.POST)
    except DomainError as exc:
        form = MonthForm(data=request.POST)
        form.is_valid()
        apply_domain_errors(form, exc)
        return room_list(request, month_form=form, status=exc.status_code)
    return redirect(job.get_absolute_url())


@login_required
def room_detail(request, pk, *, log_form=None, absence_form=None, roster_form=None, status=200):
    room = get_visible_or_404(DutyRoom.objects.select_related("town"), request.user, pk=pk)
    leaders, officers = list(room.leaders.all()), list(room.officers.all())
    people = leaders + officers
    for person in people:
        person.shown_phone = phone_for(request.user, person.phone)
    context = {
        "room": room,
        "leaders": leaders,
        "officers": officers,
        "rosters": room.rosters.order_by("-month"),
        "on_duty": selectors.on_duty(room),
        "log": room.log.select_related("by")[:30],
        "absences": room.absences.select_related("person").filter(end__gte=timezone.now())[:30],
        "can_keep": POLICY.can(request.user, "keep_rosters"),
        "can_log": POLICY.can(request.user, "work_the_room"),
        "log_form": log_form or LogEntryForm(),
        "absence_form": absence_form or AbsenceForm(),
        "pool_people": user_choices([p.pk for p in people]),
        "roster_form": roster_form or RosterCreateForm(initial={"room": room.pk, "month": _next_month()}),
        "room_phone": room.phone,
        "pattern": room.shift_pattern,
        "can_set_pattern": services.ROOM_FLOW.may(request.user, "set_pattern", room),
    }
    return render(request, "duty/room_detail.html", context, status=status)


@login_required
def room_pattern(request, pk):
    """The room's own shift pattern (R-DUTY-2), edited on the version the page read; the form starts from
    what the room sets now."""
    room = get_visible_or_404(DutyRoom.objects.select_related("town"), request.user, pk=pk)
    if not services.ROOM_FLOW.may(request.user, "set_pattern", room):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = RoomPatternForm(data=request.POST)
        try:
            services.set_room_pattern(
                room, actor=request.user, version=request.POST.get("version"), data=request.POST
            )
        except DomainError as exc:
            form.is_valid()
            apply_domain_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(
                request, _("Shift pattern saved: it applies to the months generated from now on.")
            )
            return redirect(room.get_absolute_url())
    else:
        start = f"{room.shift_start:%H:%M}" if room.shift_start else ""
        form = RoomPatternForm(initial={"shift_start": start, "shift_hours": room.shift_hours or ""})
    context = {"room": room, "form": form, "version": room.version, "pattern": room.shift_pattern}
    return render(request, "duty/room_pattern.html", context, status=status)


def _next_month() -> str:
    today = timezone.localdate()
    return f"{(today.replace(day=1) + dt.timedelta(days=32)):%Y-%m}"


@require_POST
@login_required
def log_add(request, pk):
    room = get_visible_or_404(DutyRoom.objects.all(), request.user, pk=pk)
    try:
        services.add_log_entry(room, actor=request.user, data=request.POST)
    except DomainError as exc:
        form = LogEntryForm(data=request.POST)
        form.is_valid()
        apply_domain_errors(form, exc)
        return room_detail(request, pk, log_form=form, status=exc.status_code)
    messages.success(request, _("Logged."))
    return redirect(room.get_absolute_url())


@require_POST
@login_required
def absence_add(request, pk):
    room = get_visible_or_404(DutyRoom.objects.all(), request.user, pk=pk)
    try:
        _absence, gaps = services.record_absence(room, actor=request.user, data=request.POST)
    except DomainError as exc:
        form = AbsenceForm(data=request.POST)
        form.is_valid()
        apply_domain_errors(form, exc)
        return room_detail(request, pk, absence_form=form, status=exc.status_code)
    if gaps:
        messages.warning(
            request, _("The leave overlaps %(n)d shifts: arrange swaps to cover them.") % {"n": len(gaps)}
        )
    else:
        messages.success(request, _("Leave recorded."))
    return redirect(room.get_absolute_url())


# --- rosters -------------------------------------------------------------------------------------------


@require_POST
@login_required
def roster_create(request):
    try:
        roster = services.create_roster(actor=request.user, data=request.POST)
    except DomainError as exc:
        room = request.POST.get("room", "")
        if not room.isdigit():
            return refused_button(request, exc, lambda: room_list(request))
        form = RosterCreateForm(data=request.POST)
        form.is_valid()
        apply_domain_errors(form, exc)
        return room_detail(request, int(room), roster_form=form, status=exc.status_code)
    messages.success(request, _("Draft roster created."))
    return redirect(roster.get_absolute_url())


def _calendar_weeks(roster, shifts):
    """The month as weeks of duty days, each shift under the duty day its start falls in by the roster's
    pattern (two or more a day on a shorter shift)."""
    days = rules.month_days(roster.month)
    holidays = calendar.holidays(days[0], days[-1])
    rest = calendar.rest_days(days[0], days[-1])
    pattern = roster.pattern
    by_day: dict = {d: {"leaders": [], "officers": []} for d in days}
    for s in shifts:
        day = max(pattern.shift_day(s.start), days[0])  # a first shift reaching back into the month before
        if day in by_day:
            by_day[day]["leaders" if s.role == ShiftRole.LEADER else "officers"].append(s)
    cells = [None] * days[0].weekday()
    for d in days:
        cells.append(
            {
                "day": d,
                **by_day[d],
                "holiday": d in holidays,
                "rest": d in rest,
                "heightened": rules.officers_needed(d, holidays) > 1,
            }
        )
    while len(cells) % 7:
        cells.append(None)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


@login_required
def roster_detail(request, pk):
    roster = get_visible_or_404(Roster.objects.select_related("room"), request.user, pk=pk)
    shifts = list(roster.shifts.select_related("person").order_by("start", "role"))
    weeks = _calendar_weeks(roster, shifts)
    view = request.GET.get("view", "month")
    week_index = request.GET.get("week", "")
    week = None
    if view == "week":
        index = int(week_index) if week_index.isdigit() else 0
        index = min(index, len(weeks) - 1)
        week = {
            "index": index,
            "cells": weeks[index],
            "prev": max(index - 1, 0),
            "next": min(index + 1, len(weeks) - 1),
        }
    coverage = services.check_coverage(roster)
    names = {s.person_id: s.person.display_name for s in shifts}
    for row in coverage["double_bookings"]:
        row["name"] = names.get(row["person"], row["person"])
    # Fairness in shifts and in hours: a generated month's shifts all last the pattern's hours; a shift
    # added by hand may be shorter.
    counts: dict = {}
    for s in shifts:
        key = (s.person.display_name, s.get_role_display())
        number, hours = counts.get(key, (0, 0.0))
        counts[key] = (number + 1, hours + (s.end - s.start).total_seconds() / 3600)
    context = {
        "roster": roster,
        "weeks": weeks,
        "view": view,
        "week": week,
        "coverage": coverage,
        "counts": [(key, number, f"{hours:g}") for key, (number, hours) in sorted(counts.items())],
        "pattern": roster.pattern,
        "buttons": services.ROSTER_FLOW.buttons(request.user, roster),
        "swaps": Swap.objects.filter(shift__roster=roster).select_related(
            "shift", "counterpart", "requested_by"
        )[:50],
        "weekday_names": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    }
    return render(request, "duty/roster_detail.html", context)


@login_required
def roster_export(request, pk, fmt):
    roster = get_visible_or_404(Roster.objects.select_related("room"), request.user, pk=pk)
    shifts = list(roster.shifts.select_related("person").order_by("start", "role"))
    rows = [
        (
            f"{timezone.localtime(s.start):%Y-%m-%d %H:%M}",
            f"{timezone.localtime(s.end):%Y-%m-%d %H:%M}",
            s.get_role_display(),
            s.person.display_name,
            phone_for(request.user, s.person.phone),
        )
        for s in shifts
    ]
    name = f"roster-{roster.room_id}-{roster.month:%Y-%m}"
    header = [_("Start"), _("End"), _("Role"), _("Person"), _("Phone")]
    if fmt == "xlsx":
        columns = [Column(h, lambda r, i=i: r[i]) for i, h in enumerate(header)]
        return xlsx_response(f"{name}.xlsx", columns, rows, sheet_title=f"{roster.month:%Y-%m}")
    if fmt == "pdf":
        doc = PdfDocument(
            _("Duty roster"),
            subtitle=f"{roster.room.name} · {roster.month:%Y-%m} · {roster.get_state_display()} · "
            f"{roster.pattern.describe()}",
        )
        doc.table(header, rows)
        if roster.uneven_note:
            doc.paragraph(roster.uneven_note)
        doc.signatures([_("Prepared by"), _("Approved by")])
        return pdf_response(doc.render(), f"{name}.pdf")
    raise Http404


roster_action = transition_page(
    services.ROSTER_FLOW,
    queryset=lambda: Roster.objects.all(),
    services={"generate": services.generate_roster, "publish": services.publish_roster},
)


# --- shifts and swaps ---------------------------------------------------------------------------------


@login_required
def shift_detail(request, pk, *, handover_form=None, swap_form=None, status=200):
    shift = get_visible_or_404(Shift.objects.select_related("roster__room", "person"), request.user, pk=pk)
    handover = Handover.objects.filter(shift=shift).select_related("incoming", "outgoing").first()
    room = shift.roster.room
    pool = services.roster.pool_ids(room, shift.role)
    context = {
        "shift": shift,
        "handover": handover,
        "log": shift.log.select_related("by")[:50],
        "buttons": services.SHIFT_FLOW.buttons(request.user, shift),
        "can_handover": POLICY.can(request.user, "stand_duty")
        and (request.user.pk == shift.person_id or POLICY.can(request.user, "work_the_room")),
        "can_sign": handover is not None
        and handover.incoming_id == request.user.pk
        and handover.signed_in_at is None,
        "can_swap": shift.roster.state == "published"
        and (request.user.pk == shift.person_id or POLICY.can(request.user, "keep_rosters")),
        "handover_form": handover_form or HandoverForm(),
        "swap_form": swap_form or SwapRequestForm(),
        "pool_people": user_choices([p for p in pool if p != shift.person_id]),
        "everyone": user_choices(
            set(pool)
            | set(
                services.roster.pool_ids(
                    room, ShiftRole.LEADER if shift.role == ShiftRole.OFFICER else ShiftRole.OFFICER
                )
            )
        ),
    }
    return render(request, "duty/shift_detail.html", context, status=status)


@require_POST
@login_required
def shift_handover(request, pk):
    shift = get_visible_or_404(Shift.objects.all(), request.user, pk=pk)
    try:
        services.write_handover(shift, actor=request.user, data=request.POST)
    except DomainError as exc:
        form = HandoverForm(data=request.POST)
        form.is_valid()
        apply_domain_errors(form, exc)
        return shift_detail(request, pk, handover_form=form, status=exc.status_code)
    messages.success(request, _("Handover written; the incoming person signs it."))
    return redirect(shift.get_absolute_url())


@require_POST
@login_required
def shift_sign(request, pk):
    shift = get_visible_or_404(Shift.objects.all(), request.user, pk=pk)
    try:
        services.sign_handover(shift, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return shift_detail(request, pk, status=exc.status_code)
    messages.success(request, _("Handover signed."))
    return redirect(shift.get_absolute_url())


@require_POST
@login_required
def swap_request(request, pk):
    shift = get_visible_or_404(Shift.objects.select_related("roster__room"), request.user, pk=pk)
    try:
        services.request_swap(shift, actor=request.user, data=request.POST)
    except DomainError as exc:
        form = SwapRequestForm(data=request.POST)
        form.is_valid()
        apply_domain_errors(form, exc)
        return shift_detail(request, pk, swap_form=form, status=exc.status_code)
    messages.success(request, _("Swap requested."))
    return redirect(shift.get_absolute_url())


shift_action = transition_page(
    services.SHIFT_FLOW, queryset=lambda: Shift.objects.all(), services={"close": services.close_shift}
)
swap_action = transition_page(
    services.SWAP_FLOW,
    queryset=lambda: Swap.objects.all(),
    services={
        "accept": services.accept_swap,
        "approve": services.approve_swap,
        "reject": services.reject_swap,
    },
)


# --- information reports ------------------------------------------------------------------------------


@login_required
def report_list(request):
    _require_sees(request.user)
    now = timezone.now()
    qs = (
        InfoReport.objects.visible_to(request.user)
        .select_related("town")
        .prefetch_related(Prefetch("deadlines", queryset=ReportDeadline.objects.order_by("due_at")))
    )
    state = request.GET.get("state", "")
    if state == "open":
        qs = qs.open()
    elif state:
        qs = qs.filter(state=state)
    if request.GET.get("late") == "1":
        qs = qs.filter(late=True)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(place__icontains=q))
    page = Paginator(qs.order_by("-known_at", "-id"), 25).get_page(request.GET.get("page"))
    for report in page:
        report.clocks = selectors.report_clocks(report, now)
    return render(
        request,
        "duty/report_list.html",
        {
            "page": page,
            "late_counts": selectors.late_counts_per_unit(request.user, timezone.localdate().year),
            "can_report": POLICY.can(request.user, "report"),
            "state": state,
            "q": q,
        },
    )


@login_required
def report_create(request):
    if not POLICY.can(request.user, "report"):
        _require_sees(request.user)
        raise PermissionDenied
    initial = {}
    if request.user.town_id:
        initial["town"] = request.user.town_id
    elif request.user.enterprise_id:
        initial["town"] = request.user.enterprise.town_id
    form = _report_form(initial=initial)
    status = 200
    if request.method == "POST":
        form = _report_form(data=request.POST)
        try:
            report = services.submit_report(actor=request.user, data=request.POST)
        except DomainError as exc:
            form.is_valid()
            apply_domain_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("Report sent to the district duty room."))
            return redirect(report.get_absolute_url())
    return render(request, "duty/report_form.html", {"form": form}, status=status)


def _report_form(**kwargs) -> ReportForm:
    """The page's form: the towns as a list to choose from."""
    from django import forms

    from registry.models import Jurisdiction

    form = ReportForm(**kwargs)
    towns = [("", "---------")] + [
        (t.pk, t.display_name) for t in Jurisdiction.objects.towns().order_by("code")
    ]
    form.fields["town"].widget = forms.Select(choices=towns)
    return form


@login_required
def report_detail(request, pk):
    report = get_visible_or_404(
        InfoReport.objects.select_related("town", "enterprise", "reporter", "accident").prefetch_related(
            Prefetch(
                "updates",
                queryset=ReportUpdate.objects.select_related("submitted_by").order_by("submitted_at", "id"),
            )
        ),
        request.user,
        pk=pk,
    )
    now = timezone.now()
    return render(
        request,
        "duty/report_detail.html",
        {
            "report": report,
            "clocks": selectors.report_clocks(report, now),
            "next_follow_up": selectors.next_follow_up_due(report),
            "follow_up_overdue": report.follow_up_overdue(now),
            "buttons": services.REPORT_FLOW.buttons(request.user, report),
            "contact_phone": phone_for(request.user, report.contact_phone, report.enterprise_id),
        },
    )


report_action = transition_page(
    services.REPORT_FLOW, queryset=lambda: InfoReport.objects.all(), services=services.REPORT_SERVICES
)


# --- contacts ------------------------------------------------------------------------------------------


@login_required
def contacts(request):
    q = request.GET.get("q", "").strip()[:50]
    qs = Contact.objects.visible_to(request.user).search(q, full_numbers=can_see_personal_data(request.user))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for c in page:
        c.shown_phone = phone_for(request.user, c.phone)
    return render(request, "duty/contacts.html", {"page": page, "q": q})
