"""API permissions shared by every view (REST_FRAMEWORK's defaults). Kept apart from the views module:
DRF imports default permission classes while it is still loading its own views."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from core.choices import ADMINISTRATOR_ROLES


class AdministratorRolesReadOnly(permissions.BasePermission):
    """MLPS 8.1.4.2 d: the system, security and audit administrators never change business data. Checked
    before the body is read, so the answer is 403 whatever the input."""

    message = _("Administrator roles do not change business data.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        roles = getattr(request.user, "role_codes", frozenset())
        return not (roles and roles <= ADMINISTRATOR_ROLES)
