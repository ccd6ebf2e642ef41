"""Responsibility lists (责任清单, R-ACCT-1/2, R-REG-4): positions, duties, holders, letters, key staff."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.choices import StaffRole, UnitKind
from accountability.models.scope import TargetQuerySet


class DutyTemplate(models.Model):
    """The duties of a position in a kind of unit; the district edits them, positions copy them."""

    unit_kind = models.CharField(_("kind of unit"), max_length=12, choices=UnitKind.choices)
    position = models.CharField(_("position"), max_length=100)
    duties = models.TextField(_("duties"))
    first_responsible = models.BooleanField(_("first person responsible"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("duty template")
        verbose_name_plural = _("duty templates")
        ordering = ["unit_kind", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["unit_kind", "position"], name="acct_template_once")]

    def __str__(self) -> str:
        return self.position


class ResponsibilityPosition(models.Model):
    unit_kind = models.CharField(_("kind of unit"), max_length=12, choices=UnitKind.choices)
    town = models.ForeignKey(
        "registry.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "registry.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    portfolio = models.CharField(_("portfolio"), max_length=200, blank=True)  # a district leader's
    position = models.CharField(_("position"), max_length=100)
    duties = models.TextField(_("duties"))
    first_responsible = models.BooleanField(_("first person responsible"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility position")
        verbose_name_plural = _("responsibility positions")
        ordering = ["unit_kind", "id"]

    def __str__(self) -> str:
        return self.position

    def get_absolute_url(self) -> str:
        return reverse("accountability:position_detail", args=[self.pk])

    @property
    def holder(self):
        return next((h for h in self.holders.all() if h.end_on is None), None)


class PositionHolder(models.Model):
    """Who held a position when: the history is kept, the current holder has no end date."""

    position = models.ForeignKey(ResponsibilityPosition, on_delete=models.CASCADE, related_name="holders")
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-start_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["position"], name="acct_one_current_holder", condition=models.Q(end_on__isnull=True)
            )
        ]


class ResponsibilityLetter(models.Model):
    """The signed responsibility letter (责任书) of a year; the scan is an attachment ("letter")."""

    position = models.ForeignKey(ResponsibilityPosition, on_delete=models.CASCADE, related_name="letters")
    year = models.PositiveSmallIntegerField(_("year"))
    signed_on = models.DateField(_("signed on"))
    signed_by = models.CharField(_("signed by"), max_length=50)

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["position", "year"], name="acct_letter_once")]


class StaffQuerySet(TargetQuerySet):
    town_path = "enterprise__town_id"
    department_path = None  # departments see the staff of their sectors' enterprises


class EnterpriseStaff(models.Model):
    """An enterprise's principal, safety manager or full-time safety staff with the certificate held."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16, choices=StaffRole.choices)
    name = models.CharField(_("name"), max_length=50)
    certificate_no = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate_expiry = models.DateField(_("certificate expiry"), null=True, blank=True)
    active = models.BooleanField(_("in post"), default=True)

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise safety staff")
        verbose_name_plural = _("enterprise safety staff")
        ordering = ["enterprise_id", "role", "id"]

    def __str__(self) -> str:
        return self.name

    def certificate_expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.certificate_expiry is not None and self.certificate_expiry < today
