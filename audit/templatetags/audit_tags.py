from django import template
from django.apps import apps

from audit.labels import action_label, describe
from core.choices import Role

register = template.Library()


@register.filter
def timeline_entries(events, viewer=None) -> list[dict]:
    """`{% for e in events|timeline_entries:request.user %}`: verbs and real names for the shared timeline
    include; a changed link is named only when the viewer may see the record it points to."""
    return [describe(e, viewer) for e in events]


@register.filter
def action_words(action: str) -> str:
    """An event's action as words (签发接口令牌), for the audit administrator's log beside its code."""
    return action_label(action)


@register.filter
def role_names(codes) -> str:
    """Role codes as their names (区级管理员、…): the audit log names roles, never their codes."""
    names = dict(Role.choices)
    return "、".join(str(names.get(code, code)) for code in codes or ())


@register.filter
def record_kind(target_type: str) -> str:
    """`hazards.hazard` as 隐患: the model's name; an unknown type (a removed model) as it was stored."""
    try:
        return str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return target_type
