"""Enterprise import (API.md "Registry", issue 2 §7): template, encodings, errors, modes, scope, safety."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from audit.models import AuditEvent
from registry.importer import TEMPLATE_HEADERS
from registry.models import Enterprise
from registry.tests.conftest import fresh_credit_code, workbook_rows

IMPORT_URL = "/api/v1/enterprises/import/"
HEADERS = ["企业名称", "统一社会信用代码", "所属镇街", "行业领域", "地址", "主要负责人", "主要负责人电话"]
CODE_ERROR = "The check character is wrong: this is not a valid credit code."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def row(name=None, code=None, town="杜阮镇", sectors="工贸", address="江门市蓬江区杜阮镇导入路1号", **extra):
    data = {
        "企业名称": f"江门市导入测试{fresh_credit_code()[-5:]}有限公司" if name is None else name,
        "统一社会信用代码": code or fresh_credit_code(),
        "所属镇街": town,
        "行业领域": sectors,
        "地址": address,
        "主要负责人": "梁志明",
        "主要负责人电话": "13800138000",
    }
    data.update(extra)
    return data


def xlsx_file(rows, headers=None, name="enterprises.xlsx") -> SimpleUploadedFile:
    headers = headers or list(rows[0])
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h, "") for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def csv_file(rows, headers=None, encoding="utf-8", name="enterprises.csv") -> SimpleUploadedFile:
    headers = headers or list(rows[0])
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(h, "") for h in headers])
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), content_type="text/csv")


def post(api, upload, **fields):
    return api.post(IMPORT_URL, {"file": upload, **fields}, format="multipart")


def counts():
    return Enterprise.objects.count(), AuditEvent.objects.count()


# --- The template ------------------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["api", "ui"])
def test_the_template_has_the_chinese_headers(via, api_en, ui_en):
    if via == "api":
        response = api_en("duruan").get("/api/v1/enterprises/import/template/")
    else:
        response = ui_en("duruan").get(reverse("registry:enterprise_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = workbook_rows(response)
    assert list(rows[0]) == TEMPLATE_HEADERS
    assert set(HEADERS) <= set(rows[0])
    assert rows[1][0] == "江门市示例五金制品有限公司"


def test_the_template_example_imports_as_it_is(api_en):
    template = api_en("duruan").get("/api/v1/enterprises/import/template/")
    content = b"".join(template.streaming_content)
    response = post(api_en("duruan"), SimpleUploadedFile("template.xlsx", content))
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 1
    created = Enterprise.objects.get(name="江门市示例五金制品有限公司")
    assert created.town.name == "杜阮镇"
    assert sorted(created.sector_codes()) == ["confined_space", "industry_trade"]
    assert (created.scale, created.sub_sector, created.employees) == ("small", "machinery", 56)


# --- Formats and encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "encoding"),
    [("xlsx", None), ("csv", "utf-8"), ("csv", "utf-8-sig"), ("csv", "gbk")],
    ids=["xlsx", "csv-utf8", "csv-utf8-bom", "csv-gbk"],
)
def test_import_reads_headers_by_name_in_any_order_with_extra_columns(kind, encoding, api_en, district):
    rows = [
        row(name="江门市编码测试甲五金有限公司", sectors="工贸、有限空间", 备注="老客户"),
        row(name="江门市编码测试乙物流有限公司", town="白沙街道", sectors="道路运输,工贸"),
        row(name="江门市编码测试丙建筑有限公司", town="棠下", sectors="建筑施工，消防"),
    ]
    headers = [
        "备注",
        "行业领域",
        "地址",
        "统一社会信用代码",
        "主要负责人电话",
        "所属镇街",
        "企业名称",
        "主要负责人",
    ]
    upload = xlsx_file(rows, headers) if kind == "xlsx" else csv_file(rows, headers, encoding)
    response = post(api_en("admin"), upload)
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 3
    assert response.json()["updated"] == 0
    assert response.json()["errors"] == []
    first = Enterprise.objects.get(name="江门市编码测试甲五金有限公司")
    assert first.town == district["duruan"]
    assert sorted(first.sector_codes()) == ["confined_space", "industry_trade"]
    assert (first.address, first.principal_name, first.principal_phone) == (
        "江门市蓬江区杜阮镇导入路1号",
        "梁志明",
        "13800138000",
    )
    second = Enterprise.objects.get(name="江门市编码测试乙物流有限公司")
    assert second.town == district["baisha"]
    assert sorted(second.sector_codes()) == ["industry_trade", "road_traffic"]
    third = Enterprise.objects.get(name="江门市编码测试丙建筑有限公司")
    assert third.town == district["tangxia"]
    assert sorted(third.sector_codes()) == ["construction", "fire"]
    assert first.status_changes.count() == 1


def test_codes_in_the_file_are_trimmed_and_upper_cased(api_en):
    code = fresh_credit_code()
    response = post(api_en("duruan"), csv_file([row(code=f"  {code.lower()} ")]))
    assert response.status_code == 200
    assert Enterprise.objects.filter(credit_code=code).exists()


def test_a_gbk_file_that_is_not_text_is_refused(api_en):
    upload = SimpleUploadedFile(
        "bad.csv", "企业名称,统一社会信用代码\n".encode("gbk") + b"\x81\x20\xff\xfe" * 10
    )
    response = post(api_en("duruan"), upload)
    assert response.status_code == 400
    assert "file" in response.json() or response.json()["errors"]


# --- Dry run, errors, modes ----------------------------------------------------------------------------


def bad_rows():
    good_a, good_b = row(name="江门市好行甲有限公司"), row(name="江门市好行乙有限公司")
    return [
        good_a,  # row 2
        row(code="91350100M000100Y44"),  # row 3: wrong check character
        row(town="火星镇"),  # row 4: unknown town
        row(name=""),  # row 5: missing name
        row(sectors="工贸、采矿"),  # row 6: unknown sector
        row(**{"主要负责人电话": "12345"}),  # row 7: bad phone
        good_b,  # row 8
    ]


EXPECTED_ERRORS = [
    {"row": 3, "field": "统一社会信用代码", "message": CODE_ERROR},
    {"row": 4, "field": "所属镇街", "message": "Unknown town or street: 火星镇"},
    {"row": 5, "field": "企业名称", "message": "This field is required."},
    {"row": 6, "field": "行业领域", "message": "Unknown sector: 采矿"},
    {
        "row": 7,
        "field": "主要负责人电话",
        "message": "Enter an 11-digit mobile number (1[3-9]…) or a landline such as 0750-1234567.",
    },
]


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(api_en):
    before = counts()
    response = post(api_en("duruan"), xlsx_file([row(), row()]), dry_run="true")
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"], body["errors"], body["dry_run"]) == (2, 0, [], True)
    assert counts() == before


def test_each_bad_row_is_reported_with_row_column_and_reason(api_en):
    response = post(api_en("duruan"), xlsx_file(bad_rows()), dry_run="true")
    assert response.json()["errors"] == EXPECTED_ERRORS


def test_all_or_nothing_writes_nothing_not_even_audit_events(api_en):
    before = counts()
    response = post(api_en("duruan"), xlsx_file(bad_rows()))
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == EXPECTED_ERRORS
    assert (body["created"], body["updated"]) == (0, 0)
    assert counts() == before
    assert not Enterprise.objects.filter(name__in=["江门市好行甲有限公司", "江门市好行乙有限公司"]).exists()


def test_valid_rows_mode_imports_only_the_valid_rows(api_en):
    before_enterprises, _ = counts()
    response = post(api_en("duruan"), csv_file(bad_rows()), mode="valid_rows")
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"]) == (2, 0)
    assert body["errors"] == EXPECTED_ERRORS
    assert Enterprise.objects.count() == before_enterprises + 2
    assert Enterprise.objects.filter(name__in=["江门市好行甲有限公司", "江门市好行乙有限公司"]).count() == 2


def test_each_imported_enterprise_gets_its_own_audit_event(api_en, persona):
    rows = [row(), row()]
    post(api_en("duruan"), xlsx_file(rows), REMOTE_ADDR="10.1.2.3")
    for r in rows:
        enterprise = Enterprise.objects.get(credit_code=r["统一社会信用代码"])
        events = list(AuditEvent.objects.for_object(enterprise))
        assert [e.action for e in events] == ["registry.enterprise.created"]
        assert events[0].actor == persona("duruan")
    summary = AuditEvent.objects.filter(action="registry.enterprise.imported").latest("id")
    assert summary.data["created"] == 2


def test_a_second_import_updates_by_credit_code_and_never_duplicates(api_en):
    rows = [row(), row()]
    api = api_en("duruan")
    assert post(api, xlsx_file(rows)).json()["created"] == 2
    total = Enterprise.objects.count()
    rows[0]["地址"] = "江门市蓬江区杜阮镇新地址9号"
    rows[0]["统一社会信用代码"] = rows[0]["统一社会信用代码"].lower()
    again = post(api, csv_file(rows)).json()
    assert (again["created"], again["updated"], again["errors"]) == (0, 2, [])
    assert Enterprise.objects.count() == total
    changed = Enterprise.objects.get(credit_code=rows[0]["统一社会信用代码"].upper())
    assert changed.address == "江门市蓬江区杜阮镇新地址9号"
    assert changed.version == 2
    update = AuditEvent.objects.for_object(changed).filter(action="registry.enterprise.updated").get()
    assert update.data["changes"]["address"] == ["江门市蓬江区杜阮镇导入路1号", "江门市蓬江区杜阮镇新地址9号"]


def test_a_reimport_that_changes_only_the_sectors_is_recorded(api_en, district):
    rows = [row(sectors="工贸")]
    api = api_en("duruan")
    post(api, xlsx_file(rows))
    enterprise = Enterprise.objects.get(credit_code=rows[0]["统一社会信用代码"])
    assert post(api, xlsx_file(rows)).json()["updated"] == 1
    assert AuditEvent.objects.for_object(enterprise).count() == 1  # nothing changed, nothing recorded
    assert Enterprise.objects.get(pk=enterprise.pk).version == 1
    rows[0]["行业领域"] = "工贸、有限空间"
    rows[0]["所属镇街"] = "杜阮"
    post(api, xlsx_file(rows))
    enterprise.refresh_from_db()
    assert sorted(enterprise.sector_codes()) == ["confined_space", "industry_trade"]
    assert enterprise.version == 2
    event = AuditEvent.objects.for_object(enterprise).latest("id")
    assert event.data == {
        "via": "import",
        "changes": {"sectors": [["industry_trade"], ["confined_space", "industry_trade"]]},
    }


def test_an_import_that_moves_an_enterprise_records_the_town_ids(api_en, district):
    rows = [row(town="杜阮镇", sectors="工贸")]
    api = api_en("yjj")
    post(api, xlsx_file(rows))
    rows[0]["所属镇街"] = "白沙街道"
    assert post(api, xlsx_file(rows)).json()["updated"] == 1
    enterprise = Enterprise.objects.get(credit_code=rows[0]["统一社会信用代码"])
    assert enterprise.town == district["baisha"]
    event = AuditEvent.objects.for_object(enterprise).latest("id")
    assert event.data["changes"] == {"town": [district["duruan"].pk, district["baisha"].pk]}


def test_a_code_twice_in_one_file_is_refused(api_en):
    code = fresh_credit_code()
    response = post(api_en("duruan"), xlsx_file([row(code=code), row(code=code.lower())]))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 3, "field": "统一社会信用代码", "message": "Duplicate of row 2 in this file."}
    ]
    assert not Enterprise.objects.filter(credit_code=code).exists()


def test_a_missing_required_column_is_named(api_en):
    rows = [{"企业名称": "江门市缺列有限公司", "所属镇街": "杜阮镇", "行业领域": "工贸"}]
    response = post(api_en("duruan"), csv_file(rows))
    assert response.status_code == 400
    assert response.json() == {"file": ["Missing column(s): 统一社会信用代码"]}


@pytest.mark.parametrize("content", [b"", "\ufeff".encode()], ids=["empty", "bom-only"])
def test_an_empty_file_is_refused(content, api_en):
    response = post(api_en("duruan"), SimpleUploadedFile("empty.csv", content))
    assert response.status_code == 400
    assert "file" in response.json()


def test_a_header_only_file_imports_nothing(api_en):
    before = counts()
    upload = SimpleUploadedFile("h.csv", (",".join(HEADERS) + "\n").encode())
    response = post(api_en("duruan"), upload)
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["updated"]) == (0, 0)
    assert counts() == before


@pytest.mark.parametrize("mode", ["everything", "VALID_ROWS", "all"])
def test_an_unknown_mode_is_refused(mode, api_en):
    response = post(api_en("duruan"), csv_file([row()]), mode=mode)
    assert response.status_code == 400
    assert "mode" in response.json()


def test_no_file_is_a_field_error(api_en):
    response = api_en("duruan").post(IMPORT_URL, {"mode": "valid_rows"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()


# --- Scope ---------------------------------------------------------------------------------------------


def test_a_town_officer_cannot_import_into_another_town(api_en):
    before = counts()
    response = post(api_en("duruan"), xlsx_file([row(town="白沙街道")]))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 2, "field": "所属镇街", "message": "The enterprise would be outside your jurisdiction."}
    ]
    assert counts() == before


def test_a_town_officer_cannot_update_an_enterprise_outside_its_scope(api_en, make_enterprise):
    baisha = make_enterprise("baisha", ["industry_trade"], "白沙导入隔离测试有限公司", address="原地址")
    response = post(
        api_en("duruan"), csv_file([row(code=baisha.credit_code, name="被改名")]), mode="valid_rows"
    )
    assert response.json()["errors"][0]["field"] == "统一社会信用代码"
    assert response.json()["created"] == response.json()["updated"] == 0
    baisha.refresh_from_db()
    assert (baisha.name, baisha.address, baisha.town.name) == (
        "白沙导入隔离测试有限公司",
        "原地址",
        "白沙街道",
    )


def test_a_town_officer_cannot_move_its_enterprise_away_by_import(api_en, make_enterprise):
    mine = make_enterprise("duruan", ["industry_trade"])
    response = post(api_en("duruan"), csv_file([row(code=mine.credit_code, town="白沙街道")]))
    assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.town.name == "杜阮镇"


def test_a_code_registered_elsewhere_between_the_passes_keeps_all_or_nothing(
    api_en, make_enterprise, monkeypatch
):
    """The apply pass classifies again under its transaction: a row that became invalid since the
    validation pass (another town registered the code meanwhile) refuses the whole file."""
    from registry import importer

    rows = [row(), row()]
    replay = importer._Spool.replay

    def replay_after_a_concurrent_registration(self, lookups):
        taken = make_enterprise("baisha", ["industry_trade"], "白沙抢先登记有限公司")
        Enterprise.objects.filter(pk=taken.pk).update(credit_code=rows[1]["统一社会信用代码"])
        yield from replay(self, lookups)

    monkeypatch.setattr(importer._Spool, "replay", replay_after_a_concurrent_registration)
    before_audit = AuditEvent.objects.count()
    response = post(api_en("duruan"), xlsx_file(rows))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "row": 3,
            "field": "统一社会信用代码",
            "message": "An enterprise with this credit code is already registered.",
        }
    ]
    assert not Enterprise.objects.filter(credit_code=rows[0]["统一社会信用代码"]).exists()
    assert AuditEvent.objects.count() == before_audit  # not even the first row's creation


def test_the_file_is_parsed_once_for_both_passes(api_en, monkeypatch):
    from registry import importer

    calls = []
    read_table = importer.read_table
    monkeypatch.setattr(importer, "read_table", lambda f, **kw: calls.append(f) or read_table(f, **kw))
    response = post(api_en("duruan"), xlsx_file([row(), row(), row()]))
    assert response.json()["created"] == 3
    assert len(calls) == 1


def test_a_department_imports_only_in_its_sectors(api_en):
    response = post(
        api_en("jtj"), csv_file([row(sectors="道路运输"), row(sectors="工贸")]), mode="valid_rows"
    )
    body = response.json()
    assert body["created"] == 1
    assert body["errors"] == [
        {"row": 3, "field": "所属镇街", "message": "The enterprise would be outside your jurisdiction."}
    ]


@pytest.mark.parametrize("username", ["leader", "duty", "inspector_duruan", "ent_duruan", "sysadmin"])
def test_roles_that_may_not_import_get_403(username, api_en):
    before = Enterprise.objects.count()
    assert post(api_en(username), csv_file([row()])).status_code == 403
    assert Enterprise.objects.count() == before


# --- Unsafe files --------------------------------------------------------------------------------------


def test_a_zip_bomb_workbook_is_refused(api_en):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000  # tiny on disk, 20 MiB inside
    response = post(api_en("duruan"), SimpleUploadedFile("bomb.xlsx", buffer.getvalue()))
    assert response.status_code == 400
    assert response.json() == {"file": ["The workbook expands to an unsafe size."]}


@pytest.mark.parametrize(
    "content",
    [b"this is not a workbook", b"PK\x03\x04 truncated zip", "企业名称\n".encode("gbk") + b"\x00" * 10],
    ids=["text", "broken-zip", "binary"],
)
def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(content, api_en):
    response = post(api_en("duruan"), SimpleUploadedFile("enterprises.xlsx", content))
    assert response.status_code == 400
    assert response.json() == {"file": ["The file is not a valid .xlsx workbook."]}


def test_a_zip_that_is_not_a_workbook_is_refused(api_en):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    response = post(api_en("duruan"), SimpleUploadedFile("enterprises.xlsx", buffer.getvalue()))
    assert response.status_code == 400
    assert response.json() == {"file": ["The file is not a valid .xlsx workbook."]}


def test_a_file_over_the_import_limit_is_413(api_en):
    with override_settings(IMPORT_MAX_BYTES=1000):
        response = post(api_en("duruan"), csv_file([row() for _ in range(20)]))
    assert response.status_code == 413
    assert "detail" in response.json()


def test_more_rows_than_the_limit_are_refused(api_en):
    before = counts()
    with override_settings(IMPORT_MAX_ROWS=3):
        response = post(api_en("duruan"), csv_file([row() for _ in range(5)]))
    assert response.status_code == 400
    assert response.json() == {"file": ["The file has more than 3 rows."]}
    assert counts() == before


def test_formula_like_text_round_trips_through_an_import(api_en):
    address = '=HYPERLINK("http://example.invalid")'
    rows = [
        row(address="'" + address),  # as the CSV export writes it
        row(address="'江门市蓬江区'老街'", name="江门市引号测试有限公司"),
        row(address="-1号仓", name="江门市减号测试有限公司"),
    ]
    response = post(api_en("duruan"), csv_file(rows))
    assert response.status_code == 200
    assert Enterprise.objects.get(credit_code=rows[0]["统一社会信用代码"]).address == address
    # An apostrophe before ordinary text is the user's own, kept as typed; an unquoted "-" too.
    assert Enterprise.objects.get(name="江门市引号测试有限公司").address == "'江门市蓬江区'老街'"
    assert Enterprise.objects.get(name="江门市减号测试有限公司").address == "-1号仓"


# --- Volume --------------------------------------------------------------------------------------------


def test_an_import_of_5000_rows_creates_them_all(api_en):
    """A file this large is imported by a background job (issue 17): 202, then the job's summary."""
    from core.background import run_queued

    towns = ["杜阮镇", "白沙街道", "棠下镇", "荷塘镇", "环市街道"]
    sectors = ["工贸", "工贸、有限空间", "道路运输", "建筑施工", "危化品"]
    rows = [
        row(name=f"江门市批量导入{i:05d}有限公司", town=towns[i % 5], sectors=sectors[i % 5])
        for i in range(5000)
    ]
    before = Enterprise.objects.count()
    api = api_en("admin")
    response = post(api, csv_file(rows, encoding="gbk"))
    assert response.status_code == 202, response.json()
    assert Enterprise.objects.count() == before  # nothing yet: the request only queued the job
    assert run_queued() == ["done"]
    job = api.get(response["Location"]).json()
    assert job["state"] == "done", job["error"]
    assert job["summary"]["created"] == 5000 and job["summary"]["errors"] == []
    assert (job["done"], job["total"]) == (10000, 10000)  # 5000 rows checked, then 5000 written
    assert Enterprise.objects.count() == before + 5000
    assert (
        Enterprise.objects.filter(name__startswith="江门市批量导入", sectors="confined_space").count() == 1000
    )


# --- The browser flow ----------------------------------------------------------------------------------


def test_the_ui_previews_then_imports(ui_en):
    client = ui_en("duruan")
    rows = [row(), row()]
    before = counts()
    preview = client.post(
        reverse("registry:enterprise_import"), {"file": xlsx_file(rows), "action": "preview"}
    )
    assert preview.status_code == 200
    result = preview.context["result"]
    assert (result.created, result.updated, result.errors, result.dry_run) == (2, 0, [], True)
    assert 'data-testid="import-preview"' in preview.content.decode()
    assert counts() == before
    done = client.post(reverse("registry:enterprise_import"), {"action": "all_or_nothing"})
    assert done.status_code == 302
    assert done["Location"] == reverse("registry:enterprise_list")
    assert Enterprise.objects.filter(credit_code__in=[r["统一社会信用代码"] for r in rows]).count() == 2


def test_the_ui_deletes_the_previewed_file_once_it_is_replaced_or_imported(ui_en):
    """The session holds the preview job's id, never a path; the file is staged in the storage."""
    from django.core.files.storage import default_storage

    from core.models import BackgroundJob

    client = ui_en("duruan")
    client.post(reverse("registry:enterprise_import"), {"file": xlsx_file([row()]), "action": "preview"})
    first = BackgroundJob.objects.get(pk=client.session["registry_import_job"]).staged_file
    assert first.startswith("jobs/imports/") and default_storage.exists(first)
    client.post(reverse("registry:enterprise_import"), {"file": xlsx_file([row()]), "action": "preview"})
    second = BackgroundJob.objects.get(pk=client.session["registry_import_job"]).staged_file
    assert not default_storage.exists(first) and default_storage.exists(second)
    client.post(reverse("registry:enterprise_import"), {"action": "all_or_nothing"})
    assert not default_storage.exists(second)
    assert "registry_import_job" not in client.session


def test_the_ui_refuses_a_file_with_errors_then_imports_the_valid_rows(ui_en):
    client = ui_en("duruan")
    preview = client.post(
        reverse("registry:enterprise_import"), {"file": xlsx_file(bad_rows()), "action": "preview"}
    )
    assert [e.as_dict() for e in preview.context["result"].errors] == EXPECTED_ERRORS
    before = counts()
    refused = client.post(reverse("registry:enterprise_import"), {"action": "all_or_nothing"})
    assert refused.status_code == 400  # the file's errors refuse "all or nothing"; the preview stays
    assert counts() == before
    done = client.post(reverse("registry:enterprise_import"), {"action": "valid_rows"})
    assert done.status_code == 302
    assert Enterprise.objects.filter(name__in=["江门市好行甲有限公司", "江门市好行乙有限公司"]).count() == 2


def test_the_ui_downloads_the_errors_as_a_workbook(ui_en):
    client = ui_en("duruan")
    client.post(reverse("registry:enterprise_import"), {"file": csv_file(bad_rows()), "action": "preview"})
    response = client.post(reverse("registry:enterprise_import"), {"action": "errors"})
    assert response.status_code == 200
    rows = workbook_rows(response)
    assert [list(r) for r in rows[1:]] == [[e["row"], e["field"], e["message"]] for e in EXPECTED_ERRORS]


def test_the_ui_asks_for_the_file_again_when_the_session_has_none(ui_en):
    response = ui_en("duruan").post(reverse("registry:enterprise_import"), {"action": "all_or_nothing"})
    assert response.status_code == 409
    assert response.context["result"] is None


def test_the_ui_import_page_is_refused_to_read_only_roles(ui_en):
    assert ui_en("leader").get(reverse("registry:enterprise_import")).status_code == 403


def test_the_ui_shows_a_bad_file_as_an_error_not_a_crash(ui_en):
    response = ui_en("duruan").post(
        reverse("registry:enterprise_import"),
        {"file": SimpleUploadedFile("x.xlsx", b"not a workbook"), "action": "preview"},
    )
    assert response.status_code == 400
    assert response.context["result"] is None
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["The file is not a valid .xlsx workbook."]
