"""Full-text search of hazards (issue 18): the words column, its back-fill, and each engine's index.

The SQL is written out here (not imported from hazards.search) so that this migration stays what it was;
hazards.search.ensure_index recreates the same objects after later migrations.
"""

from django.db import migrations, models

BATCH = 2000
FTS = "hazards_hazard_fts"
SQLITE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
    f"search_words, content='hazards_hazard', content_rowid='id', tokenize='unicode61')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON hazards_hazard BEGIN "
    f"INSERT INTO {FTS}(rowid, search_words) VALUES (new.id, new.search_words); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON hazards_hazard BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_words) VALUES ('delete', old.id, old.search_words); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF search_words ON hazards_hazard BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_words) VALUES ('delete', old.id, old.search_words); "
    f"INSERT INTO {FTS}(rowid, search_words) VALUES (new.id, new.search_words); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {FTS}_{t}" for t in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {FTS}"]
PG = [
    "CREATE INDEX IF NOT EXISTS hazards_hazard_search_gin ON hazards_hazard "
    "USING gin (to_tsvector('simple', search_words))"
]
PG_DROP = ["DROP INDEX IF EXISTS hazards_hazard_search_gin"]


def backfill(apps, schema_editor):
    """In batches of ids, so a million rows never sit in memory at once."""
    from core.textsearch import index_words

    Hazard = apps.get_model("hazards", "Hazard")
    rows = Hazard.objects.using(schema_editor.connection.alias)
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).order_by("pk").only("title", "description", "location")[:BATCH])
        if not batch:
            break
        for h in batch:
            h.search_words = index_words(h.title, h.description, h.location)
        rows.bulk_update(batch, ["search_words"])
        last = batch[-1].pk


def run(statements):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0008_sector_needing_action_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="hazard",
            name="search_words",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search words"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        # After the back-fill: SQLite's FTS table is built once by 'rebuild', not row by row by triggers.
        migrations.RunPython(run({"sqlite": SQLITE, "postgresql": PG}), run({"sqlite": SQLITE_DROP, "postgresql": PG_DROP})),
    ]
