"""The codes of emergency preparedness (CODES.md "Emergency"; R-EMG-1…8, R-DUTY-5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WarehouseLevel(models.TextChoices):
    DISTRICT = "district", _("District reserve")
    TOWN = "town", _("Town reserve")
    ENTERPRISE = "enterprise", _("Enterprise reserve")


class SupplyCategory(models.TextChoices):
    """GB/T 38565-2020 categories as CODES.md names them."""

    FLOOD = "flood", _("Flood control")
    WATERLOGGING = "waterlogging", _("Waterlogging and drainage")
    FIRE = "fire", pgettext_lazy("supply category", "Fire fighting")
    RESCUE = "rescue", _("Rescue")
    LIFESAVING = "lifesaving", _("Life saving")
    MEDICAL = "medical", _("Medical")
    LIVING = "living", _("Living support")
    POWER_LIGHTING = "power_lighting", _("Lighting and power")
    COMMUNICATION = "communication", _("Communication")


class MovementKind(models.TextChoices):
    IN = "in", _("Receipt")
    OUT = "out", _("Issue")
    TRANSFER = "transfer", _("Transfer")
    RETURN = "return", _("Return")
    COUNT = "count", _("Count adjustment")


class StocktakeState(models.TextChoices):
    DRAFT = "draft", _("Counting")
    CONFIRMED = "confirmed", _("Confirmed")


class PlanType(models.TextChoices):
    """R-EMG-1/R-EMG-8: enterprise plans (GB/T 29639-2020) and government plans."""

    COMPREHENSIVE = "comprehensive", _("Comprehensive plan")
    SPECIAL = "special", _("Special plan")
    ONSITE = "onsite", _("On-site disposal plan")
    OVERALL = "overall", _("Overall plan")
    DEPARTMENTAL = "departmental", _("Departmental plan")


ENTERPRISE_PLAN_TYPES = {PlanType.COMPREHENSIVE, PlanType.SPECIAL, PlanType.ONSITE}
GOVERNMENT_PLAN_TYPES = {PlanType.OVERALL, PlanType.SPECIAL, PlanType.DEPARTMENTAL}


class OwnerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    DEPARTMENT = "department", _("Department")
    TOWN = "town", _("Town/street")


class PlanVersionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("plan", "Published")
    FILED = "filed", _("Filed")
    CHECKED = "checked", _("Filing checked")


class RevisionTrigger(models.TextChoices):
    """R-EMG-3: what requires a plan's revision (the plan management measures, art. 36)."""

    LEGAL_BASIS = "legal_basis", _("The laws, regulations, standards or higher plans it rests on changed")
    COMMAND = "command", _("The emergency command structure or its duties changed")
    RISKS = "risks", _("The risks faced changed significantly")
    RESOURCES = "resources", _("Key emergency resources changed significantly")
    LESSONS = "lessons", _("A drill or an emergency response revealed major problems")
    OTHER = "other", _("Other circumstances the owner judges to need a revision")


class DrillForm(models.TextChoices):
    TABLETOP = "tabletop", _("Tabletop drill")
    FUNCTIONAL = "functional", _("Functional drill")
    FULL_SCALE = "full_scale", _("Full-scale drill")


class DrillState(models.TextChoices):
    HELD = "held", _("Held")
    EVALUATED = "evaluated", _("Evaluated")


class ActionState(models.TextChoices):
    OPEN = "open", pgettext_lazy("improvement action", "Open")
    DONE = "done", _("Done")
    VERIFIED = "verified", _("Verified")


class TeamKind(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional rescue team")
    VOLUNTEER = "volunteer", _("Volunteer team")
    MICRO_FIRE = "micro_fire", _("Micro fire station")


class MemberRole(models.TextChoices):
    HEAD = "head", pgettext_lazy("rescue team", "Head")
    DEPUTY = "deputy", _("Deputy head")
    MEMBER = "member", pgettext_lazy("rescue team", "Member")


class CertificateType(models.TextChoices):
    """Certificates a rescue team member may hold (vocational qualification and training certificates)."""

    FIREFIGHTER = "firefighter", _("Firefighter qualification")
    RESCUER = "rescuer", _("Emergency rescuer qualification")
    FIRST_AID = "first_aid", _("First-aid certificate")
    SPECIAL_OPERATION = "special_operation", _("Special operation certificate")
    OTHER = "other", _("Other certificate")


class WarningHazard(models.TextChoices):
    RAINSTORM = "rainstorm", _("Rainstorm")
    TYPHOON = "typhoon", _("Typhoon")
    HIGH_TEMPERATURE = "high_temperature", _("High temperature")
    COLD = "cold", _("Cold")
    THUNDERSTORM = "thunderstorm", _("Thunderstorm and gale")
    FLOOD = "flood", _("Flood")


class Signal(models.TextChoices):
    WHITE = "white", _("White")
    BLUE = "blue", _("Blue")
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


class WarningState(models.TextChoices):
    ACTIVE = "active", _("In force")
    LIFTED = "lifted", _("Lifted")


class ResponseLevel(models.TextChoices):
    """R-EMG-7: IV lowest … I highest."""

    IV = "iv", _("Level IV")
    III = "iii", _("Level III")
    II = "ii", _("Level II")
    I = "i", _("Level I")  # noqa: E741 - the level's own name


class DeclarationState(models.TextChoices):
    ACTIVE = "active", _("In force")
    ENDED = "ended", _("Ended")


class ConfirmationState(models.TextChoices):
    PENDING = "pending", _("Not confirmed")
    CONFIRMED = "confirmed", _("Confirmed")
