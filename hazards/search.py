"""Full-text search of hazards (issue 18): jieba words in `Hazard.search_words`, searched by the engine.

PostgreSQL: `to_tsvector('simple', search_words)` under a GIN expression index, matched by a tsquery of
the query's words (AND, each a prefix). SQLite: an FTS5 external-content table over the same column,
kept by triggers, matched by `id IN (SELECT rowid … MATCH …)`. The query reaches the engine as one bound
parameter built from letters and digits only (core.textsearch), so no input is syntax.

SQLite rebuilds a table for some schema changes and drops its triggers with it, so `ensure_index` runs
after every migrate (apps.py) and recreates whatever is missing.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.expressions import RawSQL

from core.textsearch import index_words, query_words

TABLE = "hazards_hazard"
FTS = "hazards_hazard_fts"
PG_INDEX = "hazards_hazard_search_gin"

SQLITE_SQL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
    f"search_words, content='{TABLE}', content_rowid='id', tokenize='unicode61')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, search_words) VALUES (new.id, new.search_words); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_words) VALUES ('delete', old.id, old.search_words); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF search_words ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_words) VALUES ('delete', old.id, old.search_words); "
    f"INSERT INTO {FTS}(rowid, search_words) VALUES (new.id, new.search_words); END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {FTS}_{t}" for t in ("ai", "ad", "au")] + [
    f"DROP TABLE IF EXISTS {FTS}"
]
PG_SQL = [f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {TABLE} USING gin (to_tsvector('simple', search_words))"]
PG_DROP = [f"DROP INDEX IF EXISTS {PG_INDEX}"]


def words_of(title: str = "", description: str = "", location: str = "") -> str:
    """The value of `Hazard.search_words` for these texts: call it wherever they are written."""
    return index_words(title, description, location)


def ensure_index(conn=None, *, rebuild: bool = False) -> None:
    """Create the engine's index where missing; `rebuild` re-reads every row into SQLite's FTS table."""
    conn = conn or connection
    if TABLE not in conn.introspection.table_names():
        return  # migrated back past hazards' first migration
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            missing = not _sqlite_has_table(cursor)
            for sql in SQLITE_SQL:
                cursor.execute(sql)
            if rebuild or missing:
                cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        elif conn.vendor == "postgresql":
            for sql in PG_SQL:
                cursor.execute(sql)


def drop_index(conn) -> None:
    with conn.cursor() as cursor:
        for sql in SQLITE_DROP if conn.vendor == "sqlite" else PG_DROP if conn.vendor == "postgresql" else []:
            cursor.execute(sql)


def _sqlite_has_table(cursor) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS])
    return cursor.fetchone() is not None


def matching_words(words: list[str]) -> Q:
    """Hazards whose stored words hold every one of `words` (each as a prefix); `words` non-empty."""
    vendor = connection.vendor
    if vendor == "postgresql":
        expr = " & ".join(f"'{w}':*" for w in words)
        # Expressions, not raw SQL naming the table: inside the paginator's id subquery the table is
        # aliased. `to_tsvector('simple', search_words)` is the GIN index's expression.
        vector = Func(F("search_words"), template="to_tsvector('simple', %(expressions)s)")
        query = Func(Value(expr), template="to_tsquery('simple', %(expressions)s)")
        return Q(
            Func(vector, query, template="%(expressions)s", arg_joiner=" @@ ", output_field=BooleanField())
        )
    if vendor == "sqlite":
        expr = " AND ".join(f'"{w}"*' for w in words)
        return Q(id__in=RawSQL(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [expr]))
    # Another engine has no index here: the same semantics, row by row.
    q = Q()
    for w in words:
        q &= Q(search_words__icontains=w)
    return q


def search_q(value: str) -> Q | None:
    """The condition for the list's `q`, or None when `q` is blank; words AND, or the enterprise's name.

    The two are read as one set of ids, the union of two indexed reads (the words' index; the hazards of
    the enterprises so named, by their enterprise index). Written as `words OR enterprise IN (…)`, the
    engine cannot use the words' index under the OR and computes every row's words instead: a count over
    a million hazards took 7 s that way, 0.7 s this way (PostgreSQL, README "Performance")."""
    from hazards.models import Hazard
    from registry.models import Enterprise

    value = (value or "").strip()
    if not value:
        return None
    named = Enterprise.objects.filter(name__icontains=value).values("pk")
    by_name = Hazard.objects.order_by().filter(enterprise__in=named).values("pk")
    words = query_words(value)
    if not words:
        return Q(pk__in=by_name)
    return Q(pk__in=Hazard.objects.order_by().filter(matching_words(words)).values("pk").union(by_name))
