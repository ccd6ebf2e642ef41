"""Inspection codes. Hazard categories and levels are those of the hazard loop (CODES.md "Hazards")."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HazardCategory(models.TextChoices):
    """GB/T 13861 factor families (CODES.md); a failed item produces a hazard of this category."""

    HUMAN = "human", _("Human factors")
    OBJECT = "object", _("Object factors")
    ENVIRONMENT = "environment", _("Environmental factors")
    MANAGEMENT = "management", _("Management factors")


class HazardLevel(models.TextChoices):
    """R-HAZ-1; an item written from a major-hazard criterion (R-HAZ-9) produces a major hazard."""

    GENERAL = "general", _("General hazard")
    MAJOR = "major", _("Major hazard")


class CampaignKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Special campaign")
    FOLLOWUP = "followup", _("Learn-from-one-case follow-up")


class CampaignState(models.TextChoices):
    ACTIVE = "active", _("Under way")
    CLOSED = "closed", pgettext_lazy("campaign", "Closed")


class TaskState(models.TextChoices):
    OPEN = "open", _("To do")
    IN_PROGRESS = "in_progress", _("Being inspected")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class InspectionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINISHED = "finished", _("Finished")


class DrawState(models.TextChoices):
    """A draw stands once made; it is undone (its tasks withdrawn) only before any work on it started."""

    MADE = "made", pgettext_lazy("draw", "Made")
    UNDONE = "undone", pgettext_lazy("draw", "Undone")


class Result(models.TextChoices):
    PENDING = "pending", _("Not checked yet")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class Outcome(models.TextChoices):
    """What an inspection found; the public page shows this (R-INSP-1 "one public")."""

    COMPLIANT = "compliant", _("No problems found")
    PROBLEMS_FOUND = "problems_found", _("Problems found, rectification ordered")
    NOT_OPERATING = "not_operating", _("Not operating at the time of inspection")


class SourceType(models.TextChoices):
    """The case a follow-up campaign learns from."""

    ACCIDENT = "accidents.accident", _("Accident")
    HAZARD = "hazards.hazard", _("Hazard")
