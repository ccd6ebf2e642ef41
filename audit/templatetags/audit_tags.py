from django import template

from audit.labels import describe

register = template.Library()


@register.filter
def timeline_entries(events, viewer=None) -> list[dict]:
    """`{% for e in events|timeline_entries:request.user %}`: verbs and real names for the shared timeline
    include; a changed link is named only when the viewer may see the record it points to."""
    return [describe(e, viewer) for e in events]
