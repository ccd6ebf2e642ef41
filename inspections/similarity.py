"""Learn from one case (举一反三): rank the enterprises with the same exposure as an accident or a hazard.

Signals, each with its reason: same sector, same sub-sector, hazards of the same category, the same
equipment or process, and a similar description — jieba segmentation and Okapi BM25 over a document per
candidate (name, business scope, sub-sector, its hazards' titles, equipment and process). Everything reads
through the scoping layer: a user is shown only enterprises (and hazards) in the user's scope.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import jieba
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accidents.models import Accident
from core.scoping import get_visible_or_404
from inspections.choices import HazardCategory, SourceType
from registry.choices import SubSector
from registry.models import Enterprise, Sector

jieba.setLogLevel(logging.WARNING)

# An enterprise's recent hazards describe its exposure; older ones and long tails add little but time.
HAZARD_LOOKBACK_DAYS = 3 * 365
HAZARDS_PER_ENTERPRISE = 20
MAX_HAZARD_ROWS = 50_000
WEIGHTS = {"sector": 3.0, "sub_sector": 2.0, "category": 1.5, "equipment": 2.0, "text": 4.0}
BM25_K1 = 1.5
BM25_B = 0.75
STOPWORDS = frozenset(
    (
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "在",
        "是",
        "有",
        "未",
        "无",
        "对",
        "将",
        "被",
        "把",
        "等",
        "中",
        "后",
        "前",
        "时",
        "为",
        "以",
        "由",
        "从",
        "其",
        "该",
        "这",
        "那",
        "一",
        "个",
        "进行",
        "没有",
        "存在",
        "按照",
        "规定",
        "要求",
        "情况",
        "问题",
        "企业",
        "公司",
        "有限公司",
        "有限",
        "责任",
        "单位",
        "发生",
        "造成",
        "导致",
        "人员",
        "作业",
        "一起",
        # Words every record of the district carries (place names, checklist verdicts).
        "江门",
        "江门市",
        "蓬江",
        "蓬江区",
        "符合",
        "不符合",
        "制定",
        "落实",
        "检查",
    )
)
# GB 6441 accident types → words that describe the exposure, so an accident finds matching enterprises.
ACCIDENT_TERMS = {
    "03": "机械 设备 防护 冲压",
    "04": "起重 吊装 行车 起重机",
    "05": "触电 电气 线路 配电",
    "06": "淹溺 水域 船舶",
    "07": "灼烫 熔融 金属 高温",
    "08": "火灾 消防 可燃物 电气",
    "09": "高处 坠落 脚手架 临边 安全带",
    "10": "坍塌 基坑 脚手架 模板",
    "16": "锅炉 爆炸 压力",
    "17": "压力容器 爆炸 气瓶",
    "18": "爆炸 粉尘 燃气 泄漏",
    "19": "有限空间 中毒 窒息 硫化氢 通风 检测",
}


def tokens(text: str) -> list[str]:
    found = []
    for token in jieba.cut(text or ""):
        token = token.strip().lower()
        if len(token) < 2 or token in STOPWORDS:
            continue
        if not any(unicodedata.category(ch)[0] in "LN" for ch in token):
            continue
        found.append(token)
    return found


@dataclass
class SourceCase:
    type: str
    id: int
    label: str
    enterprise_id: int | None
    sector_codes: set[str]
    sub_sector: str = ""
    category: str = ""
    level: str = "general"
    equipment: str = ""
    process: str = ""
    text: str = ""
    legal_basis: str = ""
    title: str = ""
    criterion: int | None = None  # the major-hazard criterion the case cites (R-INSP-5)


@dataclass
class Match:
    enterprise: Enterprise
    score: float
    reasons: list[str] = field(default_factory=list)


def source_from_hazard(user, hazard_id) -> SourceCase:
    from hazards.models import Hazard

    hazard = get_visible_or_404(Hazard.objects.select_related("enterprise"), user, pk=hazard_id)
    return SourceCase(
        type=SourceType.HAZARD,
        id=hazard.pk,
        # No enterprise name: the follow-up campaign and its checklist reach other towns (need to know).
        label=f"{hazard.title}（{timezone.localdate(hazard.discovered_at):%Y-%m-%d}）",
        enterprise_id=hazard.enterprise_id,
        sector_codes={hazard.sector_id} if hazard.sector_id else set(),
        sub_sector=hazard.enterprise.sub_sector,
        category=hazard.category,
        level=hazard.level,
        criterion=hazard.criterion_id,
        equipment=hazard.equipment,
        process=hazard.process,
        text=" ".join(
            filter(
                None, [hazard.title, hazard.description, hazard.location, hazard.equipment, hazard.process]
            )
        ),
        legal_basis=hazard.legal_basis,
        title=hazard.title,
    )


def source_from_accident(user, accident_id) -> SourceCase:
    """Read an accident defensively: only the fields the follow-up needs."""
    accident = get_visible_or_404(Accident.objects.all(), user, pk=accident_id)
    enterprise = getattr(accident, "enterprise", None)
    parts = [getattr(accident, name, "") or "" for name in ("title", "narrative", "address")]
    investigation = getattr(accident, "investigation", None) if hasattr(accident, "investigation") else None
    for name in ("direct_causes", "indirect_causes", "lessons"):
        parts.append(getattr(investigation, name, "") or "")
    accident_type = getattr(accident, "accident_type", "") or ""
    parts.append(ACCIDENT_TERMS.get(accident_type, ""))
    type_label = (
        accident.get_accident_type_display() if hasattr(accident, "get_accident_type_display") else ""
    )
    parts.append(type_label)
    title = getattr(accident, "title", "") or type_label or str(accident)
    occurred = getattr(accident, "occurred_at", None)
    return SourceCase(
        type=SourceType.ACCIDENT,
        id=accident.pk,
        label=f"{title}（{occurred:%Y-%m-%d}）" if occurred else title,
        enterprise_id=getattr(enterprise, "pk", None),
        sector_codes={accident.sector_id} if getattr(accident, "sector_id", None) else set(),
        sub_sector=getattr(enterprise, "sub_sector", "") or "",
        category="",
        level="general",
        text=" ".join(p for p in parts if p),
        legal_basis="",
        title=title,
    )


def load_source(user, *, accident=None, hazard=None) -> SourceCase:
    try:
        if hazard not in (None, ""):
            return source_from_hazard(user, int(hazard))
        if accident not in (None, ""):
            return source_from_accident(user, int(accident))
    except (TypeError, ValueError):
        raise Http404
    raise Http404


def bm25_scores(query: list[str], documents: dict[int, list[str]]) -> dict[int, float]:
    """Okapi BM25 of one query over the candidates' documents (plain Python; a district has thousands)."""
    if not documents or not query:
        return {}
    n = len(documents)
    avg = sum(len(d) for d in documents.values()) / n or 1.0
    df: Counter = Counter()
    counts = {}
    for key, words in documents.items():
        c = Counter(words)
        counts[key] = c
        df.update(c.keys())
    terms = set(query)
    scores = {}
    for key, c in counts.items():
        length = sum(c.values())
        total = 0.0
        for term in terms:
            f = c.get(term, 0)
            if not f:
                continue
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            total += idf * f * (BM25_K1 + 1) / (f + BM25_K1 * (1 - BM25_B + BM25_B * length / avg))
        if total > 0:
            scores[key] = total
    return scores


def rank_similar(user, source: SourceCase, *, limit: int = 100) -> list[Match]:
    """The enterprises in the user's scope with the same exposure, best first, each with its reasons."""
    candidates = {
        e.pk: e
        for e in Enterprise.objects.visible_to(user)
        .operating()
        .exclude(pk=source.enterprise_id)
        .select_related("town")
    }
    if not candidates:
        return []
    sectors: dict[int, set[str]] = {}
    for enterprise_id, code in Enterprise.sectors.through.objects.filter(
        enterprise_id__in=candidates
    ).values_list("enterprise_id", "sector_id"):
        sectors.setdefault(enterprise_id, set()).add(code)
    hazard_rows: dict[int, list[tuple]] = {}
    try:
        from hazards.models import Hazard

        rows = (
            Hazard.objects.visible_to(user)
            .filter(discovered_at__gte=timezone.now() - dt.timedelta(days=HAZARD_LOOKBACK_DAYS))
            .exclude(pk=source.id if source.type == SourceType.HAZARD else None)
            .order_by("-discovered_at", "-id")
            .values_list("enterprise_id", "category", "equipment", "process", "title")[:MAX_HAZARD_ROWS]
        )
        for enterprise_id, category, equipment, process, title in rows:
            if (
                enterprise_id not in candidates
                or len(hazard_rows.get(enterprise_id, ())) >= HAZARDS_PER_ENTERPRISE
            ):
                continue
            hazard_rows.setdefault(enterprise_id, []).append(
                (category, equipment or "", process or "", title or "")
            )
    except LookupError:
        hazard_rows = {}

    sector_names = {s.pk: s.display_name for s in Sector.objects.all()}
    sub_labels = dict(SubSector.choices)
    query = tokens(source.text)
    equipment_terms = set(tokens(f"{source.equipment} {source.process}"))
    documents = {}
    for pk, enterprise in candidates.items():
        text = " ".join(
            [enterprise.name, enterprise.business_scope or "", str(sub_labels.get(enterprise.sub_sector, ""))]
            + [f"{t} {eq} {pr}" for _c, eq, pr, t in hazard_rows.get(pk, [])]
        )
        documents[pk] = tokens(text)
    text_scores = bm25_scores(query, documents)
    best_text = max(text_scores.values(), default=0.0) or 1.0
    query_set = set(query)

    matches = []
    for pk, enterprise in candidates.items():
        score = 0.0
        reasons = []
        shared = sectors.get(pk, set()) & source.sector_codes
        if shared:
            score += WEIGHTS["sector"]
            names = "、".join(sorted(str(sector_names.get(c, c)) for c in shared))
            reasons.append(_("Same sector: %(names)s") % {"names": names})
        if source.sub_sector and enterprise.sub_sector == source.sub_sector:
            score += WEIGHTS["sub_sector"]
            reasons.append(
                _("Same sub-sector: %(name)s") % {"name": sub_labels.get(enterprise.sub_sector, "")}
            )
        own = hazard_rows.get(pk, [])
        if source.category:
            same = sum(1 for c, *_rest in own if c == source.category)
            if same:
                score += WEIGHTS["category"]
                reasons.append(
                    _("%(n)d earlier hazards of the same category (%(category)s)")
                    % {"n": same, "category": HazardCategory(source.category).label}
                )
        if equipment_terms:
            doc_words = set(documents[pk])
            hit = sorted(equipment_terms & doc_words)
            if hit:
                score += WEIGHTS["equipment"]
                reasons.append(_("Same equipment or process: %(terms)s") % {"terms": "、".join(hit[:5])})
        text_score = text_scores.get(pk, 0.0)
        if text_score > 0:
            score += WEIGHTS["text"] * text_score / best_text
            common = [w for w in dict.fromkeys(documents[pk]) if w in query_set][:6]
            reasons.append(
                _("Similar description (%(percent)d%%): %(words)s")
                % {"percent": round(100 * text_score / best_text), "words": "、".join(common)}
            )
        if reasons:
            matches.append(Match(enterprise=enterprise, score=round(score, 3), reasons=reasons))
    matches.sort(key=lambda m: (-m.score, m.enterprise.name, m.enterprise.pk))
    return matches[:limit]
