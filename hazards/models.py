"""Hazards (隐患) and what hangs on them: extensions, listed-supervision notes, criteria, deadlines."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet
from hazards.choices import (
    OPEN_STATES,
    RUNNING_STATES,
    Category,
    ExtensionState,
    Level,
    Source,
    State,
    StatementState,
)


def local_today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def overdue_on(today: dt.date, state: str, deadline: dt.date | None, submitted_on: dt.date | None) -> bool:
    """Overdue: rectifying past the deadline, or submitted late (the rule behind `Hazard.is_overdue`,
    also applied to the API list's plain rows)."""
    if deadline is None:
        return False
    if state == State.RECTIFYING:
        return deadline < today
    if state == State.SUBMITTED:
        return deadline < today and submitted_on is not None and submitted_on > deadline
    return False


def days_left_on(today: dt.date, state: str, deadline: dt.date | None) -> int | None:
    if deadline is None or state not in (State.RECTIFYING, State.SUBMITTED):
        return None
    return (deadline - today).days


class CriterionSource(models.Model):
    """R-HAZ-9: one edition of a published major-hazard criteria document (判定标准). The library keeps a
    version per edition: a new edition is a new row, and its items are new rows beside the old ones."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issued by"), max_length=120, blank=True)
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    edition = models.CharField(_("edition"), max_length=20)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    is_current = models.BooleanField(_("current edition"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("criteria source")
        verbose_name_plural = _("criteria sources")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.citation

    @property
    def citation(self) -> str:
        number = f"（{self.document_number}）" if self.document_number else ""
        return f"《{self.title}》{number}"


class MajorHazardCriterion(models.Model):
    """R-HAZ-9: one item of a sector's published major-hazard criteria (重大事故隐患判定标准), with the
    source's article and item number and its wording. `verified` is false until someone checked the
    wording against a copy of the source; unverified items cannot be active."""

    sector = models.ForeignKey(
        "registry.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="major_criteria"
    )
    item = models.CharField(pgettext_lazy("hazard criteria", "item"), max_length=20)
    text = models.TextField(_("criterion"))
    source = models.CharField(_("source"), max_length=200)
    source_document = models.ForeignKey(
        CriterionSource,
        verbose_name=_("source edition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="criteria",
    )
    # The article's lead-in: which units the item applies to (e.g. only enterprises whose confined-space
    # work carries a hydrogen sulfide or carbon monoxide risk).
    scope = models.CharField(_("applies to"), max_length=200, blank=True)
    article = models.CharField(_("article"), max_length=40, blank=True)
    clause = models.CharField(_("item no."), max_length=20, blank=True)
    verified = models.BooleanField(_("wording verified"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("major-hazard criterion")
        verbose_name_plural = _("major-hazard criteria")
        ordering = ["sector__order", "sector_id", "item", "id"]
        constraints = [models.UniqueConstraint(fields=["sector", "item"], name="hazard_criterion_item")]

    def __str__(self) -> str:
        return f"{self.item} {self.text[:60]}"

    @property
    def citation(self) -> str:
        """The source by name, article and item, as documents print it (R-HAZ-13)."""
        return f"{self.source}{self.article}{self.clause}"


class DeadlinePolicy(models.Model):
    """R-HAZ-6 (setting): default rectification time per level, with its source and effective date."""

    level = models.CharField(_("level"), max_length=8, choices=Level.choices, unique=True)
    days = models.PositiveSmallIntegerField(pgettext_lazy("hazard", "days"))
    source = models.CharField(_("source"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("deadline setting")
        verbose_name_plural = _("deadline settings")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.days}"


class StatesIn(models.Lookup):
    """`state__states=[…]`: `state IN ('reported', …)` with the codes written into the SQL, in the order of
    `State`. SQLite uses a partial index only when the query's condition is literally the index's, and
    Django binds `__in` values as parameters, so the open-list indexes would never serve it (issue 7).
    Only codes of `State` are accepted, so nothing from outside ever reaches the SQL text."""

    lookup_name = "states"

    def get_prep_lookup(self):
        wanted = {str(v) for v in self.rhs}
        if not wanted <= set(State.values):
            raise ValueError(f"Not hazard states: {sorted(wanted - set(State.values))}")
        return [s for s in State.values if s in wanted]

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if not self.rhs:
            return "1 = 0", params
        return f"{lhs} IN ({', '.join(repr(str(s)) for s in self.rhs)})", params


class HazardQuerySet(ScopedQuerySet):
    scope_town = "town"
    scope_sector = "sector"
    scope_enterprise = "enterprise"

    def open(self):
        return self.filter(state__states=OPEN_STATES)

    def overdue_q(self, now: dt.datetime | None = None) -> Q:
        """Overdue: still being rectified after the deadline, or submitted only after it (R-HAZ-6)."""
        today = local_today(now)
        return Q(state=State.RECTIFYING, deadline__lt=today) | Q(
            state=State.SUBMITTED, deadline__lt=today, submitted_on__gt=F("deadline")
        )

    def overdue(self, now: dt.datetime | None = None):
        # The literal running states add nothing to the rule but let the partial index of running
        # deadlines serve "earliest overdue first" (SQLite uses it only on a literal match; issue 7).
        return self.filter(self.overdue_q(now), state__states=RUNNING_STATES)

    def not_overdue(self, now: dt.datetime | None = None):
        return self.exclude(self.overdue_q(now))

    def due_within(self, days: int, now: dt.datetime | None = None):
        today = local_today(now)
        return self.filter(
            state=State.RECTIFYING,
            state__states=RUNNING_STATES,  # see `overdue`
            deadline__gte=today,
            deadline__lte=today + dt.timedelta(days=days),
        )

    def major(self):
        return self.filter(level=Level.MAJOR)

    def listed(self):
        return self.filter(listed=True)

    def for_list(self):
        return self.select_related(
            "enterprise", "town", "sector", "criterion", "listing_department", "supervising_department"
        )


class Hazard(models.Model):
    # What and where.
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="hazards"
    )
    # Denormalised from the enterprise for the scoping layer and the statistics.
    town = models.ForeignKey(
        "registry.Jurisdiction",
        verbose_name=_("town/street"),
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    sector = models.ForeignKey(
        "registry.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="hazards"
    )
    risk_point = models.ForeignKey(
        "risk.RiskPoint",
        verbose_name=_("risk point"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazards",
    )
    title = models.CharField(pgettext_lazy("hazard", "title"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, default=Level.GENERAL)
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    description = models.TextField(pgettext_lazy("hazard", "description"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    equipment = models.CharField(_("equipment"), max_length=100, blank=True)
    process = models.CharField(_("process"), max_length=100, blank=True)
    # jieba words of title, description and location for the full-text index (hazards.search.words_of).
    search_words = models.TextField(_("search words"), blank=True, default="", editable=False)
    discovered_at = models.DateTimeField(_("discovered at"), default=timezone.now)
    discoverer = models.CharField(_("discovered by"), max_length=50, blank=True)
    criterion = models.ForeignKey(
        MajorHazardCriterion,
        verbose_name=_("major-hazard criterion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    # Where it came from (inspections.itemresult, accidents.accident …).
    origin_type = models.CharField(_("origin"), max_length=60, blank=True)
    origin_id = models.PositiveBigIntegerField(_("origin id"), null=True, blank=True)

    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REPORTED)
    version = models.PositiveIntegerField(_("version"), default=1)
    reported_at = models.DateTimeField(_("registered at"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # R-HAZ-10: a major hazard is reported upward (department and district) as soon as it is found.
    escalated_at = models.DateTimeField(
        _("reported to the department and district at"), null=True, blank=True
    )

    # R-HAZ-3: the five determinations.
    measures = models.TextField(_("measures"), blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=20, blank=True)
    funds = models.DecimalField(_("funds (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    deadline = models.DateField(pgettext_lazy("hazard", "deadline"), null=True, blank=True)
    contingency_plan = models.TextField(_("contingency plan"), blank=True)
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # R-HAZ-4: the six parts of a major hazard's treatment plan (the document is an attachment "plan").
    plan_goal = models.TextField(_("goal and tasks"), blank=True)
    plan_methods = models.TextField(_("methods and measures"), blank=True)
    plan_resources = models.TextField(_("funds and materials"), blank=True)
    plan_organisation = models.TextField(_("responsible organisation and people"), blank=True)
    plan_schedule = models.TextField(_("time limit and requirements"), blank=True)
    plan_safety = models.TextField(_("safety measures and emergency plan"), blank=True)

    # Submission ("after" evidence are attachments with purpose "after").
    rectification_note = models.TextField(_("rectification note"), blank=True)
    cost = models.DecimalField(
        _("actual cost (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    rejections = models.PositiveSmallIntegerField(_("rejections"), default=0)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acceptance_note = models.TextField(_("acceptance note"), blank=True)
    # 销号: the hazard word for closing, which other modules call 办结 (hence the context).
    closed_at = models.DateTimeField(pgettext_lazy("hazard", "closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    close_note = models.TextField(pgettext_lazy("hazard", "closing note"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    # R-HAZ-8: listed supervision (挂牌督办). A null listing department means the district listed it.
    listed = models.BooleanField(_("listed supervision"), default=False)
    listing_department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("listing department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="listed_hazards",
    )
    listing_authority = models.CharField(_("listing authority"), max_length=100, blank=True)
    supervising_department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("supervising department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_hazards",
    )
    listing_document = models.CharField(_("document number"), max_length=60, blank=True)
    listing_due_date = models.DateField(_("supervision due date"), null=True, blank=True)
    listed_at = models.DateTimeField(_("listed at"), null=True, blank=True)
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("listed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    overdue_explanation = models.TextField(_("explanation of the delay"), blank=True)

    notice_serial = models.CharField(_("notice number"), max_length=30, blank=True)
    acceptance_serial = models.CharField(_("acceptance record number"), max_length=30, blank=True)
    # R-HAZ-13: the department that issued each document in its own name and series; null, the bureau. Kept
    # with the number, so the document names the same body after its officer moves department.
    notice_department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("department issuing the notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acceptance_department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("department issuing the acceptance record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["-reported_at", "-id"], name="hazard_list_order"),
            models.Index(fields=["town", "state"], name="hazard_town_state"),
            models.Index(fields=["sector", "state"], name="hazard_sector_state"),
            models.Index(fields=["enterprise", "state"], name="hazard_enterprise_state"),
            # The escalation job and the overdue filter read only running hazards, by deadline.
            models.Index(
                fields=["deadline"],
                name="hazard_running_deadline",
                condition=Q(state__in=["rectifying", "submitted"]),
            ),
            models.Index(
                fields=["-reported_at", "-id"],
                name="hazard_open_list",
                condition=Q(state__in=["reported", "rectifying", "submitted", "accepted"]),
            ),
            # A town's or a sector's open list in the list's ORDER BY order: the page is read straight off
            # the index instead of sorting every open row of the town (issue 7 measurement notes).
            models.Index(
                fields=["town", "-reported_at", "-id"],
                name="hazard_town_open_list",
                condition=Q(state__in=["reported", "rectifying", "submitted", "accepted"]),
            ),
            models.Index(
                fields=["sector", "-reported_at", "-id"],
                name="hazard_sector_open_list",
                condition=Q(state__in=["reported", "rectifying", "submitted", "accepted"]),
            ),
            # The home page's "needs your action" reads open hazards by deadline; listed ones are few.
            models.Index(
                fields=["deadline", "reported_at", "id"],
                name="hazard_open_by_deadline",
                condition=Q(state__in=["reported", "rectifying", "submitted", "accepted"]),
            ),
            # A town's "needs your action" on its home page: its open hazards, earliest deadline first.
            models.Index(
                fields=["town", "deadline", "reported_at", "id"],
                name="hazard_town_open_by_deadline",
                condition=Q(state__in=["reported", "rectifying", "submitted", "accepted"]),
            ),
            # The same for a department's sectors (hazards.selectors.first_by_deadline reads one at a time).
            models.Index(
                fields=["sector", "deadline", "reported_at", "id"],
                name="hazard_sector_open_by_deadline",
                condition=Q(state__in=["reported", "rectifying", "submitted", "accepted"]),
            ),
            models.Index(fields=["town", "sector"], name="hazard_listed", condition=Q(listed=True)),
            # The home page's count of open listed hazards: led by the state so that the planner picks it
            # over scanning every open hazard.
            models.Index(fields=["state", "town"], name="hazard_listed_by_state", condition=Q(listed=True)),
            models.Index(fields=["origin_type", "origin_id"], name="hazard_origin"),
            # The cockpit's trend counts the hazards closed per month of the last year
            # (cockpit.selectors.hazard_trend): only closed rows, by the time they were closed.
            models.Index(fields=["closed_at"], name="hazard_closed_at", condition=Q(state="closed")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(funds__isnull=True) | Q(funds__gte=0), name="hazard_funds_positive"
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="hazard_cost_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("hazards:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_major(self) -> bool:
        return self.level == Level.MAJOR

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return overdue_on(local_today(now), self.state, self.deadline, self.submitted_on)

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def days_overdue(self) -> int:
        left = self.days_left()
        return -left if left is not None and left < 0 else 0

    def days_left(self, now: dt.datetime | None = None) -> int | None:
        """Countdown: days until the deadline (negative once overdue); None when it does not run."""
        return days_left_on(local_today(now), self.state, self.deadline)


Hazard._meta.get_field("state").register_lookup(StatesIn)


class Extension(models.Model):
    """R-HAZ-7: a request for a new deadline, its decision, and both dates."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extensions")
    old_deadline = models.DateField(_("current deadline"))
    new_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("decision"), max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"], condition=Q(state="pending"), name="hazard_one_pending_extension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.old_deadline} → {self.new_deadline}"


class ProgressNote(models.Model):
    """R-HAZ-8: the monthly progress notes of a listed hazard."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="progress_notes")
    month = models.DateField(_("month"))
    text = models.TextField(_("progress"))
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["month", "id"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


# `HazardTally.due` for hazards without a running deadline, and for deadlines already folded together
# by `hazards.rollup.compact` (all long past). Never NULL: NULLs never conflict in a unique key.
TALLY_NO_DUE = dt.date(1, 1, 1)
TALLY_PASSED = dt.date(1, 1, 2)


class HazardTally(models.Model):
    """How many hazards there are per town, sector, level, state, on-time and late flags and, while
    rectifying, deadline: counters kept in step with the loop inside each transition's transaction
    (`hazards.rollup`), so the statistics and the list's totals do not count rows (issue 7)."""

    town_id = models.BigIntegerField()
    sector = models.CharField(max_length=32)
    level = models.CharField(max_length=8, choices=Level.choices)
    state = models.CharField(max_length=12, choices=State.choices)
    on_time = models.BooleanField(default=False)  # submitted on or before the deadline
    late = models.BooleanField(default=False)  # submitted after the deadline
    due = models.DateField(default=TALLY_NO_DUE)  # the deadline of a rectifying hazard
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["town_id", "sector", "level", "state", "on_time", "late", "due"],
                name="hazard_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.town_id}/{self.sector}/{self.level}/{self.state}/{self.due}: {self.n}"


class RecheckQuerySet(ScopedQuerySet):
    scope_town = "hazard__town"
    scope_sector = "hazard__sector"
    scope_enterprise = "hazard__enterprise"


class HazardRecheck(models.Model):
    """R-HAZ-12: a self-inspection hazard closed inside the enterprise that the random sample (setting,
    default 10 %) puts before the government for a re-check (复查), with its opinion."""

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="recheck")
    selected_at = models.DateTimeField(_("selected at"), default=timezone.now)
    opinion = models.TextField(_("re-check opinion"), blank=True)
    passed = models.BooleanField(_("rectification confirmed"), null=True, blank=True)
    rechecked_at = models.DateTimeField(_("re-checked at"), null=True, blank=True)
    rechecked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RecheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard re-check")
        verbose_name_plural = _("hazard re-checks")
        ordering = ["-selected_at", "-id"]


def statement_period_label(year: int, quarter: int | None) -> str:
    """A statistics table's period as the page and the document name it (2026年第3季度, 2026年度)."""
    if quarter is None:
        return gettext("year %(year)s") % {"year": year}
    return gettext("%(year)s, quarter %(quarter)s") % {"year": year, "quarter": quarter}


class StatementQuerySet(ScopedQuerySet):
    scope_town = "enterprise__town"
    scope_sector = "enterprise__sectors"
    scope_enterprise = "enterprise"


class HazardStatement(models.Model):
    """R-HAZ-10 (order 16, art. 14): the enterprise's quarterly or annual hazard statistics table, filled
    from its hazard ledger once the period has ended (a periodic job, once per period), signed by its
    principal, due on the 15th of the month after the quarter and on 31 January for the year (setting).
    The job keeps the table as PDF and .xlsx for the written, signed copy the order asks for."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="hazard_statements"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)  # empty: the annual table
    due_on = models.DateField(_("due on"))
    figures = models.JSONField(_("figures"), default=dict)
    state = models.CharField(
        _("state"), max_length=10, choices=StatementState.choices, default=StatementState.TO_SIGN
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)
    signed_by_name = models.CharField(_("signed by (principal)"), max_length=50, blank=True)
    # When and by whom the principal signed (the table is "filed" when signed).
    submitted_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf = models.FileField(_("PDF"), upload_to="statements/%Y/", blank=True)
    xlsx = models.FileField(_("Excel workbook"), upload_to="statements/%Y/", blank=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard statistics table")
        verbose_name_plural = _("hazard statistics tables")
        ordering = ["-year", "-quarter", "id"]
        constraints = [
            # Once per enterprise and period: the job run twice adds nothing.
            models.UniqueConstraint(fields=["enterprise", "year", "quarter"], name="hazard_statement_period"),
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                condition=Q(quarter__isnull=True),
                name="hazard_statement_annual",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.period_label}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("hazards:statement_detail", kwargs={"pk": self.pk})

    @property
    def period_label(self) -> str:
        return statement_period_label(self.year, self.quarter)

    @property
    def is_signed(self) -> bool:
        return self.state == StatementState.SIGNED

    @property
    def late(self) -> bool:
        """Signed after the due date, or still unsigned once it has passed."""
        signed = timezone.localdate(self.submitted_at) if self.submitted_at else local_today()
        return signed > self.due_on


class ResumptionQuerySet(ScopedQuerySet):
    scope_town = "hazard__town"
    scope_sector = "hazard__sector"
    scope_enterprise = "hazard__enterprise"


class Resumption(models.Model):
    """R-HAZ-11 (order 16, arts. 18, 23): after treating a major hazard that stopped production, the unit
    applies in writing to resume; the authority reviews on site within 10 days and closes the hazard or
    orders more work."""

    class Decision(models.TextChoices):
        CLOSE = "close", _("Resume production and close the hazard")
        MORE_WORK = "more_work", _("More rectification needed")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="resumptions")
    stopped_on = models.DateField(_("production stopped on"))
    application = models.TextField(_("written application"))
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_due = models.DateField(_("on-site review due"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    opinion = models.TextField(_("review opinion"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ResumptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("resumption application")
        verbose_name_plural = _("resumption applications")
        ordering = ["-applied_at", "-id"]

    @property
    def review_late(self) -> bool:
        reviewed = timezone.localdate(self.reviewed_at) if self.reviewed_at else local_today()
        return reviewed > self.review_due
