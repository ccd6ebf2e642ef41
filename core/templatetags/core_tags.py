from django import template
from django.utils.html import format_html

from core.masking import phone_for

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


def _nav_prefix(url_name: str) -> str:
    # "registry:enterprise_list" → "registry:enterprise"; "hazards:list" → "hazards:".
    namespace, _sep, name = url_name.rpartition(":")
    stem = name.rsplit("_", 1)[0] if "_" in name else ""
    return f"{namespace}:{stem}"


@register.simple_tag(takes_context=True)
def nav_active(context, item) -> bool:
    """Whether a navigation item (or one of its children) is the current page's module."""
    match = getattr(context.get("request"), "resolver_match", None)
    view_name = getattr(match, "view_name", "") or ""
    if not view_name:
        return False
    items = item.children or (item,)
    return any(view_name == i.url_name or view_name.startswith(_nav_prefix(i.url_name)) for i in items)


@register.filter
def visible_children(item, user) -> list:
    return [child for child in item.children if child.visible(user)]


@register.filter
def widget_with_state(field):
    """Render a bound field's widget with Bootstrap's control style (unless the form gave it a class of its
    own) and `is-invalid` when it has errors."""
    css = field.field.widget.attrs.get("class", "") or _control_class(field)
    if field.errors:
        css = f"{css} is-invalid"
    return field.as_widget(attrs={"class": css})


def _control_class(field) -> str:
    return (
        "form-select"
        if field.widget_type in ("select", "selectmultiple", "nullbooleanselect")
        else "form-control"
    )


@register.filter
def filter_control(field):
    """A filter bar's non-choice input (a date, a number) with the small Bootstrap control style."""
    return field.as_widget(attrs={"class": "form-control form-control-sm"})


@register.filter
def may_change_settings(user) -> bool:
    from core.services import may_change_settings as allowed

    return allowed(user)


@register.filter
def phone_seen_by(value, user) -> str:
    """A phone number as this user may see it (masked unless the user may see personal data)."""
    return phone_for(user, value)
