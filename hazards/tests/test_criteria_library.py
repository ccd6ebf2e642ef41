"""The major-hazard criteria library as published (R-HAZ-9) through the API of API.md."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from hazards.models import CriterionSource, MajorHazardCriterion

ROW_FIELDS = {"id", "sector", "source", "article", "item", "text", "verified", "active"}


def test_the_confined_space_criterion_keeps_and_and_its_scope(api_as):
    rows = api_as("duruan").get("/api/v1/hazard-criteria/?sector=confined_space&q=台账").json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) >= ROW_FIELDS
    assert "并且未设置明显的安全警示标志" in row["text"]
    assert "或者未设置" not in row["text"]
    assert row["scope"] == "存在硫化氢、一氧化碳等中毒风险的有限空间作业的工贸企业"
    assert (row["article"], row["item"]) == ("第十三条", "（一）")
    assert "应急管理部令第10号" in row["source"]
    assert row["verified"] is True and row["active"] is True


def test_contractor_and_special_operation_items_cite_article_3_and_chemical_items_their_numbers(api_as):
    client = api_as("yjj")
    special = client.get("/api/v1/hazard-criteria/?q=特种作业人员 专门的安全作业培训").json()["results"]
    assert [(r["article"], r["item"]) for r in special] == [("第三条", "（二）")]
    contractors = client.get("/api/v1/hazard-criteria/?q=承包单位").json()["results"]
    assert [(r["article"], r["item"]) for r in contractors] == [("第三条", "（一）")]
    tanks = client.get("/api/v1/hazard-criteria/?sector=hazardous_chemicals&q=紧急切断").json()["results"]
    assert [r["item"] for r in tanks] == ["（五）"]
    assert "安监总管三〔2017〕121号" in tanks[0]["source"]


def test_construction_items_cite_the_housing_ministrys_2024_edition_and_wait_for_checking(api_as):
    rows = api_as("admin").get("/api/v1/hazard-criteria/?sector=construction").json()["results"]
    assert rows
    for row in rows:
        assert "房屋市政工程生产安全重大事故隐患判定标准（2024版）" in row["source"]
        assert "工贸" not in row["source"]
        assert row["verified"] is False and row["active"] is False


def test_every_unverified_item_ships_inactive_and_the_families_are_there(db):
    assert not MajorHazardCriterion.objects.filter(verified=False, is_active=True).exists()
    sectors = set(MajorHazardCriterion.objects.values_list("sector_id", flat=True))
    assert {
        "industry_trade",
        "confined_space",
        "hazardous_chemicals",
        "construction",
        "road_traffic",
        "special_equipment",
        "gas",
        "fire",
        "civil_explosives",
    } <= sectors
    assert MajorHazardCriterion.objects.filter(sector="hazardous_chemicals", verified=True).count() == 20


def test_the_active_filter_and_an_unverified_item_cannot_be_chosen(api_as, enterprise_in):
    client = api_as("admin")
    inactive = client.get("/api/v1/hazard-criteria/?active=false").json()["results"]
    assert inactive and all(not r["active"] for r in inactive)
    unverified = MajorHazardCriterion.objects.get(item="HM-9.3")
    town = enterprise_in("duruan", "industry_trade")
    response = api_as("duruan").post(
        "/api/v1/hazards/",
        {
            "enterprise": town.pk,
            "title": "悬挑平台",
            "description": "d",
            "category": "object",
            "source": "government_inspection",
            "criterion": unverified.pk,
        },
        format="json",
    )
    assert response.status_code == 400


def _workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["行业", "编码", "标准版本", "来源", "适用范围", "条", "项", "内容", "已核对原文", "启用", "备注"]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("c.xlsx", buffer.getvalue())


def test_administrators_export_verify_and_activate_through_the_workbook_audited(api_as):
    admin = api_as("admin")
    exported = admin.get("/api/v1/hazard-criteria/export/?sector=construction")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    header = [c.value for c in sheet[1]]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    code = header.index("编码")
    target = next(r for r in rows if r[code] == "HM-9.3")
    target[header.index("已核对原文")] = "是"
    target[header.index("启用")] = "是"
    target[header.index("备注")] = ""
    before = AuditEvent.objects.filter(action="hazards.criterion.updated").count()
    response = admin.post(
        "/api/v1/hazard-criteria/import/", {"file": _workbook([target])}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 0, "updated": 1}
    item = MajorHazardCriterion.objects.get(item="HM-9.3")
    assert item.verified and item.is_active and item.source_document.code == "housing_2024"
    assert AuditEvent.objects.filter(action="hazards.criterion.updated").count() == before + 1


def test_an_unverified_row_cannot_be_activated_and_nothing_changes(api_as):
    admin = api_as("admin")
    row = ["fire", "FIRE-9", "fire_2025", "", "", "", "", "消防车通道被占用", "否", "是", ""]
    good = ["fire", "FIRE-8", "fire_2025", "", "", "", "", "示例", "否", "否", ""]
    response = admin.post(
        "/api/v1/hazard-criteria/import/", {"file": _workbook([good, row])}, format="multipart"
    )
    assert response.status_code == 400
    assert "3" in str(response.json())
    assert not MajorHazardCriterion.objects.filter(item__in=["FIRE-8", "FIRE-9"]).exists()


def test_only_district_administrators_import_and_export(api_as):
    assert api_as("yjj").get("/api/v1/hazard-criteria/export/").status_code == 403
    assert api_as("duruan").post("/api/v1/hazard-criteria/import/", {}, format="multipart").status_code == 403


def test_the_civil_explosives_items_follow_the_2024_standard_and_the_void_trial_is_kept_inactive(api_as):
    # R-HAZ-9: the 2024 standard voided the 2023 trial; both editions stay in the library, only 2024 is active.
    rows = api_as("admin").get("/api/v1/hazard-criteria/?sector=civil_explosives").json()["results"]
    current = {r["code"]: r for r in rows if r["code"].startswith("EX-2024-")}
    assert sorted(current) == [f"EX-2024-{n}" for n in range(1, 6)]
    assert current["EX-2024-1"]["text"].endswith("销售许可证未依法取得或超过有效期限的")
    assert all(r["verified"] and r["active"] for r in current.values())
    assert all(r["source"] == "《民用爆炸物品行业重大事故隐患判定标准》" for r in current.values())
    trial = [r for r in rows if r["code"].startswith("EX-") and not r["code"].startswith("EX-2024-")]
    assert len(trial) == 8 and all(r["verified"] and not r["active"] for r in trial)
    assert all("工信厅安全函〔2023〕337号" in r["source"] for r in trial)
    assert CriterionSource.objects.get(code="explosives_2023").is_current is False


def test_inland_ship_items_of_the_2024_standard_ship_verified_with_their_article(api_as):
    rows = api_as("admin").get("/api/v1/hazard-criteria/?sector=water_transport").json()["results"]
    assert len(rows) == 6
    assert all(r["article"] == "第四条" and r["verified"] and r["active"] for r in rows)
    assert any(r["text"] == "船舶超核定航区航行" for r in rows)
    assert all("内河运输船舶重大事故隐患判定标准" in r["source"] for r in rows)


def test_items_not_matched_against_a_retrieved_text_stay_unverified_and_inactive(db):
    for code in ("IT-11.9", "IT-11.10", "CS-2", "HM-4.1", "HM-9.3", "SE-1", "SE-2", "FIRE-1"):
        row = MajorHazardCriterion.objects.get(item=code)
        assert (row.verified, row.is_active) == (False, False), code
        assert row.note, code


def test_order_10_ships_its_checked_metallurgy_building_materials_and_machinery_items(db):
    shipped = MajorHazardCriterion.objects.filter(
        source_document__code="it_2023", verified=True, is_active=True
    )
    assert shipped.count() == 28
    assert {r.item for r in shipped.filter(article="第六条")} == {f"IT-6.{n}" for n in range(1, 9)}
    assert set(shipped.filter(article="第四条").values_list("clause", flat=True)) == {
        "（一）",
        "（二）",
        "（三）",
        "（四）",
    }
    furnaces = MajorHazardCriterion.objects.get(sector="industry_trade", item="IT-4.4")
    assert furnaces.scope == "冶金企业"
    assert furnaces.text.endswith("电极自动断电和升起装置联锁的")
    assert "氧（副）枪自动提升" in furnaces.text
    gathering = MajorHazardCriterion.objects.get(sector="industry_trade", item="IT-7.1")
    assert gathering.text == (
        "会议室、活动室、休息室、更衣室、交接班室等5类人员聚集场所设置在熔融金属吊运跨或者浇注跨的地坪区域内的"
    )
    assert (gathering.article, gathering.clause, gathering.scope) == ("第七条", "（一）", "机械企业")
    kiln = MajorHazardCriterion.objects.get(sector="industry_trade", item="IT-6.5")
    assert "（热发生炉煤气窑炉除外）" in kiln.text and "," not in kiln.text
    # R-HAZ-9: "并且" stays "并且".
    ledger = MajorHazardCriterion.objects.get(sector="confined_space", item="CS-1")
    assert "并且未设置明显的安全警示标志" in ledger.text and ledger.verified


def test_the_last_chemicals_items_gas_and_road_items_ship_verified_with_their_numbers(db):
    chemicals = MajorHazardCriterion.objects.filter(
        sector="hazardous_chemicals", verified=True, is_active=True
    )
    assert sorted(chemicals.values_list("item", flat=True), key=lambda c: int(c[3:])) == [
        f"HC-{n}" for n in range(1, 21)
    ]
    trial = chemicals.get(item="HC-19")
    assert trial.clause == "（十九）"
    assert trial.text.startswith("新开发的危险化学品生产工艺未经小试、中试、工业化试验直接进行工业化生产；")
    gas = MajorHazardCriterion.objects.get(sector="gas", item="GAS-1")
    assert (gas.article, gas.clause, gas.verified, gas.is_active) == ("第四条", "（一）", True, True)
    assert gas.source == "《城镇燃气经营安全重大隐患判定标准》（建城规〔2023〕4号）"
    assert MajorHazardCriterion.objects.filter(sector="gas", verified=True, article="第四条").count() == 5
    storm = MajorHazardCriterion.objects.get(sector="road_traffic", item="RT-1")
    assert (storm.article, storm.clause, storm.verified) == ("第三条", "（四）", True)
    assert "未执行政府部门停运指令或企业应急预案要求仍擅自安排运输作业的" in storm.text
    assert "暴雨、暴雪、冰雹、大雾、沙尘暴、大风、道路结冰红色预警" in storm.text


def test_every_verified_item_cites_its_source_document_and_item_number(db):
    verified = MajorHazardCriterion.objects.filter(verified=True)
    assert verified.count() >= 70
    for row in verified.select_related("source_document"):
        assert row.source_document_id and row.clause, row.item
        assert row.source == row.source_document.citation, row.item
        if row.source_document.code in {"it_2023", "gas_2023", "road_2023", "inland_ships_2024"}:
            assert row.article.startswith("第") and row.article.endswith("条"), row.item
        assert not row.text.endswith(("；", "。", ";")), row.item


def test_administrators_add_a_source_edition_then_its_items_and_correct_it_on_the_version_read(
    as_user, persona
):
    """R-HAZ-9: a new edition of a source is a page of its own, before its items are added or imported;
    its code names it in the workbook and does not change; a stale correction is refused."""
    import pytest

    from core.errors import Conflict, InvalidInput, NotAllowed
    from hazards import services

    admin = as_user("admin")
    data = {
        "code": "gb-dust-2026",
        "title": "粉尘防爆安全规程",
        "issuer": "国家市场监督管理总局",
        "document_number": "GB 15577-2026",
        "edition": "2026",
        "effective_from": "2026-10-01",
        "is_current": "on",
    }
    refused = admin.post("/hazards/criteria/sources/new/", {**data, "code": "粉尘 2026"})
    assert refused.status_code == 400 and "粉尘防爆安全规程" in refused.content.decode()
    assert not CriterionSource.objects.filter(title="粉尘防爆安全规程").exists()
    assert admin.post("/hazards/criteria/sources/new/", data).status_code == 302
    source = CriterionSource.objects.get(code="gb-dust-2026")
    assert source.citation == "《粉尘防爆安全规程》（GB 15577-2026）"
    assert AuditEvent.objects.filter(action="hazards.criterionsource.created", target_id=source.pk).exists()
    page = admin.get("/hazards/criteria/").content.decode()
    assert "gb-dust-2026" in page and "GB 15577-2026" in page
    assert admin.post("/hazards/criteria/sources/new/", data).status_code == 400  # the code is taken

    with pytest.raises(InvalidInput) as moved:
        services.save_source(actor=persona("admin"), source=source, version=1, data={**data, "code": "other"})
    assert "code" in moved.value.errors
    services.save_source(actor=persona("admin"), source=source, version=1, data={**data, "edition": "2026版"})
    with pytest.raises(Conflict):
        services.save_source(actor=persona("admin"), source=source, version=1, data=data)
    source.refresh_from_db()
    assert (source.edition, source.version) == ("2026版", 2)
    with pytest.raises(NotAllowed):
        services.save_source(actor=persona("duruan"), data={**data, "code": "town-try"})
    assert as_user("duruan").get("/hazards/criteria/sources/new/").status_code == 403
    items = as_user("duruan").get("/api/v1/hazard-criteria/?edition=gb-dust-2026").json()
    assert items["count"] == 0
