"""Codes of the accidents module (domain CODES.md: accidents, accountability)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    """R-ACC-1: the four levels of order 493, highest first."""

    ESPECIALLY_MAJOR = "especially_major", _("Especially major accident")
    MAJOR = "major", _("Major accident")
    LARGER = "larger", _("Larger accident")
    GENERAL = "general", _("General accident")


LEVEL_RANK = {Level.GENERAL: 1, Level.LARGER: 2, Level.MAJOR: 3, Level.ESPECIALLY_MAJOR: 4}


class State(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("accident", "Reported")
    INVESTIGATING = "investigating", _("Under investigation")
    CLOSED = "closed", pgettext_lazy("accident", "Closed")


class Step(models.TextChoices):
    """R-ACC-2: the reports each accident owes, in order."""

    UNIT_TO_DISTRICT = "unit_to_district", _("Unit reports to the district")
    DISTRICT_TO_CITY = "district_to_city", _("District reports to the city")
    CITY_TO_PROVINCE = "city_to_province", _("City reports to the province")
    PROVINCE_TO_MINISTRY = "province_to_ministry", _("Province reports to the State Council")


class ReportKind(models.TextChoices):
    INITIAL = "initial", _("Initial report")
    FOLLOW_UP = "follow_up", _("Follow-up report")
    SUPPLEMENTARY = "supplementary", _("Supplementary report")
    FINAL = "final", _("Final report")


class Responsibility(models.TextChoices):
    DIRECT = "direct", _("Direct responsibility")
    MAIN = "main", _("Main responsibility")
    LEADING = "leading", _("Leadership responsibility")
    SUPERVISORY = "supervisory", _("Supervisory responsibility")
    IMPORTANT = "important", _("Important responsibility")


class AccountabilityMeasure(models.TextChoices):
    """CODES.md: accountability measures."""

    INTERVIEW = "interview", _("Interview")
    CIRCULAR = "circular", _("Circular of criticism")
    LISTED_SUPERVISION = "listed_supervision", _("Listed supervision")
    PENALTY = "penalty", _("Administrative penalty")
    DAILY_PENALTY = "daily_penalty", _("Daily continuous penalty")
    SUSPENSION = "suspension", _("Order to suspend production for rectification")
    REFERRAL = "referral", _("Referral")
    DISCIPLINARY = "disciplinary", _("Proposed disciplinary action")


class CaseOrigin(models.TextChoices):
    LOCAL = "local", _("Accident in our district")
    EXTERNAL = "external", _("External case")


class AudienceKind(models.TextChoices):
    TOWN = "town", _("Town/street")
    DEPARTMENT = "department", _("Department")
    ENTERPRISE = "enterprise", _("Enterprise")
