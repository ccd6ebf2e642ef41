"""The escalation job at scale (issue 17): bounded batches in their own transactions, a fixed number of
queries per batch (no query per hazard or per user), and a run that dies resumes from its cursor."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.jobs import job_cursor
from hazards import tasks
from hazards.models import Hazard
from hazards.tests.helpers import rectifying
from notifications import services as notification_services
from notifications.models import Notification
from registry.models import Enterprise

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
OVERDUE_DAY = START + dt.timedelta(days=12)  # two days past the deadline: the town is told


def seed(persona, count: int) -> list[int]:
    """`count` rectifying hazards past their deadline, spread over the district's enterprises."""
    model = persona("ent_duruan").enterprise
    with time_machine.travel(START, tick=False):
        first = rectifying(persona("duruan"), model, deadline=(START + dt.timedelta(days=10)).date())
    enterprises = list(Enterprise.objects.filter(town_id=first.town_id).order_by("id")[:50])
    clones = []
    for index in range(count - 1):
        clone = Hazard.objects.get(pk=first.pk)
        clone.pk = clone.id = None
        clone.enterprise = enterprises[index % len(enterprises)]
        clone.title = f"{first.title} {index}"
        clones.append(clone)
    Hazard.objects.bulk_create(clones, batch_size=1000)
    Notification.objects.all().delete()
    # The job's candidates: these and any of the demo district's hazards that are due as well.
    horizon = OVERDUE_DAY.date() + dt.timedelta(days=tasks.REMINDER_DAYS[0])
    due = Hazard.objects.filter(state__in=["rectifying", "submitted"], deadline__lte=horizon)
    return list(due.order_by("id").values_list("pk", flat=True))


def run(batch_size, now=OVERDUE_DAY):
    with time_machine.travel(now, tick=False), CaptureQueriesContext(connection) as queries:
        sent = tasks.escalate_hazards(now=now, batch_size=batch_size)
    return sent, len(queries)


@pytest.mark.django_db(transaction=False)
def test_each_batch_costs_the_same_few_queries_whatever_its_size(persona):
    ids = seed(persona, 1200)
    sent, queries = run(batch_size=100)
    batches = -(-len(ids) // 100)
    assert sent["overdue-0"] >= len(ids)  # every hazard reached at least its town
    told = set(Notification.objects.values_list("target_id", flat=True))
    assert told >= set(ids[-1199:])  # every seeded hazard was told (a demo one may not yet be due)
    # Setup (audience book, cursor) + per batch: hazards, enterprise users, sent check, insert,
    # cursor, savepoints — never a query per hazard or per recipient.
    per_batch = (queries - 12) / batches
    assert per_batch <= 8, (queries, batches)

    Notification.objects.all().delete()
    _sent, queries_big = run(batch_size=400)
    batches_big = -(-len(ids) // 400)
    assert queries - queries_big >= (batches - batches_big) * 4  # fewer, larger batches: fewer queries
    assert (queries_big - 12) / batches_big <= 8


def test_a_second_run_sends_nothing_and_a_dead_run_resumes_after_its_last_batch(persona, monkeypatch):
    ids = seed(persona, 500)
    real = notification_services.notify_many
    calls = {"n": 0}

    def dies_on_the_third_batch(messages):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker killed")
        return real(messages)

    monkeypatch.setattr(tasks, "notify_many", dies_on_the_third_batch)
    with pytest.raises(RuntimeError):
        run(batch_size=100)
    # Two batches committed, the third rolled back; the cursor names the last committed hazard.
    assert job_cursor(tasks.JOB_NAME) == f"{OVERDUE_DAY.date().isoformat()}:{ids[199]}"
    assert set(Notification.objects.values_list("target_id", flat=True)) <= set(ids[:200])
    assert Notification.objects.filter(target_id=ids[199]).exists()

    monkeypatch.setattr(tasks, "notify_many", real)
    with CaptureQueriesContext(connection) as resumed:
        run(batch_size=100)
    assert set(Notification.objects.values_list("target_id", flat=True)) >= set(ids[-400:])
    assert job_cursor(tasks.JOB_NAME) == ""  # finished: the next run starts from the beginning
    hazard_reads = [q for q in resumed.captured_queries if 'FROM "hazards_hazard"' in q["sql"]]
    assert len(hazard_reads) == 4  # batches 3, 4, 5 and the empty read that ends the run

    before = Notification.objects.count()
    assert run(batch_size=100)[0] == {}
    assert Notification.objects.count() == before


def seed_table(persona, *, rows: int, due: int) -> list[int]:
    """A hazard table of `rows` of which `due` are rectifying past their deadline and the rest closed, copied
    from one hazard in the database itself (one INSERT … SELECT over a counted sequence, on both databases)."""
    model = persona("ent_duruan").enterprise
    with time_machine.travel(START, tick=False):
        first = rectifying(persona("duruan"), model, deadline=(START + dt.timedelta(days=10)).date())
    columns = [f.column for f in Hazard._meta.concrete_fields if f.column not in ("id", "title", "state")]
    copied = ", ".join(f'h."{c}"' for c in columns)
    named = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s) "
            f"INSERT INTO hazards_hazard (title, state, {named}) "
            f"SELECT h.title || ' ' || CAST(n.i AS TEXT), "
            f"CASE WHEN n.i < %s THEN 'rectifying' ELSE 'closed' END, {copied} "
            "FROM hazards_hazard h CROSS JOIN n WHERE h.id = %s",
            [rows - 1, due, first.pk],
        )
    Notification.objects.all().delete()
    horizon = OVERDUE_DAY.date() + dt.timedelta(days=tasks.REMINDER_DAYS[0])
    due_now = Hazard.objects.filter(state__in=["rectifying", "submitted"], deadline__lte=horizon)
    return list(due_now.order_by("id").values_list("pk", flat=True))


@pytest.mark.django_db(transaction=False)
def test_at_a_hundred_thousand_hazards_the_job_reads_only_the_due_ones_in_bounded_batches(persona):
    """The job's cost follows the work due, not the table: 100k hazards, 1,500 of them due, in batches of 500
    cost the same few queries per batch, and no batch reads a hazard that is not due."""
    ids = seed_table(persona, rows=100_000, due=1_500)
    assert Hazard.objects.count() >= 100_000
    assert len(ids) >= 1_500
    with time_machine.travel(OVERDUE_DAY, tick=False), CaptureQueriesContext(connection) as queries:
        sent = tasks.escalate_hazards(now=OVERDUE_DAY, batch_size=500)
    batches = -(-len(ids) // 500)
    assert sent["overdue-0"] >= 1_500
    assert set(Notification.objects.values_list("target_id", flat=True)) >= set(ids)
    hazard_reads = [q for q in queries.captured_queries if 'FROM "hazards_hazard"' in q["sql"]]
    assert len(hazard_reads) == batches + 1  # one read per batch and the empty read that ends the run
    assert (len(queries) - 12) / batches <= 8, (len(queries), batches)
