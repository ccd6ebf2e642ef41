"""One permission vocabulary: each app declares who may do what, once, and services, pages and the API read it.

    POLICY = Policy("accidents", {
        "record_accident": RECORDERS,
        "investigate": {Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER},
    })

    POLICY.can(user, "investigate")        # a page's button, a panel's visibility
    POLICY.require(user, "investigate")    # a service's first check: NotAllowed (403) otherwise

A role answers "may this kind of user ever do this"; where an object narrows it further (own enterprise,
the listing department), the app's workflow transition carries a guard — or, for an action that is not a
transition (managing an account, reading its ID number), the policy's own `guards`:

    POLICY = Policy("accounts", {"manage_account": MANAGERS}, guards={"manage_account": within_reach})
    POLICY.can(actor, "manage_account", account)    # the roles, then within_reach(actor, account)

Without an object, `can` answers for the role alone (a menu entry); with one, the guard decides too. Scope is always
`core.scoping` (`visible_to`, `in_scope`, `object_in_scope`) — never a copy. The state transitions of a
workflow object declare their roles in the workflow table itself (core/workflow.py); a policy holds the
app's other actions (creating records, settings, reference data). `POLICIES` lists every app's policy for
the access-control tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from core.errors import NotAllowed


class Policy:
    def __init__(
        self,
        app: str,
        rules: Mapping[str, Iterable[str]],
        *,
        message=None,
        guards: Mapping[str, Callable[[Any, Any], bool]] | None = None,
    ):
        self.app = app
        self.rules: dict[str, frozenset[str]] = {action: frozenset(roles) for action, roles in rules.items()}
        self.message = message
        # (user, obj) → bool: the object rule of an action, read after its roles (never instead of them).
        self.guards = dict(guards or {})
        unknown = set(self.guards) - set(self.rules)
        if unknown:
            raise ValueError(f"{app}: guards for undeclared actions {sorted(unknown)}")
        POLICIES[app] = self

    def roles(self, action: str) -> frozenset[str]:
        return self.rules[action]  # an undeclared action is a programming error (KeyError), never "allowed"

    def can(self, user, action: str, obj=None) -> bool:
        if not (getattr(user, "is_authenticated", False) and user.role_codes & self.roles(action)):
            return False
        guard = self.guards.get(action)
        return obj is None or guard is None or bool(guard(user, obj))

    def require(self, user, action: str, message=None, obj=None) -> None:
        if not self.can(user, action, obj):
            raise NotAllowed(message or self.message or _("Your role may not do this."))

    def __contains__(self, action: str) -> bool:
        return action in self.rules


POLICIES: dict[str, Policy] = {}
