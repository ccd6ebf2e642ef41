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
        _for_the_demo_enterprise(year)
    from accountability.services import run_triggers

    fired = run_triggers()
    if stdout is not None:
        stdout.write(f"accountability: {made} positions, proposals {fired}\n")
    return made


def _for_the_demo_enterprise(year: int) -> None:
    """The enterprise account's unit gets a position, a decided interview with a commitment, an
    enforcement case and a plan of its department: every account has something to open."""
    from accountability.choices import CaseOrigin, CaseState, Measure, ProposalState, TargetKind, Trigger
    from accountability.models import (
        CaseDocument,
        Commitment,
        EnforcementCase,
        EnforcementPlan,
        MeasureRecord,
        Proposal,
    )
    from accountability.services.enforcement import ENFORCEMENT_DAYS_DEFAULT
    from accounts.models import User
    from core.calendar import period_end
    from core.documents import official_number
    from registry.models import Department

    user = User.objects.filter(username="ent_duruan").select_related("enterprise__town").first()
    enterprise = user.enterprise if user else None
    officer = User.objects.filter(username="yjj").select_related("department").first()
    department = officer.department if officer and officer.department_id else None
    if department is None:
        department = (
            Department.objects.filter(sectors="industry_trade", is_active=True).order_by("code").first()
        )
    if enterprise is None or department is None:
        return
    position = ResponsibilityPosition.objects.create(
        unit_kind=UnitKind.ENTERPRISE,
        enterprise=enterprise,
        position=TEMPLATES[4][1],
        duties=TEMPLATES[4][2],
        first_responsible=True,
    )
    PositionHolder.objects.create(
        position=position, name=enterprise.principal_name or "负责人", start_on=dt.date(year - 2, 1, 1)
    )
    now = timezone.now()
    proposal = Proposal.objects.create(
        trigger=Trigger.LATE_ACCIDENT_REPORT,
        target_kind=TargetKind.ENTERPRISE,
        target_key=f"enterprise:{enterprise.pk}",
        town=enterprise.town,
        enterprise=enterprise,
        cause="demo:late-report",
        measure=Measure.CIRCULAR,
        facts=[],
        reason="2025年一起轻伤事故迟报4小时。",
        state=ProposalState.DECIDED,
        decision="change",
        decided_measure=Measure.INTERVIEW,
        decision_note="首次迟报，改为约谈主要负责人。",
        decided_at=now - dt.timedelta(days=20),
    )
    record = MeasureRecord.objects.create(
        proposal=proposal,
        target_kind=TargetKind.ENTERPRISE,
        town=enterprise.town,
        enterprise=enterprise,
        measure=Measure.INTERVIEW,
        state="carried_out",
        document_number=official_number("accountability.interview"),
        held_on=timezone.localdate() - dt.timedelta(days=14),
        participants="区安委办、杜阮镇、企业主要负责人",
        minutes="企业承认事故信息报送不及时，承诺完善报告制度。",
    )
    Commitment.objects.create(
        record=record,
        text="修订事故信息报告制度并组织全员培训",
        due_on=timezone.localdate() + dt.timedelta(days=16),
    )
    filed = timezone.localdate() - dt.timedelta(days=10)
    case = EnforcementCase.objects.create(
        department=department,
        enterprise=enterprise,
        town=enterprise.town,
        sector_id="industry_trade",
        origin=CaseOrigin.HAZARD,
        title="未采取措施消除事故隐患",
        facts="粉尘除尘系统隐患经复查仍未整改。",
        state=CaseState.INVESTIGATING,
        filed_on=filed,
        decision_due=period_end(filed, ENFORCEMENT_DAYS_DEFAULT),
    )
    CaseDocument.objects.create(case=case, kind="filing", number=official_number("enforcement.filing"))
    EnforcementPlan.objects.create(
        department=department, year=year, planned_inspections=24, note="工贸企业每月两家"
    )
