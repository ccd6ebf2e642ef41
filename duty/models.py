"""Duty rooms, their pools and rosters, swaps, the duty log with handovers, information reports, contacts."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet, scope_q
from duty.choices import (
    DeadlineStep,
    EventType,
    LogKind,
    ReportKind,
    ReportState,
    RosterState,
    ShiftRole,
    ShiftState,
    SwapState,
)
from duty.rules import SHIFT_HOURS, ShiftPattern

USER = settings.AUTH_USER_MODEL


class RoomScopedQuerySet(ScopedQuerySet):
    """A town sees its own room; district-wide roles see every room; a department sees the district's room
    (it reports to it); an enterprise sees none."""

    room_path = ""

    def scope_filter(self, scope):
        prefix = f"{self.room_path}__" if self.room_path else ""

        def district_room(s):
            return Q(**{f"{prefix}town__isnull": True}) if s.sector_codes else None

        return scope_q(scope, town=f"{prefix}town", sector=None, enterprise=None, extra=district_room)


class DutyRoom(models.Model):
    name = models.CharField(_("name"), max_length=80)
    town = models.OneToOneField(
        "registry.Jurisdiction",
        verbose_name=_("town/street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_room",
    )
    phone = models.CharField(_("duty phone"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)
    leaders = models.ManyToManyField(
        USER, verbose_name=_("leaders on duty"), related_name="duty_leader_rooms"
    )
    officers = models.ManyToManyField(
        USER, verbose_name=_("duty officers"), related_name="duty_officer_rooms"
    )
    # R-DUTY-2: the room's own shift pattern; each part left empty is the district setting's. A change
    # applies to the months generated afterwards: a roster keeps the pattern it was made with.
    shift_start = models.TimeField(_("shift start"), null=True, blank=True)
    shift_hours = models.PositiveSmallIntegerField(_("shift length (hours)"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = RoomScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty room")
        verbose_name_plural = _("duty rooms")
        ordering = ["town__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["town"], condition=Q(town__isnull=True), name="one_district_room"
            ),
            models.CheckConstraint(
                condition=Q(shift_hours__isnull=True) | Q(shift_hours__in=SHIFT_HOURS),
                name="duty_room_shift_hours_divide_the_day",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("duty:room", kwargs={"pk": self.pk})

    @property
    def shift_pattern(self) -> ShiftPattern:
        """The pattern the room's next generated months follow (R-DUTY-2)."""
        return ShiftPattern.of(self.shift_start, self.shift_hours)


class Unavailability(models.Model):
    """Leave, training or other absence entered before a roster is generated."""

    room = models.ForeignKey(DutyRoom, on_delete=models.CASCADE, related_name="absences")
    person = models.ForeignKey(USER, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["start"]


class RosterQuerySet(RoomScopedQuerySet):
    room_path = "room"


class Roster(models.Model):
    room = models.ForeignKey(
        DutyRoom, verbose_name=_("duty room"), on_delete=models.PROTECT, related_name="rosters"
    )
    month = models.DateField(_("month"))  # the first day of the month
    state = models.CharField(
        _("state"), max_length=16, choices=RosterState.choices, default=RosterState.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    generated_at = models.DateTimeField(null=True, blank=True)
    uneven_note = models.TextField(_("why it is uneven"), blank=True)
    # The room's pattern when the roster was made (or last generated): a later change of the room's pattern
    # leaves this month's shifts, its coverage and its calendar as they were. Empty: the room's pattern.
    shift_start = models.TimeField(_("shift start"), null=True, blank=True)
    shift_hours = models.PositiveSmallIntegerField(_("shift length (hours)"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = RosterQuerySet.as_manager()

    class Meta:
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")
        ordering = ["-month", "room_id"]
        constraints = [models.UniqueConstraint(fields=["room", "month"], name="uniq_roster_room_month")]

    def __str__(self) -> str:
        return f"{self.room} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("duty:roster", kwargs={"pk": self.pk})

    @property
    def pattern(self) -> ShiftPattern:
        """The pattern this month's shifts, coverage and calendar follow."""
        if self.shift_start is None or not self.shift_hours:
            return self.room.shift_pattern
        return ShiftPattern(self.shift_start, self.shift_hours)


class ShiftQuerySet(RoomScopedQuerySet):
    room_path = "roster__room"

    def covering(self, moment):
        return self.filter(start__lte=moment, end__gt=moment)


class Shift(models.Model):
    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="shifts")
    person = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="duty_shifts"
    )
    role = models.CharField(_("role"), max_length=10, choices=ShiftRole.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    state = models.CharField(_("state"), max_length=10, choices=ShiftState.choices, default=ShiftState.OPEN)
    version = models.PositiveIntegerField(default=1)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["start", "role", "id"]
        indexes = [
            models.Index(fields=["person", "start"], name="duty_shift_person_start"),
            models.Index(fields=["start", "end"], name="duty_shift_span"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_role_display()} {self.start:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("duty:shift", kwargs={"pk": self.pk})


class SwapQuerySet(RoomScopedQuerySet):
    room_path = "shift__roster__room"


class Swap(models.Model):
    """A change to a published roster: one person's shift goes to another of the same pool."""

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="swaps")
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    counterpart = models.ForeignKey(
        USER, verbose_name=_("taken over by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=SwapState.choices, default=SwapState.REQUESTED
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SwapQuerySet.as_manager()

    class Meta:
        verbose_name = _("swap")
        verbose_name_plural = _("swaps")
        ordering = ["-created_at", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("duty:roster", kwargs={"pk": self.shift.roster_id})


class LogQuerySet(RoomScopedQuerySet):
    room_path = "room"


class LogEntry(models.Model):
    """One line of the duty log (值班日志)."""

    room = models.ForeignKey(DutyRoom, on_delete=models.CASCADE, related_name="log")
    shift = models.ForeignKey(Shift, null=True, blank=True, on_delete=models.SET_NULL, related_name="log")
    at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=10, choices=LogKind.choices, default=LogKind.CALL)
    caller = models.CharField(_("from"), max_length=100, blank=True)
    text = models.TextField(_("what was received"))
    action = models.TextField(_("what was done"), blank=True)
    by = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")

    objects = LogQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log entries")
        ordering = ["-at", "-id"]


class Handover(models.Model):
    """The written handover between two shifts: open matters, signed by the outgoing and incoming person."""

    shift = models.OneToOneField(Shift, on_delete=models.CASCADE, related_name="handover")
    open_matters = models.TextField(_("open matters passed on"), blank=True)
    outgoing = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    incoming = models.ForeignKey(
        USER, verbose_name=_("incoming person"), on_delete=models.PROTECT, related_name="+"
    )
    signed_out_at = models.DateTimeField(default=timezone.now)
    signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")


class ReportQuerySet(ScopedQuerySet):
    """A town sees its town's reports, an enterprise only its own, a department those of its sectors'
    enterprises and its own; district-wide roles all of them."""

    scope_town = "town"
    scope_sector = None
    scope_enterprise = "enterprise"

    def scope_filter(self, scope):
        def department(s):
            if not s.sector_codes or s.user_id is None:
                return None
            from registry.models import Enterprise

            theirs = Enterprise.objects.filter(sectors__code__in=s.sector_codes).values("pk")
            return Q(enterprise_id__in=theirs) | Q(reporter_id=s.user_id)

        return scope_q(scope, town="town", sector=None, enterprise="enterprise", extra=department)

    def open(self):
        return self.exclude(state=ReportState.CLOSED)

    def follow_up_overdue(self, now):
        """R-ACC-4: open reports whose next follow-up has not come by its due time."""
        return self.open().filter(follow_up_due_at__lt=now)


class InfoReport(models.Model):
    """An information report (信息报送) of a town, department or enterprise to the district's duty room."""

    town = models.ForeignKey(
        "registry.Jurisdiction", verbose_name=_("town/street"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reporter = models.ForeignKey(
        USER, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    event_type = models.CharField(_("event type"), max_length=24, choices=EventType.choices)
    occurred_at = models.DateTimeField(_("time of the event"))
    known_at = models.DateTimeField(_("time the unit learned of it"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    # R-DUTY-4: a number not yet known is reported as unknown (null), not waited for.
    deaths = models.PositiveIntegerField(_("deaths"), null=True, blank=True)
    missing = models.PositiveIntegerField(_("missing"), null=True, blank=True)
    serious_injuries = models.PositiveIntegerField(_("serious injuries"), null=True, blank=True)
    description = models.TextField(_("what happened"))
    measures = models.TextField(_("measures taken"), blank=True)
    request = models.TextField(_("requests to the district"), blank=True)
    contact_name = models.CharField(_("on-scene contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("on-scene contact's phone"), max_length=20, blank=True)
    larger_event = models.BooleanField(_("larger or above event"), default=False)
    larger_near_miss = models.BooleanField(_("larger near-miss event"), default=False)
    by_phone = models.BooleanField(_("taken by phone"), default=False)
    accident = models.ForeignKey(
        "accidents.Accident",
        verbose_name=_("accident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState.choices, default=ReportState.SUBMITTED
    )
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("received at"), default=timezone.now)
    last_report_at = models.DateTimeField(default=timezone.now)
    pending_request = models.TextField(_("information requested"), blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_to = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    # R-ACC-4: when the next follow-up is due while the report is open; every later report moves it.
    follow_up_due_at = models.DateTimeField(_("next follow-up due"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("information report")
        verbose_name_plural = _("information reports")
        ordering = ["-known_at", "-id"]
        indexes = [models.Index(fields=["town", "known_at"], name="duty_report_town_known")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("duty:report", kwargs={"pk": self.pk})

    @property
    def urgent(self) -> bool:
        """R-DUTY-3 and R-ACC-9: deaths or missing persons, larger-and-above, or a larger near-miss."""
        return bool(self.deaths or self.missing or self.larger_event or self.larger_near_miss)

    def follow_up_overdue(self, now=None) -> bool:
        """R-ACC-4: the report is open and its next follow-up has not come by its due time."""
        due = self.follow_up_due_at
        return due is not None and self.state != ReportState.CLOSED and (now or timezone.now()) > due


class ReportDeadline(models.Model):
    report = models.ForeignKey(InfoReport, on_delete=models.CASCADE, related_name="deadlines")
    step = models.CharField(_("step"), max_length=10, choices=DeadlineStep.choices)
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "step"], name="uniq_report_step")]

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.done_at or now) > self.due_at


class ReportUpdate(models.Model):
    """The initial report and each later one, with what changed against the one before."""

    report = models.ForeignKey(InfoReport, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"), blank=True)
    facts = models.JSONField(default=dict)
    changes = models.JSONField(default=dict)  # field → [before, after]
    # R-ACC-4: the follow-up due time this later report answered (null for the initial report).
    due_at = models.DateTimeField(_("follow-up due at"), null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]

    @property
    def late(self) -> bool:
        return self.due_at is not None and self.submitted_at > self.due_at

    @property
    def change_rows(self) -> list[tuple[str, object, object]]:
        """Each change under the report's own word for the field (重伤人数), not the column name the change is
        stored under (`serious_injuries`)."""
        rows = []
        for name, (before, after) in self.changes.items():
            try:
                label = capfirst(InfoReport._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                label = name
            rows.append((label, before, after))
        return rows


class ContactQuerySet(ScopedQuerySet):
    """The directory is for officials: every business role but enterprises reads it all."""

    def scope_filter(self, scope):
        if scope.district or scope.town_ids or scope.sector_codes:
            return None
        return Q(pk__in=[])

    def search(self, query: str, *, full_numbers: bool):
        """Name, unit, position, or a fragment of a number typed with or without spaces and dashes. Mobile
        numbers only for readers who see them in full (R-REG-2): for the others a match on the masked
        digits would reveal them; office lines are not personal and match for everyone."""
        query = query.strip()[:50]
        if not query:
            return self
        found = Q(name__icontains=query) | Q(unit__icontains=query) | Q(title__icontains=query)
        digits = re.sub(r"[\s-]", "", query)
        if digits.isascii() and digits.isdigit():
            found |= Q(office_phone__icontains=query) | Q(office_phone__icontains=digits)
            if full_numbers:
                found |= Q(phone__icontains=digits)
        return self.filter(found)


class Contact(models.Model):
    name = models.CharField(_("name"), max_length=50)
    unit = models.CharField(_("unit"), max_length=100)
    title = models.CharField(_("position"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    office_phone = models.CharField(_("office phone"), max_length=40, blank=True)
    town = models.ForeignKey(
        "registry.Jurisdiction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["unit", "name"]

    def __str__(self) -> str:
        return f"{self.unit} {self.name}"
