"""Periodic reports that write themselves (定期报表): the district's template and the archive."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cockpit.choices import ReportKind
from core.scoping import Scope, ScopedQuerySet

DEFAULT_INTRO = (
    "本报告由系统根据{scope}{period}的隐患排查治理、事故、检查和风险分级管控记录自动生成，"
    "所有数字与系统中对应的清单一致（一数一源）。"
)
DEFAULT_CLOSING = "下一步，各镇（街）和行业部门要紧盯逾期隐患和重大事故隐患，压实整改责任，确保闭环销号。"


class ReportTemplate(models.Model):
    """The editable wording of one kind of report; the figures are never typed, they come from records."""

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices, unique=True)
    intro = models.TextField(_("opening paragraph"), default=DEFAULT_INTRO)
    closing = models.TextField(_("closing paragraph"), default=DEFAULT_CLOSING)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")

    def __str__(self) -> str:
        return self.get_kind_display()


class PeriodicReportQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope):
        # A district report holds every town's numbers: only district-wide roles read it.
        if scope.district:
            return None
        if scope.town_ids:
            return Q(town__in=scope.town_ids)
        return Q(pk__in=[])


class PeriodicReport(models.Model):
    """One generated report of a kind, for the district (town empty) or one town, for one period."""

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    town = models.ForeignKey(
        "registry.Jurisdiction",
        verbose_name=_("town/street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    generated_at = models.DateTimeField(_("generated at"), auto_now_add=True)
    figures = models.JSONField(_("figures"), default=dict)
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/", blank=True)
    docx = models.FileField(_("Word document"), upload_to="reports/%Y/", blank=True)

    objects = PeriodicReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        ordering = ["-period_start", "kind", "town__code"]
        constraints = [
            # Once per kind, area and period: a job run twice adds nothing.
            models.UniqueConstraint(
                fields=["kind", "town", "period_start"], name="cockpit_report_once_per_town"
            ),
            models.UniqueConstraint(
                fields=["kind", "period_start"],
                condition=Q(town__isnull=True),
                name="cockpit_report_once_for_district",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"
