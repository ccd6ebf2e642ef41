"""Task reminders at scale (issue 17): bounded batches costing a fixed number of queries each, whatever
the number of tasks and inspectors in them."""

import datetime as dt

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import InspectionTask
from inspections.tasks import remind_task_deadlines
from inspections.tests.helpers import campaign_data
from notifications.models import Notification
from notifications.tests.batch_cost import assert_fixed_cost_per_batch
from registry.models import Enterprise

pytestmark = pytest.mark.django_db


def seed(persona, district, count: int) -> int:
    """`count` overdue tasks, each with two inspectors."""
    admin = persona("admin")
    campaign = services.launch_campaign(actor=admin, data=campaign_data([district["duruan"]]))
    inspectors = [persona("inspector_duruan").pk, persona("duruan").pk]  # a second, as a joint team
    services.assign_tasks(
        actor=admin, campaign=campaign, deadline=campaign.end_date, inspectors=inspectors[:1]
    )
    model = InspectionTask.objects.filter(campaign=campaign).order_by("id").first()
    InspectionTask.inspectors.through.objects.create(inspectiontask_id=model.pk, user_id=inspectors[1])
    # One task per campaign and enterprise: spread the copies over the district's enterprises and more
    # campaigns.
    others = [t for key, t in sorted(district.items()) if key != "duruan"]
    campaigns = [campaign] + [
        services.launch_campaign(actor=admin, data=campaign_data([t])) for t in others[:4]
    ]
    taken = set(InspectionTask.objects.values_list("campaign_id", "enterprise_id"))
    pairs = [
        (c.pk, e) for c in campaigns for e in Enterprise.objects.order_by("id").values_list("pk", flat=True)
    ]
    clones = []
    for campaign_id, enterprise_id in [p for p in pairs if p not in taken][: count - 1]:
        clone = InspectionTask.objects.get(pk=model.pk)
        clone.pk = clone.id = None
        clone.campaign_id, clone.enterprise_id = campaign_id, enterprise_id
        clones.append(clone)
    made = InspectionTask.objects.bulk_create(clones, batch_size=500)
    through = InspectionTask.inspectors.through
    through.objects.bulk_create(
        [through(inspectiontask_id=task.pk, user_id=user) for task in made for user in inspectors]
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    due = InspectionTask.objects.pending().filter(deadline__isnull=False)
    due.update(deadline=yesterday)
    Notification.objects.all().delete()
    return due.count()


def test_each_batch_costs_the_same_few_queries_whatever_its_size(persona, district):
    rows = seed(persona, district, 600)
    assert rows >= 400
    now = timezone.now()

    def run(batch_size):
        remind_task_deadlines(now=now, batch_size=batch_size)

    assert_fixed_cost_per_batch(run, rows)  # no query per task or per inspector
    told = Notification.objects.filter(kind="inspections.task.overdue")
    assert told.values("target_id").distinct().count() == rows
