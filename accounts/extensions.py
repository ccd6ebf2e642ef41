from django.utils.translation import gettext_lazy as _

from core.extensions import HomePanel, NavItem, home_panels, nav_items


def _manages_users(user) -> bool:
    from accounts.services import USER_MANAGER_ROLES

    return user.has_role(*USER_MANAGER_ROLES)


def _reads_user_list(user) -> bool:
    from accounts.services import USER_LIST_READERS

    return user.has_role(*USER_LIST_READERS)


def _changes_settings(user) -> bool:
    from core.services import may_change_settings

    return may_change_settings(user)


def _manages_configuration(user) -> bool:
    from registry.policy import CONFIGURATION_MANAGERS

    return user.has_role(*CONFIGURATION_MANAGERS)


nav_items.register(
    NavItem(
        "system",
        _("System"),
        "accounts:admin_user_list",
        90,
        "gear",
        _reads_user_list,
        children=(
            NavItem("system_users", _("Users"), "accounts:admin_user_list", 1, "people", _reads_user_list),
            NavItem(
                "system_jurisdictions",
                _("Towns and villages"),
                "registry:admin_jurisdiction_list",
                2,
                "diagram-3",
                _manages_configuration,
            ),
            NavItem(
                "system_departments",
                _("Departments"),
                "registry:admin_department_list",
                3,
                "bank",
                _manages_configuration,
            ),
            NavItem("system_settings", _("Settings"), "core:admin_settings", 4, "sliders", _changes_settings),
        ),
    )
)


def _accounts_panel(request) -> dict:
    from accounts.selectors import account_summary

    return account_summary()


home_panels.register(
    HomePanel("accounts", 20, "accounts/panels/accounts.html", _accounts_panel, _manages_users)
)


def _watches_security(user) -> bool:
    from accounts.services import UNLOCKERS

    return user.has_role(*UNLOCKERS)


def _security_panel(request) -> dict:
    from accounts.selectors import security_summary
    from accounts.services import USER_MANAGER_ROLES, grantable_roles, may_manage_account

    summary = security_summary()
    for lock in summary["locked"]:
        # An administrator account locked is shown, but not linked or unlockable, to the district
        # administrator (it is out of its reach, issue 19).
        if lock["user"] is not None and not may_manage_account(request.user, lock["user"]):
            lock["user"] = None
    return summary | {
        "manages_users": request.user.has_role(*USER_MANAGER_ROLES),
        "grants_roles": bool(grantable_roles(request.user)),
    }


home_panels.register(
    HomePanel("accounts_security", 21, "accounts/panels/security.html", _security_panel, _watches_security)
)
