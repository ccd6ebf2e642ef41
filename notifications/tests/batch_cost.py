"""Measuring a periodic job's queries per batch (issue 17): the same work run with small and with large
batches; the difference divided by the difference in batches is what one more batch costs, which must be a
small constant — never a query per row or per recipient."""

from __future__ import annotations

import math
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(run: Callable[[int], object], batch_size: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        run(batch_size)
    return len(captured)


def cost_per_batch(run: Callable[[int], object], rows: int, *, small: int, large: int, reset) -> float:
    """`run(batch_size)` does the whole job; `reset()` undoes what it sent so the second run redoes it."""
    many = queries_of(run, small)
    reset()
    few = queries_of(run, large)
    return (many - few) / (math.ceil(rows / small) - math.ceil(rows / large))


def assert_fixed_cost_per_batch(
    run: Callable[[int], object], rows: int, *, most: int = 8, setup: int = 10
) -> None:
    """A notification job's batches cost at most `most` queries each, and the whole run no more than its
    batches and a fixed setup: no query per row or per recipient. The job's notifications are removed
    between the runs (their dedup keys would make the second send nothing) and left by the last run."""
    from notifications.models import Notification

    def reset():
        Notification.objects.all().delete()

    per_batch = cost_per_batch(run, rows, small=50, large=300, reset=reset)
    assert per_batch <= most, per_batch
    reset()
    total = queries_of(run, 300)
    assert total <= most * math.ceil(rows / 300) + setup, total
