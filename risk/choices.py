"""Risk codes (CODES.md "Risk"); the value tables live in risk/tables.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import RiskColour  # noqa: F401 - re-exported: the four colours are shared


class Method(models.TextChoices):
    LEC = "lec", _("LEC (operating-condition hazard evaluation)")
    LS = "ls", _("Risk matrix (L×S)")


class ControlLevel(models.TextChoices):
    COMPANY = "company", _("Company")
    DEPARTMENT = "department", _("Department")
    WORKSHOP = "workshop", _("Workshop")
    TEAM = "team", _("Team / post")


class PointKind(models.TextChoices):
    SITE = "site", _("Site / area")
    UNIT = "unit", _("Unit")
    FACILITY = "facility", _("Facility")
    OPERATION = "operation", _("Operation / activity")
    EQUIPMENT = "equipment", _("Equipment")
