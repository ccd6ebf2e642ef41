"""The annual assessment (R-ACCT-6): weights per year, scorecards frozen on publishing, adjustments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.choices import Rating, ScorecardState
from accountability.models.scope import UnitQuerySet
from core.scoping import Scope, ScopedQuerySet

KIND_CHOICES = [("town", _("Town/street")), ("department", _("Department"))]


class WeightSetting(models.Model):
    """The district's weight of one item for a year and kind of unit; a year's weights add up to 100."""

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind of unit"), max_length=12, choices=KIND_CHOICES)
    item_key = models.CharField(_("item"), max_length=60)
    weight = models.PositiveSmallIntegerField(_("weight"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assessment weight")
        verbose_name_plural = _("assessment weights")
        constraints = [models.UniqueConstraint(fields=["year", "kind", "item_key"], name="acct_weight_once")]


class ScorecardQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope):
        # The header of a year is the district's; who sees which rows is ScoreLine's scope.
        if scope.district or scope.town_ids or scope.sector_codes:
            return None
        return Q(pk__in=[])


class Scorecard(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind of unit"), max_length=12, choices=KIND_CHOICES)
    state = models.CharField(
        _("state"), max_length=12, choices=ScorecardState.choices, default=ScorecardState.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment scorecard")
        verbose_name_plural = _("assessment scorecards")
        ordering = ["-year", "kind"]
        constraints = [models.UniqueConstraint(fields=["year", "kind"], name="acct_scorecard_once")]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("accountability:assessment") + f"?year={self.year}&kind={self.kind}"


class ScoreLine(models.Model):
    """The frozen score of one unit in a published scorecard."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines")
    town = models.ForeignKey(
        "registry.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "registry.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    rank = models.PositiveSmallIntegerField(_("rank"))

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["rank", "id"]

    @property
    def unit(self):
        return self.town or self.department


class ScoreItem(models.Model):
    line = models.ForeignKey(ScoreLine, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(_("item"), max_length=60)
    weight = models.PositiveSmallIntegerField(_("weight"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    # A rate's denominator (the value is its numerator, the count of the records); empty for a count.
    total = models.PositiveIntegerField(_("rate denominator"), null=True, blank=True)
    # The records behind the value, frozen with it: [{"kind", "id", "title", "href"}].
    records = models.JSONField(_("records"), default=list)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["line", "key"], name="acct_score_item_once")]


class ScoreAdjustment(models.Model):
    """A change to a published score: never an edit of the frozen figures, always a reasoned delta."""

    line = models.ForeignKey(ScoreLine, on_delete=models.CASCADE, related_name="adjustments")
    item_key = models.CharField(_("item"), max_length=60)
    delta = models.DecimalField(_("points added (negative to deduct)"), max_digits=7, decimal_places=2)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
