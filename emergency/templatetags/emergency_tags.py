"""Template helpers of the emergency pages."""

from django import template

from emergency import selectors

register = template.Library()


@register.filter
def team_flags_on(team, today) -> list[str]:
    """What keeps this team below its norm on `today` (its `people` prefetched by the list)."""
    return selectors.team_flags([team], today=today)[0][1]
