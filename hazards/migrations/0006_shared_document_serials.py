from django.db import migrations


def move_to_core(apps, schema_editor):
    """Serial numbers continue where they were: the counters move to core, namespaced by module."""
    Old = apps.get_model("hazards", "DocumentSerial")
    Shared = apps.get_model("core", "DocumentSerial")
    for row in Old.objects.all():
        Shared.objects.update_or_create(kind=f"hazards.{row.kind}", year=row.year, defaults={"last": row.last})


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0005_home_panel_indexes"),
        ("core", "0002_documentserial"),
    ]

    operations = [
        migrations.RunPython(move_to_core, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="documentserial", name="hazard_serial_kind_year"),
        migrations.DeleteModel(name="DocumentSerial"),
    ]
