"""Reassessment reminders at scale (issue 17): bounded batches costing a fixed number of queries each,
whatever the number of points and of enterprises (and their users) in them."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.tests.batch_cost import assert_fixed_cost_per_batch
from registry.models import Enterprise
from risk.models import RiskPoint
from risk.tasks import remind_reviews

pytestmark = pytest.mark.django_db


def seed(persona, make_point, count: int) -> int:
    """`count` points due for review, spread over the district's enterprises (those with users among them)."""
    model = make_point(persona("ent_duruan").enterprise, name="待复评点", actor="ent_duruan")
    enterprises = list(Enterprise.objects.order_by("id")[:60])
    clones = []
    for index in range(count - 1):
        clone = RiskPoint.objects.get(pk=model.pk)
        clone.pk = clone.id = None
        clone.enterprise = enterprises[index % len(enterprises)]
        clone.name = f"待复评点{index}"
        clones.append(clone)
    RiskPoint.objects.bulk_create(clones, batch_size=500)
    Notification.objects.all().delete()
    return RiskPoint.objects.review_due(timezone.localdate() + dt.timedelta(days=370)).count()


def test_each_batch_costs_the_same_few_queries_whatever_its_size(persona, make_point):
    rows = seed(persona, make_point, 600)
    later = timezone.now() + dt.timedelta(days=370)

    def run(batch_size):
        remind_reviews(now=later, batch_size=batch_size)

    assert_fixed_cost_per_batch(run, rows)  # no query per point or per recipient
    assert Notification.objects.filter(kind="risk.review_due", recipient=persona("ent_duruan")).exists()
