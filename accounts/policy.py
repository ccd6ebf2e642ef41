"""Who may do what with accounts: the module's policy (core/policy.py), object rules included.

Separation of duties (三权分立, MLPS 8.1.4.2 d): the system administrator runs the accounts (create,
profile, password, enable/disable) and the configuration but grants no role; the security administrator
grants and revokes roles and withdraws credentials; the audit administrator only reads the audit records.
The district administrator runs its own staff's business accounts as before, and grants business roles
except its own. Services, pages and the API read these rules through `POLICY.can(actor, action, account)`.
"""

from __future__ import annotations

from core.choices import ADMINISTRATOR_ROLES, Role
from core.policy import Policy

USER_MANAGER_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.SYSTEM_ADMIN})
BUSINESS_ROLES = frozenset(Role.values) - ADMINISTRATOR_ROLES
# Who opens the user list: the account managers, and the security administrator to pick whom to grant.
USER_LIST_READERS = USER_MANAGER_ROLES | {Role.SECURITY_ADMIN}
# Who sees and manages every account, the administrators' own included.
ALL_ACCOUNTS_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})
# Roles that must identify officials (R-REG-3): those who manage accounts.
ID_NUMBER_READERS = frozenset({Role.DISTRICT_ADMIN, Role.SYSTEM_ADMIN})
# Who lists and revokes other people's tokens: the security administrator (ASVS 3.5: credentials are
# the security administrator's to withdraw).
TOKEN_ADMIN_ROLES = frozenset({Role.SECURITY_ADMIN})
EVERYONE = frozenset(Role.values)


def grantable_roles(actor) -> frozenset[str]:
    """The roles the actor may grant or revoke (on others only: nobody changes its own roles)."""
    if actor.has_role(Role.SECURITY_ADMIN):
        return frozenset(Role.values)
    if actor.has_role(Role.DISTRICT_ADMIN):
        # Another district administrator is the security administrator's to make.
        return BUSINESS_ROLES - {Role.DISTRICT_ADMIN}
    return frozenset()


def _within_reach(actor, account) -> bool:
    """Accounts holding an administrator role are out of the district administrator's reach: it could
    otherwise reset a security administrator's password and act as one."""
    return actor.has_role(*ALL_ACCOUNTS_ROLES) or not (account.role_codes & ADMINISTRATOR_ROLES)


def _not_oneself(actor, account) -> bool:
    return account.pk != actor.pk


def _own_or_within_reach(actor, account) -> bool:
    """One's own number; others' for the account managers, within their reach."""
    if actor.pk == account.pk:
        return True
    return actor.has_role(*ID_NUMBER_READERS) and POLICY.can(actor, "manage_account", account)


def _own_or_token_admin(actor, owner) -> bool:
    return actor.pk == owner.pk or actor.has_role(*TOKEN_ADMIN_ROLES)


POLICY = Policy(
    "accounts",
    {
        "manage_users": USER_MANAGER_ROLES,
        "manage_account": ALL_ACCOUNTS_ROLES | {Role.DISTRICT_ADMIN},
        "change_roles": frozenset({Role.SECURITY_ADMIN, Role.DISTRICT_ADMIN}),  # as `grantable_roles`
        "reveal_id_number": EVERYONE,  # one's own; others' as `_own_or_within_reach` says
        "manage_tokens_of": EVERYONE,  # one's own; others' for the security administrator
    },
    guards={
        "manage_account": _within_reach,
        "change_roles": _not_oneself,
        "reveal_id_number": _own_or_within_reach,
        "manage_tokens_of": _own_or_token_admin,
    },
)
