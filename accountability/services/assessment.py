"""Writes of the annual assessment (R-ACCT-6): the weights, publishing (freezing) and adjustments."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability import assessment
from accountability.choices import ScorecardState
from accountability.models import ScoreAdjustment, Scorecard, ScoreItem, ScoreLine, WeightSetting
from accountability.policy import POLICY
from accountability.selectors import score_line_row
from audit.services import record
from core.choices import Role
from core.errors import Conflict, InvalidInput
from core.forms import IdField, bind
from core.workflow import Transition, Workflow, record_created

KINDS = ("town", "department")

SCORECARD_FLOW = Workflow(
    model=Scorecard,
    name="accountability.scorecard",
    transitions=[
        Transition(
            "publish",
            (ScorecardState.DRAFT,),
            ScorecardState.PUBLISHED,
            {Role.DISTRICT_ADMIN},
            label=gettext_lazy("Publish and freeze"),
            verb="published",
            confirm=gettext_lazy("Publishing freezes the year's scores; later changes are adjustments."),
        ),
    ],
)


def _check_year_kind(year, kind) -> tuple[int, str]:
    errors = {}
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = [_("Give a year between 2000 and 2100.")]
    if kind not in KINDS:
        errors["kind"] = [_("Choose towns or departments.")]
    if errors:
        raise InvalidInput(errors=errors)
    return year, kind


def scorecard_of(year: int, kind: str, *, actor=None) -> Scorecard:
    card, created = Scorecard.objects.get_or_create(year=year, kind=kind)
    if created:
        record_created(card, "accountability.scorecard", actor=actor, data={"year": year, "kind": kind})
    return card


def set_weights(*, actor, year, kind, weights) -> dict[str, int]:
    """The district's weights of a year; they must add up to 100 (else 400), and a frozen year keeps its own."""
    with transaction.atomic():
        POLICY.require(actor, "assess")
        year, kind = _check_year_kind(year, kind)
        card = scorecard_of(year, kind, actor=actor)
        if card.state != ScorecardState.DRAFT:
            raise Conflict(_("The year's scorecard is published; its weights are frozen."))
        known = {item.key for item in assessment.items_for(kind)}
        if not isinstance(weights, dict):
            raise InvalidInput.field("weights", _("Give a weight for each item."))
        clean, errors = {}, []
        for key, value in weights.items():
            if key not in known:
                errors.append(_("Unknown item: %(key)s.") % {"key": key})
                continue
            try:
                number = int(value)
                if number < 0 or str(number) != str(value).strip():
                    raise ValueError
            except (TypeError, ValueError):
                errors.append(_("The weight of %(key)s must be a whole number from 0.") % {"key": key})
                continue
            clean[key] = number
        if not errors and sum(clean.values()) != 100:
            errors.append(
                _("The weights add up to %(total)s; they must add up to 100.")
                % {"total": sum(clean.values())}
            )
        if errors:
            raise InvalidInput(errors={"weights": errors})
        WeightSetting.objects.filter(year=year, kind=kind).delete()
        WeightSetting.objects.bulk_create(
            [WeightSetting(year=year, kind=kind, item_key=k, weight=v) for k, v in sorted(clean.items())]
        )
        record(card, "accountability.scorecard.weights_set", actor=actor, data={"weights": clean})
    return clean


def publish_scorecard(*, actor, year, kind, version):
    """Freeze the year: every unit's items, points and the records behind them are stored as they are now."""
    POLICY.require(actor, "assess")  # API.md: the role (403) before the input (400)
    year, kind = _check_year_kind(year, kind)

    def after(step):
        lines = assessment.compute(kind, year, assessment.quarter_end(year, 4))
        for line in lines:
            row = ScoreLine.objects.create(
                scorecard=step.obj,
                town=line.unit if kind == "town" else None,
                department=line.unit if kind == "department" else None,
                score=line.score,
                rating=line.rating,
                rank=line.rank,
            )
            ScoreItem.objects.bulk_create(
                ScoreItem(
                    line=row,
                    key=item.key,
                    weight=item.weight,
                    value=item.value,
                    points=item.points,
                    total=item.total,
                    records=[assessment.record_ref(r) for r in item.records],
                )
                for item in line.items
            )
        step.audit_data["units"] = len(lines)

    def prepare(step):
        step.changes.update(published_at=timezone.now(), published_by=step.actor)

    with transaction.atomic():
        card = scorecard_of(year, kind, actor=actor)
        return SCORECARD_FLOW.perform(
            card, "publish", actor=actor, version=version, prepare=prepare, after=after
        )


class AdjustForm(forms.Form):
    item = forms.CharField(label=gettext_lazy("Item"), max_length=60)
    delta = forms.DecimalField(
        label=gettext_lazy("Points added (negative to deduct)"), max_digits=7, decimal_places=2
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea, max_length=2000)


class AdjustRequestForm(AdjustForm):
    """The API's adjustment names its line: the year, the kind of unit and the unit."""

    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1900, max_value=9999)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of unit"), choices=[(k, k) for k in ("town", "department")]
    )
    unit = IdField(label=gettext_lazy("Unit"))


def adjust_score(*, actor, data, line: ScoreLine | None = None) -> ScoreAdjustment:
    """A later change to a frozen score: a reasoned delta on one item, never an edit of the frozen figures.
    The page names the line by its address; the API names it in the body (`AdjustRequestForm`). The role
    comes first, before any input is read (API.md: 403 before 400)."""
    with transaction.atomic():
        POLICY.require(actor, "assess")
        form = bind(AdjustForm if line is not None else AdjustRequestForm, data)
        if not form.is_valid():
            raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
        if line is None:
            where = form.cleaned_data
            line = score_line_row(actor, year=where["year"], kind=where["kind"], unit_id=where["unit"])
        item = line.items.filter(key=form.cleaned_data["item"]).first()
        if item is None:
            raise InvalidInput.field("item", _("Unknown item."))
        try:
            delta = Decimal(form.cleaned_data["delta"])
        except InvalidOperation:
            raise InvalidInput.field("delta", _("Give a number."))
        adjusted = (
            item.points
            + sum((a.delta for a in line.adjustments.filter(item_key=item.key)), Decimal(0))
            + delta
        )
        if adjusted < 0 or adjusted > item.weight:
            raise InvalidInput.field("delta", _("The item's points must stay between 0 and its weight."))
        adjustment = ScoreAdjustment.objects.create(
            line=line, item_key=item.key, delta=delta, reason=form.cleaned_data["reason"], created_by=actor
        )
        record(
            line.scorecard,
            "accountability.scorecard.adjusted",
            actor=actor,
            data={"line": line.pk, "item": item.key, "delta": str(delta), "reason": adjustment.reason},
        )
    return adjustment
