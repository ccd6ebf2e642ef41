"""Risk points (风险点) per enterprise, with their current assessment (R-RISK-*)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import AccidentType, RiskColour
from core.scoping import ScopedQuerySet, scope_q
from risk.choices import ControlLevel, FactorCategory, MeasureKind, Method, PointKind


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
            return Q(
                Exists(through.objects.filter(enterprise_id=OuterRef("enterprise_id"), sector_id__in=codes))
            )

        return scope_q(scope, town="enterprise__town", enterprise="enterprise", sector_q=in_sectors)

    def active(self):
        return self.filter(is_active=True)

    def assessed(self):
        return self.exclude(colour="")

    def review_due(self, today):
        """R-RISK-7: assessed points whose next review date has come."""
        return self.active().assessed().filter(next_review_on__lte=today)

    def for_list(self):
        return self.select_related("enterprise", "enterprise__town", "assessed_by")


class RiskPoint(models.Model):
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="risk_points",
    )
    name = models.CharField(_("risk point"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=PointKind.choices, default=PointKind.SITE)
    location = models.CharField(_("location"), max_length=200, blank=True)
    # GB/T 13861 families and the possible accident types (GB 6441-1986 codes), as lists of codes.
    factor_categories = models.JSONField(_("hazard factor categories"), default=list, blank=True)
    hazard_factors = models.TextField(_("hazard factors"), blank=True)
    accident_types = models.JSONField(_("possible accident types"), default=list, blank=True)
    consequences = models.TextField(_("possible consequences"), blank=True)
    emergency_measures = models.TextField(_("emergency measures"), blank=True)
    responsible_person = models.CharField(_("person responsible"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("phone of the person responsible"), max_length=20, blank=True)
    method = models.CharField(_("assessment method"), max_length=3, choices=Method.choices)
    # The chosen factors of the current assessment (values from the domain tables only).
    l_value = models.DecimalField(_("L (likelihood)"), max_digits=5, decimal_places=1, null=True, blank=True)
    e_value = models.DecimalField(_("E (exposure)"), max_digits=5, decimal_places=1, null=True, blank=True)
    c_value = models.DecimalField(_("C (consequence)"), max_digits=5, decimal_places=1, null=True, blank=True)
    s_value = models.PositiveSmallIntegerField(_("S (severity)"), null=True, blank=True)
    # LEC scores go down to 0.1 × 0.5 × 1 = 0.05, hence two decimals.
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=2, null=True, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    colour = models.CharField(_("colour"), max_length=8, choices=RiskColour.choices, blank=True)
    # R-RISK-6: the colour after dynamic raising (open major hazard on the point); equals colour otherwise.
    effective_colour = models.CharField(
        _("effective colour"), max_length=8, choices=RiskColour.choices, blank=True
    )
    effective_reason = models.CharField(_("reason for the raised colour"), max_length=200, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    is_active = models.BooleanField(pgettext_lazy("risk point", "active"), default=True)
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

    def get_absolute_url(self) -> str:
        return reverse("risk:point_detail", kwargs={"pk": self.pk})

    @property
    def is_raised(self) -> bool:
        return bool(self.effective_colour and self.effective_colour != self.colour)

    def factor_category_labels(self) -> list[str]:
        labels = dict(FactorCategory.choices)
        return [str(labels[c]) for c in self.factor_categories if c in labels]

    def accident_type_labels(self) -> list[str]:
        labels = dict(AccidentType.choices)
        return [str(labels[c]) for c in self.accident_types if c in labels]


class RiskAssessmentQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        from django.db.models import Exists, OuterRef, Q

        from registry.models import Enterprise

        def in_sectors(codes):
            through = Enterprise.sectors.through
            return Q(
                Exists(
                    through.objects.filter(
                        enterprise_id=OuterRef("point__enterprise_id"), sector_id__in=codes
                    )
                )
            )

        return scope_q(
            scope, town="point__enterprise__town", enterprise="point__enterprise", sector_q=in_sectors
        )


class RiskAssessment(models.Model):
    """One assessment of a point; reassessment adds a row, so the history stays (R-RISK-7)."""

    point = models.ForeignKey(
        RiskPoint, verbose_name=_("risk point"), on_delete=models.CASCADE, related_name="assessments"
    )
    method = models.CharField(_("assessment method"), max_length=3, choices=Method.choices)
    l_value = models.DecimalField(_("L (likelihood)"), max_digits=5, decimal_places=1)
    e_value = models.DecimalField(_("E (exposure)"), max_digits=5, decimal_places=1, null=True, blank=True)
    c_value = models.DecimalField(_("C (consequence)"), max_digits=5, decimal_places=1, null=True, blank=True)
    s_value = models.PositiveSmallIntegerField(_("S (severity)"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=2)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    colour = models.CharField(_("colour"), max_length=8, choices=RiskColour.choices)
    # The grading setting in force when this assessment was made (R-RISK-2/3 "setting").
    grading_source = models.CharField(_("grading source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    next_review_on = models.DateField(_("next review"))

    objects = RiskAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.point} {self.assessed_at:%Y-%m-%d}"


class ControlMeasureQuerySet(RiskAssessmentQuerySet):
    def active(self):
        return self.filter(is_active=True)


class ControlMeasure(models.Model):
    """A control measure of a point and the level that owns it (R-RISK-4)."""

    point = models.ForeignKey(
        RiskPoint, verbose_name=_("risk point"), on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeasureKind.choices)
    description = models.TextField(_("measure"))
    level = models.CharField(_("responsible level"), max_length=12, choices=ControlLevel.choices)
    responsible_person = models.CharField(_("person responsible"), max_length=50, blank=True)
    is_active = models.BooleanField(pgettext_lazy("risk point", "active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ControlMeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("control measure")
        verbose_name_plural = _("control measures")
        ordering = ["point_id", "kind", "id"]

    def __str__(self) -> str:
        return self.description[:60]
