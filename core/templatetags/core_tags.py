from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (pagination, sorting keep the filters)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def sort_link(context, field: str, label) -> str:
    request = context["request"]
    current = request.GET.get("sort", "")
    descending = current == field
    target = f"-{field}" if descending else field
    query = request.GET.copy()
    query["sort"] = target
    query.pop("page", None)
    arrow = "▲" if current == field else ("▼" if current == f"-{field}" else "")
    return format_html('<a href="?{}" class="link-dark">{} {}</a>', query.urlencode(), label, arrow)


@register.filter
def colour_badge(colour: str) -> str:
    return f"rl-colour-{colour}" if colour else "text-bg-light"
