"""The enterprise picker's server-side search: by name, unified social credit code or the pinyin initials of
the name (蓬江五金 → pjwj), within what the user may see. Thousands of enterprises never reach the page."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import Q
from pypinyin import Style, lazy_pinyin

from registry.models import Enterprise

LIMIT = 20


@lru_cache(maxsize=20_000)
def initials(name: str) -> str:
    """Lower-case pinyin initials of the Chinese characters of `name` (letters and digits kept as they are)."""
    return "".join(part[:1] for part in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower()


def _is_initials(query: str) -> bool:
    return query.isascii() and query.isalpha() and len(query) >= 2


def search(user, query: str, *, limit: int = LIMIT) -> list[Enterprise]:
    query = (query or "").strip()[:60]
    if not query:
        return []
    scoped = Enterprise.objects.visible_to(user).prefetch_related("sectors").select_related("town")
    direct = list(
        scoped.filter(Q(name__icontains=query) | Q(credit_code__istartswith=query)).order_by("name")[:limit]
    )
    if len(direct) >= limit or not _is_initials(query):
        return direct
    # Initials are matched in Python over the scoped names only (names are cached per process).
    seen = {e.pk for e in direct}
    wanted = query.lower()
    ids = [pk for pk, name in scoped.values_list("pk", "name") if pk not in seen and wanted in initials(name)]
    extra = list(scoped.filter(pk__in=ids[: limit - len(direct)]).order_by("name"))
    return direct + extra


def as_option(enterprise: Enterprise) -> dict:
    sectors = [s.code for s in enterprise.sectors.all()]
    return {
        "id": enterprise.pk,
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "town": enterprise.town.display_name if enterprise.town_id else "",
        "town_id": enterprise.town_id,
        "sector": sectors[0] if sectors else "",
        "sectors": sectors,
    }
