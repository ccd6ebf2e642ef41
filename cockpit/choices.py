from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly work-safety report")
    MONTHLY = "monthly", _("Monthly work-safety report")


class WallDisplayState(models.TextChoices):
    """A wall display (大屏终端) waits for its screen to open the pairing link, shows, or was stopped."""

    PENDING = "pending", _("Waiting for pairing")
    ACTIVE = "active", _("Showing")
    REVOKED = "revoked", _("Stopped")
