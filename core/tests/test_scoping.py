"""The scoping layer itself (core.scoping): roles to scopes, scopes to querysets, the 404 gate."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.models import UserRole
from core.scoping import EMPTY_SCOPE, get_visible_or_404, scope_of, scope_q
from registry.models import Enterprise


def test_anonymous_and_inactive_users_see_nothing(persona):
    assert scope_of(AnonymousUser()) == EMPTY_SCOPE
    assert scope_of(None) == EMPTY_SCOPE
    user = persona("admin")
    user.is_active = False
    assert scope_of(user) == EMPTY_SCOPE
    assert not Enterprise.objects.visible_to(user).exists()


def test_several_roles_see_the_union_of_their_scopes(persona, district):
    user = persona("duruan")
    UserRole.objects.create(user=user, role="enterprise_user")
    own = Enterprise.objects.filter(town=district["baisha"]).first()
    user.enterprise = own
    user.save(update_fields=["enterprise"])
    user.forget_cached_roles()
    scope = scope_of(user)
    assert scope.town_ids == {district["duruan"].pk}
    assert scope.enterprise_ids == {own.pk}
    visible = set(Enterprise.objects.visible_to(user).values_list("pk", flat=True))
    expected = set(Enterprise.objects.filter(town=district["duruan"]).values_list("pk", flat=True)) | {own.pk}
    assert visible == expected


def test_an_inspector_without_a_town_sees_its_departments_sectors(persona):
    from registry.models import Department

    user = persona("inspector_duruan")
    user.town = None
    user.department = Department.objects.get(code="transport")
    user.save(update_fields=["town", "department"])
    user.forget_cached_roles()
    assert scope_of(user).sector_codes == {"road_traffic", "water_transport"}
    assert not scope_of(user).town_ids


def test_a_town_officer_without_a_town_sees_nothing(persona):
    user = persona("duruan")
    user.town = None
    user.save(update_fields=["town"])
    user.forget_cached_roles()
    assert scope_of(user).is_empty
    assert not Enterprise.objects.visible_to(user).exists()


def test_district_scope_adds_no_filter_and_an_empty_one_matches_nothing(persona):
    assert scope_q(scope_of(persona("leader"))) is None
    q = scope_q(EMPTY_SCOPE)
    assert not Enterprise.objects.filter(q).exists()


def test_a_revoked_role_takes_effect_on_the_next_request(persona, api_as, district):
    UserRole.objects.filter(user=persona("duruan")).delete()
    assert api_as("duruan").get("/api/v1/enterprises/").json()["count"] == 0


@pytest.mark.parametrize("pk", ["abc", None, [1], -1])
def test_the_gate_answers_404_for_odd_lookups(pk, persona):
    with pytest.raises(Http404):
        get_visible_or_404(Enterprise.objects.all(), persona("admin"), pk=pk)


def test_the_gate_answers_404_outside_the_scope(persona, district):
    baisha = Enterprise.objects.filter(town=district["baisha"]).first()
    with pytest.raises(Http404):
        get_visible_or_404(Enterprise.objects.all(), persona("duruan"), pk=baisha.pk)
    assert get_visible_or_404(Enterprise.objects.all(), persona("baisha"), pk=baisha.pk) == baisha
