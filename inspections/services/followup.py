"""Learn from one case (举一反三): the chosen enterprises become a targeted campaign with a checklist
built from the source case; the campaign and its checklist keep the link back to the case."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from inspections.choices import CampaignKind, HazardCategory
from inspections.models import ChecklistTemplate
from inspections.policy import POLICY
from inspections.services.campaigns import assign_tasks, launch_campaign
from inspections.services.checklists import create_template
from inspections.services.common import planner_limits
from inspections.similarity import SourceCase, bm25_scores, rank_similar, tokens
from registry.models import Enterprise

RELATED_ITEMS = 8


def followup_items(source: SourceCase) -> list[dict]:
    """The case itself, the lessons passed on, then the shipped items closest to the case (BM25)."""
    items = [
        {
            "requirement": f"对照案例“{source.title}”，检查本单位是否存在同类问题：{source.text[:300]}",
            "requirement_en": f'Check whether the problem of the case "{source.title}" exists here as well.',
            "legal_basis": (source.legal_basis or f"举一反三：{source.label}")[:300],
            "category": source.category or HazardCategory.MANAGEMENT,
            # R-INSP-5: major and key only through the criterion the case cites.
            "level": "major" if source.criterion else "general",
            "is_key": source.criterion is not None,
            "criterion": source.criterion,
        },
        {
            "requirement": "组织从业人员学习本案例，开展警示教育，并将防范措施落实到岗位操作规程。",
            "requirement_en": "Staff have studied the case in a warning-education session; the preventive measures are in the work procedures.",
            "legal_basis": "《中华人民共和国安全生产法》（2021）第二十八条",
            "category": HazardCategory.MANAGEMENT,
            "level": "general",
            "is_key": False,
        },
    ]
    current = ChecklistTemplate.objects.current().prefetch_related("items")
    related = [t for t in current if t.sector_id in source.sector_codes and not t.source_type] or [
        t for t in current if not t.source_type
    ]
    pool = {}
    for template in related:
        for item in template.items.all():
            pool[item.pk] = item
    scores = bm25_scores(
        tokens(source.text), {pk: tokens(f"{i.requirement} {i.legal_basis}") for pk, i in pool.items()}
    )
    best = sorted(scores, key=lambda pk: (-scores[pk], pk))[:RELATED_ITEMS]
    if len(best) < RELATED_ITEMS:
        key_items = [pk for pk, i in sorted(pool.items()) if i.is_key and pk not in best]
        best += key_items[: RELATED_ITEMS - len(best)]
    for pk in best:
        item = pool[pk]
        items.append(
            {
                "requirement": item.requirement,
                "requirement_en": item.requirement_en,
                "legal_basis": item.legal_basis,
                "category": item.category,
                "level": item.level,
                "is_key": item.is_key,
                "criterion": item.criterion_id,
            }
        )
    return items


@transaction.atomic
def launch_followup(*, actor, source: SourceCase, enterprise_ids, name: str = "", deadline=None):
    """One action: the chosen enterprises, a checklist from the case, a campaign, tasks with a deadline."""
    POLICY.require(actor, "plan", _("Your role may not launch campaigns."))
    ids = sorted({int(i) for i in enterprise_ids or [] if str(i).isdigit()})
    if not ids:
        raise InvalidInput.field("enterprises", _("Choose at least one enterprise."))
    chosen = list(Enterprise.objects.visible_to(actor).filter(pk__in=ids).prefetch_related("sectors"))
    if len(chosen) != len(ids):
        raise InvalidInput.field("enterprises", _("Choose enterprises in your area."))
    reasons = {
        m.enterprise.pk: m.reasons for m in rank_similar(actor, source, limit=10000) if m.enterprise.pk in ids
    }
    today = timezone.localdate()
    due = deadline or today + timezone.timedelta(days=30)
    template = create_template(
        actor=actor,
        data={
            "family": f"followup-{source.type.split('.')[-1]}-{source.id}",
            "name": f"举一反三检查表：{source.title}"[:120],
            "name_en": f"Learn-from-one-case checklist: {source.title}"[:160],
            "sector": sorted(source.sector_codes)[0] if source.sector_codes else None,
            "topic": "举一反三",
            "topic_en": "Learn from one case",
            "description": source.label,
        },
        items=followup_items(source),
        source_type=source.type,
        source_id=source.id,
        check_role=False,
    )
    _towns, limit_sectors = planner_limits(actor)
    target_sectors = {s.pk for e in chosen for s in e.sectors.all()}
    sectors = (source.sector_codes & target_sectors) or target_sectors
    if limit_sectors:
        sectors = (sectors & limit_sectors) or (target_sectors & limit_sectors) or sectors
    campaign = launch_campaign(
        actor=actor,
        data={
            "name": name or _("Learn from one case: %(case)s") % {"case": source.title},
            "goal": _("Find and remove the same exposure as in %(case)s at similar enterprises.")
            % {"case": source.label},
            "sectors": sorted(sectors),
            "towns": sorted({e.town_id for e in chosen}),
            "start_date": today,
            "end_date": due,
            "template": template,
        },
        targets=ids,
        kind=CampaignKind.FOLLOWUP,
        source_type=source.type,
        source_id=source.id,
        source_label=source.label,
        match_reasons=reasons,
    )
    assign_tasks(actor=actor, campaign=campaign, deadline=due)
    return campaign
