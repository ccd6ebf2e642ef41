from django import template

from audit.labels import describe

register = template.Library()


@register.filter
def timeline_entries(events) -> list[dict]:
    """`{% for e in events|timeline_entries %}`: verbs and real names for the shared timeline include."""
    return [describe(e) for e in events]
