"""The enterprise's file (R-REG-4): what it holds besides identity, the items that have expired (flagged on
the file, counted on home pages, offered as hazards), ledger rows added by the people who keep the file,
and the file's columns of the enterprise workbook."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from core.choices import Role
from core.errors import InvalidInput
from registry.choices import LicenceKind, StandardisationGrade, WorkFlag
from registry.models import Enterprise, Licence, MajorHazardInstallation, RentedPremises, SpecialOperator
from registry.services import REGISTRY_EDITORS

LAW = "《中华人民共和国安全生产法》（2021）"


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
    for licence in enterprise.licences.all():
        add(
            "licence",
            licence.get_kind_display(),
            licence.number,
            licence.expires_on,
            "《安全生产许可证条例》",
        )
    for operator in enterprise.special_operators.all():
        add(
            "special_operator",
            _("Special operator %(name)s") % {"name": operator.name},
            operator.certificate_no,
            operator.expires_on,
            f"{LAW}第三十条",
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
        | Q(Exists(Licence.objects.filter(enterprise=OuterRef("pk"), expires_on__lt=today)))
        | Q(Exists(SpecialOperator.objects.filter(enterprise=OuterRef("pk"), expires_on__lt=today)))
    )


def file_of(enterprise: Enterprise, today: dt.date | None = None) -> dict:
    flags = dict(WorkFlag.choices)
    return {
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
        "installations": list(enterprise.installations.values("id", "name", "grade", "filed_on")),
        "licences": list(enterprise.licences.values("id", "kind", "number", "expires_on")),
        "special_operators": list(
            enterprise.special_operators.values(
                "id", "name", "operation", "certificate_no", "expires_on", "review_due"
            )
        ),
        "rented_out": list(
            enterprise.rented_out.values("id", "location", "tenant", "tenant_credit_code", "lease_ends_on")
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
    value = (data.get(field) or "").strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
    return value


LEDGERS = ("licence", "special_operator", "installation", "rented_out")


@transaction.atomic
def add_ledger_row(*, actor, enterprise: Enterprise, data: dict):
    """Add one row to a ledger of the file (callers check the role and the scope)."""
    ledger = data.get("ledger")
    errors: dict = {}
    if ledger not in LEDGERS:
        raise InvalidInput.field("ledger", _("Choose a ledger of the enterprise file."))
    if ledger == "licence":
        kind = data.get("kind")
        if kind not in LicenceKind.values:
            errors["kind"] = [_("Choose a licence.")]
        row = Licence(
            enterprise=enterprise,
            kind=kind or "",
            number=_text(errors, data, "number", 60),
            expires_on=_date(errors, "expires_on", data.get("expires_on"), required=True),
        )
    elif ledger == "special_operator":
        row = SpecialOperator(
            enterprise=enterprise,
            name=_text(errors, data, "name", 50),
            operation=_text(errors, data, "operation", 60),
            certificate_no=_text(errors, data, "certificate_no", 40),
            expires_on=_date(errors, "expires_on", data.get("expires_on"), required=True),
            review_due=_date(errors, "review_due", data.get("review_due"), required=False),
        )
    elif ledger == "installation":
        try:
            grade = int(data.get("grade"))
            if grade not in (1, 2, 3, 4):
                raise ValueError
        except (TypeError, ValueError):
            errors["grade"] = [_("A major hazard installation is of grade one to four (GB 18218-2018).")]
            grade = 0
        row = MajorHazardInstallation(
            enterprise=enterprise,
            name=_text(errors, data, "name", 120),
            grade=grade,
            filed_on=_date(errors, "filed_on", data.get("filed_on"), required=False),
        )
    else:
        row = RentedPremises(
            enterprise=enterprise,
            location=_text(errors, data, "location", 200),
            tenant=_text(errors, data, "tenant", 120),
            tenant_credit_code=_text(errors, data, "tenant_credit_code", 18, required=False),
            lease_ends_on=_date(errors, "lease_ends_on", data.get("lease_ends_on"), required=False),
        )
    if errors:
        raise InvalidInput(errors=errors)
    row.save()
    record(enterprise, f"registry.file.{ledger}_added", actor=actor, data={"row": row.pk})
    return row


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
            data[key] = values[key][:60]
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


def may_keep(user, enterprise: Enterprise) -> bool:
    """Who adds rows to the file: the registry's editors, and the enterprise's own users for their own."""
    if user.role_codes & REGISTRY_EDITORS:
        return True
    return Role.ENTERPRISE_USER in user.role_codes and user.enterprise_id == enterprise.pk
