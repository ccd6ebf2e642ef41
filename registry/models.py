"""The district registry: jurisdictions, sectors, departments, enterprises (一企一档)."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.choices import RiskColour
from core.scoping import Scope, ScopedQuerySet, scope_q
from registry.choices import (
    TOWN_KINDS,
    EnterpriseScale,
    EnterpriseStatus,
    JurisdictionKind,
    StandardisationGrade,
    SubSector,
)
from registry.validators import validate_credit_code


class LocalizedNameMixin:
    """`name` is Chinese (the official name); `name_en` shows when the interface is in English."""

    @property
    def display_name(self) -> str:
        lang = get_language() or "zh-hans"
        if lang.startswith("en") and getattr(self, "name_en", ""):
            return self.name_en
        return self.name

    def __str__(self) -> str:
        return self.display_name


class JurisdictionQuerySet(models.QuerySet):
    def towns(self):
        return self.filter(kind__in=TOWN_KINDS)


class Jurisdiction(LocalizedNameMixin, models.Model):
    """District → towns and streets → villages and communities."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=JurisdictionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # A simple polygon [[lat, lng], …] for the map's plain background (no tile server needed).
    boundary = models.JSONField(_("boundary"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The version a manager's edit was read at: two managers editing one place cannot overwrite each other.
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["code"]

    @property
    def is_town(self) -> bool:
        return self.kind in TOWN_KINDS


class Sector(LocalizedNameMixin, models.Model):
    """The fixed sector codes of the domain (CODES.md); seeded by a data migration."""

    code = models.CharField(_("code"), max_length=32, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "code"]


class Department(LocalizedNameMixin, models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("supervised sectors"), blank=True, related_name="departments"
    )
    phone = models.CharField(_("duty phone"), max_length=20, blank=True)
    # 机关代字: the head of the department's document numbers (e.g. 蓬住建 in 蓬住建罚〔2026〕3号); blank, its
    # enforcement documents are numbered in the bureau's series.
    document_abbreviation = models.CharField(_("abbreviation in document numbers"), max_length=12, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]


class EnterpriseQuerySet(ScopedQuerySet):
    scope_enterprise = "pk"

    def scope_filter(self, scope: Scope):
        # An enterprise has several sectors: a department sees it when any of them is the department's.
        def in_sectors(codes):
            through = Enterprise.sectors.through
            return Q(Exists(through.objects.filter(enterprise_id=OuterRef("pk"), sector_id__in=codes)))

        return scope_q(scope, town="town", enterprise="pk", sector_q=in_sectors)

    def in_town(self, town_id: int):
        return self.filter(town_id=town_id)

    def in_sector(self, code: str):
        return self.filter(sectors__code=code)

    def operating(self):
        return self.filter(status=EnterpriseStatus.OPERATING)


class Enterprise(models.Model):
    name = models.CharField(_("enterprise name"), max_length=120)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    town = models.ForeignKey(
        Jurisdiction, verbose_name=_("town/street"), on_delete=models.PROTECT, related_name="enterprises"
    )
    village = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("village/community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="village_enterprises",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), related_name="enterprises")
    sub_sector = models.CharField(_("sub-sector"), max_length=32, choices=SubSector.choices, blank=True)
    status = models.CharField(
        _("operating status"),
        max_length=16,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.OPERATING,
    )
    scale = models.CharField(_("scale"), max_length=8, choices=EnterpriseScale.choices, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    principal_name = models.CharField(_("principal (first person responsible)"), max_length=50, blank=True)
    principal_phone = models.CharField(_("principal's phone"), max_length=20, blank=True)
    safety_manager_name = models.CharField(_("safety manager"), max_length=50, blank=True)
    safety_manager_phone = models.CharField(_("safety manager's phone"), max_length=20, blank=True)
    # R-REG-4 / R-HAZ-12: the accounts of the principal and the safety manager (they accept the enterprise's
    # own general hazards) and their work-safety certificates.
    principal_user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("principal's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    safety_manager_user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("safety manager's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    principal_certificate_no = models.CharField(_("principal's certificate no."), max_length=40, blank=True)
    principal_certificate_expires = models.DateField(
        _("principal's certificate expires"), null=True, blank=True
    )
    safety_manager_certificate_no = models.CharField(
        _("safety manager's certificate no."), max_length=40, blank=True
    )
    safety_manager_certificate_expires = models.DateField(
        _("safety manager's certificate expires"), null=True, blank=True
    )
    full_time_safety_staff = models.PositiveSmallIntegerField(
        _("full-time safety staff"), null=True, blank=True
    )
    # R-REG-4: cross-industry work that campaigns and checklists target (codes of WorkFlag).
    work_flags = models.JSONField(_("cross-industry work"), default=list, blank=True)
    standardisation_grade = models.CharField(
        _("work-safety standardisation grade"), max_length=8, choices=StandardisationGrade.choices, blank=True
    )
    standardisation_expires = models.DateField(_("standardisation expires"), null=True, blank=True)
    insurance_policy_no = models.CharField(_("liability insurance policy no."), max_length=60, blank=True)
    insurance_expires = models.DateField(_("liability insurance expires"), null=True, blank=True)
    combined_premises = models.BooleanField(_("combines living with work or storage"), default=False)
    business_scope = models.TextField(_("business scope"), blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # R-RISK-5/6: derived by the risk module and stored for filtering; null = no assessed points.
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskColour.choices, blank=True, default=""
    )
    risk_level_reason = models.CharField(_("risk level reason"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["town", "status"], name="ent_town_status"),
            models.Index(fields=["risk_level"], name="ent_risk_level"),
            # Operating enterprises per colour (the cockpit, home pages, the map's legend) counted from the
            # index alone, not by reading 100k rows (issue 16).
            models.Index(fields=["status", "risk_level", "town"], name="ent_status_risk_town"),
            models.Index(fields=["name"], name="ent_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:enterprise_detail", kwargs={"pk": self.pk})

    def sector_codes(self) -> list[str]:
        return [s.code for s in self.sectors.all()]

    def supervising_departments(self):
        """R-ACCT-2: the departments of the enterprise's sectors answer for it."""
        return Department.objects.filter(sectors__enterprises=self).distinct()


class EnterpriseStatusChange(models.Model):
    """Operating status with history."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=16, choices=EnterpriseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=EnterpriseStatus.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-id"]


from registry.models_file import (  # noqa: E402, F401  the enterprise file's ledgers (R-REG-4)
    Licence,
    MajorHazardInstallation,
    RentedPremises,
    SpecialOperator,
)


class BaseMap(models.Model):
    """An imported base map of the district (registry.basemap); the newest is the one the maps draw."""

    file = models.FileField(_("file"), upload_to="basemap/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    features = models.PositiveIntegerField(_("features"))
    source_name = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("base map")
        verbose_name_plural = _("base maps")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_name or self.sha256[:12]} · {self.uploaded_at:%Y-%m-%d}"

    @classmethod
    def current(cls):
        return cls.objects.order_by("-uploaded_at", "-id").first()
