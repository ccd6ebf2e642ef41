from django.db import migrations


def seed(apps, schema_editor):
    from registry.choices import DEPARTMENTS, SECTORS

    Sector = apps.get_model("registry", "Sector")
    Department = apps.get_model("registry", "Department")
    for order, (code, name, name_en, _departments) in enumerate(SECTORS):
        Sector.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "order": order})
    for code, name, name_en in DEPARTMENTS:
        Department.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en})
    for code, _name, _en, departments in SECTORS:
        for department_code in departments:
            Department.objects.get(code=department_code).sectors.add(code)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
