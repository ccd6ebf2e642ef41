"""The enterprise's file (R-REG-4): what it holds besides identity, the items that have expired (flagged on
the file, counted on home pages, offered as hazards), and the file's columns of the enterprise workbook.
Its writes are in registry.file_services."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.choices import LicenceKind, StandardisationGrade, WorkFlag
from registry.models import Enterprise, Licence, SpecialOperator

LAW = "《中华人民共和国安全生产法》（2021）"
# The regulation that makes each kind of licence a condition of operating and fixes its validity and renewal.
LICENCE_BASIS = {
    LicenceKind.SAFETY_PRODUCTION: "《安全生产许可证条例》第九条",
    LicenceKind.HAZARDOUS_CHEMICALS: "《危险化学品安全管理条例》第三十三条",
    LicenceKind.GAS: "《城镇燃气管理条例》第十五条",
    LicenceKind.OTHER: "《中华人民共和国行政许可法》第五十条",
}
# Special operators' certificates: valid six years (art. 19), reviewed every three (art. 21).
OPERATORS_RULE = "《特种作业人员安全技术培训考核管理规定》（国家安全生产监督管理总局令第30号）"


def _hazard(title: str, basis: str) -> dict:
    """What a hazard registered from an expired item carries (the hazard form / API takes these)."""
    return {"title": title[:200], "category": "management", "legal_basis": basis}


def expired_items(enterprise: Enterprise, today: dt.date | None = None) -> list[dict]:
    """Every certificate, licence, policy or standardisation grade of the file whose date has passed."""
    today = today or timezone.localdate()
    out: list[dict] = []

    def add(kind, label, number, expired_on, basis):
        if expired_on is not None and expired_on < today:
            title = _("Expired: %(label)s %(number)s (%(date)s)") % {
                "label": label,
                "number": number,
                "date": expired_on.isoformat(),
            }
            out.append(
                {
                    "kind": kind,
                    "label": str(label),
                    "number": number,
                    "expired_on": expired_on,
                    "hazard": _hazard(title, basis),
                }
            )

    add(
        "principal_certificate",
        _("Principal's certificate"),
        enterprise.principal_certificate_no,
        enterprise.principal_certificate_expires,
        f"{LAW}第二十七条",
    )
    add(
        "safety_manager_certificate",
        _("Safety manager's certificate"),
        enterprise.safety_manager_certificate_no,
        enterprise.safety_manager_certificate_expires,
        f"{LAW}第二十七条",
    )
    add(
        "standardisation",
        _("Work-safety standardisation"),
        enterprise.get_standardisation_grade_display() if enterprise.standardisation_grade else "",
        enterprise.standardisation_expires,
        f"{LAW}第四条",
    )
    add(
        "insurance",
        _("Work-safety liability insurance"),
        enterprise.insurance_policy_no,
        enterprise.insurance_expires,
        f"{LAW}第五十一条",
    )
    for licence in enterprise.licences.filter(is_active=True):
        add(
            "licence",
            licence.get_kind_display(),
            licence.number,
            licence.expires_on,
            LICENCE_BASIS.get(licence.kind, LICENCE_BASIS[LicenceKind.OTHER]),
        )
    for operator in enterprise.special_operators.filter(is_active=True):
        add(
            "special_operator",
            _("Special operator %(name)s") % {"name": operator.name},
            operator.certificate_no,
            operator.expires_on,
            f"{LAW}第三十条；{OPERATORS_RULE}第十九条",
        )
        add(
            "special_operator_review",
            _("Review of special operator %(name)s") % {"name": operator.name},
            operator.certificate_no,
            operator.review_due,
            f"{OPERATORS_RULE}第二十一条",
        )
    return out


def expired_q(today: dt.date | None = None) -> Q:
    """Enterprises with at least one expired item (for counts on home pages)."""
    today = today or timezone.localdate()
    return (
        Q(principal_certificate_expires__lt=today)
        | Q(safety_manager_certificate_expires__lt=today)
        | Q(standardisation_expires__lt=today)
        | Q(insurance_expires__lt=today)
        | Q(Exists(Licence.objects.filter(enterprise=OuterRef("pk"), is_active=True, expires_on__lt=today)))
        | Q(
            Exists(
                SpecialOperator.objects.filter(enterprise=OuterRef("pk"), is_active=True).filter(
                    Q(expires_on__lt=today) | Q(review_due__lt=today)
                )
            )
        )
    )


def _account(user) -> dict | None:
    return None if user is None else {"id": user.pk, "name": user.display_name}


def file_of(enterprise: Enterprise, today: dt.date | None = None) -> dict:
    """The file as the page and the API read it: the enterprise's version (sent back with a change of the
    file's fields), the accounts of its principal and safety manager, and the rows still in its ledgers."""
    flags = dict(WorkFlag.choices)
    return {
        "version": enterprise.version,
        "principal_user": _account(enterprise.principal_user),
        "safety_manager_user": _account(enterprise.safety_manager_user),
        "principal_name": enterprise.principal_name,
        "principal_certificate_no": enterprise.principal_certificate_no,
        "principal_certificate_expires": enterprise.principal_certificate_expires,
        "safety_manager_name": enterprise.safety_manager_name,
        "safety_manager_certificate_no": enterprise.safety_manager_certificate_no,
        "safety_manager_certificate_expires": enterprise.safety_manager_certificate_expires,
        "full_time_safety_staff": enterprise.full_time_safety_staff,
        "work_flags": [{"code": c, "label": str(flags.get(c, c))} for c in enterprise.work_flags or []],
        "standardisation_grade": enterprise.standardisation_grade,
        "standardisation_expires": enterprise.standardisation_expires,
        "insurance_policy_no": enterprise.insurance_policy_no,
        "insurance_expires": enterprise.insurance_expires,
        "combined_premises": enterprise.combined_premises,
        "installations": list(
            enterprise.installations.filter(is_active=True).values(
                "id", "version", "name", "grade", "filed_on"
            )
        ),
        "licences": list(
            enterprise.licences.filter(is_active=True).values("id", "version", "kind", "number", "expires_on")
        ),
        "special_operators": list(
            enterprise.special_operators.filter(is_active=True).values(
                "id", "version", "name", "operation", "certificate_no", "expires_on", "review_due"
            )
        ),
        "rented_out": list(
            enterprise.rented_out.filter(is_active=True).values(
                "id", "version", "location", "tenant", "tenant_credit_code", "lease_ends_on"
            )
        ),
        "expired": expired_items(enterprise, today),
    }


def _date(errors: dict, field: str, value, *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[field] = [_("Enter a date.")]
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        errors[field] = [_("Enter a date as YYYY-MM-DD.")]
        return None


def _text(errors: dict, data: dict, field: str, limit: int, *, required: bool = True) -> str:
    value = data.get(field)
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
    return value


# ---------------------------------------------------------------- the workbook's file columns
FILE_HEADERS: dict[str, tuple[str, ...]] = {
    "principal_certificate_no": ("主要负责人合格证编号", "principal_certificate_no"),
    "principal_certificate_expires": ("主要负责人合格证有效期", "principal_certificate_expires"),
    "safety_manager_certificate_no": ("安全管理人员合格证编号", "safety_manager_certificate_no"),
    "safety_manager_certificate_expires": ("安全管理人员合格证有效期", "safety_manager_certificate_expires"),
    "work_flags": ("涉及作业", "work_flags"),
    "standardisation_grade": ("安全生产标准化等级", "standardisation_grade"),
    "standardisation_expires": ("标准化有效期", "standardisation_expires"),
    "insurance_policy_no": ("安责险保单号", "insurance_policy_no"),
    "insurance_expires": ("安责险有效期", "insurance_expires"),
    "combined_premises": ("三合一场所", "combined_premises"),
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


def clean_file_columns(values: dict, err) -> dict:
    """The file's columns of one workbook row (R-REG-4); `err(field, message)` records a row error."""
    import re

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
    if values.get("standardisation_grade"):
        grade = GRADE_NAMES.get(values["standardisation_grade"], values["standardisation_grade"])
        if grade not in StandardisationGrade.values:
            err(
                "standardisation_grade",
                _("Unknown standardisation grade: %(v)s") % {"v": values["standardisation_grade"]},
            )
        data["standardisation_grade"] = grade
    if values.get("work_flags"):
        codes = []
        for part in filter(None, re.split(r"[、,，;；\s]+", values["work_flags"])):
            code = FLAG_NAMES.get(part, part)
            if code not in WorkFlag.values:
                err("work_flags", _("Unknown work: %(v)s") % {"v": part})
            else:
                codes.append(code)
        data["work_flags"] = sorted(set(codes))
    if values.get("combined_premises"):
        data["combined_premises"] = values["combined_premises"].strip().lower() in (
            "是",
            "yes",
            "y",
            "true",
            "1",
        )
    return data


def file_columns() -> list:
    """Export columns of the file, headed as the import reads them."""
    from core.exports import Column

    grades = {"1": "一级", "2": "二级", "3": "三级", "small": "小微"}
    flags = {code: name for name, code in FLAG_NAMES.items() if len(name) <= 4}

    def cell(key):
        def value(e):
            v = getattr(e, key)
            if key == "work_flags":
                return "、".join(flags.get(c, c) for c in v or [])
            if key == "standardisation_grade":
                return grades.get(v, v)
            if key == "combined_premises":
                return "是" if v else ""
            return v

        return value

    return [Column(names[0], cell(key), 16) for key, names in FILE_HEADERS.items()]
