"""The ledgers of an enterprise's file (R-REG-4, Work Safety Law arts. 21–24, 49, 51; GB 18218-2018): major
hazard installations, licences, special operators and rented-out premises. Each dated item is flagged
once it has expired (`registry.file.expired_items`)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.choices import LicenceKind


class LedgerRow(models.Model):
    """What every ledger row carries: rows are corrected with the version the keeper read, and a row that no
    longer applies (a licence given up, a lease ended, an operator who left) is retired, not deleted, so the
    file's history stays in the audit trail (the same pattern as a retired risk point)."""

    is_active = models.BooleanField(_("in the file"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class MajorHazardInstallation(LedgerRow):
    """A major hazard installation (重大危险源) with its grade one to four (GB 18218-2018)."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="installations"
    )
    name = models.CharField(_("installation"), max_length=120)
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("major hazard installation")
        verbose_name_plural = _("major hazard installations")
        ordering = ["grade", "id"]


class Licence(LedgerRow):
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="licences")
    kind = models.CharField(_("licence"), max_length=24, choices=LicenceKind.choices)
    number = models.CharField(_("licence no."), max_length=60)
    expires_on = models.DateField(_("expires on"))

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["expires_on", "id"]


class SpecialOperator(LedgerRow):
    """The ledger of special operators (特种作业人员): certificates valid 6 years, reviewed every 3."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="special_operators"
    )
    name = models.CharField(_("name"), max_length=50)
    operation = models.CharField(_("operation"), max_length=60)
    certificate_no = models.CharField(_("certificate no."), max_length=40)
    expires_on = models.DateField(_("certificate expires"))
    review_due = models.DateField(_("review due"), null=True, blank=True)

    class Meta:
        verbose_name = _("special operator")
        verbose_name_plural = _("special operators")
        ordering = ["expires_on", "id"]


class RentedPremises(LedgerRow):
    """Premises the enterprise rents out (出租厂房), with the tenant."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="rented_out")
    location = models.CharField(_("premises"), max_length=200)
    tenant = models.CharField(_("tenant"), max_length=120)
    tenant_credit_code = models.CharField(_("tenant's credit code"), max_length=18, blank=True)
    lease_ends_on = models.DateField(_("lease ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("rented-out premises")
        verbose_name_plural = _("rented-out premises")
        ordering = ["id"]
