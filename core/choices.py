"""Codes shared by every module (domain CODES.md). Never renumber or rename a code; add new ones."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    DISTRICT_LEADER = "district_leader", _("District leader")
    DEPARTMENT_OFFICER = "department_officer", _("Department officer")
    TOWN_OFFICER = "town_officer", _("Town/street officer")
    INSPECTOR = "inspector", _("Inspector")
    ENTERPRISE_USER = "enterprise_user", _("Enterprise user")
    DUTY_OFFICER = "duty_officer", _("Duty officer")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


# Roles that see the whole district (CODES: roles).
DISTRICT_WIDE_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.DISTRICT_LEADER, Role.DUTY_OFFICER})
# The separation of duties of MLPS level 3: no account holds two of these, none touches business data.
ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# R-REG-2: roles that must call or identify people see personal numbers in full.
PERSONAL_DATA_ROLES = frozenset(
    {Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.TOWN_OFFICER, Role.INSPECTOR, Role.DUTY_OFFICER}
)
READ_ONLY_ROLES = frozenset({Role.DISTRICT_LEADER, Role.DUTY_OFFICER})


class RiskColour(models.TextChoices):
    """R-RISK-1: the four colours, highest first."""

    RED = "red", _("Red (major risk)")
    ORANGE = "orange", _("Orange (larger risk)")
    YELLOW = "yellow", _("Yellow (general risk)")
    BLUE = "blue", _("Blue (low risk)")


RISK_COLOUR_RANK = {RiskColour.BLUE: 1, RiskColour.YELLOW: 2, RiskColour.ORANGE: 3, RiskColour.RED: 4}


class AccidentType(models.TextChoices):
    """R-ACC-6: the 20 accident categories of GB 6441-1986 (stored with the standard, `gb6441_1986`).

    Shared by the accident records and the possible accident types of risk points.
    """

    STRUCK_BY_OBJECT = "01", _("Struck by object")
    VEHICLE = "02", _("Vehicle injury")
    MACHINERY = "03", _("Machinery injury")
    LIFTING = "04", _("Lifting injury")
    ELECTRIC_SHOCK = "05", _("Electric shock")
    DROWNING = "06", _("Drowning")
    BURNS = "07", _("Burns and scalds")
    FIRE = "08", _("Fire")
    FALL_FROM_HEIGHT = "09", _("Fall from height")
    COLLAPSE = "10", _("Collapse")
    ROOF_FALL = "11", _("Roof fall")
    WATER_INRUSH = "12", _("Water inrush")
    BLASTING = "13", _("Blasting")
    GUNPOWDER_EXPLOSION = "14", _("Gunpowder explosion")
    FIREDAMP_EXPLOSION = "15", _("Firedamp explosion")
    BOILER_EXPLOSION = "16", _("Boiler explosion")
    PRESSURE_VESSEL_EXPLOSION = "17", _("Pressure-vessel explosion")
    OTHER_EXPLOSION = "18", _("Other explosion")
    POISONING_ASPHYXIATION = "19", _("Poisoning and asphyxiation")
    OTHER_INJURY = "20", _("Other injury")


ACCIDENT_TYPE_STANDARD = "gb6441_1986"
