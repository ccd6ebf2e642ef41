"""The case library is anonymised teaching material (issue 20, point 6): a case made from a local accident
names its enterprise only as town, scale and sector; no company name, people or exact address reach another
town's officer or another enterprise. The accident record keeps the original."""

from accidents.library import case_from_accident
from accidents.models import Case


def test_a_local_case_generalises_the_enterprise_and_drops_its_address(record, persona, as_user, district):
    from registry.models import Enterprise

    other = (
        Enterprise.objects.filter(town=district["duruan"], sectors__code="industry_trade")
        .exclude(pk=persona("ent_duruan").enterprise_id)
        .first()
    )
    accident = record(narrative="", enterprise=other)
    enterprise = accident.enterprise
    enterprise.address = "杜阮镇龙榜村工业大道18号"
    enterprise.scale = "small"
    enterprise.save(update_fields=["address", "scale"])
    accident.narrative = f"{enterprise.name}位于{enterprise.address}，工人李四在冲床作业时被压伤。"
    accident.save(update_fields=["narrative"])
    accident.refresh_from_db()

    case = case_from_accident(actor=persona("admin"), accident=accident)
    text = " ".join([case.title, case.summary, case.causes, case.lessons, case.search_text])
    assert enterprise.name not in text and enterprise.address not in text
    assert "杜阮镇某小型" in case.title and "企业" in case.title
    assert enterprise.name in accident.title  # the original stays on the accident record

    for reader in ("baisha", "ent_duruan"):
        page = as_user(reader).get(f"/accidents/cases/{case.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert enterprise.name not in html and enterprise.address not in html, reader
    listing = as_user("baisha").get("/accidents/cases/").content.decode()
    assert enterprise.name not in listing
    assert Case.objects.filter(title__contains=enterprise.name).count() == 0


def test_the_migration_anonymises_cases_made_before(record, persona):
    import importlib

    from django.apps import apps

    accident = record(narrative="")
    case = case_from_accident(actor=persona("admin"), accident=accident)
    Case.objects.filter(pk=case.pk).update(
        title=accident.title, summary=f"{accident.enterprise.name}发生事故"
    )
    migration = importlib.import_module("accidents.migrations.0004_anonymise_local_cases")
    migration.forwards(apps, None)
    case.refresh_from_db()
    assert accident.enterprise.name not in case.title + case.summary
    assert "企业" in case.title
