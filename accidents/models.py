"""Accidents (R-ACC-*): the record and its clocks, reports, investigation, the case library, warning education."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accidents.choices import (
    AccountabilityMeasure,
    AudienceKind,
    CaseOrigin,
    ChainStepKind,
    Level,
    ReportingFindingKind,
    ReportKind,
    Responsibility,
    State,
    Step,
)
from core.choices import ACCIDENT_TYPE_STANDARD, AccidentType
from core.scoping import Scope, ScopedQuerySet, scope_of, scope_q


class LevelThreshold(models.Model):
    """R-ACC-1 (order 493, art. 3): the lowest numbers that make an accident reach a level.

    A level is met when any of deaths, serious injuries or direct loss reaches its threshold ("X or more"
    includes X). Kept as data with its source so a district admin can follow a changed regulation.
    """

    level = models.CharField(
        pgettext_lazy("accident", "level"), max_length=20, choices=Level.choices, unique=True
    )
    deaths = models.PositiveIntegerField(_("deaths from"))
    serious_injuries = models.PositiveIntegerField(_("serious injuries from"))
    direct_loss = models.DecimalField(_("direct loss from (yuan)"), max_digits=16, decimal_places=2)
    source = models.CharField(pgettext_lazy("legal basis", "source"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("accident level threshold")
        verbose_name_plural = _("accident level thresholds")
        ordering = ["-deaths"]

    def __str__(self) -> str:
        return str(self.get_level_display())


class AccidentQuerySet(ScopedQuerySet):
    scope_town = "town"
    scope_sector = "sector"
    scope_enterprise = "enterprise"

    def open(self):
        return self.exclude(state=State.CLOSED)

    def for_list(self):
        return self.select_related("town", "sector", "enterprise")


class Accident(models.Model):
    title = models.CharField(_("title"), max_length=200)
    occurred_at = models.DateTimeField(_("time of the accident"))
    town = models.ForeignKey(
        "registry.Jurisdiction",
        verbose_name=_("town/street"),
        on_delete=models.PROTECT,
        related_name="accidents",
    )
    address = models.CharField(_("place"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accidents",
    )
    sector = models.ForeignKey(
        "registry.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="accidents"
    )
    accident_type = models.CharField(_("accident type"), max_length=4, choices=AccidentType.choices)
    # R-ACC-6: the classification standard the type code belongs to.
    standard = models.CharField(_("classification standard"), max_length=20, default=ACCIDENT_TYPE_STANDARD)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    serious_injuries = models.PositiveIntegerField(_("serious injuries"), default=0)
    minor_injuries = models.PositiveIntegerField(_("minor injuries"), default=0)
    direct_loss = models.DecimalField(
        _("direct economic loss (yuan)"), max_digits=16, decimal_places=2, default=0
    )
    narrative = models.TextField(_("what happened"), blank=True)
    # R-ACC-8: the unit's one-hour clock runs from the unit head's receipt of the report from the scene;
    # unknown, the accident's own time stands in and the record says it was assumed.
    unit_informed_at = models.DateTimeField(_("unit head informed at"), null=True, blank=True)
    unit_informed_assumed = models.BooleanField(_("time informed assumed"), default=False)
    # R-ACC-8: a direct report to a higher level (越级上报), kept as made.
    bypass_reported_to = models.CharField(_("reported directly to"), max_length=120, blank=True)
    bypass_reported_at = models.DateTimeField(_("reported directly at"), null=True, blank=True)
    # R-ACC-9: a larger near-miss event (较大涉险事故) is reported like a larger accident.
    larger_near_miss = models.BooleanField(_("larger near-miss event"), default=False)
    near_miss_reason = models.CharField(_("why it is a larger near-miss event"), max_length=200, blank=True)
    measures_taken = models.TextField(_("measures taken"), blank=True)
    reporter_name = models.CharField(_("reporter"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    # Computed by accidents.rules.compute_level only (R-ACC-1); never typed by hand.
    level = models.CharField(
        pgettext_lazy("accident", "level"), max_length=20, choices=Level.choices, default=Level.GENERAL
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REPORTED)
    reported_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # The express report's number in the bureau's series (蓬应急快报〔2026〕3号), given when the accident is
    # recorded so every print of the report carries the same one.
    express_number = models.CharField(_("express report number"), max_length=40, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(pgettext_lazy("accident", "closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("accident")
        verbose_name_plural = _("accidents")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["town", "occurred_at"], name="acc_town_time"),
            models.Index(fields=["sector", "occurred_at"], name="acc_sector_time"),
            models.Index(fields=["state"], name="acc_state"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("accidents:detail", kwargs={"pk": self.pk})

    @property
    def numbers(self) -> dict:
        return {
            "deaths": self.deaths,
            "missing": self.missing,
            "serious_injuries": self.serious_injuries,
            "minor_injuries": self.minor_injuries,
            "direct_loss": self.direct_loss,
        }


class ReportDeadline(models.Model):
    """One due report of R-ACC-2 with its clock."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="deadlines")
    step = models.CharField(_("step"), max_length=24, choices=Step.choices)
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # R-ACC-7: set once by the clock job when the step passed its deadline unreported (迟报).
    late_flagged_at = models.DateTimeField(_("flagged late at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report deadline")
        verbose_name_plural = _("report deadlines")
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["accident", "step"], name="acc_deadline_step")]

    def __str__(self) -> str:
        return str(self.get_step_display())

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        if self.done_at is not None:
            return self.done_at > self.due_at
        return now > self.due_at


class ChainStep(models.Model):
    """R-ACC-8: a step of the accident chain after the report reaches the bureau — the notifications to
    public security, human resources and social security, the trade union and the procuratorate, the report
    to the district government (order 493, art. 10); the government's reply to the investigation report
    (art. 32); the evaluation of the rectification measures within a year of closing (Work Safety Law art. 86).
    Each step has its due time and the time it was done."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="chain_steps")
    step = models.CharField(_("step"), max_length=32, choices=ChainStepKind.choices)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("accident chain step")
        verbose_name_plural = _("accident chain steps")
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["accident", "step"], name="acc_chain_step")]

    def __str__(self) -> str:
        return str(self.get_step_display())

    def is_overdue(self, now=None) -> bool:
        if self.due_at is None:
            return False
        if self.done_at is not None:
            return self.done_at > self.due_at
        return (now or timezone.now()) > self.due_at


class ReportingFinding(models.Model):
    """R-ACC-7: omitted, false or concealed reporting (漏报, 谎报, 瞒报) as an investigator finds it; late
    reporting (迟报) is flagged by the clocks."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="reporting_findings")
    kind = models.CharField(_("finding"), max_length=12, choices=ReportingFindingKind.choices)
    note = models.CharField(_("facts"), max_length=500)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reporting finding")
        verbose_name_plural = _("reporting findings")
        ordering = ["recorded_at", "id"]


class LevelChange(models.Model):
    """R-ACC-3: the level history, with the numbers that produced each level."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="level_changes")
    from_level = models.CharField(
        pgettext_lazy("accident level", "from"), max_length=20, choices=Level.choices, blank=True
    )
    to_level = models.CharField(pgettext_lazy("accident level", "to"), max_length=20, choices=Level.choices)
    numbers = models.JSONField(_("numbers"), default=dict)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("level change")
        verbose_name_plural = _("level changes")
        ordering = ["changed_at", "id"]


class AccidentReport(models.Model):
    """Initial, follow-up, supplementary and final reports, each timestamped (R-ACC-2..4)."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    submitted_at = models.DateTimeField(pgettext_lazy("accident", "submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(pgettext_lazy("case", "content"), blank=True)
    numbers = models.JSONField(_("numbers"), default=dict)

    class Meta:
        verbose_name = _("accident report")
        verbose_name_plural = _("accident reports")
        ordering = ["submitted_at", "id"]


class InvestigationQuerySet(ScopedQuerySet):
    """An investigation is seen by those who see its accident."""

    scope_town = "accident__town"
    scope_sector = "accident__sector"
    scope_enterprise = "accident__enterprise"


class Investigation(models.Model):
    """R-ACC-5: the investigation of one accident."""

    accident = models.OneToOneField(Accident, on_delete=models.CASCADE, related_name="investigation")
    lead_unit = models.CharField(_("lead unit"), max_length=120)
    team = models.TextField(_("team members"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    deadline = models.DateField(_("report due"))
    extended = models.BooleanField(_("extended"), default=False)
    extension_reason = models.CharField(_("extension reason"), max_length=200, blank=True)
    direct_causes = models.TextField(_("direct causes"), blank=True)
    indirect_causes = models.TextField(_("indirect causes"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("accident", "closed at"), null=True, blank=True)
    # Every change of the investigation (its team and causes, the extension, a finding, a measure, the
    # report) is written at the version the investigator read (accidents.services.INVESTIGATION_FLOW).
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = InvestigationQuerySet.as_manager()

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")

    def get_absolute_url(self) -> str:
        return reverse("accidents:detail", args=[self.accident_id])


class Finding(models.Model):
    """A responsibility finding: who, what responsibility, which measure is proposed."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="findings")
    party = models.CharField(_("person or unit"), max_length=120)
    position = models.CharField(_("position"), max_length=120, blank=True)
    responsibility = models.CharField(_("responsibility"), max_length=16, choices=Responsibility.choices)
    measure = models.CharField(_("proposed measure"), max_length=20, choices=AccountabilityMeasure.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("responsibility finding")
        verbose_name_plural = _("responsibility findings")
        ordering = ["id"]


class Measure(models.Model):
    """A rectification measure of the investigation; it may become a hazard in the loop."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="measures")
    text = models.CharField(_("measure"), max_length=300)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The hazard it became (hazards.Hazard id; kept as a plain id so the modules stay separable).
    hazard_id = models.PositiveBigIntegerField(_("hazard"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("rectification measure")
        verbose_name_plural = _("rectification measures")
        ordering = ["id"]


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The case library is anonymised teaching material: every business role of the district reads it."""
        if scope_of(user).is_empty:
            return self.none()
        return self

    def search(self, query: str):
        """Every segmented token of the query must occur in the segmented text (SQLite and PostgreSQL)."""
        from accidents.search import query_tokens

        for token in query_tokens(query):
            self = self.filter(search_text__icontains=token)
        return self


class Case(models.Model):
    origin = models.CharField(pgettext_lazy("accident", "origin"), max_length=10, choices=CaseOrigin.choices)
    accident = models.OneToOneField(
        Accident,
        verbose_name=_("accident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case",
    )
    title = models.CharField(_("title"), max_length=200)
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
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
        related_name="cases",
    )
    accident_type = models.CharField(
        _("accident type"), max_length=4, choices=AccidentType.choices, blank=True
    )
    standard = models.CharField(_("classification standard"), max_length=20, default=ACCIDENT_TYPE_STANDARD)
    level = models.CharField(
        pgettext_lazy("accident", "level"), max_length=20, choices=Level.choices, default=Level.GENERAL
    )
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    serious_injuries = models.PositiveIntegerField(_("serious injuries"), default=0)
    direct_loss = models.DecimalField(
        _("direct economic loss (yuan)"), max_digits=16, decimal_places=2, default=0
    )
    summary = models.TextField(_("what happened"))
    causes = models.TextField(_("causes"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    source = models.CharField(pgettext_lazy("legal basis", "source"), max_length=200, blank=True)
    # jieba-segmented title, summary, causes, lessons and tags, words separated by spaces (accidents.search).
    search_text = models.TextField(editable=False, blank=True)
    # "|tag|tag|" so one tag filters exactly on SQLite and PostgreSQL alike.
    tag_index = models.CharField(editable=False, blank=True, max_length=400)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Two editors of one case's teaching text cannot overwrite each other (accidents.library.CASE_FLOW).
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return self.title


class SessionQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope):
        from registry.models import Department

        through_towns = EducationSession.audience_towns.through
        through_ents = EducationSession.audience_enterprises.through

        def towns_q(ids):
            return Q(town_id__in=ids) | Q(
                Exists(
                    through_towns.objects.filter(educationsession_id=OuterRef("pk"), jurisdiction_id__in=ids)
                )
            )

        def extra(s: Scope):
            parts = []
            if s.town_ids:
                parts.append(towns_q(s.town_ids))
            if s.enterprise_ids:
                parts.append(
                    Q(enterprise_id__in=s.enterprise_ids)
                    | Q(
                        Exists(
                            through_ents.objects.filter(
                                educationsession_id=OuterRef("pk"), enterprise_id__in=s.enterprise_ids
                            )
                        )
                    )
                )
            if s.sector_codes:
                # Sessions organised by a department that supervises one of the sectors.
                dept_sectors = Department.sectors.through
                parts.append(
                    Q(
                        Exists(
                            dept_sectors.objects.filter(
                                department_id=OuterRef("department_id"), sector_id__in=s.sector_codes
                            )
                        )
                    )
                )
            if not parts:
                return None
            q = parts[0]
            for part in parts[1:]:
                q |= part
            return q

        return scope_q(scope, town=None, sector="sector", enterprise=None, extra=extra)


class EducationSession(models.Model):
    """A warning-education session (警示教育) and who attended it."""

    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    organiser_kind = models.CharField(_("organiser kind"), max_length=12, choices=AudienceKind.choices)
    town = models.ForeignKey(
        "registry.Jurisdiction",
        verbose_name=_("organising town"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("organising department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("organising enterprise"),
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
    audience_towns = models.ManyToManyField(
        "registry.Jurisdiction", verbose_name=_("audience towns"), blank=True, related_name="+"
    )
    audience_departments = models.ManyToManyField(
        "registry.Department", verbose_name=_("audience departments"), blank=True, related_name="+"
    )
    audience_enterprises = models.ManyToManyField(
        "registry.Enterprise", verbose_name=_("audience enterprises"), blank=True, related_name="+"
    )
    cases = models.ManyToManyField(Case, verbose_name=_("cases studied"), related_name="sessions")
    attendee_names = models.TextField(_("attendees (one name a line)"), blank=True)
    attendee_count = models.PositiveIntegerField(_("number of attendees"), default=0)
    materials = models.TextField(_("materials"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning-education session")
        verbose_name_plural = _("warning-education sessions")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def organiser(self):
        return self.town or self.department or self.enterprise
