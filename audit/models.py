"""The append-only audit trail: one generic event model, hash-chained (MLPS 8.1.4.3)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted through the application.")

    def for_object(self, obj):
        return self.filter(target_type=obj._meta.label_lower, target_id=obj.pk)


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")
        DENIED = "denied", _("Denied")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    actor_roles = models.JSONField(_("actor roles"), default=list, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)  # dotted: hazards.hazard.accepted
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)  # app_label.model
    target_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    ip = models.CharField(_("source IP"), max_length=45, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    # Version 1 hashed some fields; version 2 (from AuditChainHead.v2_from_event_id on) hashes every
    # stored field, and adds a keyed MAC (HMAC-SM3 under the SM suite) naming its algorithm and root key.
    chain_version = models.PositiveSmallIntegerField(default=1)
    mac = models.CharField(max_length=64, blank=True)
    mac_algorithm = models.CharField(max_length=16, blank=True)
    mac_key = models.CharField(max_length=32, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id", "id"], name="audit_target")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_insert_with_pk", False):
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted through the application.")


class AuditChainHead(models.Model):
    """The last hash of the chain; its row lock orders concurrent writers."""

    last_hash = models.CharField(max_length=64, blank=True)
    last_event_id = models.BigIntegerField(null=True, blank=True)
    # The recorded point from which every event is of chain version 2 (set by the first such event).
    v2_from_event_id = models.BigIntegerField(null=True, blank=True)


class AuditArchive(models.Model):
    """One archive file of events older than the retention period (JSON lines + SHA-256 manifest).

    `first_prev_hash` links the file to the one before it and `last_hash` to the first event still in
    the table, so the chain stays verifiable across the removal."""

    file_name = models.CharField(_("file"), max_length=200, unique=True)
    first_event_id = models.BigIntegerField(_("first event"))
    last_event_id = models.BigIntegerField(_("last event"))
    count = models.PositiveIntegerField(_("events"))
    first_prev_hash = models.CharField(max_length=64, blank=True)
    last_hash = models.CharField(max_length=64)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("archived at"), default=timezone.now)

    class Meta:
        verbose_name = _("audit archive")
        verbose_name_plural = _("audit archives")
        ordering = ["first_event_id"]

    def __str__(self) -> str:
        return self.file_name
