"""Risk points (风险点) per enterprise, with their current assessment (R-RISK-*)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import RiskColour
from core.scoping import ScopedQuerySet
from risk.choices import Method, PointKind


class RiskPointQuerySet(ScopedQuerySet):
    scope_town = "enterprise__town"
    scope_sector = None
    scope_enterprise = "enterprise"

    def scope_filter(self, scope):
        from django.db.models import Exists, OuterRef, Q

        from core.scoping import scope_q
        from registry.models import Enterprise

        def in_sectors(codes):
            through = Enterprise.sectors.through
            return Q(Exists(through.objects.filter(enterprise_id=OuterRef("enterprise_id"), sector_id__in=codes)))

        return scope_q(scope, town="enterprise__town", enterprise="enterprise", sector_q=in_sectors)

    def active(self):
        return self.filter(is_active=True)


class RiskPoint(models.Model):
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="risk_points"
    )
    name = models.CharField(_("risk point"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=PointKind.choices, default=PointKind.SITE)
    location = models.CharField(_("location"), max_length=200, blank=True)
    method = models.CharField(_("assessment method"), max_length=3, choices=Method.choices)
    # The chosen factors of the current assessment (values from the domain tables only).
    l_value = models.DecimalField(_("L (likelihood)"), max_digits=5, decimal_places=1, null=True, blank=True)
    e_value = models.DecimalField(_("E (exposure)"), max_digits=5, decimal_places=1, null=True, blank=True)
    c_value = models.DecimalField(_("C (consequence)"), max_digits=5, decimal_places=1, null=True, blank=True)
    s_value = models.PositiveSmallIntegerField(_("S (severity)"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=1, null=True, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    colour = models.CharField(_("colour"), max_length=8, choices=RiskColour.choices, blank=True)
    # R-RISK-6: the colour after dynamic raising (open major hazard on the point); equals colour otherwise.
    effective_colour = models.CharField(_("effective colour"), max_length=8, choices=RiskColour.choices, blank=True)
    effective_reason = models.CharField(_("reason for the raised colour"), max_length=200, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = RiskPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        ordering = ["enterprise_id", "name", "id"]
        indexes = [models.Index(fields=["enterprise", "is_active"], name="riskpoint_enterprise")]

    def __str__(self) -> str:
        return self.name
