"""Which towns' preparedness a user follows: the district sees every town, a town officer its own."""

from core.choices import Role
from core.scoping import scope_of


def visible_towns(user):
    from registry.models import Jurisdiction

    towns = Jurisdiction.objects.towns().filter(is_active=True).order_by("code")
    scope = scope_of(user)
    if scope.district or (
        getattr(user, "is_authenticated", False) and Role.DEPARTMENT_OFFICER in user.role_codes
    ):
        return towns  # the bureau's officers follow every town's reserves
    return towns.filter(pk__in=scope.town_ids)
