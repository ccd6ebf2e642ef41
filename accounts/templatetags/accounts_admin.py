"""Template filters of the System area: which of its sections the user may open."""

from django import template

register = template.Library()


@register.filter
def manages_users(user) -> bool:
    from accounts.services import USER_MANAGER_ROLES

    return user.has_role(*USER_MANAGER_ROLES)


@register.filter
def manages_configuration(user) -> bool:
    from registry.policy import CONFIGURATION_MANAGERS

    return user.has_role(*CONFIGURATION_MANAGERS)
