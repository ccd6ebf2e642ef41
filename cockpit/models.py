"""Periodic reports that write themselves (定期报表): the district's template and the archive; the wall
displays (大屏终端) paired to show a cockpit without a login session."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cockpit.choices import ReportKind, WallDisplayState
from cockpit.policy import DISPLAY_KEEPERS, may_open_cockpit
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


class WallDisplayQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """A display belongs to its owner, whose cockpit it shows; the district administrator keeps all.
        Anyone else's display is 404 (never a hint that it exists)."""
        if not may_open_cockpit(user) or not user.is_active:
            return self.none()
        if user.role_codes & DISPLAY_KEEPERS:
            return self
        return self.filter(owner=user)


class WallDisplay(models.Model):
    """A screen (the duty room's wall) paired once through a one-time link; it then shows its owner's
    cockpit, read only, without a login session, until it is stopped or its owner may no longer open the
    cockpit. Only SHA-256 digests of the link's code and of the screen's secret are kept."""

    name = models.CharField(_("name"), max_length=60)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("wall display", "owner"),
        on_delete=models.CASCADE,
        related_name="wall_displays",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=WallDisplayState.choices, default=WallDisplayState.PENDING
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    pairing_digest = models.CharField(max_length=64, blank=True, editable=False)  # emptied once used
    secret_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    paired_at = models.DateTimeField(_("paired at"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("stopped by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = WallDisplayQuerySet.as_manager()

    class Meta:
        verbose_name = _("wall display")
        verbose_name_plural = _("wall displays")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name
