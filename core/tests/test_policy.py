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
    import accidents.policy  # noqa: F401
    import accountability.policy  # noqa: F401
    import accounts.services  # noqa: F401
    import core.services  # noqa: F401
    import duty.policy  # noqa: F401
    import emergency.policy  # noqa: F401
    import hazards.policy  # noqa: F401
    import inspections.policy  # noqa: F401
    import registry.policy  # noqa: F401
    import risk.policy  # noqa: F401

    assert {
        "accidents",
        "accountability",
        "accounts",
        "core",
        "duty",
        "emergency",
        "hazards",
        "inspections",
        "registry",
        "risk",
    } <= set(POLICIES)
    assert POLICIES["core"].roles("change_settings") == {Role.SYSTEM_ADMIN}


def test_an_object_rule_is_read_after_the_roles(persona):
    """An action that is not a transition narrows by object through the policy's guards (accounts)."""
    policy = Policy(
        "example",
        {"edit_own": {Role.TOWN_OFFICER, Role.DISTRICT_ADMIN}},
        guards={"edit_own": lambda user, obj: obj.pk == user.pk},
    )
    town, admin = persona("duruan"), persona("admin")
    assert policy.can(town, "edit_own")  # no object: the role alone (a menu entry)
    assert policy.can(town, "edit_own", town) and not policy.can(town, "edit_own", admin)
    assert not policy.can(persona("leader"), "edit_own", persona("leader"))  # the roles come first
    with pytest.raises(NotAllowed):
        policy.require(town, "edit_own", obj=admin)
    with pytest.raises(ValueError):
        Policy("example", {"a": {Role.TOWN_OFFICER}}, guards={"b": lambda user, obj: True})


def test_the_accounts_object_rules_are_its_policy(persona):
    from accounts.policy import POLICY

    admin, town = persona("admin"), persona("duruan")
    assert POLICY.can(admin, "manage_account", town) and not POLICY.can(town, "manage_account", admin)
    assert POLICY.can(town, "reveal_id_number", town) and not POLICY.can(town, "reveal_id_number", admin)
    assert not POLICY.can(admin, "change_roles", admin) and POLICY.can(admin, "change_roles", town)
    assert POLICY.can(town, "manage_tokens_of", town) and not POLICY.can(town, "manage_tokens_of", admin)
