"""Which towns' preparedness a user follows: the district sees every town, a town officer its own."""

from django.http import Http404
from django.utils.translation import gettext as _

from core.choices import Role
from core.params import ID_MAX, BadParameter
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


def picked_town(user, raw: str | None):
    """The town chosen with ?town= (None when none is), read once for the page, its map and its report so
    that they always show the same town. Not an id → 400 (a 404 would hide a typo); a town the user does
    not follow → 404, as any record out of scope."""
    value = (raw or "").strip()
    if not value:
        return None
    # Bounded so that a huge number is refused here rather than overflowing the database's integer.
    if not (value.isdigit() and 0 < int(value) <= ID_MAX):
        raise BadParameter(_("Choose a town or street from the list."))
    town = visible_towns(user).filter(pk=int(value)).first()
    if town is None:
        raise Http404
    return town
