"""The demo district's responsibility lists, a plan, a case and the proposals its records fire (small and
deterministic: the same district gives the same rows)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accountability.choices import StaffRole, UnitKind
from accountability.models import (
    DutyTemplate,
    EnterpriseStaff,
    PositionHolder,
    ResponsibilityLetter,
    ResponsibilityPosition,
)

TEMPLATES = [
    (
        UnitKind.TOWN,
        "党委书记、镇（街）长",
        "对本辖区安全生产工作负全面领导责任，每季度研究安全生产工作。",
        True,
    ),
    (
        UnitKind.TOWN,
        "分管安全生产副镇（街）长",
        "组织开展隐患排查治理和专项整治，督促重大隐患挂牌整改。",
        False,
    ),
    (UnitKind.DEPARTMENT, "局长", "按照“三管三必须”对本行业领域安全生产负监管责任。", True),
    (UnitKind.DEPARTMENT, "分管副局长", "组织本行业领域执法检查和“双随机”抽查，跟踪隐患整改。", False),
    (
        UnitKind.ENTERPRISE,
        "主要负责人",
        "建立健全全员安全生产责任制，组织制定并实施安全生产规章制度和操作规程。",
        True,
    ),
    (
        UnitKind.ENTERPRISE,
        "安全生产管理人员",
        "组织或者参与拟订安全生产规章制度，督促落实重大危险源安全管理措施。",
        False,
    ),
]
SURNAMES = "陈李张黄吴刘梁何"


def build_accountability(*, rng, small: bool = False, stdout=None) -> int:
    from registry.models import Department, Enterprise, Jurisdiction

    if DutyTemplate.objects.exists():
        return 0
    year = timezone.localdate().year
    with transaction.atomic():
        for order, (kind, position, duties, first) in enumerate(TEMPLATES):
            DutyTemplate.objects.create(
                unit_kind=kind, position=position, duties=duties, first_responsible=first, order=order
            )
        units = [("town", t) for t in Jurisdiction.objects.towns().order_by("code")] + [
            ("department", d) for d in Department.objects.filter(is_active=True).order_by("code")
        ]
        made = 0
        for index, (kind, unit) in enumerate(units):
            for template in DutyTemplate.objects.filter(unit_kind=kind):
                position = ResponsibilityPosition.objects.create(
                    unit_kind=kind,
                    position=template.position,
                    duties=template.duties,
                    first_responsible=template.first_responsible,
                    **{kind: unit},
                )
                made += 1
                # Every third unit's deputy post is vacant, and every other unit has not signed this
                # year's letter yet: the assessment's "responsibility list gaps" have something to show.
                if not template.first_responsible and index % 3 == 2:
                    continue
                name = SURNAMES[(index + template.order) % len(SURNAMES)] + (
                    "志强" if template.first_responsible else "建华"
                )
                PositionHolder.objects.create(position=position, name=name, start_on=dt.date(year - 1, 3, 1))
                if index % 2 == 0:
                    ResponsibilityLetter.objects.create(
                        position=position, year=year, signed_on=dt.date(year, 2, 20), signed_by=name
                    )
        enterprises = list(Enterprise.objects.order_by("pk")[: 4 if small else 40])
        for index, enterprise in enumerate(enterprises):
            EnterpriseStaff.objects.create(
                enterprise=enterprise,
                role=StaffRole.PRINCIPAL,
                name=enterprise.principal_name or "负责人",
                certificate_no=f"AQ{enterprise.pk:06d}",
                certificate_expiry=dt.date(year + 1, 6, 30) if index % 3 else dt.date(year - 1, 6, 30),
            )
            if index % 2 == 0:
                EnterpriseStaff.objects.create(
                    enterprise=enterprise,
                    role=StaffRole.SAFETY_MANAGER,
                    name=enterprise.safety_manager_name or "安全员",
                    certificate_no=f"AG{enterprise.pk:06d}",
                    certificate_expiry=dt.date(year + 2, 1, 31),
                )
    from accountability.services import run_triggers

    fired = run_triggers()
    if stdout is not None:
        stdout.write(f"accountability: {made} positions, proposals {fired}\n")
    return made
