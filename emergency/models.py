"""Emergency preparedness: supplies, plans, drills, teams and the three preventions (R-EMG-1…8).

Every scoped model names where its town and enterprise live; department officers see the records of
enterprises in their sectors (and, for plans, their own department's plans).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import Scope, ScopedQuerySet, scope_q
from emergency import rules
from emergency.choices import (
    ActionState,
    CertificateType,
    ConfirmationState,
    DeclarationState,
    DrillForm,
    DrillState,
    MemberRole,
    MovementKind,
    OwnerKind,
    PlanType,
    PlanVersionState,
    ResponseLevel,
    RevisionTrigger,
    Signal,
    StocktakeState,
    SupplyCategory,
    TeamKind,
    WarehouseLevel,
    WarningHazard,
    WarningState,
)
from registry.models import Enterprise


def _enterprises_of_sectors(path: str):
    """Sector scope through an enterprise, as a subquery (no duplicate rows from the M2M join)."""

    def q(codes):
        from registry.models import Enterprise

        return Q(**{f"{path}__in": Enterprise.objects.filter(sectors__code__in=codes).values("pk")})

    return q


class _TownEnterpriseQuerySet(ScopedQuerySet):
    scope_town = "town"
    scope_enterprise = "enterprise"
    scope_sector = None
    enterprise_path = "enterprise"

    def scope_filter(self, scope: Scope):
        return scope_q(
            scope,
            town=self.scope_town,
            enterprise=self.scope_enterprise,
            sector_q=_enterprises_of_sectors(self.enterprise_path),
        )


class _TownQuerySet(ScopedQuerySet):
    """Town registers (points, shelters, transfer lists, teams without an enterprise)."""

    scope_town = "town"
    scope_sector = None
    scope_enterprise = None


# --- Supplies -------------------------------------------------------------------------------------


class WarehouseQuerySet(_TownEnterpriseQuerySet):
    pass


class Warehouse(models.Model):
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=WarehouseLevel.choices)
    town = models.ForeignKey(
        "registry.Jurisdiction",
        verbose_name=_("town/street"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    keeper = models.CharField(_("keeper"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    objects = WarehouseQuerySet.as_manager()

    class Meta:
        verbose_name = _("warehouse")
        ordering = ["town_id", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("emergency:warehouse_detail", args=[self.pk])


class SupplyItem(models.Model):
    """The catalogue (GB/T 38565-2020 categories); `default_norm` is the SL 298-2004 figure per town."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=SupplyCategory.choices)
    unit = models.CharField(_("unit"), max_length=12)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    default_norm = models.PositiveIntegerField(_("default reserve per town"), default=0)

    class Meta:
        verbose_name = _("supply item")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class StockQuerySet(_TownEnterpriseQuerySet):
    scope_town = "warehouse__town"
    scope_enterprise = "warehouse__enterprise"
    enterprise_path = "warehouse__enterprise"


class StockBatch(models.Model):
    """One batch of one item in one warehouse. The quantity never goes below zero: every decrease is a
    conditional UPDATE (`… WHERE quantity >= n`) and the database refuses a negative number anyway."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="batches")
    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="batches")
    batch_no = models.CharField(_("batch"), max_length=40, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    received_on = models.DateField(_("received on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    objects = StockQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock batch")
        ordering = ["warehouse_id", "item_id", "expires_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="emergency_stock_not_negative")
        ]

    def is_expired(self, today: dt.date) -> bool:
        return self.expires_on is not None and self.expires_on < today


class MovementQuerySet(_TownEnterpriseQuerySet):
    scope_town = "warehouse__town"
    scope_enterprise = "warehouse__enterprise"
    enterprise_path = "warehouse__enterprise"

    def scope_filter(self, scope: Scope):
        base = super().scope_filter(scope)
        if base is None:
            return None
        # The receiving side of a transfer sees it too.
        other = scope_q(
            scope,
            town="to_warehouse__town",
            enterprise="to_warehouse__enterprise",
            sector_q=_enterprises_of_sectors("to_warehouse__enterprise"),
        )
        return base | other


class Movement(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="movements")
    to_warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, null=True, blank=True, related_name="incoming"
    )
    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="movements")
    quantity = models.PositiveIntegerField(_("quantity"))
    reason = models.CharField(_("reason"), max_length=200)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    accident = models.ForeignKey(
        "accidents.Accident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An issue during an emergency names its event (R-EMG-5): the accident or the duty room's information
    # report, chosen within the keeper's scope.
    info_report = models.ForeignKey(
        "duty.InfoReport",
        verbose_name=_("information report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What earlier versions took as typed text instead of a link; kept as it was entered.
    info_report_ref = models.CharField(_("information report (as typed)"), max_length=40, blank=True)
    expired_confirmed = models.BooleanField(_("expired stock confirmed"), default=False)

    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="emergency_movement_positive")
        ]


class MovementLine(models.Model):
    """Which batch a movement took from or added to (a transfer has both sides)."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="lines")
    batch = models.ForeignKey(StockBatch, on_delete=models.PROTECT, related_name="+")
    delta = models.IntegerField()


class StocktakeQuerySet(_TownEnterpriseQuerySet):
    scope_town = "warehouse__town"
    scope_enterprise = "warehouse__enterprise"
    enterprise_path = "warehouse__enterprise"


class Stocktake(models.Model):
    """The monthly count (R-EMG-5): every batch counted, every difference explained."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stocktakes")
    month = models.DateField(_("month"))
    state = models.CharField(
        _("state"), max_length=12, choices=StocktakeState.choices, default=StocktakeState.DRAFT
    )
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StocktakeQuerySet.as_manager()

    class Meta:
        verbose_name = _("stocktake")
        ordering = ["-month", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "month"], name="emergency_one_stocktake_a_month")
        ]

    def get_absolute_url(self) -> str:
        return reverse("emergency:stocktake_detail", args=[self.pk])


class StocktakeLine(models.Model):
    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="lines")
    batch = models.ForeignKey(StockBatch, on_delete=models.PROTECT, related_name="+")
    expected = models.PositiveIntegerField(_("book quantity"))
    counted = models.PositiveIntegerField(_("counted"))
    explanation = models.CharField(_("explanation"), max_length=200, blank=True)

    @property
    def difference(self) -> int:
        return self.counted - self.expected


class NormQuerySet(ScopedQuerySet):
    scope_town = "town"
    scope_sector = None
    scope_enterprise = None


class ReserveNorm(models.Model):
    """A town's (or one warehouse's) reserve norm for an item; the district sets it (R-EMG-5)."""

    town = models.ForeignKey("registry.Jurisdiction", on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    item = models.ForeignKey(SupplyItem, on_delete=models.CASCADE, related_name="norms")
    quantity = models.PositiveIntegerField(_("norm"))
    version = models.PositiveIntegerField(default=1)

    objects = NormQuerySet.as_manager()

    class Meta:
        verbose_name = _("reserve norm")
        ordering = ["town_id", "warehouse_id", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "warehouse", "item"], name="emergency_one_norm"),
            models.UniqueConstraint(
                fields=["town", "item"], condition=Q(warehouse=None), name="emergency_one_town_norm"
            ),
        ]


# --- Plans and drills ----------------------------------------------------------------------------


class PlanQuerySet(ScopedQuerySet):
    def behind(self, today: dt.date):
        """Plans with a filing, filing check, evaluation (or a recorded revision trigger) or drill overdue:
        `selectors.plan_status(...).behind` as one query."""
        current = PlanVersion.objects.filter(plan=OuterRef("pk")).exclude(state=PlanVersionState.DRAFT)
        current = current.order_by("-number")

        def of_current(field):
            return Subquery(current.values(field)[:1])

        high_risk = (
            Q(type=PlanType.ONSITE)
            | Q(crowded_place=True)
            | Q(owner_enterprise__sub_sector__in=rules.HIGH_RISK_SUB_SECTORS)
            | Exists(
                Enterprise.sectors.through.objects.filter(
                    enterprise=OuterRef("owner_enterprise"), sector__code__in=rules.HIGH_RISK_SECTORS
                )
            )
        )
        drill_every = {
            6: Q(owner_enterprise__isnull=False) & high_risk,
            12: Q(owner_enterprise__isnull=False) & ~high_risk,
            rules.GOVERNMENT_DRILL_MONTHS: Q(owner_enterprise__isnull=True),
        }
        qs = self.annotate(
            _state=of_current("state"),
            _published_on=of_current("published_on"),
            _filing_due=of_current("filing_due"),
            _check_due=of_current("check_due"),
        ).annotate(
            _review_since=Coalesce("last_evaluated_on", "_published_on"),
            _drill_since=Coalesce(last_drill_of(OuterRef("pk")), "_published_on"),
        )
        overdue = (
            Q(_state=PlanVersionState.PUBLISHED, _filing_due__lt=today)
            | Q(_state=PlanVersionState.FILED, _check_due__lt=today)
            | Q(_review_since__lte=rules.latest_start_overdue(12 * rules.review_years(), today))
            | ~Q(revision_trigger="")
            | ~Q(revision_reason="")
        )
        for months, which in drill_every.items():
            overdue |= which & Q(_drill_since__lte=rules.latest_start_overdue(months, today))
        return qs.filter(overdue)

    def scope_filter(self, scope: Scope):
        def own_department(s: Scope):
            from accounts.models import User

            if not s.sector_codes:
                return None
            return Q(owner_department__in=User.objects.filter(pk=s.user_id).values("department"))

        return scope_q(
            scope,
            town="town",
            enterprise="owner_enterprise",
            sector_q=_enterprises_of_sectors("owner_enterprise"),
            extra=own_department,
        )


class Plan(models.Model):
    owner_kind = models.CharField(_("owner"), max_length=12, choices=OwnerKind.choices)
    owner_enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_department = models.ForeignKey(
        "registry.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_town = models.ForeignKey(
        "registry.Jurisdiction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Where the plan lies for scope: the enterprise's or the town's own town; none for the district's.
    town = models.ForeignKey(
        "registry.Jurisdiction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    type = models.CharField(_("type"), max_length=16, choices=PlanType.choices)
    title = models.CharField(_("title"), max_length=200)
    hazard_types = models.CharField(_("hazard types"), max_length=200, blank=True)
    crowded_place = models.BooleanField(_("crowded place or high-risk unit"), default=False)
    last_evaluated_on = models.DateField(_("last evaluated on"), null=True, blank=True)
    # R-EMG-3: the trigger that requires a revision and what happened; both stay until a new version is
    # published (an evaluation that finds no trigger does not clear one already recorded).
    revision_trigger = models.CharField(
        _("revision trigger"), max_length=16, choices=RevisionTrigger.choices, blank=True
    )
    revision_reason = models.CharField(_("revision needed because"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency plan")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("emergency:plan_detail", args=[self.pk])

    @property
    def owner_name(self) -> str:
        owner = self.owner_enterprise or self.owner_department or self.owner_town
        return str(owner.name if owner else _("District government"))

    @property
    def needs_revision(self) -> bool:
        """R-EMG-3: a recorded trigger (or a reason written before triggers had codes) stands until a new
        version is published."""
        return bool(self.revision_trigger or self.revision_reason)

    def current(self):
        versions = [v for v in self.versions.all() if v.state != PlanVersionState.DRAFT]
        return max(versions, key=lambda v: v.number) if versions else None


class PlanVersionQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope):
        q = Plan.objects.none().scope_filter(scope)
        if q is None:
            return None
        return Q(plan__in=Plan.objects.filter(q).values("pk"))


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version number"))
    state = models.CharField(
        _("state"), max_length=12, choices=PlanVersionState.choices, default=PlanVersionState.DRAFT
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    filing_due = models.DateField(_("filing due"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    filing_number = models.CharField(_("filing number"), max_length=60, blank=True)
    check_due = models.DateField(_("check due"), null=True, blank=True)
    checked_on = models.DateField(_("filing checked on"), null=True, blank=True)
    check_note = models.CharField(_("check note"), max_length=200, blank=True)
    changes = models.TextField(_("what changed"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan version")
        ordering = ["plan_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="emergency_plan_version")]

    def get_absolute_url(self) -> str:
        return reverse("emergency:plan_detail", args=[self.plan_id])


class DrillQuerySet(PlanVersionQuerySet):
    def exercising(self, plan):
        """Drills that exercised the plan: as their main plan or among the others drilled with it (R-EMG-4
        counts a joint drill for every plan it exercised)."""
        return self.filter(Q(plan=plan) | Q(other_plans=plan)).distinct()


def last_drill_of(plan):
    """The date of the plan's latest drill, as a subquery (`plan` an OuterRef or a pk)."""
    return Subquery(
        Drill.objects.filter(Q(plan=plan) | Q(other_plans=plan)).order_by("-held_on").values("held_on")[:1]
    )


class Drill(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="drills")
    # A joint drill exercises several plans at once (e.g. a town's flood plan with an enterprise's on-site
    # plan); each of them counts it for its drill frequency.
    other_plans = models.ManyToManyField(
        Plan, verbose_name=_("other plans exercised"), blank=True, related_name="joint_drills"
    )
    held_on = models.DateField(_("held on"))
    form = models.CharField(_("form"), max_length=12, choices=DrillForm.choices)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    scenario = models.TextField(_("scenario"), blank=True)
    evaluation = models.TextField(_("evaluation report"), blank=True)
    state = models.CharField(_("state"), max_length=12, choices=DrillState.choices, default=DrillState.HELD)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DrillQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill")
        ordering = ["-held_on", "-pk"]

    def get_absolute_url(self) -> str:
        return reverse("emergency:drill_detail", args=[self.pk])


class ActionQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope):
        q = Plan.objects.none().scope_filter(scope)
        if q is None:
            return None
        return Q(drill__plan__in=Plan.objects.filter(q).values("pk"))


class ImprovementAction(models.Model):
    """A problem a drill's evaluation found (AQ/T 9009), with its owner and deadline (R-EMG-8)."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="actions")
    problem = models.CharField(_("problem"), max_length=300)
    owner = models.CharField(_("owner"), max_length=50)
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=12, choices=ActionState.choices, default=ActionState.OPEN)
    hazard = models.ForeignKey(
        "hazards.Hazard", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement action")
        ordering = ["deadline", "pk"]

    def get_absolute_url(self) -> str:
        return reverse("emergency:drill_detail", args=[self.drill_id])


# --- Teams -----------------------------------------------------------------------------------------


class TeamQuerySet(_TownEnterpriseQuerySet):
    pass


class RescueTeam(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=TeamKind.choices)
    name = models.CharField(_("name"), max_length=100)
    town = models.ForeignKey("registry.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    leader = models.CharField(_("head"), max_length=50, blank=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    equipment = models.TextField(_("equipment"), blank=True)
    base = models.CharField(_("base location"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    duty_24h = models.BooleanField(_("24-hour duty"), default=False)
    response_minutes = models.PositiveIntegerField(_("expected response time (minutes)"), default=0)
    version = models.PositiveIntegerField(default=1)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("rescue team")
        ordering = ["town_id", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("emergency:team_detail", args=[self.pk])


class TeamMemberQuerySet(_TownEnterpriseQuerySet):
    scope_town = "team__town"
    scope_enterprise = "team__enterprise"
    enterprise_path = "team__enterprise"


class TeamMember(models.Model):
    """A head or member of a rescue team with the certificate held (R-EMG-6 counts these records)."""

    team = models.ForeignKey(RescueTeam, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    role = models.CharField(_("role in the team"), max_length=10, choices=MemberRole.choices)
    phone = models.CharField(_("phone"), max_length=20)
    certificate_type = models.CharField(
        _("certificate type"), max_length=20, choices=CertificateType.choices, blank=True
    )
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    certificate_expires = models.DateField(_("certificate valid until"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("team member")
        ordering = ["team_id", "role", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("emergency:team_detail", args=[self.team_id])


# --- The three preventions -------------------------------------------------------------------------


class WaterloggingPoint(models.Model):
    town = models.ForeignKey("registry.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("place"), max_length=100)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    depth_history = models.CharField(_("history of depth"), max_length=300, blank=True)
    max_depth_cm = models.PositiveIntegerField(_("deepest water (cm)"), default=0)
    pumps = models.CharField(_("pumps assigned"), max_length=200, blank=True)
    barriers = models.CharField(_("barriers assigned"), max_length=200, blank=True)
    responsible = models.CharField(_("person responsible"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = _TownQuerySet.as_manager()

    class Meta:
        verbose_name = _("waterlogging point")
        ordering = ["town_id", "name"]

    def __str__(self) -> str:
        return self.name


class Shelter(models.Model):
    town = models.ForeignKey("registry.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (persons)"))
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = _TownQuerySet.as_manager()

    class Meta:
        verbose_name = _("shelter")
        ordering = ["town_id", "name"]

    def __str__(self) -> str:
        return self.name


class TransferEntry(models.Model):
    """People to move (转移安置): a danger zone's households, their shelter, and who moves them."""

    town = models.ForeignKey("registry.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    zone = models.CharField(_("danger zone"), max_length=100)
    households = models.PositiveIntegerField(_("households"))
    persons = models.PositiveIntegerField(_("persons"))
    shelter = models.ForeignKey(Shelter, on_delete=models.PROTECT, related_name="entries")
    mover = models.CharField(_("who moves them"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = _TownQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer entry")
        ordering = ["town_id", "zone"]

    def get_absolute_url(self) -> str:
        return reverse("emergency:transfers")


class DistrictQuerySet(ScopedQuerySet):
    """District-wide facts (warnings, declared levels): every business role reads them."""

    def scope_filter(self, scope: Scope):
        return None


class WeatherWarning(models.Model):
    hazard = models.CharField(_("hazard"), max_length=20, choices=WarningHazard.choices)
    signal = models.CharField(_("signal"), max_length=10, choices=Signal.choices)
    area = models.CharField(_("area"), max_length=200)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=WarningState.choices, default=WarningState.ACTIVE
    )
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning")
        ordering = ["-valid_from", "-pk"]

    def get_absolute_url(self) -> str:
        return reverse("emergency:warnings")


class Declaration(models.Model):
    """A response level the district declares; each town confirms its checklist once."""

    level = models.CharField(_("response level"), max_length=4, choices=ResponseLevel.choices)
    hazard = models.CharField(_("hazard"), max_length=20, choices=WarningHazard.choices)
    declared_at = models.DateTimeField(_("declared at"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DeclarationState.choices, default=DeclarationState.ACTIVE
    )
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("response declaration")
        ordering = ["-declared_at", "-pk"]

    def get_absolute_url(self) -> str:
        return reverse("emergency:warnings")


class Confirmation(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="confirmations")
    town = models.ForeignKey("registry.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=10, choices=ConfirmationState.choices, default=ConfirmationState.PENDING
    )
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = _TownQuerySet.as_manager()

    class Meta:
        verbose_name = _("town confirmation")
        ordering = ["declaration_id", "town_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "town"], name="emergency_one_confirmation_per_town"
            )
        ]

    def get_absolute_url(self) -> str:
        return reverse("emergency:warnings")
