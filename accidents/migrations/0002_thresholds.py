import datetime
from decimal import Decimal

from django.db import migrations

SOURCE = "国务院令第493号《生产安全事故报告和调查处理条例》第三条"
# R-ACC-1: the lowest numbers of each level; general is everything below larger.
ROWS = [
    ("especially_major", 30, 100, Decimal("100000000")),
    ("major", 10, 50, Decimal("50000000")),
    ("larger", 3, 10, Decimal("10000000")),
]


def seed(apps, schema_editor):
    LevelThreshold = apps.get_model("accidents", "LevelThreshold")
    for level, deaths, serious, loss in ROWS:
        LevelThreshold.objects.update_or_create(
            level=level,
            defaults={
                "deaths": deaths,
                "serious_injuries": serious,
                "direct_loss": loss,
                "source": SOURCE,
                "effective_from": datetime.date(2007, 6, 1),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("accidents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
