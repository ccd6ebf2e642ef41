"""The fixed reference data of the domain (CODES.md): sectors, departments and who supervises what.

Seeded by a data migration; also re-seeded after a test flush or `load_demo --reset`.
"""

from registry.choices import DEPARTMENTS, SECTORS


def seed_reference_data(sector_model=None, department_model=None) -> None:
    if sector_model is None or department_model is None:
        from registry.models import Department, Sector

        sector_model, department_model = Sector, Department
    for order, (code, name, name_en, _departments) in enumerate(SECTORS):
        sector_model.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
    for code, name, name_en in DEPARTMENTS:
        department_model.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en})
    for code, _name, _en, departments in SECTORS:
        for department_code in departments:
            department_model.objects.get(code=department_code).sectors.add(code)
