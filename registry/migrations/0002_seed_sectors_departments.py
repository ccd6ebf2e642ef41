from django.db import migrations


def seed(apps, schema_editor):
    from registry.reference import seed_reference_data

    seed_reference_data(apps.get_model("registry", "Sector"), apps.get_model("registry", "Department"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
