"""Hazard codes (domain CODES.md "Hazards"). Never renumber or rename a code; add new ones."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    """R-HAZ-1."""

    GENERAL = "general", _("General hazard")
    MAJOR = "major", _("Major hazard")


class State(models.TextChoices):
    """R-HAZ-2: reported → rectifying → submitted → accepted → closed; cancelled as an exit."""

    REPORTED = "reported", pgettext_lazy("hazard", "Reported")
    RECTIFYING = "rectifying", _("Rectifying")
    SUBMITTED = "submitted", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", pgettext_lazy("hazard", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("hazard", "Cancelled")


OPEN_STATES = (State.REPORTED, State.RECTIFYING, State.SUBMITTED, State.ACCEPTED)
# States in which the rectification deadline runs (the countdown and overdue apply).
RUNNING_STATES = (State.RECTIFYING, State.SUBMITTED)
# A hazard counts as registered ("found") in every state but cancelled: a cancelled one was entered in error.
REGISTERED_STATES = tuple(s for s in State if s != State.CANCELLED)


class Source(models.TextChoices):
    SELF_INSPECTION = "self_inspection", _("Enterprise self-inspection")
    GOVERNMENT_INSPECTION = "government_inspection", _("Government inspection")
    CAMPAIGN = "campaign", _("Special campaign")
    PUBLIC_REPORT = "public_report", _("Public report")
    ACCIDENT_FOLLOWUP = "accident_followup", _("Accident follow-up")


class Category(models.TextChoices):
    """GB/T 13861 factor families."""

    HUMAN = "human", _("Human factors")
    OBJECT = "object", _("Object factors")
    ENVIRONMENT = "environment", _("Environmental factors")
    MANAGEMENT = "management", _("Management factors")


class ExtensionState(models.TextChoices):
    """R-HAZ-7."""

    PENDING = "pending", _("Pending decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class EvidencePurpose(models.TextChoices):
    """What an attachment on a hazard shows (attachments.Attachment.purpose)."""

    BEFORE = "before", _("Before rectification")
    AFTER = "after", _("After rectification")
    PLAN = "plan", _("Rectification plan document")
    EXPLANATION = "explanation", _("Written explanation")


class StatementState(models.TextChoices):
    """R-HAZ-10: a statistics table is filled from the ledger, then signed by the enterprise's principal."""

    TO_SIGN = "to_sign", _("Awaiting the principal's signature")
    SIGNED = "signed", _("Signed")
