"""Accountability proposals (R-ACCT-4) and the measures decided on them (R-ACCT-3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.choices import Measure, MeasureState, ProposalState, TargetKind, Trigger
from accountability.models.scope import TargetQuerySet


class TargetFields(models.Model):
    """Whom a record concerns: a town, a department or an enterprise (with its town, for the town's view)."""

    target_kind = models.CharField(_("target kind"), max_length=12, choices=TargetKind.choices)
    town = models.ForeignKey(
        "registry.Jurisdiction",
        verbose_name=_("town/street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def target(self):
        return {
            TargetKind.TOWN: self.town,
            TargetKind.DEPARTMENT: self.department,
            TargetKind.ENTERPRISE: self.enterprise,
        }[self.target_kind]

    @property
    def target_id(self) -> int | None:
        target = self.target
        return target.pk if target is not None else None


class Proposal(TargetFields):
    """One proposal per target and cause (`cause` names the facts, e.g. "accident:12"); never twice."""

    trigger = models.CharField(_("trigger"), max_length=32, choices=Trigger.choices)
    # "town:3", "department:2", "enterprise:7": the target in one non-null column for the constraint.
    target_key = models.CharField(_("target"), max_length=40)
    cause = models.CharField(_("cause"), max_length=200)
    measure = models.CharField(_("proposed measure"), max_length=24, choices=Measure.choices)
    # The records that fired it: [{"kind": "hazard", "id": 3, "title": "…"}].
    facts = models.JSONField(_("facts"), default=list)
    reason = models.TextField(_("why"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ProposalState.choices, default=ProposalState.PROPOSED
    )
    version = models.PositiveIntegerField(default=1)
    decision = models.CharField(_("decision"), max_length=12, blank=True)
    decided_measure = models.CharField(
        _("decided measure"), max_length=24, choices=Measure.choices, blank=True
    )
    decision_note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("accountability proposal")
        verbose_name_plural = _("accountability proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            # R-ACCT-4: one proposal per target and cause, even when two job runs race.
            models.UniqueConstraint(fields=["trigger", "target_key", "cause"], name="acct_proposal_once")
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="acct_proposal_state")]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} · {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("accountability:proposal_detail", args=[self.pk])


class CitedHazard(models.Model):
    """A hazard a general-hazards proposal cites, per target (R-ACCT-4: each overdue general hazard counts
    towards one such proposal per target). The trigger job reads these for the hazards of its batch alone,
    where reading every earlier proposal's facts grew with the proposals."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="cited_hazards")
    target_key = models.CharField(_("target"), max_length=40)
    hazard_id = models.PositiveBigIntegerField(_("hazard"))

    class Meta:
        verbose_name = _("hazard cited by a proposal")
        verbose_name_plural = _("hazards cited by proposals")
        constraints = [
            models.UniqueConstraint(fields=["target_key", "hazard_id"], name="acct_hazard_cited_once")
        ]


class MeasureRecord(TargetFields):
    """A decided measure as a record: interview minutes, a circular (a numbered document), a referral."""

    proposal = models.OneToOneField(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="measure_record"
    )
    measure = models.CharField(_("measure"), max_length=24, choices=Measure.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=MeasureState.choices, default=MeasureState.OPEN
    )
    version = models.PositiveIntegerField(default=1)
    document_number = models.CharField(_("document number"), max_length=40, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    minutes = models.TextField(_("minutes or text"), blank=True)
    closing_note = models.TextField(_("follow-up conclusion"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("accountability measure")
        verbose_name_plural = _("accountability measures")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_number"],
                name="acct_measure_number_once",
                condition=~models.Q(document_number=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} · {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("accountability:measure_detail", args=[self.pk])


class CommitmentQuerySet(TargetQuerySet):
    town_path = "record__town_id"
    department_path = "record__department_id"
    enterprise_path = "record__enterprise_id"


class Commitment(models.Model):
    """A commitment made at an interview, with its deadline, followed up until done."""

    record = models.ForeignKey(MeasureRecord, on_delete=models.CASCADE, related_name="commitments")
    text = models.CharField(_("commitment"), max_length=300)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    follow_up_note = models.CharField(_("follow-up"), max_length=300, blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.done_on is None and self.due_on < today


class ConcealedAccidentQuerySet(TargetQuerySet):
    town_path = "accident__town_id"
    department_path = None  # an accident names no department: departments see it by its enterprise
    enterprise_path = "accident__enterprise_id"


class ConcealedAccident(models.Model):
    """An accident the district found concealed (瞒报): it vetoes the year's assessment (R-ACCT-6)."""

    accident = models.OneToOneField("accidents.Accident", on_delete=models.PROTECT, related_name="+")
    found_on = models.DateField(_("found on"))
    note = models.TextField(_("how it was found"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ConcealedAccidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("concealed accident")
        verbose_name_plural = _("concealed accidents")
