from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """When each periodic job last ran: the embedded scheduler and Celery beat both consult it."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_status = models.CharField(_("last status"), max_length=20, blank=True)
    last_message = models.TextField(_("last message"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return self.name
