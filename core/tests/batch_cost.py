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
