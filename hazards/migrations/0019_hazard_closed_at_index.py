"""A partial index on closed hazards' closing time: the cockpit's twelve-month trend counts closures per month
across the district, and without it that count read every hazard row."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0018_criteria_civil_explosives_2024_edition"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=models.Q(("state", "closed")), fields=["closed_at"], name="hazard_closed_at"
            ),
        ),
    ]
