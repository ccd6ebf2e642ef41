"""The one permission vocabulary (core/policy.py) and the apps' policies declared with it."""

import pytest

from core.choices import Role
from core.errors import NotAllowed
from core.policy import POLICIES, Policy


def test_can_and_require_read_the_declared_roles(persona):
    policy = Policy("example", {"approve": {Role.DISTRICT_ADMIN}})
    assert policy.can(persona("admin"), "approve")
    assert not policy.can(persona("duruan"), "approve")
    with pytest.raises(NotAllowed):
        policy.require(persona("duruan"), "approve")
    policy.require(persona("admin"), "approve")


def test_an_undeclared_action_is_an_error_never_a_permission(persona):
    policy = Policy("example", {"approve": {Role.DISTRICT_ADMIN}})
    with pytest.raises(KeyError):
        policy.can(persona("admin"), "delete")


def test_an_anonymous_user_may_nothing():
    from django.contrib.auth.models import AnonymousUser

    assert not Policy("example", {"approve": set(Role.values)}).can(AnonymousUser(), "approve")


def test_the_apps_declare_their_policies():
    import accidents.services.roles  # noqa: F401
    import accounts.services  # noqa: F401
    import core.services  # noqa: F401
    import inspections.services.common  # noqa: F401
    import registry.services  # noqa: F401
    import risk.services  # noqa: F401

    assert {"accidents", "accounts", "core", "inspections", "registry", "risk"} <= set(POLICIES)
    assert POLICIES["core"].roles("change_settings") == {Role.SYSTEM_ADMIN}
