"""Every module's rows at the benchmark's size, in the demo district's proportions (issue 18).

Two steps after `bench.dataset` has written the enterprises and hazards:

1. each module's own demo builder runs on the benchmark's registry (as `load_demo` runs it), so the
   structures a module keeps per enterprise (risk points, their assessments and controls) follow the
   enterprises, and the fixed structures (duty rooms and rosters, warehouses, plans, scorecards) exist;
2. the tables that grow with the district's enterprises (inspections and their item results, campaign targets,
   accidents and their chains, information reports, drills, proposals) are filled up to
   the demo district's count per enterprise by copying the builders' rows as families (a row with the rows
   that hang from it), re-pointed at the benchmark's enterprises, with bulk writes (`bench.dataset.Writer`).

A copied row keeps its template's dates and states, so every list, count and chart meets the same mix as
in the demo; unique columns are kept unique (text gets a serial suffix, an enterprise pair is redrawn).
"""

from __future__ import annotations

import contextlib
import random
import time
from dataclasses import dataclass

from bench import dataset

# The demo district (`load_demo`, seed 20230418) has 2,000 enterprises: each family's root is copied up to
# the demo's count per enterprise (counted 2026-12-03), so S (1k enterprises) and L (100k) keep its mix.
# Duty log entries and stock movements have no rows in the demo yet, so there is nothing to copy.
SKIPPED_BUILDERS = {"registry", "hazards"}  # the benchmark writes these two itself, at scale


@dataclass(frozen=True)
class Family:
    """A root model, how many per enterprise, and the models below it (each with the field naming its parent)."""

    root: str
    per_enterprise: float
    children: tuple[tuple[str, str, str], ...] = ()  # (model, fk attname, parent model)


FAMILIES = [
    Family(
        "inspections.InspectionTask",
        293 / 2000,
        (
            ("inspections.Inspection", "task_id", "inspections.InspectionTask"),
            ("inspections.ItemResult", "inspection_id", "inspections.Inspection"),
        ),
    ),
    Family("inspections.CampaignTarget", 285 / 2000),
    Family(
        "accidents.Accident",
        28 / 2000,
        (
            ("accidents.ReportDeadline", "accident_id", "accidents.Accident"),
            ("accidents.ChainStep", "accident_id", "accidents.Accident"),
            ("accidents.LevelChange", "accident_id", "accidents.Accident"),
            ("accidents.AccidentReport", "accident_id", "accidents.Accident"),
        ),
    ),
    Family(
        "duty.InfoReport",
        3 / 2000,
        (
            ("duty.ReportDeadline", "report_id", "duty.InfoReport"),
            ("duty.ReportUpdate", "report_id", "duty.InfoReport"),
        ),
    ),
    Family("emergency.Drill", 5 / 2000, (("emergency.ImprovementAction", "drill_id", "emergency.Drill"),)),
    Family("accountability.Proposal", 4 / 2000),
]


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def run_builders(*, seed: int, log) -> list[str]:
    """Every module's demo builder except the two the benchmark writes at scale, in `load_demo`'s order."""
    from django.db import connection, transaction

    from core.extensions import demo_builders
    from registry.models import Enterprise

    ran = []
    enterprises = Enterprise.objects.count()
    for builder in demo_builders.all():
        if builder.key in SKIPPED_BUILDERS:
            continue
        started = time.monotonic()
        # SQLite writes a builder fastest in one transaction. PostgreSQL runs them as `load_demo` and
        # production do: in one transaction, each audit record's update of the chain head's row leaves a
        # row version the next update steps over, so tens of thousands of records took hours.
        one = transaction.atomic() if connection.vendor == "sqlite" else contextlib.nullcontext()
        with one:
            builder.build(rng=random.Random(f"{seed}:{builder.key}"), stdout=None, enterprises=enterprises)
        ran.append(builder.key)
        log(f"  module {builder.key} built ({time.monotonic() - started:.1f}s)")
    return ran


class Cloner:
    """Copies a family's rows: new ids, the enterprise (and its town) redrawn, unique columns kept unique."""

    def __init__(self, connection, rng: random.Random, enterprises: list[tuple[int, int]]):
        self.connection = connection
        self.rng = rng
        self.enterprises = enterprises  # (id, town id)
        self.serial = 0

    def plan(self, label: str) -> dict:
        model = _model(label)
        table = dataset.Table(model, self.connection)
        fields = list(model._meta.concrete_fields)
        rows = [list(r) for r in model.objects.order_by("pk").values_list(*[f.attname for f in fields])]
        uniques = _unique_sets(model)
        seen = {cols: {tuple(r[table.index[c]] for c in cols) for r in rows} for cols in uniques}
        return {
            "model": model,
            "table": table,
            "rows": rows,
            "fields": {f.attname: f for f in fields},
            "uniques": uniques,
            "seen": seen,
            "next_id": _next_id(self.connection, model),
        }

    def copy(self, plan: dict, template: list, overrides: dict) -> list | None:
        table, fields = plan["table"], plan["fields"]
        row = template.copy()
        row[table.index["id"]] = plan["next_id"]
        for name, value in overrides.items():
            if name in table.index:
                row[table.index[name]] = value
        self.serial += 1
        for cols in plan["uniques"]:
            if not self._make_unique(plan, row, cols, fields):
                return None
        plan["next_id"] += 1
        return row

    def _make_unique(self, plan, row, cols, fields) -> bool:
        table, seen = plan["table"], plan["seen"][cols]
        for _attempt in range(6):
            key = tuple(row[table.index[c]] for c in cols)
            if key not in seen and not any(v is None for v in key):
                seen.add(key)
                return True
            if any(v is None for v in key):
                return True  # NULLs never collide in a unique index
            text = [c for c in cols if _is_text(fields[c])]
            if text:
                name = text[0]
                suffix = f"·{self.serial}"
                limit = fields[name].max_length or 200
                row[table.index[name]] = str(row[table.index[name]])[: limit - len(suffix)] + suffix
            elif "enterprise_id" in cols:
                ent, town = self.enterprises[self.rng.randrange(len(self.enterprises))]
                row[table.index["enterprise_id"]] = ent
                if "town_id" in table.index:
                    row[table.index["town_id"]] = town
            else:
                return False
        return False


def _is_text(field) -> bool:
    from django.db import models

    return isinstance(field, (models.CharField, models.TextField)) and not field.is_relation


def _unique_sets(model) -> list[tuple[str, ...]]:
    """Every column set the database keeps unique (single columns, constraints, unique_together)."""
    from django.db import models

    out = []
    for f in model._meta.concrete_fields:
        if f.unique and not f.primary_key:
            out.append((f.attname,))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            out.append(tuple(model._meta.get_field(n).attname for n in constraint.fields))
    for together in model._meta.unique_together:
        out.append(tuple(model._meta.get_field(n).attname for n in together))
    return out


def _next_id(connection, model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')
        return cursor.fetchone()[0] + 1


def fill(*, seed: int, log) -> dict[str, int]:
    """Each family up to its count per enterprise; returns the rows written per model."""
    from django.db import connection, transaction

    from registry.models import Enterprise

    rng = random.Random(f"{seed}:modules")
    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", "town_id"))
    cloner = Cloner(connection, rng, enterprises)
    writer = dataset.Writer(connection)
    counts: dict[str, int] = {}
    for family in FAMILIES:
        started = time.monotonic()
        with transaction.atomic():
            written = _fill_family(cloner, writer, family, round(family.per_enterprise * len(enterprises)))
        for label, n in written.items():
            counts[label] = counts.get(label, 0) + n
        log(f"  {family.root}: +{written.get(family.root, 0)} ({time.monotonic() - started:.1f}s)")
    return counts


def _fill_family(cloner: Cloner, writer: dataset.Writer, family: Family, wanted: int) -> dict[str, int]:
    root = cloner.plan(family.root)
    missing = wanted - len(root["rows"])
    if missing <= 0 or not root["rows"]:
        return {}
    children = [(label, fk, parent, cloner.plan(label)) for label, fk, parent in family.children]
    by_parent = {}
    for label, fk, _parent, plan in children:
        index = plan["table"].index[fk]
        groups: dict = {}
        for row in plan["rows"]:
            groups.setdefault(row[index], []).append(row)
        by_parent[label] = groups
    out: dict[str, list] = {family.root: []}
    templates = root["rows"]
    for n in range(missing):
        template = templates[n % len(templates)]
        ent, town = cloner.enterprises[cloner.rng.randrange(len(cloner.enterprises))]
        row = cloner.copy(root, template, {"enterprise_id": ent, "town_id": town})
        if row is None:
            continue
        out[family.root].append(row)
        pk = root["table"].index["id"]
        new_ids = {family.root: {template[pk]: row[pk]}}
        for label, fk, parent, plan in children:
            for old_parent, new_parent in new_ids.get(parent, {}).items():
                for child in by_parent[label].get(old_parent, []):
                    copied = cloner.copy(plan, child, {fk: new_parent, "enterprise_id": ent})
                    if copied is not None:
                        out.setdefault(label, []).append(copied)
                        child_pk = plan["table"].index["id"]
                        new_ids.setdefault(label, {})[child[child_pk]] = copied[child_pk]
    written = {}
    for label in [family.root, *[c[0] for c in children]]:
        plan = root if label == family.root else next(p for lb, _f, _p, p in children if lb == label)
        rows = out.get(label, [])
        written[label] = writer.write(plan["table"], rows)
    dataset._reset_sequences(cloner.connection, [root["model"], *[p["model"] for *_x, p in children]])
    return written


def build(*, seed: int, log) -> dict:
    """Both steps; what they wrote, for the dataset's marker."""
    ran = run_builders(seed=seed, log=log)
    counts = fill(seed=seed, log=log)
    return {"builders": ran, "copied": counts}
