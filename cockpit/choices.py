from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly work-safety report")
    MONTHLY = "monthly", _("Monthly work-safety report")
