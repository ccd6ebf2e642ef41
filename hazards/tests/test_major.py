"""Major hazards (R-HAZ-4, R-HAZ-8, R-HAZ-9) and extensions (R-HAZ-7)."""

import datetime as dt

import pytest

from core.errors import Conflict, InvalidInput, NotAllowed
from hazards import services
from hazards.models import Hazard
from hazards.tests.helpers import PLAN, plan_document, rectifying, reported


def test_the_shipped_criteria_library_has_the_domain_examples(db):
    from hazards.models import MajorHazardCriterion

    texts = " ".join(MajorHazardCriterion.objects.values_list("text", flat=True))
    for fragment in [
        "有限空间",
        "先通风、再检测、后作业",
        "监护",
        "粉尘爆炸",
        "特种作业",
        "未经检验",
        "安全保护装置",
        "暴雨",
    ]:
        assert fragment in texts, fragment
    assert all(MajorHazardCriterion.objects.values_list("source", flat=True))


def test_a_major_hazard_cannot_start_rectifying_without_the_full_plan(persona, enterprise_in):
    actor = persona("duruan")
    hazard = reported(actor, enterprise_in("duruan", "industry_trade"), major=True)
    with pytest.raises(InvalidInput) as caught:
        services.assign_rectification(
            actor=actor,
            hazard=hazard,
            version=1,
            measures="m",
            responsible_person="p",
            funds=1,
            contingency_plan="c",
            plan={**PLAN, "plan_safety": ""},
            plan_attachments=[plan_document(actor)],
        )
    assert set(caught.value.errors) == {"plan_safety"}
    assert Hazard.objects.get(pk=hazard.pk).state == "reported"
    services.save_treatment_plan(
        actor=actor, hazard=hazard, version=1, plan=PLAN, attachments=[plan_document(actor)]
    )
    hazard.refresh_from_db()
    hazard = services.assign_rectification(
        actor=actor,
        hazard=hazard,
        version=hazard.version,
        measures="m",
        responsible_person="p",
        funds=1,
        contingency_plan="c",
    )
    assert hazard.state == "rectifying"
    from hazards.models import local_today

    assert hazard.deadline == local_today() + dt.timedelta(days=90)  # R-HAZ-6: major default


def test_deadlines_follow_the_level_setting(persona, enterprise_in):
    """R-HAZ-6: general 15 days by default; later needs an extension; the setting can change."""
    actor = persona("duruan")
    from hazards.models import local_today

    hazard = rectifying(actor, enterprise_in("duruan", "industry_trade"))
    assert hazard.deadline == local_today() + dt.timedelta(days=15)
    late = reported(actor, enterprise_in("duruan", "industry_trade"))
    with pytest.raises(InvalidInput) as caught:
        services.assign_rectification(
            actor=actor,
            hazard=late,
            version=1,
            measures="m",
            responsible_person="p",
            funds=0,
            deadline=local_today() + dt.timedelta(days=16),
        )
    assert "deadline" in caught.value.errors
    services.set_deadline_policy(actor=persona("admin"), level="general", days=20, source="区安委办通知")
    assert rectifying(
        actor, enterprise_in("duruan", "industry_trade")
    ).deadline == local_today() + dt.timedelta(days=20)
    with pytest.raises(NotAllowed):
        services.set_deadline_policy(actor=actor, level="general", days=30, source="x")


def test_listed_supervision_with_progress_notes(persona, enterprise_in, as_user):
    hazard = rectifying(persona("duruan"), enterprise_in("duruan", "industry_trade"), major=True)
    yjj = persona("yjj")
    with pytest.raises(InvalidInput):
        services.supervise_hazard(
            actor=yjj, hazard=hazard, version=hazard.version, authority="", due_date=None
        )
    hazard = services.supervise_hazard(
        actor=yjj,
        hazard=hazard,
        version=hazard.version,
        authority="区应急管理局",
        due_date="2099-06-30",
        document_number="彭应急督〔2026〕3号",
    )
    assert hazard.listed and hazard.listing_department == yjj.department
    with pytest.raises(Conflict):
        services.supervise_hazard(
            actor=yjj, hazard=hazard, version=hazard.version, authority="x", due_date="2099-06-30"
        )
    services.add_progress_note(actor=persona("duruan"), hazard=hazard, text="已完成除尘系统招标")
    page = as_user("duruan").get(f"/hazards/{hazard.pk}/").content.decode()
    assert (
        'data-testid="listed-banner"' in page
        and "彭应急督〔2026〕3号" in page
        and "已完成除尘系统招标" in page
    )
    rows = as_user("duruan").get("/hazards/?listed=true").content.decode()
    assert hazard.title in rows


def test_extension_rules(persona):
    from hazards.models import local_today

    enterprise = persona("ent_duruan").enterprise
    hazard = rectifying(persona("duruan"), enterprise)
    ent = persona("ent_duruan")
    with pytest.raises(InvalidInput):
        services.request_extension(
            actor=ent, hazard=hazard, version=hazard.version, new_deadline=hazard.deadline, reason="x"
        )
    services.request_extension(
        actor=ent,
        hazard=hazard,
        version=hazard.version,
        new_deadline=hazard.deadline + dt.timedelta(days=10),
        reason="缺配件",
    )
    hazard.refresh_from_db()
    with pytest.raises(Conflict):
        services.request_extension(
            actor=ent,
            hazard=hazard,
            version=hazard.version,
            new_deadline=hazard.deadline + dt.timedelta(days=20),
            reason="y",
        )
    with pytest.raises(NotAllowed):
        services.decide_extension(actor=ent, hazard=hazard, version=hazard.version, approve=True)
    with pytest.raises(InvalidInput):
        services.decide_extension(
            actor=persona("duruan"), hazard=hazard, version=hazard.version, approve=False
        )
    extension = services.decide_extension(
        actor=persona("duruan"), hazard=hazard, version=hazard.version, approve=False, note="理由不充分"
    )
    hazard.refresh_from_db()
    assert extension.state == "refused" and hazard.deadline == local_today() + dt.timedelta(days=15)
    assert extension.old_deadline == hazard.deadline


def test_a_major_hazard_on_a_risk_point_refreshes_the_enterprise_risk(persona, enterprise_in, monkeypatch):
    calls = []
    import risk.services

    monkeypatch.setattr(
        risk.services, "refresh_enterprise_risk", lambda *, enterprise_id: calls.append(enterprise_id)
    )
    enterprise = enterprise_in("duruan", "industry_trade")
    hazard = reported(persona("duruan"), enterprise, major=True)
    assert calls == [enterprise.pk]
    services.cancel_hazard(actor=persona("duruan"), hazard=hazard, version=hazard.version, reason="重复")
    assert calls == [enterprise.pk, enterprise.pk]


def test_an_overdue_listed_hazard_needs_a_written_explanation(persona, enterprise_in, as_user):
    """R-HAZ-8: the job asks for it; the enterprise or an official writes it; the page shows it."""
    import time_machine

    from hazards.models import local_today
    from hazards.tasks import escalate_hazards
    from notifications.models import Notification

    enterprise = persona("ent_duruan").enterprise
    hazard = rectifying(
        persona("duruan"), enterprise, major=True, deadline=local_today() + dt.timedelta(days=1)
    )
    hazard = services.supervise_hazard(
        actor=persona("admin"),
        hazard=hazard,
        version=hazard.version,
        authority="区安委办",
        due_date="2099-01-01",
    )
    later = timezone_now() + dt.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        escalate_hazards(now=later)
        asked = Notification.objects.filter(
            target_id=hazard.pk, kind="hazard.explain", recipient__username="ent_duruan"
        )
        assert asked.count() == 1
        response = as_user("ent_duruan").post(
            f"/hazards/{hazard.pk}/explain/", {"version": hazard.version, "text": "设备供货延迟，已督促厂家"}
        )
        assert response.status_code == 302
        page = as_user("duruan").get(f"/hazards/{hazard.pk}/").content.decode()
        assert "设备供货延迟" in page
        escalate_hazards(now=later)
        assert asked.count() == 1


def timezone_now():
    from django.utils import timezone

    return timezone.now()
