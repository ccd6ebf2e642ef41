"""The enterprise file's parts of the enterprise workbook (R-REG-4): the file's own columns on the "企业" sheet,
and one sheet per ledger of the file (major hazard installations, licences, special operators, rented-out
premises), each row naming its enterprise by credit code and name. The export writes them
(registry.exports), the import reads them back (registry.importer, registry.ledger_import), the template
shows them: headers and values are fixed Chinese, Chinese first, so a workbook imports whatever the language
it was exported in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.exports import Column
from core.masking import can_see_personal_data, mask_id_number
from registry.choices import LicenceKind, StandardisationGrade, WorkFlag
from registry.file import _date
from registry.models import Enterprise

YES = ("是", "有", "涉及", "yes", "y", "true", "1", "√")
NO = ("否", "无", "不涉及", "no", "n", "false", "0", "×")


def yes_no(value: str) -> bool | None:
    """是 / 否 (and their usual spellings) as a boolean; None for anything else."""
    text = value.strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    return None


# ---------------------------------------------------------------- the file's columns on the "企业" sheet

# Model field → accepted headers (Chinese first).
FILE_HEADERS: dict[str, tuple[str, ...]] = {
    "principal_certificate_no": ("主要负责人合格证编号", "principal_certificate_no"),
    "principal_certificate_expires": ("主要负责人合格证有效期", "principal_certificate_expires"),
    "safety_manager_certificate_no": ("安全管理人员合格证编号", "safety_manager_certificate_no"),
    "safety_manager_certificate_expires": ("安全管理人员合格证有效期", "safety_manager_certificate_expires"),
    "full_time_safety_staff": ("专职安全管理人员数", "full_time_safety_staff"),
    # The flags as one list ("有限空间、粉尘涉爆"); still read, the workbook writes one 是/否 column per flag.
    "work_flags": ("涉及作业", "work_flags"),
    "standardisation_grade": ("安全生产标准化等级", "standardisation_grade"),
    "standardisation_expires": ("标准化有效期", "standardisation_expires"),
    "insurance_policy_no": ("安责险保单号", "insurance_policy_no"),
    "insurance_expires": ("安责险有效期", "insurance_expires"),
    "combined_premises": ("三合一场所", "combined_premises"),
}
# The file's two accounts by their login (the enterprise's own active users, as on the file's page): the
# principal and the safety manager accept the enterprise's own general hazards and sign its statistics.
ACCOUNT_HEADERS: dict[str, tuple[str, ...]] = {
    "principal_user": ("主要负责人账号", "principal_account"),
    "safety_manager_user": ("安全管理人员账号", "safety_manager_account"),
}
# One 是/否 column per cross-industry work flag (campaigns and checklists target them).
FLAG_COLUMNS = {
    WorkFlag.CONFINED_SPACE: "有限空间作业",
    WorkFlag.DUST_EXPLOSION: "粉尘涉爆",
    WorkFlag.AMMONIA: "涉氨制冷",
    WorkFlag.HEIGHTS: "高处作业",
    WorkFlag.HOT_WORK: "动火作业",
    WorkFlag.CHEMICALS: "危险化学品使用",
}
FLAG_HEADERS: dict[str, tuple[str, ...]] = {
    f"flag_{code}": (header, str(code)) for code, header in FLAG_COLUMNS.items()
}
GRADE_NAMES = {"一级": "1", "二级": "2", "三级": "3", "小微": "small", "小微企业": "small"}
FLAG_NAMES = {str(label): code for code, label in WorkFlag.choices} | {
    "有限空间": WorkFlag.CONFINED_SPACE,
    "粉尘涉爆": WorkFlag.DUST_EXPLOSION,
    "涉氨制冷": WorkFlag.AMMONIA,
    "高处作业": WorkFlag.HEIGHTS,
    "动火作业": WorkFlag.HOT_WORK,
    "危险化学品": WorkFlag.CHEMICALS,
}


def _file_keys_in_order() -> list[str]:
    """The 企业 sheet's file columns in the workbook's order: the flags' columns take the list's place."""
    keys: list[str] = list(ACCOUNT_HEADERS)
    for key in FILE_HEADERS:
        keys.extend(FLAG_HEADERS if key == "work_flags" else [key])
    return keys


FILE_COLUMN_KEYS = _file_keys_in_order()
FILE_TEMPLATE_HEADERS = [{**ACCOUNT_HEADERS, **FILE_HEADERS, **FLAG_HEADERS}[k][0] for k in FILE_COLUMN_KEYS]


def clean_file_columns(values: dict, err) -> dict:
    """The file's columns of one workbook row (R-REG-4); `err(field, message)` records a row error. A blank
    cell leaves the field as it is."""
    data: dict = {}
    for key in ("principal_certificate_no", "safety_manager_certificate_no", "insurance_policy_no"):
        if values.get(key):
            # Refused, never cut: a cut certificate number would be a different certificate.
            longest = Enterprise._meta.get_field(key).max_length
            if len(values[key]) > longest:
                err(key, _("At most %(n)d characters.") % {"n": longest})
            data[key] = values[key][:longest]
    for key in (
        "principal_certificate_expires",
        "safety_manager_certificate_expires",
        "standardisation_expires",
        "insurance_expires",
    ):
        if values.get(key):
            errors: dict = {}
            day = _date(errors, key, values[key], required=False)
            if errors:
                err(key, errors[key][0])
            data[key] = day
    if values.get("full_time_safety_staff"):
        try:
            data["full_time_safety_staff"] = int(values["full_time_safety_staff"])
            if not 0 <= data["full_time_safety_staff"] <= 32767:
                raise ValueError
        except ValueError:
            err("full_time_safety_staff", _("Enter a whole number."))
    if values.get("standardisation_grade"):
        grade = GRADE_NAMES.get(values["standardisation_grade"], values["standardisation_grade"])
        if grade not in StandardisationGrade.values:
            err(
                "standardisation_grade",
                _("Unknown standardisation grade: %(v)s") % {"v": values["standardisation_grade"]},
            )
        data["standardisation_grade"] = grade
    flags = _flags(values, err)
    if flags is not None:
        data["work_flags"] = flags
    # Named by login here; `accounts_of` finds them among the enterprise's users once the row is matched.
    data["accounts"] = {key: values[key] for key in ACCOUNT_HEADERS if values.get(key)}
    if values.get("combined_premises"):
        combined = yes_no(values["combined_premises"])
        if combined is None:
            err("combined_premises", _("Enter 是 (yes) or 否 (no)."))
        data["combined_premises"] = bool(combined)
    return data


def _flags(values: dict, err) -> list[str] | None:
    """The cross-industry work of a row: the flags marked 是 in their own columns, and those named in the
    list column. None when the row says nothing about them (every such cell blank)."""
    listed: set[str] = set()
    if values.get("work_flags"):
        for part in filter(None, re.split(r"[、,，;；\s]+", values["work_flags"])):
            code = FLAG_NAMES.get(part, part)
            if code not in WorkFlag.values:
                err("work_flags", _("Unknown work: %(v)s") % {"v": part})
            else:
                listed.add(code)
    marked: dict[str, bool] = {}
    for key, names in FLAG_HEADERS.items():
        if values.get(key):
            answer = yes_no(values[key])
            if answer is None:
                err(key, _("Enter 是 (yes) or 否 (no)."))
            elif answer is False and names[1] in listed:
                err(
                    key,
                    _("Marked 否 here but listed under %(column)s.")
                    % {"column": FILE_HEADERS["work_flags"][0]},
                )
            else:
                marked[names[1]] = answer
    if not values.get("work_flags") and not marked:
        return None
    return sorted(listed | {code for code, answer in marked.items() if answer})


def file_columns() -> list[Column]:
    """The file's single-valued fields on the 企业 sheet, headed and written as the import reads them."""
    grades = {"1": "一级", "2": "二级", "3": "三级", "small": "小微"}

    def cell(key):
        if key in FLAG_HEADERS:
            code = FLAG_HEADERS[key][1]
            return lambda e: "是" if code in (e.work_flags or []) else "否"
        if key == "standardisation_grade":
            return lambda e: grades.get(e.standardisation_grade, e.standardisation_grade)
        if key == "combined_premises":
            return lambda e: "是" if e.combined_premises else "否"
        if key in ACCOUNT_HEADERS:
            return lambda e: getattr(getattr(e, key), "username", "")
        return lambda e: getattr(e, key)

    headers = {**ACCOUNT_HEADERS, **FILE_HEADERS, **FLAG_HEADERS}
    return [Column(headers[key][0], cell(key), 12 if key in FLAG_HEADERS else 16) for key in FILE_COLUMN_KEYS]


# ---------------------------------------------------------------- one sheet per ledger


@dataclass(frozen=True)
class LedgerSheet:
    """A ledger's sheet. `titles`: the model's Chinese verbose name first (what the export writes), then other
    titles the import accepts. `headers`: field → accepted headers, Chinese first. `key`: the fields that name
    a row in its enterprise's ledger; an imported row matching a row still in the file on them corrects it."""

    ledger: str
    titles: tuple[str, ...]
    headers: dict[str, tuple[str, ...]]
    key: tuple[str, ...]
    widths: tuple[int, ...]

    @property
    def title(self) -> str:
        return self.titles[0]

    def header(self, field: str) -> str:
        return (KEY_HEADERS | self.headers)[field][0]


# The enterprise each ledger row belongs to: the first two columns of every ledger sheet.
KEY_HEADERS: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "信用代码", "credit_code", "credit code"),
    "enterprise_name": ("企业名称", "单位名称", "enterprise", "enterprise name"),
}
SHEETS: tuple[LedgerSheet, ...] = (
    LedgerSheet(
        "installation",
        ("重大危险源", "major hazard installations"),
        {
            "name": ("重大危险源名称", "installation", "name"),
            "grade": ("级别", "grade"),
            "filed_on": ("登记日期", "filed_on", "filed on"),
        },
        key=("name",),
        widths=(30, 8, 12),
    ),
    LedgerSheet(
        "licence",
        ("许可证", "许可证照", "licences"),
        {
            "kind": ("许可证种类", "许可证类别", "许可证", "kind", "licence"),
            "number": ("许可证编号", "number", "licence no."),
            "expires_on": ("有效期至", "expires_on", "expires on"),
        },
        key=("kind", "number"),
        widths=(22, 30, 12),
    ),
    LedgerSheet(
        "special_operator",
        ("特种作业人员", "special operators"),
        {
            "name": ("姓名", "name", "full name"),
            "operation": ("作业类别", "operation"),
            "certificate_no": ("证书编号", "操作证编号", "certificate_no", "certificate no."),
            "expires_on": ("证书有效期至", "expires_on", "certificate expires"),
            "review_due": ("复审日期", "review_due", "review due"),
        },
        key=("certificate_no",),
        widths=(12, 20, 24, 12, 12),
    ),
    LedgerSheet(
        "rented_out",
        ("出租厂房", "出租场所", "rented-out premises"),
        {
            "location": ("出租场所", "场所地址", "location", "premises"),
            "tenant": ("承租单位", "tenant"),
            "tenant_credit_code": ("承租单位统一社会信用代码", "tenant_credit_code", "tenant's credit code"),
            "lease_ends_on": ("租期至", "lease_ends_on", "lease ends on"),
        },
        key=("location", "tenant"),
        widths=(36, 30, 22, 12),
    ),
)
SHEET_OF = {sheet.ledger: sheet for sheet in SHEETS}
LICENCE_NAMES = {
    LicenceKind.SAFETY_PRODUCTION: "安全生产许可证",
    LicenceKind.HAZARDOUS_CHEMICALS: "危险化学品经营许可证",
    LicenceKind.GAS: "燃气经营许可证",
    LicenceKind.OTHER: "其他许可证",
}
GRADE_NUMBERS = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "一": 1, "二": 2, "三": 3, "四": 4}
GRADE_WORDS = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
# A run of 18 characters shaped like a resident ID number (R-REG-3): special operators' certificates are
# commonly numbered by their holder's ID number, so it is masked where ID numbers are (R-REG-2).
ID_RUN = re.compile(r"\d{17}[\dXx]")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$")


def sheet_for_title(title: str) -> LedgerSheet | None:
    wanted = title.strip().lower()
    return next((s for s in SHEETS if wanted in (t.lower() for t in s.titles)), None)


def ledger_columns(user, sheet: LedgerSheet) -> list[Column]:
    """A ledger sheet's columns for this user: the enterprise first, then the row's fields as the file page
    shows them, ID-shaped certificate numbers masked for those without the need (R-REG-2)."""

    def value(field: str):
        if field == "kind":
            return lambda row: LICENCE_NAMES.get(row.kind, row.kind)
        if field == "grade":
            return lambda row: GRADE_WORDS.get(row.grade, row.grade)
        if field == "certificate_no":
            return lambda row: _certificate_for(user, row.certificate_no, row.enterprise_id)
        return lambda row: getattr(row, field)

    return [
        Column(KEY_HEADERS["credit_code"][0], lambda row: row.enterprise.credit_code, 22),
        Column(KEY_HEADERS["enterprise_name"][0], lambda row: row.enterprise.name, 36),
        *(
            Column(names[0], value(field), width)
            for (field, names), width in zip(sheet.headers.items(), sheet.widths, strict=True)
        ),
    ]


def _certificate_for(user, number: str, enterprise_id: int) -> str:
    if can_see_personal_data(user, enterprise_id):
        return number
    return ID_RUN.sub(lambda match: mask_id_number(match.group()), number)


def form_input(sheet: LedgerSheet, values: dict) -> dict:
    """A ledger row's cells as the file page's form takes them: licence names to their codes, 一级 to 1, a
    date cell or a date written with / . 年月日 to a date (anything else goes to the form as it is, which
    refuses it in the user's language)."""
    data: dict = {}
    codes = {name: code for code, name in LICENCE_NAMES.items()} | {
        str(label).lower(): code for code, label in LicenceKind.choices
    }
    for field in sheet.headers:
        value = values.get(field, "")
        if isinstance(value, dt.datetime):
            value = value.date()
        elif isinstance(value, str):
            if field == "kind":
                value = codes.get(value, codes.get(value.lower(), value))
            elif field == "grade":
                value = GRADE_NUMBERS.get(value, value)
            elif field in ("expires_on", "filed_on", "review_due", "lease_ends_on"):
                value = _day(value)
        data[field] = value
    return data


def _day(text: str):
    match = DATE_TEXT.match(text)
    if not match:
        return text
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:  # 2026-02-30: the form says it is not a date
        return text


EXAMPLE_ROWS = {
    "installation": {"重大危险源名称": "液氨储罐区", "级别": "三级", "登记日期": "2024-05-20"},
    "licence": {
        "许可证种类": "安全生产许可证",
        "许可证编号": "（粤）WH安许证字〔2026〕0001",
        "有效期至": "2029-05-31",
    },
    "special_operator": {
        "姓名": "李四",
        "作业类别": "焊接与热切割作业",
        "证书编号": "T4407032026000001",
        "证书有效期至": "2030-03-31",
        "复审日期": "2027-03-31",
    },
    "rented_out": {
        "出租场所": "江门市蓬江区杜阮镇示例路1号2号厂房",
        "承租单位": "江门市示例塑料制品有限公司",
        "租期至": "2028-12-31",
    },
}
