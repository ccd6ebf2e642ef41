"""R-REG-4: the enterprise file's parts travel with the enterprise workbook. The export writes the file's own
fields on the 企业 sheet and one sheet per ledger (重大危险源, 许可证, 特种作业人员, 出租厂房), each row led by its
enterprise's credit code and name; the import reads the same workbook back — a ledger row corrects the row it
matches on its natural key or is added, checked and written by the file page's services, all or nothing
across the sheets, each refusal naming sheet, row and column."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from core import background
from core.models import BackgroundJob
from registry.models import Enterprise, Licence, MajorHazardInstallation, RentedPremises, SpecialOperator
from registry.tests.conftest import fresh_credit_code
from registry.tests.test_import import post, row
from registry.workbook import SHEETS

LIST = "/registry/enterprises/"
LEDGER_TITLES = ["重大危险源", "许可证", "特种作业人员", "出租厂房"]
OPERATOR_ID = "440703199001011237"  # shaped like a resident ID number, as operators' certificates often are
NEXT_YEAR = timezone.localdate() + dt.timedelta(days=365)


def sheets_of(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def body(response) -> bytes:
    try:
        return b"".join(response.streaming_content) if response.streaming else response.content
    finally:
        response.close()


def as_upload(content: bytes, name="enterprises.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def workbook(enterprise_rows: list[dict], ledgers: dict[str, list[list]]) -> SimpleUploadedFile:
    """A workbook as a person writes one: the enterprises' sheet, then ledger sheets given as rows of cells
    (the header row first)."""
    book = Workbook()
    first = book.active
    first.title = "企业"
    headers = list(enterprise_rows[0]) if enterprise_rows else list(row())
    first.append(headers)
    for data in enterprise_rows:
        first.append([data.get(h, "") for h in headers])
    for title, rows in ledgers.items():
        sheet = book.create_sheet(title)
        for cells in rows:
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return as_upload(buffer.getvalue())


def ledger_counts(enterprise) -> tuple[int, int, int, int]:
    return (
        enterprise.licences.count(),
        enterprise.special_operators.count(),
        enterprise.installations.count(),
        enterprise.rented_out.count(),
    )


@pytest.fixture
def kept(make_enterprise):
    """A Duruan enterprise whose file holds a little of everything."""
    enterprise = make_enterprise(
        "duruan",
        ["industry_trade"],
        name="江门市档案往返测试有限公司",
        principal_name="梁志明",
        principal_phone="13800138000",
        principal_certificate_no="粤安证字2024001",
        principal_certificate_expires=dt.date(2027, 6, 30),
        safety_manager_name="陈晓",
        safety_manager_certificate_no="粤安证字2024002",
        safety_manager_certificate_expires=dt.date(2026, 1, 31),
        full_time_safety_staff=2,
        work_flags=["confined_space", "hot_work"],
        standardisation_grade="3",
        standardisation_expires=dt.date(2027, 12, 31),
        insurance_policy_no="PICC-2026-0001",
        insurance_expires=dt.date(2027, 3, 31),
        combined_premises=True,
    )
    Licence.objects.create(
        enterprise=enterprise,
        kind="safety_production",
        number="（粤）WH安许证字〔2025〕0007",
        expires_on=NEXT_YEAR,
    )
    SpecialOperator.objects.create(
        enterprise=enterprise,
        name="李四",
        operation="焊接与热切割作业",
        certificate_no=OPERATOR_ID,
        expires_on=NEXT_YEAR,
        review_due=dt.date(2027, 3, 1),
    )
    MajorHazardInstallation.objects.create(
        enterprise=enterprise, name="液氨储罐区", grade=3, filed_on=dt.date(2024, 5, 20)
    )
    RentedPremises.objects.create(
        enterprise=enterprise,
        location="杜阮镇示例路1号2号厂房",
        tenant="江门市承租五金厂",
        lease_ends_on=NEXT_YEAR,
    )
    return enterprise


def export(client, enterprise) -> bytes:
    response = client.get(LIST, {"export": "xlsx", "q": enterprise.name})
    assert response.status_code == 200
    return body(response)


FILE_FIELDS = (
    "principal_certificate_no",
    "principal_certificate_expires",
    "safety_manager_certificate_no",
    "safety_manager_certificate_expires",
    "full_time_safety_staff",
    "work_flags",
    "standardisation_grade",
    "standardisation_expires",
    "insurance_policy_no",
    "insurance_expires",
    "combined_premises",
)
LEDGER_VALUES = {
    "licences": ("kind", "number", "expires_on"),
    "special_operators": ("name", "operation", "certificate_no", "expires_on", "review_due"),
    "installations": ("name", "grade", "filed_on"),
    "rented_out": ("location", "tenant", "tenant_credit_code", "lease_ends_on"),
}


def file_state(enterprise) -> dict:
    enterprise.refresh_from_db()
    state = {f: getattr(enterprise, f) for f in FILE_FIELDS}
    for related, fields in LEDGER_VALUES.items():
        state[related] = list(getattr(enterprise, related).filter(is_active=True).values_list(*fields))
    return state


# --- The export ----------------------------------------------------------------------------------------


def test_the_workbook_carries_the_file_on_the_enterprise_sheet_and_one_sheet_per_ledger(as_user, kept):
    sheets = sheets_of(export(as_user("duruan"), kept))
    assert list(sheets) == ["企业", *LEDGER_TITLES]
    header, line = sheets["企业"][0], sheets["企业"][1]
    cell = dict(zip(header, line, strict=True))
    assert cell["主要负责人合格证编号"] == "粤安证字2024001"
    assert cell["安全管理人员合格证有效期"].date() == dt.date(2026, 1, 31)
    assert cell["专职安全管理人员数"] == 2
    assert (cell["有限空间作业"], cell["动火作业"], cell["粉尘涉爆"]) == ("是", "是", "否")
    assert (cell["安全生产标准化等级"], cell["安责险保单号"], cell["三合一场所"]) == (
        "三级",
        "PICC-2026-0001",
        "是",
    )
    for title in LEDGER_TITLES:
        assert sheets[title][0][:2] == ("统一社会信用代码", "企业名称")
        assert sheets[title][1][:2] == (kept.credit_code, kept.name)
    assert sheets["许可证"][1][2:4] == ("安全生产许可证", "（粤）WH安许证字〔2025〕0007")
    assert sheets["重大危险源"][1][2:4] == ("液氨储罐区", "三级")


def test_the_sheet_titles_are_the_ledgers_chinese_names(db):
    from registry.file_services import LEDGER_MODELS

    with translation.override("zh-hans"):
        names = [str(LEDGER_MODELS[s.ledger]._meta.verbose_name_plural) for s in SHEETS]
    assert names == [s.title for s in SHEETS] == LEDGER_TITLES


def test_a_ledger_sheet_holds_only_the_enterprises_exported(as_user, kept, make_enterprise):
    elsewhere = make_enterprise("baisha", ["industry_trade"])
    Licence.objects.create(enterprise=elsewhere, kind="gas", number="白沙燃气0001", expires_on=NEXT_YEAR)
    retired = Licence.objects.create(
        enterprise=kept, kind="gas", number="已注销0001", expires_on=NEXT_YEAR, is_active=False
    )
    sheets = sheets_of(body(as_user("duruan").get(LIST, {"export": "xlsx"})))
    numbers = {line[3] for line in sheets["许可证"][1:]}
    assert "（粤）WH安许证字〔2025〕0007" in numbers
    assert "白沙燃气0001" not in numbers and retired.number not in numbers
    assert {line[0] for line in sheets["许可证"][1:]} <= {line[1] for line in sheets["企业"][1:]}


def test_the_masking_is_unchanged_for_a_role_without_the_need(as_user, kept):
    leader = sheets_of(export(as_user("leader"), kept))
    header = leader["企业"][0]
    line = dict(zip(header, leader["企业"][1], strict=True))
    phone = next(v for k, v in line.items() if k in ("Principal's phone", "主要负责人电话"))
    assert phone == "138****8000"
    operator = leader["特种作业人员"][1]
    assert OPERATOR_ID not in operator and "4407**********1237" in operator
    officer = sheets_of(export(as_user("duruan"), kept))
    assert "13800138000" in officer["企业"][1] and OPERATOR_ID in officer["特种作业人员"][1]


def test_a_csv_export_holds_the_enterprises_alone(as_user, kept):
    response = as_user("duruan").get(LIST, {"export": "csv", "q": kept.name})
    text = body(response).decode("utf-8-sig")
    assert kept.credit_code in text and "液氨储罐区" not in text


def test_the_export_job_writes_the_ledger_sheets_too(as_user, kept):
    client = as_user("admin")
    direct = sheets_of(body(client.get(LIST, {"export": "xlsx"})))
    with override_settings(EXPORT_DIRECT_ROWS=5):
        response = client.get(LIST, {"export": "xlsx"})
    assert response.status_code == 302
    job = BackgroundJob.objects.latest("pk")
    assert job.kind == "core.export" and background.run_queued() == ["done"]
    queued = sheets_of(body(client.get(reverse("core:job_download", args=[job.pk]))))
    assert queued == direct and list(queued) == ["企业", *LEDGER_TITLES]


# --- The round trip ------------------------------------------------------------------------------------


def test_an_exported_workbook_imports_back_the_file_and_a_second_import_duplicates_nothing(
    as_user, api_as, kept
):
    content = export(as_user("duruan"), kept)
    before = file_state(kept)
    for model in (Licence, SpecialOperator, MajorHazardInstallation, RentedPremises):
        model.objects.filter(enterprise=kept).delete()
    Enterprise.objects.filter(pk=kept.pk).update(
        **{f: Enterprise._meta.get_field(f).get_default() for f in FILE_FIELDS}
    )

    first = post(api_as("duruan"), as_upload(content))
    assert first.status_code == 200, first.json()
    assert (first.json()["ledger_created"], first.json()["ledger_updated"], first.json()["errors"]) == (
        4,
        0,
        [],
    )
    assert file_state(kept) == before
    added = (
        AuditEvent.objects.for_object(kept)
        .filter(action__startswith="registry.file.")
        .values_list("action", flat=True)
    )
    assert sorted(added) == [
        "registry.file.installation_added",
        "registry.file.licence_added",
        "registry.file.rented_out_added",
        "registry.file.special_operator_added",
    ]

    events = AuditEvent.objects.count()
    second = post(api_as("duruan"), as_upload(content)).json()
    assert (second["ledger_created"], second["ledger_updated"], second["errors"]) == (0, 0, [])
    assert ledger_counts(kept) == (1, 1, 1, 1)
    assert AuditEvent.objects.count() == events + 1  # the import's own record, nothing changed


def test_a_row_matching_on_its_natural_key_corrects_the_row(api_as, kept):
    licence = kept.licences.get()
    renewed = NEXT_YEAR + dt.timedelta(days=365 * 3)
    upload = workbook(
        [],
        {
            "许可证": [
                ["统一社会信用代码", "企业名称", "许可证种类", "许可证编号", "有效期至"],
                [kept.credit_code, kept.name, "安全生产许可证", licence.number, renewed],
            ]
        },
    )
    response = post(api_as("duruan"), upload)
    assert response.status_code == 200, response.json()
    assert (response.json()["ledger_created"], response.json()["ledger_updated"]) == (0, 1)
    licence.refresh_from_db()
    assert (licence.expires_on, licence.version, kept.licences.count()) == (renewed, 2, 1)
    event = AuditEvent.objects.filter(action="registry.licence.updated").latest("id")
    assert event.data["changes"]["expires_on"] == [NEXT_YEAR.isoformat(), renewed.isoformat()]


def test_ledger_rows_may_name_an_enterprise_the_same_file_imports(api_as):
    data = row()
    code = data["统一社会信用代码"]
    upload = workbook(
        [data],
        {
            "特种作业人员": [
                ["统一社会信用代码", "姓名", "作业类别", "证书编号", "证书有效期至"],
                [code, "王五", "电工作业", "T440703000001", "2030/6/30"],
            ],
            "出租场所": [
                ["统一社会信用代码", "出租场所", "承租单位"],
                [code, "3号仓库", "江门市承租物流有限公司"],
            ],
        },
    )
    response = post(api_as("duruan"), upload)
    assert response.status_code == 200, response.json()
    created = Enterprise.objects.get(credit_code=code)
    assert created.special_operators.get().expires_on == dt.date(2030, 6, 30)
    assert created.rented_out.get().tenant == "江门市承租物流有限公司"


def test_the_template_shows_the_ledger_sheets_and_imports_as_it_is(api_as):
    content = body(api_as("duruan").get("/api/v1/enterprises/import/template/"))
    sheets = sheets_of(content)
    assert list(sheets) == ["企业导入模板", *LEDGER_TITLES]
    response = post(api_as("duruan"), as_upload(content, "template.xlsx"))
    assert response.status_code == 200, response.json()
    created = Enterprise.objects.get(name="江门市示例五金制品有限公司")
    assert ledger_counts(created) == (1, 1, 1, 1)


# --- Refusals ------------------------------------------------------------------------------------------


def test_a_ledger_row_for_an_enterprise_outside_the_importers_scope_is_refused_by_sheet_and_row(
    api_as, kept, make_enterprise
):
    elsewhere = make_enterprise("baisha", ["industry_trade"])
    upload = workbook(
        [],
        {
            "重大危险源": [
                ["统一社会信用代码", "企业名称", "重大危险源名称", "级别"],
                [kept.credit_code, kept.name, "氯气库", "二级"],
                [elsewhere.credit_code, elsewhere.name, "液化气站", "一级"],
            ]
        },
    )
    events = AuditEvent.objects.count()
    response = post(api_as("duruan"), upload)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["sheet"], error["row"], error["field"]) == ("重大危险源", 3, "统一社会信用代码")
    assert not MajorHazardInstallation.objects.filter(name__in=["氯气库", "液化气站"]).exists()
    assert AuditEvent.objects.count() == events
    # Not in the district at all: the same answer, nothing told about other towns.
    unknown = workbook(
        [], {"重大危险源": [["统一社会信用代码", "重大危险源名称", "级别"], [fresh_credit_code(), "x", 1]]}
    )
    assert post(api_as("duruan"), unknown).json()["errors"][0]["message"] == error["message"]


def test_an_invalid_date_in_a_ledger_sheet_names_the_sheet_and_row_and_writes_nothing(api_as, kept):
    data = row()
    upload = workbook(
        [data],
        {
            "许可证照": [
                ["统一社会信用代码", "企业名称", "许可证种类", "许可证编号", "有效期至"],
                [kept.credit_code, kept.name, "燃气经营许可证", "燃气2026-0009", "2027-01-31"],
                [kept.credit_code, kept.name, "其他许可证", "其他2026-0001", "2026-13-45"],
            ]
        },
    )
    before = (Enterprise.objects.count(), Licence.objects.count(), AuditEvent.objects.count())
    response = post(api_as("duruan"), upload)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["sheet"], error["row"], error["field"]) == ("许可证照", 3, "有效期至")
    assert error["message"]
    assert (Enterprise.objects.count(), Licence.objects.count(), AuditEvent.objects.count()) == before


def test_an_expired_licence_imported_is_flagged_on_the_file(api_as, kept):
    last_month = timezone.localdate() - dt.timedelta(days=30)
    upload = workbook(
        [],
        {
            "许可证": [
                ["统一社会信用代码", "许可证种类", "许可证编号", "有效期至"],
                [kept.credit_code, "危险化学品经营许可证", "粤江危化经字〔2023〕01", last_month],
            ]
        },
    )
    assert post(api_as("duruan"), upload).status_code == 200
    expired = api_as("duruan").get(f"/api/v1/enterprises/{kept.pk}/file/").json()["expired"]
    assert [(e["kind"], e["number"]) for e in expired if e["kind"] == "licence"] == [
        ("licence", "粤江危化经字〔2023〕01")
    ]


def test_each_bad_ledger_cell_is_named_and_the_valid_rows_mode_keeps_the_others(api_as, kept):
    upload = workbook(
        [],
        {
            "重大危险源": [
                ["统一社会信用代码", "重大危险源名称", "级别"],
                [kept.credit_code, "甲类仓库", "五级"],
                [kept.credit_code, "乙类仓库", "二级"],
                [kept.credit_code, "乙类仓库", "一级"],
                ["", "丙类仓库", "一级"],
            ],
            "特种作业人员": [["统一社会信用代码", "姓名"], [kept.credit_code, "赵六"]],
        },
    )
    response = post(api_as("duruan"), upload, mode="valid_rows")
    assert response.status_code == 200
    errors = [(e["sheet"], e["row"], e["field"]) for e in response.json()["errors"]]
    assert errors == [
        ("重大危险源", 2, "级别"),
        ("重大危险源", 4, "重大危险源名称"),  # the same installation twice in one sheet
        ("重大危险源", 5, "统一社会信用代码"),
        ("特种作业人员", 1, "作业类别、证书编号、证书有效期至"),  # the sheet lacks required columns
    ]
    assert set(kept.installations.values_list("name", flat=True)) == {"液氨储罐区", "乙类仓库"}


def test_the_ui_preview_counts_and_names_the_ledger_sheets(as_user, kept):
    upload = workbook(
        [],
        {
            "许可证": [
                ["统一社会信用代码", "许可证种类", "许可证编号", "有效期至"],
                [kept.credit_code, "燃气经营许可证", "", ""],
            ]
        },
    )
    client = as_user("duruan")
    page = client.post(reverse("registry:enterprise_import"), {"file": upload, "action": "preview"})
    html = page.content.decode()
    assert "许可证" in html and 'data-testid="import-preview"' in html
    errors = client.post(reverse("registry:enterprise_import"), {"action": "errors"})
    sheet = sheets_of(body(errors))
    assert list(sheet.values())[0][1][0] == "许可证"


def test_a_workbook_with_large_ledger_sheets_is_imported_by_a_job(api_as, kept):
    upload = workbook(
        [],
        {
            "许可证": [["统一社会信用代码", "许可证种类", "许可证编号", "有效期至"]]
            + [[kept.credit_code, "其他许可证", f"批量{i:04d}", "2030-01-01"] for i in range(60)]
        },
    )
    with override_settings(IMPORT_DIRECT_CELLS=200):
        response = post(api_as("duruan"), upload)
    assert response.status_code == 202
    background.run_queued()
    assert kept.licences.count() == 61
