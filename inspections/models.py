"""Checklists, campaigns (专项整治), tasks, field inspections and the double-random draw (双随机、一公开)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import Scope, ScopedQuerySet, scope_q
from inspections.choices import (
    CampaignKind,
    CampaignState,
    DrawState,
    HazardCategory,
    HazardLevel,
    InspectionState,
    Outcome,
    Result,
    SourceType,
    TaskState,
)


def _enterprise_in_sectors(path: str):
    """A Q that is true when the enterprise at `path` has any of the sectors (a department's scope)."""

    def build(codes):
        from registry.models import Enterprise

        through = Enterprise.sectors.through
        return Q(Exists(through.objects.filter(enterprise_id=OuterRef(path), sector_id__in=codes)))

    return build


# --- Checklists ---------------------------------------------------------------------------------


class ChecklistTemplateQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class ChecklistTemplate(models.Model):
    """One version of a checklist. `family` ties the versions together; editing creates a new version,
    and an inspection keeps the version it used."""

    family = models.SlugField(_("template key"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    sector = models.ForeignKey(
        "registry.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklists",
    )
    topic = models.CharField(_("topic"), max_length=120, blank=True)
    topic_en = models.CharField(_("English topic"), max_length=160, blank=True)
    description = models.TextField(pgettext_lazy("inspection", "description"), blank=True)
    # A checklist built from a case (举一反三) keeps the link back to it.
    source_type = models.CharField(
        _("source case type"), max_length=40, choices=SourceType.choices, blank=True
    )
    source_id = models.PositiveBigIntegerField(_("source case id"), null=True, blank=True)
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ChecklistTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["sector__order", "family", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["family", "version"], name="checklist_family_version"),
            models.UniqueConstraint(
                fields=["family"], condition=Q(is_current=True), name="checklist_one_current_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} (v{self.version})"

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class ChecklistItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("no."))
    requirement = models.TextField(_("requirement"))
    requirement_en = models.TextField(_("requirement (English)"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    category = models.CharField(_("hazard category"), max_length=16, choices=HazardCategory.choices)
    level = models.CharField(
        _("level when failed"), max_length=8, choices=HazardLevel.choices, default=HazardLevel.GENERAL
    )
    # R-INSP-5: an item is key only when it restates a criterion of the major-hazard library; then, and only
    # then, its failure registers a major hazard citing that criterion. Key items come first on the phone.
    is_key = models.BooleanField(_("key item"), default=False)
    criterion = models.ForeignKey(
        "hazards.MajorHazardCriterion",
        verbose_name=_("major-hazard criterion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklist_items",
    )

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "number", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="checklist_item_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.display_requirement[:60]}"

    @property
    def display_requirement(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.requirement_en:
            return self.requirement_en
        return self.requirement


# --- Campaigns ----------------------------------------------------------------------------------


class CampaignQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope):
        def extra(s: Scope):
            q = Q(
                Exists(
                    Campaign.towns.through.objects.filter(
                        campaign_id=OuterRef("pk"), jurisdiction_id__in=s.town_ids
                    )
                )
            )
            if s.user_id:
                q |= Q(created_by_id=s.user_id)
                q |= Q(
                    Exists(
                        InspectionTask.inspectors.through.objects.filter(
                            inspectiontask__campaign_id=OuterRef("pk"), user_id=s.user_id
                        )
                    )
                )
            return q

        def in_sectors(codes):
            return Q(
                Exists(
                    Campaign.sectors.through.objects.filter(campaign_id=OuterRef("pk"), sector_id__in=codes)
                )
            )

        # Enterprises never see campaigns: inspections are unannounced (R-INSP-3).
        return scope_q(scope, town=None, enterprise=None, sector_q=in_sectors, extra=extra)


class Campaign(models.Model):
    """A special campaign (专项整治) or a learn-from-one-case follow-up (举一反三)."""

    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(
        _("kind"), max_length=12, choices=CampaignKind.choices, default=CampaignKind.CAMPAIGN
    )
    goal = models.TextField(_("goal"))
    sectors = models.ManyToManyField("registry.Sector", verbose_name=_("sectors in scope"), related_name="+")
    towns = models.ManyToManyField(
        "registry.Jurisdiction", verbose_name=_("towns in scope"), related_name="+"
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    # Null lead department: the district work-safety committee office (区安委办) leads.
    lead_department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    participating_departments = models.ManyToManyField(
        "registry.Department", verbose_name=_("participating units"), blank=True, related_name="+"
    )
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="campaigns"
    )
    state = models.CharField(
        _("state"), max_length=8, choices=CampaignState.choices, default=CampaignState.ACTIVE
    )
    source_type = models.CharField(
        _("source case type"), max_length=40, choices=SourceType.choices, blank=True
    )
    source_id = models.PositiveBigIntegerField(_("source case id"), null=True, blank=True)
    source_label = models.CharField(_("source case"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspections:campaign_detail", args=[self.pk])

    @property
    def source_url(self) -> str:
        from django.urls import NoReverseMatch, reverse

        name = {SourceType.ACCIDENT: "accidents:detail", SourceType.HAZARD: "hazards:detail"}.get(
            self.source_type
        )
        if not name or not self.source_id:
            return ""
        try:
            return reverse(name, args=[self.source_id])
        except NoReverseMatch:
            return ""


class CampaignTargetQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope):
        return scope_q(scope, town="town", enterprise=None, sector_q=_enterprise_in_sectors("enterprise_id"))


class CampaignTarget(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey("registry.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    added_by_hand = models.BooleanField(_("added by hand"), default=False)
    match_reasons = models.JSONField(_("why chosen"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CampaignTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        ordering = ["town__code", "enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "enterprise"], name="campaign_target_once")
        ]


# --- Tasks and inspections ----------------------------------------------------------------------


def _assigned_to_user(path: str = "pk"):
    def extra(s: Scope):
        if not s.user_id:
            return None
        through = InspectionTask.inspectors.through
        return Q(Exists(through.objects.filter(inspectiontask_id=OuterRef(path), user_id=s.user_id)))

    return extra


class InspectionTaskQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope):
        # The inspector's own assignments extend its town or department scope (CODES: inspector).
        return scope_q(
            scope,
            town="town",
            enterprise=None,
            sector_q=_enterprise_in_sectors("enterprise_id"),
            extra=_assigned_to_user("pk"),
        )

    def pending(self):
        return self.filter(state__in=[TaskState.OPEN, TaskState.IN_PROGRESS])

    def overdue(self, today):
        return self.pending().filter(deadline__lt=today)


class InspectionTask(models.Model):
    """One enterprise to inspect, assigned to a town, a department and inspectors, with a deadline."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    draw_pair = models.OneToOneField(
        "DrawPair",
        verbose_name=_("draw"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="inspection_tasks",
    )
    town = models.ForeignKey(
        "registry.Jurisdiction", verbose_name=_("town/street"), on_delete=models.PROTECT, related_name="+"
    )
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="tasks"
    )
    assigned_town = models.ForeignKey(
        "registry.Jurisdiction",
        verbose_name=_("assigned town/street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("assigned department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), blank=True, related_name="inspection_tasks"
    )
    deadline = models.DateField(pgettext_lazy("inspection", "deadline"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=TaskState.choices, default=TaskState.OPEN)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = InspectionTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "enterprise"],
                condition=Q(campaign__isnull=False),
                name="task_once_per_campaign",
            )
        ]
        indexes = [models.Index(fields=["state", "deadline"], name="task_state_deadline")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.campaign or _('double-random draw')}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspections:task_detail", args=[self.pk])

    def is_overdue(self, today) -> bool:
        return bool(
            self.deadline and self.deadline < today and self.state in (TaskState.OPEN, TaskState.IN_PROGRESS)
        )


class InspectionQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope):
        def extra(s: Scope):
            parts = Q(pk__in=[])
            if s.enterprise_ids:
                # The enterprise receives its inspection record once the inspection is finished.
                parts |= Q(enterprise_id__in=s.enterprise_ids, state=InspectionState.FINISHED)
            if s.user_id:
                parts |= Q(inspector_id=s.user_id)
                through = InspectionTask.inspectors.through
                parts |= Q(
                    Exists(through.objects.filter(inspectiontask_id=OuterRef("task_id"), user_id=s.user_id))
                )
            return parts

        return scope_q(
            scope, town="town", enterprise=None, sector_q=_enterprise_in_sectors("enterprise_id"), extra=extra
        )

    def finished(self):
        return self.filter(state=InspectionState.FINISHED)


class Inspection(models.Model):
    """A field inspection (检查) of one enterprise against one checklist version."""

    task = models.OneToOneField(
        InspectionTask,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    town = models.ForeignKey(
        "registry.Jurisdiction", verbose_name=_("town/street"), on_delete=models.PROTECT, related_name="+"
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist version"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=InspectionState.choices, default=InspectionState.DRAFT
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    co_inspectors = models.CharField(_("other inspectors"), max_length=200, blank=True)
    place = models.CharField(_("place inspected"), max_length=200, blank=True)
    people_present = models.CharField(_("people present"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    outcome = models.CharField(
        pgettext_lazy("inspection", "outcome"), max_length=16, choices=Outcome.choices, blank=True
    )
    rectification_days = models.PositiveSmallIntegerField(_("days given to rectify"), default=15)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    record_serial = models.CharField(_("record number"), max_length=30, blank=True)
    order_serial = models.CharField(_("rectification order number"), max_length=30, blank=True)
    # R-HAZ-13: the department that issued the record and the order in its own name and series; null, the
    # bureau. Kept with the numbers, so the documents name the same body after the inspector moves department.
    issuing_department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("issuing department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "state"], name="inspection_enterprise_state")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.started_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspections:inspection_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.state == InspectionState.DRAFT


class ItemResultQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An item result (and its photos) follows its inspection's scope."""
        return self.filter(inspection__in=Inspection.objects.visible_to(user).values("pk"))


class ItemResult(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=pgettext_lazy("checklist", "item"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, default=Result.PENDING)
    note = models.TextField(_("note"), blank=True)
    # "A failed item creates exactly one hazard": the id is kept here once the hazard exists.
    hazard_id = models.PositiveBigIntegerField(_("hazard"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = ItemResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("item result")
        verbose_name_plural = _("item results")
        ordering = ["inspection", "item__number", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="item_result_once")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.result}"


# --- The double-random draw (双随机、一公开) -------------------------------------------------------


class DrawSetting(models.Model):
    """R-INSP-1/2 (setting): one row, changed by a district admin; source and effective date kept."""

    exclude_previous_round = models.BooleanField(_("exclude inspectors of the previous round"), default=True)
    complaint_weight = models.PositiveSmallIntegerField(
        _("weight of entities with complaints or serious violations"), default=3
    )
    weight_window_days = models.PositiveSmallIntegerField(
        _("look-back for complaints and violations (days)"), default=365
    )
    min_draw_share = models.PositiveSmallIntegerField(
        _("share of the year's inspections made by draw (%)"), default=70
    )
    publication_working_days = models.PositiveSmallIntegerField(
        _("publish results within (working days)"), default=20
    )
    source = models.CharField(
        pgettext_lazy("legal basis", "source"), max_length=200, default="国办发〔2015〕58号"
    )
    effective_from = models.DateField(_("effective from"), default=timezone.localdate)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("draw setting")
        verbose_name_plural = _("draw settings")

    @classmethod
    def current(cls) -> DrawSetting:
        """The settings in force; the defaults (unsaved) until an administrator saves some.
        Reading never writes: no GET changes state."""
        return cls.objects.order_by("pk").first() or cls()


class ConflictQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope):
        return scope_q(
            scope, town="enterprise__town", enterprise=None, sector_q=_enterprise_in_sectors("enterprise_id")
        )


class ConflictOfInterest(models.Model):
    """R-INSP-1: an inspector is never drawn for an enterprise they have a conflict with."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-recorded_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["inspector", "enterprise"], name="conflict_once")]


class ImmutableModel(models.Model):
    """A draw is immutable once made (R-INSP-1): rows are inserted once and never updated or deleted. Its
    result stays on record even when the draw is undone: only the draw's state moves, by the workflow
    layer's conditional UPDATE (inspections.rules.DRAW_FLOW), never by `save`."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("A draw cannot be changed once made.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A draw cannot be deleted.")


class DrawQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope):
        def extra(s: Scope):
            if not s.user_id:
                return None
            return Q(created_by_id=s.user_id) | Q(
                Exists(DrawAssignment.objects.filter(pair__draw_id=OuterRef("pk"), inspector_id=s.user_id))
            )

        return scope_q(scope, town="town", sector="sector", enterprise=None, extra=extra)


class Draw(ImmutableModel):
    """The seed, the pools (as the ordered snapshot the draw ran on) and the result, stored together."""

    created_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    seed = models.BigIntegerField(_("seed"))
    town = models.ForeignKey(
        "registry.Jurisdiction",
        verbose_name=_("town/street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sector = models.ForeignKey(
        "registry.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspector_town = models.ForeignKey(
        "registry.Jurisdiction",
        verbose_name=_("inspectors' town/street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspector_department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("inspectors' department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    count = models.PositiveIntegerField(_("entities drawn"))
    inspectors_per_entity = models.PositiveSmallIntegerField(_("inspectors per entity"), default=2)
    # {"enterprises": [[id, weight], …], "inspectors": [ids], "excluded": {"<enterprise id>": [ids]},
    #  "settings": {…}}: everything the algorithm read, in the order it read it.
    snapshot = models.JSONField(_("pools"))
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    state = models.CharField(_("state"), max_length=8, choices=DrawState.choices, default=DrawState.MADE)
    version = models.PositiveIntegerField(default=1)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undo_reason = models.CharField(_("reason for undoing"), max_length=200, blank=True)

    objects = DrawQuerySet.as_manager()

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{_('Draw')} #{self.pk} · {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspections:draw_detail", args=[self.pk])


class DrawPair(ImmutableModel):
    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="pairs")
    position = models.PositiveIntegerField()
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "position"], name="draw_pair_position"),
            models.UniqueConstraint(fields=["draw", "enterprise"], name="draw_pair_enterprise_once"),
        ]


class DrawAssignment(ImmutableModel):
    pair = models.ForeignKey(DrawPair, on_delete=models.PROTECT, related_name="assignments")
    position = models.PositiveSmallIntegerField()
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pair", "position"]
        constraints = [
            # Never the same inspector twice for one entity (R-INSP-1).
            models.UniqueConstraint(fields=["pair", "inspector"], name="draw_inspector_once_per_entity"),
        ]


class PublishedResult(models.Model):
    """R-INSP-1 "one public": what the public page shows — entity, date, outcome; no personal data."""

    pair = models.OneToOneField(DrawPair, on_delete=models.PROTECT, related_name="published")
    inspected_on = models.DateField(_("inspected on"))
    outcome = models.CharField(pgettext_lazy("inspection", "outcome"), max_length=16, choices=Outcome.choices)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("published result")
        verbose_name_plural = _("published results")
        ordering = ["-inspected_on", "-id"]
