"""The demo district (issue 2 §8): deterministic from its seed, valid data placed inside its towns, the
accounts of API.md, scalable, and never loaded over existing data."""

import hashlib
import io
import json
import random

import pytest
from django.core.management import call_command
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from conftest import DISTRICT_SEED, SMALL_DISTRICT_ENTERPRISES
from core.choices import Role
from core.scoping import scope_of
from registry.demo import ACCOUNTS, DEMO_PASSWORD, TOWNS, build_enterprises, build_registry
from registry.models import Enterprise, Jurisdiction
from registry.validators import credit_code_error


def registry_digest(enterprises) -> str:
    """What the registry builder decides about each enterprise, in creation order."""
    rows = [
        [
            e.name,
            e.credit_code,
            e.town.code,
            e.village.code if e.village else None,
            e.address,
            sorted(s.code for s in e.sectors.all()),
            e.sub_sector,
            e.scale,
            e.employees,
            e.legal_representative,
            e.principal_name,
            e.principal_phone,
            e.safety_manager_name,
            e.safety_manager_phone,
            str(e.lat),
            str(e.lng),
        ]
        for e in enterprises
    ]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def demo_enterprises():
    """The enterprises the session's demo build made (fresh database, seed DISTRICT_SEED)."""
    return (
        Enterprise.objects.filter(credit_code__startswith="91440703MA")
        .select_related("town", "village")
        .prefetch_related("sectors")
        .order_by("id")[:SMALL_DISTRICT_ENTERPRISES]
    )


def test_a_second_build_from_the_same_seed_gives_the_same_district(district):
    original = registry_digest(demo_enterprises())
    first_new_id = Enterprise.objects.order_by("-id").values_list("id", flat=True).first() + 1
    # Move the first build out of the generator's way (its names and codes can never be generated), so
    # the second build meets exactly what a fresh database offers it.
    Enterprise.objects.update(
        name=Concat(Value("旧"), "name"), credit_code=Concat(Value("X"), Substr("credit_code", 2))
    )
    build_registry(rng=random.Random(f"{DISTRICT_SEED}:registry"), enterprises=SMALL_DISTRICT_ENTERPRISES)
    rebuilt = (
        Enterprise.objects.filter(id__gte=first_new_id)
        .select_related("town", "village")
        .prefetch_related("sectors")
        .order_by("id")
    )
    assert rebuilt.count() == SMALL_DISTRICT_ENTERPRISES
    assert registry_digest(rebuilt) == original


def test_another_seed_gives_another_district(district):
    towns = list(Jurisdiction.objects.towns().order_by("code"))
    for town, spec in zip(towns, TOWNS, strict=True):
        town.radius = spec[6]
    a = build_enterprises(random.Random("a"), towns, 5)
    b = build_enterprises(random.Random("b"), towns, 5)
    assert [e.credit_code for e in a] != [e.credit_code for e in b]


def test_the_district_has_its_eight_towns_and_streets_with_villages(district):
    assert sorted(district) == [
        "baisha",
        "beijie",
        "chaolian",
        "didong",
        "duruan",
        "hetang",
        "huanshi",
        "tangxia",
    ]
    assert {t.kind for t in district.values()} == {"town", "street"}
    assert district["duruan"].name == "杜阮镇" and district["duruan"].kind == "town"
    assert district["baisha"].name == "白沙街道" and district["baisha"].kind == "street"
    root = Jurisdiction.objects.get(code="440703")
    assert {t.parent_id for t in district.values()} == {root.pk}
    for town in district.values():
        assert town.children.exists()
        assert all(v.code.startswith(town.code) for v in town.children.all())


def test_every_credit_code_is_valid_and_unique(district):
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    assert [c for c in codes if credit_code_error(c)] == []
    assert len(codes) == len(set(codes))


def test_every_enterprise_lies_inside_its_towns_boundary_box(district):
    boxes = {}
    for town in district.values():
        lats = [p[0] for p in town.boundary]
        lngs = [p[1] for p in town.boundary]
        assert len(town.boundary) >= 3
        boxes[town.pk] = (min(lats), max(lats), min(lngs), max(lngs))
    outside = [
        e.name
        for e in demo_enterprises()
        if not (
            boxes[e.town_id][0] <= float(e.lat) <= boxes[e.town_id][1]
            and boxes[e.town_id][2] <= float(e.lng) <= boxes[e.town_id][3]
        )
    ]
    assert outside == []


def test_enterprises_have_realistic_registry_data(district):
    for e in demo_enterprises():
        assert e.name.startswith("江门市") and e.name.endswith(("公司", "厂"))
        assert e.town.name in e.address
        assert e.village is None or e.village.parent_id == e.town_id
        assert e.sectors.exists()
        assert e.principal_phone.isdigit() and len(e.principal_phone) == 11
        assert e.employees and e.employees > 0
        assert e.status_changes.exists()


def test_sectors_are_weighted_like_a_manufacturing_district(district):
    enterprises = demo_enterprises()
    trade = sum(1 for e in enterprises if "industry_trade" in e.sector_codes())
    assert trade > len(enterprises) / 2


EXPECTED_ACCOUNTS = {
    "admin": ({Role.DISTRICT_ADMIN}, "district"),
    "leader": ({Role.DISTRICT_LEADER}, "district"),
    "yjj": ({Role.DEPARTMENT_OFFICER}, {"industry_trade", "hazardous_chemicals", "confined_space"}),
    "jtj": ({Role.DEPARTMENT_OFFICER}, {"road_traffic", "water_transport"}),
    "duruan": ({Role.TOWN_OFFICER}, "440703100"),
    "baisha": ({Role.TOWN_OFFICER}, "440703001"),
    "inspector_duruan": ({Role.INSPECTOR}, "440703100"),
    "ent_duruan": ({Role.ENTERPRISE_USER}, "enterprise"),
    "duty": ({Role.DUTY_OFFICER}, "district"),
    "sysadmin": ({Role.SYSTEM_ADMIN}, None),
    "secadmin": ({Role.SECURITY_ADMIN}, None),
    "auditadmin": ({Role.AUDIT_ADMIN}, None),
}


@pytest.mark.parametrize("username", list(EXPECTED_ACCOUNTS))
def test_the_accounts_of_api_md_have_their_roles_and_scopes(username, persona):
    user = persona(username)
    roles, expected_scope = EXPECTED_ACCOUNTS[username]
    assert user.role_codes == roles
    assert user.is_active and user.check_password(DEMO_PASSWORD)
    scope = scope_of(user)
    if expected_scope == "district":
        assert scope.district
    elif expected_scope is None:
        assert scope.is_empty
    elif expected_scope == "enterprise":
        assert scope.enterprise_ids == {user.enterprise_id}
        assert user.enterprise.town.code == "440703100"
        assert "industry_trade" in user.enterprise.sector_codes()
    elif isinstance(expected_scope, set):
        assert scope.sector_codes == expected_scope and not scope.town_ids
    else:
        assert scope.town_ids == {Jurisdiction.objects.get(code=expected_scope).pk}


def test_the_demo_account_list_matches_api_md(district):
    assert [a[0] for a in ACCOUNTS] == list(EXPECTED_ACCOUNTS)


def test_the_generator_scales_with_enterprises(district):
    before = Enterprise.objects.count()
    out = io.StringIO()
    call_command("load_demo", "--only", "registry", "--enterprises", "37", "--seed", "99", stdout=out)
    assert Enterprise.objects.count() == before + 37
    assert "Demo district ready." in out.getvalue()


def test_load_demo_if_empty_leaves_a_database_with_data_alone(district):
    before = (Enterprise.objects.count(), Jurisdiction.objects.count())
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert (Enterprise.objects.count(), Jurisdiction.objects.count()) == before
    assert "already has data" in out.getvalue()


def test_demo_logins_prints_every_account(district):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    assert all(username in text for username in EXPECTED_ACCOUNTS)
