"""Bench mode only (`BENCH_SQL_TIMING=1`, set by `bench.server`): each response says how long the request
took inside Django and how long the SQL it sent took, so the runner can divide one by the other for the
same request (issue 18: the captured SQL, not a stand-in query). Never enabled in production settings.
"""

from __future__ import annotations

import time

from django.db import connections

REQUEST_HEADER = "X-Bench-Request-ms"
SQL_HEADER = "X-Bench-SQL-ms"
QUERIES_HEADER = "X-Bench-Queries"


class _Timer:
    """A database execute wrapper that adds up the time of every statement run through it."""

    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


class SqlTiming:
    """Outermost middleware: times the request and every query of every database connection it used."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timer = _Timer()
        started = time.perf_counter()
        wrappers = [conn.execute_wrapper(timer) for conn in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[REQUEST_HEADER] = f"{(time.perf_counter() - started) * 1000:.3f}"
        response[SQL_HEADER] = f"{timer.seconds * 1000:.3f}"
        response[QUERIES_HEADER] = str(timer.queries)
        return response
