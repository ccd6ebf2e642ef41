from django.conf import settings
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


class DocumentSerial(models.Model):
    """The last serial number issued per document kind and year (notices, records, orders).

    Kinds are namespaced by module (`hazards.notice`, `inspections.record`); numbers are gapless:
    `next_serial` increments under the row lock inside the caller's transaction.
    """

    kind = models.CharField(_("document kind"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document serial")
        verbose_name_plural = _("document serials")
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="core_serial_kind_year")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class SystemSetting(models.Model):
    """An administrator's override of one value of `core.config.REGISTRY`.

    `value` null means "no override": the Django setting applies. The row is kept on a reset so that
    `version` keeps counting (optimistic concurrency across a reset and a new override)."""

    key = models.CharField(_("setting"), max_length=100, unique=True)
    value = models.JSONField(_("value"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("system setting")
        verbose_name_plural = _("system settings")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class IdempotencyKey(models.Model):
    """One client-chosen key per user and write: a retried request (the field app's offline queue sends each
    capture with a key) gets the first answer again and never writes twice. Kept for a limited time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("idempotency key"), max_length=64)
    path = models.CharField(_("request path"), max_length=200)
    status = models.PositiveSmallIntegerField(_("answer status"), null=True, blank=True)
    location = models.CharField(_("answer redirect"), max_length=200, blank=True)
    body = models.TextField(_("answer body"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return self.key
