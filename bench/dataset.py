"""The benchmark dataset: the demo district's registry and accounts, plus generated enterprises, hazards
and their audit trail, at a given size, reproducible from a seed.

Written with bulk writes (PostgreSQL `COPY`, SQLite `executemany` in one transaction) so that L (1M hazards,
100k enterprises, 5M audit events) builds in minutes. Rows are shaped from the models' own fields, so a
column added later with a default needs no change here. Audit events are chained exactly like
`audit.services.record` chains them (`seal_row`), so the trail still verifies.

    python -m bench.dataset --size S --engine postgresql [--force]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import random
import sys
import time
from decimal import Decimal

from bench import modules
from bench.config import GENERATOR_VERSION, SEED, SIZES, Target

ENTERPRISES_PER_HAZARD = 0.1
EVENTS_PER_HAZARD = 5
TOWN_WEIGHTS = [8, 6, 9, 9, 5, 22, 24, 17]  # as the demo district: the towns hold most factories
MAJOR_SHARE = 0.03
HISTORY_DAYS = 365
TITLES = [
    ("object", "灭火器压力不足"),
    ("object", "配电箱未上锁、无警示标识"),
    ("object", "砂轮机防护罩缺失"),
    ("object", "冲床光电保护装置失效"),
    ("environment", "安全出口堵塞"),
    ("environment", "疏散通道堆放杂物"),
    ("environment", "车间通风不良"),
    ("human", "作业人员未佩戴防护用品"),
    ("human", "特种作业人员无证上岗"),
    ("management", "安全培训记录不全"),
    ("management", "有限空间作业未审批"),
    ("management", "应急预案未演练"),
    ("object", "气瓶未固定、混放"),
    ("object", "电线私拉乱接"),
]
SOURCES = [
    ("self_inspection", 45),
    ("government_inspection", 35),
    ("campaign", 12),
    ("public_report", 5),
    ("accident_followup", 3),
]
LOCATIONS = ["一号车间", "二号车间", "仓库", "配电房", "办公楼", "锅炉房", "危化品仓", "装卸区", "宿舍区"]
# (state, weight) by the age of the hazard: recent ones are still in the loop, older ones mostly accepted
# and waiting to be closed (销号) or closed. About half are open, so that even at S the open list of the
# Duruan town officer has a page 50 (issue 7 scenario 1).
STATE_MIX = [
    (
        30,
        [
            ("reported", 30),
            ("rectifying", 45),
            ("submitted", 15),
            ("accepted", 5),
            ("closed", 3),
            ("cancelled", 2),
        ],
    ),
    (
        120,
        [
            ("reported", 5),
            ("rectifying", 25),
            ("submitted", 10),
            ("accepted", 15),
            ("closed", 40),
            ("cancelled", 5),
        ],
    ),
    (10**6, [("rectifying", 8), ("submitted", 3), ("accepted", 36), ("closed", 50), ("cancelled", 3)]),
]
PATHS = {
    "reported": ["reported"],
    "rectifying": ["reported", "assigned"],
    "submitted": ["reported", "assigned", "submitted"],
    "accepted": ["reported", "assigned", "submitted", "accepted"],
    "closed": ["reported", "assigned", "submitted", "accepted", "closed"],
    "cancelled": ["reported", "cancelled"],
}
STATE_AFTER = {
    "reported": "reported",
    "assigned": "rectifying",
    "submitted": "submitted",
    "accepted": "accepted",
    "closed": "closed",
    "cancelled": "cancelled",
}
UTC = dt.UTC


# --- Row shaping -------------------------------------------------------------------------------------------


class Table:
    """A model's table as columns, a template row of defaults, and the adapters for one engine."""

    def __init__(self, model, connection):
        from django.db import models

        self.model = model
        self.name = model._meta.db_table
        fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in fields]
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.template = [self._default(f) for f in fields]
        sqlite = connection.vendor == "sqlite"
        self.adapters: list[tuple[int, object]] = []
        for i, f in enumerate(fields):
            if isinstance(f, models.JSONField):
                self.adapters.append((i, _json))
            elif sqlite and isinstance(f, models.DateTimeField):
                self.adapters.append((i, _sqlite_datetime))
            elif sqlite and isinstance(f, models.DateField):
                self.adapters.append((i, _sqlite_date))
            elif sqlite and isinstance(f, models.DecimalField):
                self.adapters.append((i, _sqlite_decimal))
            elif sqlite and isinstance(f, models.BooleanField):
                self.adapters.append((i, _sqlite_bool))

    @staticmethod
    def _default(field):
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        if field.empty_strings_allowed:
            return ""
        return None

    def row(self, **values) -> list:
        row = self.template.copy()
        index = self.index
        for name, value in values.items():
            row[index[name]] = value
        return row

    def adapt(self, row: list) -> tuple:
        for i, adapter in self.adapters:
            row[i] = adapter(row[i])
        return tuple(row)


def _json(value):
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _sqlite_datetime(value):
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ")


def _sqlite_date(value):
    return None if value is None else value.isoformat()


def _sqlite_decimal(value):
    return None if value is None else str(value)


def _sqlite_bool(value):
    return None if value is None else int(value)


class Writer:
    """Bulk writer: PostgreSQL COPY through psycopg 3, SQLite executemany; the caller owns the transaction."""

    def __init__(self, connection):
        self.connection = connection

    def write(self, table: Table, rows) -> int:
        count = 0
        cursor = self.connection.cursor()
        if self.connection.vendor == "postgresql":
            columns = ", ".join(f'"{c}"' for c in table.columns)
            with cursor.cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(table.adapt(row))
                    count += 1
        else:
            sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
                table.name, ", ".join(f'"{c}"' for c in table.columns), ", ".join("?" * len(table.columns))
            )
            raw = cursor.cursor
            batch = []
            for row in rows:
                batch.append(table.adapt(row))
                if len(batch) >= 5000:
                    raw.executemany(sql, batch)
                    count += len(batch)
                    batch.clear()
            if batch:
                raw.executemany(sql, batch)
                count += len(batch)
        return count


# --- Generation --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _search_words(title: str, location: str) -> str:
    from hazards.search import words_of

    return words_of(title, "", location)


def credit_code(serial: int, salt: int) -> str:
    """A valid, unique unified social credit code (R-REG-1) for the n-th generated enterprise."""
    from registry.validators import CREDIT_ALPHABET, credit_check_char

    n = serial * 7919 + salt  # spread the serials; stays unique because the base-31 width is fixed
    chars = []
    for _ in range(7):
        n, r = divmod(n, 31)
        chars.append(CREDIT_ALPHABET[r])
    body = "91440703" + "BM" + "".join(reversed(chars))
    return body + credit_check_char(body)


def _near(centre, radius: float, rng: random.Random) -> Decimal | None:
    if centre is None:
        return None
    return Decimal(str(round(float(centre) + rng.uniform(-radius, radius) * 0.8, 6)))


def _next_id(connection, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        return cursor.fetchone()[0] + 1


def generate(*, hazards: int, seed: int = SEED, now: dt.datetime | None = None, log=None) -> dict:
    """Add `hazards` hazards (with enterprises and audit events in proportion) to the current database.

    Needs the demo registry's towns, sectors and departments; builds the demo accounts after the
    enterprises (the enterprise user needs one). Returns what it wrote.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from audit.models import AuditChainHead, AuditEvent
    from audit.services import seal_row
    from hazards.models import Hazard
    from registry.demo import BRANDS, PROFILES, ROADS, TOWNS, build_accounts, build_jurisdictions
    from registry.models import Enterprise, Jurisdiction

    log = log or (lambda message: None)
    rng = random.Random(f"{seed}:bench")
    now = (now or timezone.now()).astimezone(UTC).replace(microsecond=0)
    today = timezone.localdate(now)
    started = time.monotonic()
    writer = Writer(connection)
    counts: dict[str, int] = {}
    with transaction.atomic():
        if not Jurisdiction.objects.towns().exists():
            build_jurisdictions(random.Random(f"{seed}:registry"))
        towns = list(Jurisdiction.objects.towns().order_by("code"))
        town_weights = TOWN_WEIGHTS[: len(towns)] + [5] * max(0, len(towns) - len(TOWN_WEIGHTS))
        # Coordinates inside the town's circle, as the demo places them, so the map has every enterprise.
        radius = {code: r for code, _n, _e, _k, _la, _ln, r, _v in TOWNS}

        # Enterprises and their sectors.
        n_enterprises = max(1, round(hazards * ENTERPRISES_PER_HAZARD))
        ent_table = Table(Enterprise, connection)
        through = Enterprise.sectors.through
        through_table = Table(through, connection)
        first_ent = _next_id(connection, Enterprise._meta.db_table)
        first_link = _next_id(connection, through._meta.db_table)
        weights = [p[3] for p in PROFILES]
        enterprises: list[tuple[int, int, list[str]]] = []  # (id, town id, sectors)
        links = []
        ent_rows = []
        salt = rng.randrange(31**5)
        for i in range(n_enterprises):
            pk = first_ent + i
            town = rng.choices(towns, weights=town_weights)[0]
            sectors, sub_sector, words, _w = rng.choices(PROFILES, weights=weights)[0]
            word = rng.choice(words)
            name = f"江门市{rng.choice(BRANDS)}{rng.choice(BRANDS)}{word}有限公司（{pk}）"
            ent_rows.append(
                ent_table.row(
                    id=pk,
                    name=name,
                    credit_code=credit_code(pk, salt),
                    town_id=town.pk,
                    address=f"江门市蓬江区{town.name}{rng.choice(ROADS)}{rng.randint(1, 388)}号",
                    sub_sector=sub_sector,
                    status="operating" if rng.random() < 0.92 else "shutdown",
                    scale=rng.choice(["small", "micro", "medium"]),
                    employees=int(rng.lognormvariate(3.6, 1.0)) + 3,
                    principal_name=f"负责人{pk}",
                    safety_manager_name=f"安全员{pk}",
                    business_scope=f"{word}的生产、加工与销售。",
                    lat=_near(town.lat, radius.get(town.code, 0.01), rng),
                    lng=_near(town.lng, radius.get(town.code, 0.01), rng),
                    created_at=now,
                    updated_at=now,
                )
            )
            for code in sectors:
                links.append(through_table.row(id=first_link + len(links), enterprise_id=pk, sector_id=code))
            enterprises.append((pk, town.pk, list(sectors)))
        counts["enterprises"] = writer.write(ent_table, ent_rows)
        counts["enterprise_sectors"] = writer.write(through_table, links)
        del ent_rows, links
        log(f"  enterprises: {counts['enterprises']} ({time.monotonic() - started:.1f}s)")

        users = build_accounts(random.Random(f"{seed}:accounts"))
        admin = users["admin"]
        town_officer = {u.town_id: u for u in users.values() if u.town_id and u.has_role("town_officer")}
        actor_roles = {
            u.pk: sorted(u.role_codes) for u in User.objects.filter(pk__in=[u.pk for u in users.values()])
        }
        actor_names = {u.pk: u.username for u in users.values()}

        # Hazards and their audit trail, chained after the chain's current head.
        hz_table = Table(Hazard, connection)
        ev_table = Table(AuditEvent, connection)
        first_hazard = _next_id(connection, Hazard._meta.db_table)
        first_event = _next_id(connection, AuditEvent._meta.db_table)
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        prev_hash = head.last_hash if head else ""
        state_choices = [(limit, [s for s, _ in mix], [w for _, w in mix]) for limit, mix in STATE_MIX]
        source_codes = [s for s, _ in SOURCES]
        source_weights = [w for _, w in SOURCES]
        event_id = first_event
        last_hash = prev_hash
        state_counts: dict[str, int] = {}

        def hazard_rows():
            nonlocal event_id, last_hash
            for i in range(hazards):
                pk = first_hazard + i
                ent_id, town_id, sectors = enterprises[rng.randrange(len(enterprises))]
                sector = sectors[0] if len(sectors) == 1 else rng.choice(sectors)
                age_days = rng.random() * HISTORY_DAYS
                reported_at = now - dt.timedelta(days=age_days)
                for limit, states, weights_ in state_choices:
                    if age_days < limit:
                        state = rng.choices(states, weights=weights_)[0]
                        break
                state_counts[state] = state_counts.get(state, 0) + 1
                major = rng.random() < MAJOR_SHARE
                category, title = rng.choice(TITLES)
                actor = town_officer.get(town_id, admin)
                values = {
                    "id": pk,
                    "enterprise_id": ent_id,
                    "town_id": town_id,
                    "sector_id": sector,
                    "title": title,
                    "category": category,
                    "level": "major" if major else "general",
                    "source": rng.choices(source_codes, weights=source_weights)[0],
                    "location": rng.choice(LOCATIONS),
                    "discovered_at": reported_at - dt.timedelta(hours=rng.random() * 4),
                    "discoverer": actor.display_name,
                    "state": state,
                    "reported_at": reported_at,
                    "reported_by_id": actor.pk,
                    "escalated_at": reported_at if major else None,
                    "updated_at": reported_at,
                }
                # The generator's texts come from short lists: segment each pair once (issue 18).
                values["search_words"] = _search_words(title, values["location"])
                path = PATHS[state]
                times = {"reported": reported_at}
                span = (now - reported_at).total_seconds()
                at = reported_at
                for step in path[1:]:
                    at = min(now, at + dt.timedelta(seconds=span * rng.uniform(0.02, 0.2)))
                    times[step] = at
                if "assigned" in times:
                    days = 90 if major else 15
                    deadline = timezone.localdate(times["assigned"]) + dt.timedelta(days=days)
                    values.update(
                        measures="按规定整改到位",
                        responsible_person=f"负责人{ent_id}",
                        funds=Decimal(rng.randrange(500, 50000)),
                        deadline=deadline,
                        original_deadline=deadline,
                        assigned_at=times["assigned"],
                        assigned_by_id=actor.pk,
                        contingency_plan="落实临时管控措施" if major else "",
                    )
                if "submitted" in times:
                    values.update(
                        rectification_note="已整改完成，附整改后照片",
                        submitted_at=times["submitted"],
                        submitted_on=timezone.localdate(times["submitted"]),
                        submitted_by_id=actor.pk,
                    )
                if "accepted" in times:
                    values.update(accepted_at=times["accepted"], accepted_by_id=admin.pk)
                if "closed" in times:
                    values.update(closed_at=times["closed"], closed_by_id=admin.pk)
                if "cancelled" in times:
                    values.update(
                        cancelled_at=times["cancelled"], cancelled_by_id=actor.pk, cancel_reason="重复登记"
                    )
                values["version"] = len(path)
                values["updated_at"] = at
                # The trail: one event per step, then progress notes up to five events per hazard.
                events = []
                from_state = ""
                for step in path:
                    who = admin if step in ("accepted", "closed") else actor
                    events.append((times[step], who, step, from_state, STATE_AFTER[step]))
                    from_state = STATE_AFTER[step]
                while len(events) < EVENTS_PER_HAZARD:
                    at = min(now, at + dt.timedelta(seconds=max(1.0, (now - at).total_seconds() * 0.1)))
                    events.append((at, actor, "progress", state, state))
                yield (
                    hz_table.row(**values),
                    [_event(ev_table, e, pk, title) for e in events[:EVENTS_PER_HAZARD]],
                )

        def _event(table, event, target_id, title):
            nonlocal event_id, last_hash
            at, who, verb, from_state, to_state = event
            data = {"from_state": from_state, "to_state": to_state}
            fields = {
                "at": at,
                "actor_id": who.pk,
                "actor_name": actor_names[who.pk],
                "actor_roles": actor_roles[who.pk],
                "action": f"hazards.hazard.{verb}",
                "outcome": "success",
                "target_type": "hazards.hazard",
                "target_id": target_id,
                "target_repr": title,
                "data": data,
                "ip": "",
                "request_id": "",
            }
            sealed = seal_row(fields, last_hash)  # chain version 2, as `record` writes
            digest = sealed["hash"]
            row = table.row(id=event_id, **fields, **sealed)
            event_id += 1
            last_hash = digest
            return row

        # Two passes over one generator would need the rows twice in memory; instead write hazards
        # in chunks and keep the chunk's events for the second table.
        counts["hazards"] = counts["audit_events"] = 0
        chunk_h: list = []
        chunk_e: list = []
        for h_row, e_rows in hazard_rows():
            chunk_h.append(h_row)
            chunk_e.extend(e_rows)
            if len(chunk_h) >= 50_000:
                counts["hazards"] += writer.write(hz_table, chunk_h)
                counts["audit_events"] += writer.write(ev_table, chunk_e)
                chunk_h.clear()
                chunk_e.clear()
                log(f"  hazards: {counts['hazards']} ({time.monotonic() - started:.1f}s)")
        counts["hazards"] += writer.write(hz_table, chunk_h)
        counts["audit_events"] += writer.write(ev_table, chunk_e)
        if head is None:
            AuditChainHead.objects.create(pk=1, last_hash=last_hash, last_event_id=event_id - 1)
        elif counts["audit_events"]:
            AuditChainHead.objects.filter(pk=1).update(last_hash=last_hash, last_event_id=event_id - 1)
        _reset_sequences(connection, [Enterprise, through, Hazard, AuditEvent])
        _refresh_derived(log)
    counts["states"] = state_counts
    counts["first_hazard"] = first_hazard
    counts["today"] = today.isoformat()
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def _reset_sequences(connection, models) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _refresh_derived(log) -> None:
    """Counters the hazards app keeps beside the rows (its statistics rollup), rebuilt from the rows."""
    try:
        from hazards import rollup
    except ImportError:
        return
    rollup.rebuild()
    compact_counters()
    log("  hazard rollup rebuilt")


def compact_counters() -> None:
    """The counters as production keeps them: the periodic job folds the deadlines already passed."""
    try:
        from hazards.rollup import compact
    except ImportError:
        return
    compact()


# --- Databases: create, migrate, mark ------------------------------------------------------------------------

MARKER_TABLE = "bench_marker"


def _marker_wanted(target: Target, seed: int) -> dict:
    return {"seed": seed, "size": target.size, "hazards": target.hazards, "generator": GENERATOR_VERSION}


def read_marker() -> dict | None:
    from django.db import connection

    if MARKER_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {MARKER_TABLE} WHERE key = 'dataset'")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def build_plan(marker: dict | None, wanted: dict, *, force: bool, has_rows: bool) -> str:
    """ "reuse" the dataset its marker describes; "afresh" when another is there, or rows without a marker
    (a build that died part way: never generate a second dataset on top of the first); else "build"."""
    if not force and marker and all(marker.get(k) == v for k, v in wanted.items()):
        return "reuse"
    return "afresh" if (marker or force or has_rows) else "build"


def _has_rows() -> bool:
    from hazards.models import Hazard

    return Hazard.objects.exists()


def write_marker(value: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (key varchar(40) PRIMARY KEY, value text)")
        cursor.execute(f"DELETE FROM {MARKER_TABLE} WHERE key = 'dataset'")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} (key, value) VALUES ('dataset', %s)", [json.dumps(value)])


def drop_database(target: Target) -> None:
    if target.engine == "postgresql":
        import psycopg

        from bench.config import PG_SERVER

        with psycopg.connect(PG_SERVER.rstrip("/") + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target.pg_name}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            path = target.sqlite_path.with_name(target.sqlite_path.name + suffix)
            if path.exists():
                path.unlink()


def ensure_database(target: Target) -> None:
    if target.engine == "postgresql":
        import psycopg

        from bench.config import PG_SERVER

        with psycopg.connect(PG_SERVER.rstrip("/") + "/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target.pg_name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{target.pg_name}"')
    else:
        target.var_dir.mkdir(parents=True, exist_ok=True)


def build(target: Target, *, seed: int = SEED, force: bool = False) -> dict:
    """Run in a process whose environment points Django at the target (see `main`)."""
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    wanted = _marker_wanted(target, seed)
    marker = read_marker()
    plan = build_plan(marker, wanted, force=force, has_rows=_has_rows())
    if plan == "reuse":
        compact_counters()  # the job runs every few hours in production; days may have passed since
        return {"reused": True, **marker}
    if plan == "afresh":
        connection.close()
        drop_database(target)
        ensure_database(target)
        call_command("migrate", interactive=False, verbosity=0)
    fast = connection.vendor == "sqlite"
    if fast:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    say = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    counts = generate(hazards=target.hazards, seed=seed, log=say)
    counts["modules"] = modules.build(seed=seed, log=say)
    with connection.cursor() as cursor:
        if fast:
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("ANALYZE")
        else:
            # After a bulk COPY the visibility map is empty, so no index-only scan is possible until
            # autovacuum runs: vacuum now, so the raw-SQL baselines meet the table as it would be in use.
            cursor.execute("VACUUM (ANALYZE)")  # outside any transaction: Django's autocommit
    marker = {**wanted, **{k: v for k, v in counts.items() if k != "states"}, "states": counts["states"]}
    write_marker(marker)
    return {"reused": False, **marker}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build a benchmark database (reused when already built).")
    parser.add_argument("--size", choices=sorted(SIZES), required=True)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--force", action="store_true", help="rebuild even when a matching dataset exists")
    args = parser.parse_args(argv)
    target = Target(args.size, args.engine)
    ensure_database(target)
    os.environ.update(target.env(secret_key=os.environ.get("SECRET_KEY")))
    print(json.dumps(build(target, seed=args.seed, force=args.force)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
