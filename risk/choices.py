"""Risk codes (CODES.md "Risk"); the value tables live in risk/tables.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import RiskColour  # noqa: F401 - re-exported: the four colours are shared


class Method(models.TextChoices):
    LEC = "lec", _("LEC (operating-condition hazard evaluation)")
    LS = "ls", _("Risk matrix (L×S)")


class ControlLevel(models.TextChoices):
    """R-RISK-4: the level of the enterprise that owns a risk's control."""

    COMPANY = "company", pgettext_lazy("control level", "Company")
    DEPARTMENT = "department", pgettext_lazy("control level", "Department")
    WORKSHOP = "workshop", pgettext_lazy("control level", "Workshop")
    TEAM = "team", pgettext_lazy("control level", "Team / post")


class PointKind(models.TextChoices):
    SITE = "site", _("Site / area")
    UNIT = "unit", pgettext_lazy("risk point", "Unit")
    FACILITY = "facility", _("Facility")
    OPERATION = "operation", _("Operation / activity")
    EQUIPMENT = "equipment", _("Equipment")


class FactorCategory(models.TextChoices):
    """GB/T 13861-2022 families of hazard factors (CODES.md "Hazards: category")."""

    HUMAN = "human", _("Human factors")
    OBJECT = "object", _("Object factors")
    ENVIRONMENT = "environment", _("Environmental factors")
    MANAGEMENT = "management", _("Management factors")


class MeasureKind(models.TextChoices):
    """The kinds of control measure of a risk point (issue 4)."""

    ENGINEERING = "engineering", _("Engineering and technical")
    MANAGEMENT = "management", _("Management")
    TRAINING = "training", _("Training and education")
    PPE = "ppe", _("Personal protective equipment")
    EMERGENCY = "emergency", _("Emergency response")
