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


class ChainStepKind(models.TextChoices):
    """R-ACC-8: the steps of the chain the bureau records after an accident report reaches it."""

    NOTIFY_PUBLIC_SECURITY = "notify_public_security", _("Public security notified")
    NOTIFY_HUMAN_RESOURCES = "notify_human_resources", _("Human resources and social security notified")
    NOTIFY_TRADE_UNION = "notify_trade_union", _("Trade union notified")
    NOTIFY_PROCURATORATE = "notify_procuratorate", _("Procuratorate notified")
    REPORT_GOVERNMENT = "report_government", _("Reported to the district government")
    INVESTIGATION_REPORT_RECEIVED = "report_received", _("Investigation report received by the government")
    GOVERNMENT_REPLY = "government_reply", _("Government's reply to the investigation report")
    RECTIFICATION_EVALUATION = "rectification_evaluation", _("Evaluation of the rectification measures")


NOTIFICATION_STEPS = (
    ChainStepKind.NOTIFY_PUBLIC_SECURITY,
    ChainStepKind.NOTIFY_HUMAN_RESOURCES,
    ChainStepKind.NOTIFY_TRADE_UNION,
    ChainStepKind.NOTIFY_PROCURATORATE,
    ChainStepKind.REPORT_GOVERNMENT,
)


class ReportingFindingKind(models.TextChoices):
    """R-ACC-7: what an investigator finds about the reporting (late reporting is automatic)."""

    OMITTED = "omitted", _("Omitted reporting")
    FALSE = "false", _("False reporting")
    CONCEALED = "concealed", _("Concealed reporting")


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
