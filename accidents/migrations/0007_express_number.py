"""The express report's number in the bureau's series; the accidents already recorded are numbered in the
order they were recorded, each in its year's series, so their reports keep one number from now on."""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

KIND = "accidents.express"


def _prefix() -> str:
    documents = settings.REDLINE_DOCUMENTS
    return documents["prefixes"].get(documents["default_body"], {}).get(KIND) or "应急快报"


def number_recorded_accidents(apps, schema_editor):
    Accident = apps.get_model("accidents", "Accident")
    DocumentSerial = apps.get_model("core", "DocumentSerial")
    prefix = _prefix()
    for accident in Accident.objects.filter(express_number="").order_by("reported_at", "pk").iterator():
        year = timezone.localtime(accident.reported_at).year
        serial, _created = DocumentSerial.objects.get_or_create(kind=KIND, year=year)
        serial.last += 1
        serial.save(update_fields=["last"])
        Accident.objects.filter(pk=accident.pk).update(express_number=f"{prefix}〔{year}〕{serial.last}号")


class Migration(migrations.Migration):
    dependencies = [
        ("accidents", "0006_case_version"),
        ("core", "0007_merge_20261203_2354"),
    ]

    operations = [
        migrations.AddField(
            model_name="accident",
            name="express_number",
            field=models.CharField(blank=True, max_length=40, verbose_name="express report number"),
        ),
        migrations.RunPython(number_recorded_accidents, migrations.RunPython.noop),
    ]
