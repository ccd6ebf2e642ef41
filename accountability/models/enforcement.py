"""Enforcement (执法, R-ACCT-5): the annual plan per department and the cases with their clocks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.choices import CaseMeasure, CaseOrigin, CaseState, DocumentKind, RemedyOutcome
from accountability.models.scope import TargetQuerySet, UnitQuerySet
from core.scoping import Scope


class PlanQuerySet(UnitQuerySet):
    town_path = None  # a plan is a department's: towns see none


class EnforcementPlan(models.Model):
    """A department's enforcement plan of a year; the double-random draws count towards it."""

    department = models.ForeignKey(
        "registry.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    planned_inspections = models.PositiveIntegerField(_("inspections planned"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("enforcement plan")
        verbose_name_plural = _("enforcement plans")
        ordering = ["-year", "department__code"]
        constraints = [models.UniqueConstraint(fields=["department", "year"], name="acct_plan_once")]

    def __str__(self) -> str:
        return f"{self.department} · {self.year}"


class PlanEntry(models.Model):
    plan = models.ForeignKey(EnforcementPlan, on_delete=models.CASCADE, related_name="entries")
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.PositiveSmallIntegerField(_("month"))
    inspectors = models.CharField(_("inspectors"), max_length=200, blank=True)

    class Meta:
        ordering = ["month", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "enterprise"], name="acct_plan_entry_once")]


class CaseQuerySet(TargetQuerySet):
    # The enterprise's own case, its town's, and the department's own cases: another department that
    # supervises the same sector does not see them (they are that department's enforcement).
    sector_enterprises = False

    def overdue_q(self, today):
        """A clock has run out: decision (90 days), hearing request window passed unanswered, payment."""
        return (
            Q(
                state__in=[CaseState.FILED, CaseState.INVESTIGATING, CaseState.NOTIFIED],
                decision_due__lt=today,
            )
            | Q(state=CaseState.DELIVERED, payment_due__lt=today)
            | Q(
                state__in=[CaseState.RECONSIDERATION, CaseState.LAWSUIT],
                remedy_outcome="",
                remedy_outcome_due__lt=today,
            )
        )


class EnforcementCase(models.Model):
    department = models.ForeignKey(
        "registry.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("party"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "registry.Jurisdiction", verbose_name=_("town/street"), on_delete=models.PROTECT, related_name="+"
    )
    sector = models.ForeignKey(
        "registry.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField(_("source"), max_length=12, choices=CaseOrigin.choices)
    origin_id = models.PositiveBigIntegerField(_("source record"), null=True, blank=True)
    title = models.CharField(_("case"), max_length=200)
    facts = models.TextField(_("facts of the violation"))
    state = models.CharField(_("state"), max_length=16, choices=CaseState.choices, default=CaseState.FILED)
    version = models.PositiveIntegerField(default=1)
    filed_on = models.DateField(_("filed on"), default=timezone.localdate)
    decision_due = models.DateField(_("decision due"))
    investigation_note = models.TextField(_("findings of the investigation"), blank=True)
    notice_served_on = models.DateField(_("prior notice served on"), null=True, blank=True)
    hearing_request_due = models.DateField(_("hearing request due"), null=True, blank=True)
    hearing_requested = models.BooleanField(_("hearing requested"), default=False)
    defence = models.TextField(_("statement and defence"), blank=True)
    measure = models.CharField(_("measure"), max_length=16, choices=CaseMeasure.choices, blank=True)
    article = models.CharField(_("legal basis"), max_length=200, blank=True)
    fine = models.DecimalField(_("fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    daily_fine = models.DecimalField(
        _("daily fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    daily_days = models.PositiveIntegerField(_("days of continued violation"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    payment_due = models.DateField(_("payment due"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("paid (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    surcharge = models.DecimalField(
        _("late-payment surcharge (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The party's remedies against the decision, counted from the delivery: administrative reconsideration
    # and administrative lawsuit (penalties.RECONSIDERATION_DAYS, penalties.LAWSUIT_MONTHS).
    reconsideration_due = models.DateField(
        _("reconsideration may be applied for until"), null=True, blank=True
    )
    lawsuit_due = models.DateField(_("lawsuit may be filed until"), null=True, blank=True)
    remedy_applied_on = models.DateField(
        _("reconsideration or lawsuit applied for on"), null=True, blank=True
    )
    remedy_outcome_due = models.DateField(_("outcome due"), null=True, blank=True)
    remedy_outcome = models.CharField(
        _("outcome of the reconsideration or lawsuit"),
        max_length=8,
        choices=RemedyOutcome.choices,
        blank=True,
    )
    remedy_decided_on = models.DateField(_("outcome decided on"), null=True, blank=True)
    remedy_note = models.TextField(_("outcome note"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enforcement case")
        verbose_name_plural = _("enforcement cases")
        ordering = ["-filed_on", "-id"]
        indexes = [models.Index(fields=["department", "filed_on"], name="acct_case_dept_year")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("accountability:case_detail", args=[self.pk])

    @property
    def total_fine(self):
        from accountability.services.penalties import total_fine

        return total_fine(self)


class CaseDocumentQuerySet(CaseQuerySet):
    def scope_filter(self, scope: Scope):
        q = super().scope_filter(scope)
        return None if q is None else Q(case__in=EnforcementCase.objects.filter(q).values("pk"))


class CaseDocument(models.Model):
    """Each step's document with its official number (R-HAZ-13); a number is never used twice."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    number = models.CharField(_("document number"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("content"), blank=True)

    objects = CaseDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class InquiryRecord(models.Model):
    """A record of inquiry (询问笔录); its evidence are attachments with purpose "evidence"."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="inquiries")
    person = models.CharField(_("person questioned"), max_length=100)
    asked_on = models.DateField(_("date"))
    content = models.TextField(_("questions and answers"), blank=True)
    # Each question and its answer, in the order asked: [{"question": "…", "answer": "…"}].
    exchanges = models.JSONField(_("questions and answers, one by one"), default=list, blank=True)
    document = models.OneToOneField(
        CaseDocument,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inquiry",
        verbose_name=_("document"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["asked_on", "id"]
