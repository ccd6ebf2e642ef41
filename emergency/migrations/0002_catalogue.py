from django.db import migrations


def forwards(apps, schema_editor):
    from emergency.catalogue import seed_catalogue

    seed_catalogue(apps.get_model("emergency", "SupplyItem"))


class Migration(migrations.Migration):
    dependencies = [("emergency", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
