"""R-HAZ-6: the 15 and 90 days are the district's settings; order 16 sets no number of days, so the shipped
rows no longer cite it as their source. A source a district already changed is left alone."""

from django.db import migrations

OLD = "区安委办默认设置（《安全生产事故隐患排查治理暂行规定》原国家安监总局令第16号）"
NEW = "区安委办设置的默认整改期限（《安全生产事故隐患排查治理暂行规定》未规定具体天数）"


def forwards(apps, schema_editor):
    apps.get_model("hazards", "DeadlinePolicy").objects.filter(source=OLD).update(source=NEW)


def backwards(apps, schema_editor):
    apps.get_model("hazards", "DeadlinePolicy").objects.filter(source=NEW).update(source=OLD)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0010_criteria_library_from_the_published_standards")]

    operations = [migrations.RunPython(forwards, backwards)]
