"""Codes of the duty room: roster roles and states, swaps, information reports, the duty log."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ShiftRole(models.TextChoices):
    LEADER = "leader", _("Leader on duty")
    OFFICER = "officer", _("Duty officer")


class RosterState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ShiftState(models.TextChoices):
    OPEN = "open", pgettext_lazy("shift", "Open")
    CLOSED = "closed", pgettext_lazy("shift", "Closed")


class SwapState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    MORE_REQUESTED = "more_requested", _("More information requested")
    CLOSED = "closed", pgettext_lazy("report", "Closed")


class ReportKind(models.TextChoices):
    INITIAL = "initial", _("Initial report")
    FOLLOW_UP = "follow_up", _("Follow-up report")
    FINAL = "final", _("Final report")
    ANSWER = "answer", _("Answer to a request")


class EventType(models.TextChoices):
    PRODUCTION_ACCIDENT = "production_accident", _("Work-safety accident")
    NEAR_MISS = "near_miss", _("Near miss")
    FIRE = "fire", _("Fire")
    NATURAL_DISASTER = "natural_disaster", _("Natural disaster")
    FLOOD = "flood", _("Flood or waterlogging")
    ROAD_TRAFFIC = "road_traffic", _("Road traffic")
    PUBLIC_HEALTH = "public_health", _("Public health")
    SOCIAL_SECURITY = "social_security", _("Social security")
    OTHER = "other", _("Other")


class DeadlineStep(models.TextChoices):
    PHONE = "phone", _("Report by phone")
    WRITTEN = "written", _("Written report")


class LogKind(models.TextChoices):
    CALL = "call", _("Call received")
    MESSAGE = "message", _("Message received")
    ACTION = "action", _("Action taken")
    NOTE = "note", _("Note")
