"""One permission vocabulary: each app declares who may do what, once, and services, pages and the API read it.

    POLICY = Policy("accidents", {
        "record_accident": RECORDERS,
        "investigate": {Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER},
    })

    POLICY.can(user, "investigate")        # a page's button, a panel's visibility
    POLICY.require(user, "investigate")    # a service's first check: NotAllowed (403) otherwise

A role answers "may this kind of user ever do this"; where an object narrows it further (own enterprise,
the listing department), the app's workflow transition carries a guard, and scope is always
`core.scoping` (`visible_to`, `in_scope`, `object_in_scope`) — never a copy. The state transitions of a
workflow object declare their roles in the workflow table itself (core/workflow.py); a policy holds the
app's other actions (creating records, settings, reference data). `POLICIES` lists every app's policy for
the access-control tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

from core.errors import NotAllowed


class Policy:
    def __init__(self, app: str, rules: Mapping[str, Iterable[str]], *, message=None):
        self.app = app
        self.rules: dict[str, frozenset[str]] = {action: frozenset(roles) for action, roles in rules.items()}
        self.message = message
        POLICIES[app] = self

    def roles(self, action: str) -> frozenset[str]:
        return self.rules[action]  # an undeclared action is a programming error (KeyError), never "allowed"

    def can(self, user, action: str) -> bool:
        return bool(getattr(user, "is_authenticated", False) and user.role_codes & self.roles(action))

    def require(self, user, action: str, message=None) -> None:
        if not self.can(user, action):
            raise NotAllowed(message or self.message or _("Your role may not do this."))

    def __contains__(self, action: str) -> bool:
        return action in self.rules


POLICIES: dict[str, Policy] = {}
