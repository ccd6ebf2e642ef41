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
    # Where a job that works in batches stopped (core.jobs.save_cursor): the next run resumes from it.
    cursor = models.CharField(_("resume point"), max_length=200, blank=True)

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


class CalendarDay(models.Model):
    """A day that the State Council's yearly calendar moves off the weekday rule (R-TIME-1).

    Public holidays are rest days even on a weekday; make-up working days (调休) are working days even on a
    weekend. Every other day is a working day from Monday to Friday. The district loads each year's
    calendar (`manage.py load_calendar`), so the rule is data, not code."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("public holiday")
        WORKDAY = "workday", _("make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class BackgroundJob(models.Model):
    """One piece of long work a user started (an import, a large export) and watches on a page.

    The web request only creates the row; a runner (`manage.py run_jobs --loop`, or a Celery worker when
    REDIS_URL is set) claims it with a conditional update and runs it (core.background). Its input and its
    result are files in the configured storage (object storage when set), so any app server can stage,
    and any other serve, them. The result is deleted `JOB_RESULT_HOURS` after the job finished.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    FINISHED = (State.DONE, State.FAILED, State.CANCELLED)

    kind = models.CharField(_("kind"), max_length=60)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.QUEUED)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    phase = models.CharField(_("phase"), max_length=40, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    error = models.TextField(_("error"), blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    staged_file = models.CharField(_("staged file"), max_length=300, blank=True)
    result_file = models.CharField(_("result file"), max_length=300, blank=True)
    result_name = models.CharField(_("result file name"), max_length=200, blank=True)
    # Set once when a previewed import is confirmed: a second confirmation finds it taken (409).
    consumed_by = models.PositiveBigIntegerField(_("confirmed as job"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            models.Index(fields=["state", "created_at"], name="core_bgjob_state_created"),
            models.Index(fields=["expires_at"], name="core_bgjob_expires"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def percent(self) -> int | None:
        return min(100, self.done * 100 // self.total) if self.total else None


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
