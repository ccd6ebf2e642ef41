"""Configuration screens: the jurisdiction tree and the departments, through registry.services."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from registry.models import Department, Enterprise, Jurisdiction

pytestmark = pytest.mark.django_db

MANAGERS = ["admin", "sysadmin"]
OTHERS = ["leader", "yjj", "duruan", "inspector_duruan", "ent_duruan", "duty", "secadmin", "auditadmin"]


@pytest.fixture(autouse=True)
def _second_factor_done(settings):
    # These tests are about configuration; the second factor of privileged roles has its own tests.
    settings.REDLINE_DEMO_MFA_EXEMPT = True


def _pages(district):
    department = Department.objects.get(code="emergency")
    return [
        reverse("registry:admin_jurisdiction_list"),
        reverse("registry:admin_jurisdiction_create"),
        reverse("registry:admin_jurisdiction_edit", args=[district["duruan"].pk]),
        reverse("registry:admin_department_list"),
        reverse("registry:admin_department_create"),
        reverse("registry:admin_department_edit", args=[department.pk]),
    ]


@pytest.mark.parametrize("username", MANAGERS)
def test_configuration_screens_open_for_managers(username, as_user, district):
    client = as_user(username)
    for url in _pages(district):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("username", OTHERS)
def test_configuration_screens_are_forbidden_to_other_roles(username, as_user, district):
    client = as_user(username)
    for url in _pages(district):
        assert client.get(url).status_code == 403, url
    village = district["duruan"].children.first()
    url = reverse("registry:admin_jurisdiction_set_active", args=[village.pk])
    assert client.post(url, {"active": "0"}).status_code == 403
    department = Department.objects.get(code="water")
    url = reverse("registry:admin_department_set_active", args=[department.pk])
    assert client.post(url, {"active": "0"}).status_code == 403
    assert Jurisdiction.objects.get(pk=village.pk).is_active
    assert Department.objects.get(pk=department.pk).is_active


def test_unknown_objects_are_404(as_user):
    client = as_user("admin")
    assert client.get(reverse("registry:admin_jurisdiction_edit", args=[999999])).status_code == 404
    assert client.get(reverse("registry:admin_department_edit", args=[999999])).status_code == 404


def test_tree_lists_every_town_with_its_villages(as_user, district, django_assert_max_num_queries):
    client = as_user("admin")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:admin_jurisdiction_list"))
    html = response.content.decode()
    for town in district.values():
        assert town.name in html
    village = district["duruan"].children.first()
    assert village.name in html
    listed = {t.pk: t for t in response.context["towns"]}
    duruan = listed[district["duruan"].pk]
    assert (
        duruan.enterprise_count
        == Enterprise.objects.filter(town=district["duruan"]).exclude(status="closed").count()
    )


def test_admin_adds_a_village_under_a_town(as_user, district):
    town = district["duruan"]
    response = as_user("admin").post(
        reverse("registry:admin_jurisdiction_create"),
        {
            "code": f"{town.code}901",
            "kind": "village",
            "parent": town.pk,
            "name": "新联村",
            "name_en": "Xinlian",
        },
    )
    assert response.status_code == 302
    village = Jurisdiction.objects.get(code=f"{town.code}901")
    assert village.parent == town and village.kind == "village" and village.is_active
    assert AuditEvent.objects.filter(action="registry.jurisdiction.created", target_id=village.pk).exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"code": "12345"}, "code"),  # wrong length for a village
        ({"code": "440703001901"}, "code"),  # does not start with the parent's code (Baisha's, not Duruan's)
        ({"kind": "town"}, "parent"),  # a town belongs to the district, not to a town
        ({"name": ""}, "name"),
        ({"lat": "123.5"}, "lat"),
        ({"kind": ""}, "kind"),
    ],
)
def test_jurisdiction_errors_are_inline_and_nothing_is_written(as_user, district, overrides, field):
    town = district["duruan"]
    data = {"code": f"{town.code}902", "kind": "village", "parent": town.pk, "name": "新建村", "name_en": ""}
    data.update(overrides)
    before = Jurisdiction.objects.count()
    response = as_user("admin").post(reverse("registry:admin_jurisdiction_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert f'data-field="{field}"' in response.content.decode()
    assert Jurisdiction.objects.count() == before


def test_a_village_name_is_unique_within_its_town(as_user, district):
    town = district["duruan"]
    existing = town.children.first()
    response = as_user("admin").post(
        reverse("registry:admin_jurisdiction_create"),
        {"code": f"{town.code}903", "kind": "village", "parent": town.pk, "name": existing.name},
    )
    assert response.context["form"].errors["name"]


def test_edit_renames_but_keeps_the_code(as_user, district):
    town = district["baisha"]
    response = as_user("sysadmin").post(
        reverse("registry:admin_jurisdiction_edit", args=[town.pk]),
        {
            "name": "白沙街道办",
            "name_en": "Baisha Street Office",
            "code": "999999999",
            "lat": "",
            "lng": "",
            "version": town.version,
        },
    )
    assert response.status_code == 302
    town.refresh_from_db()
    assert town.name == "白沙街道办" and town.code == "440703001"
    # A second manager's form, read before that change, is refused with what they typed kept.
    stale = as_user("admin").post(
        reverse("registry:admin_jurisdiction_edit", args=[town.pk]),
        {"name": "白沙街道", "name_en": "", "lat": "", "lng": "", "version": town.version - 1},
    )
    assert stale.status_code == 409 and 'value="白沙街道"' in stale.content.decode()
    town.refresh_from_db()
    assert town.name == "白沙街道办"
    event = AuditEvent.objects.filter(action="registry.jurisdiction.updated", target_id=town.pk).latest("id")
    assert event.data["changes"]["name"][1] == "白沙街道办"


def test_a_town_that_holds_enterprises_cannot_be_deactivated(as_user, district):
    town = district["duruan"]
    response = as_user("admin").post(
        reverse("registry:admin_jurisdiction_set_active", args=[town.pk]),
        {"active": "0", "version": town.version},
    )
    town.refresh_from_db()
    assert town.is_active
    assert response.status_code == 400  # the list again, with the reason on top
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_an_unused_village_is_deactivated_and_reactivated(as_user, district):
    town = district["hetang"]
    village = Jurisdiction.objects.create(code=f"{town.code}950", name="空置村", kind="village", parent=town)
    client = as_user("admin")
    url = reverse("registry:admin_jurisdiction_set_active", args=[village.pk])
    assert client.post(url, {"active": "0"}).status_code == 400  # the version read is required
    client.post(url, {"active": "0", "version": village.version})
    village.refresh_from_db()
    assert not village.is_active
    assert AuditEvent.objects.filter(
        action="registry.jurisdiction.deactivated", target_id=village.pk
    ).exists()
    # A second manager working from the list read before the deactivation is refused, not applied twice.
    assert client.post(url, {"active": "1", "version": village.version - 1}).status_code == 409
    client.post(url, {"active": "1", "version": village.version})
    village.refresh_from_db()
    assert village.is_active


def test_department_created_with_its_sectors(as_user):
    response = as_user("admin").post(
        reverse("registry:admin_department_create"),
        {
            "code": "agriculture",
            "name": "农业农村局",
            "name_en": "Agriculture Bureau",
            "phone": "0750-3112345",
            "sectors": ["gas"],
        },
    )
    assert response.status_code == 302
    department = Department.objects.get(code="agriculture")
    assert list(department.sectors.values_list("code", flat=True)) == ["gas"]
    assert department.document_abbreviation == ""
    assert AuditEvent.objects.filter(action="registry.department.created", target_id=department.pk).exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"code": "emergency"}, "code"),  # taken
        ({"code": "Bad Code!"}, "code"),
        ({"name": "应急管理局"}, "name"),  # taken
        ({"phone": "12345"}, "phone"),
        ({"sectors": ["no_such_sector"]}, "sectors"),
        ({"document_abbreviation": "蓬 住建"}, "document_abbreviation"),
        ({"document_abbreviation": "蓬住建〔"}, "document_abbreviation"),
    ],
)
def test_department_errors_are_inline(as_user, overrides, field):
    data = {"code": "newdept", "name": "新部门", "name_en": "", "phone": "", "sectors": []}
    data.update(overrides)
    before = Department.objects.count()
    response = as_user("admin").post(reverse("registry:admin_department_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert Department.objects.count() == before


def test_a_change_of_sectors_changes_what_the_department_sees(as_user):
    department = Department.objects.get(code="emergency")
    water = (
        Enterprise.objects.filter(sectors__code="water_transport")
        .exclude(sectors__code__in=["industry_trade", "hazardous_chemicals", "confined_space"])
        .first()
    )
    detail = reverse("registry:enterprise_detail", args=[water.pk])
    assert as_user("yjj").get(detail).status_code == 404
    response = as_user("admin").post(
        reverse("registry:admin_department_edit", args=[department.pk]),
        {
            "name": department.name,
            "name_en": department.name_en,
            "phone": "",
            "sectors": ["industry_trade", "water_transport"],
            "version": department.version,
        },
    )
    assert response.status_code == 302
    assert as_user("yjj").get(detail).status_code == 200
    event = AuditEvent.objects.filter(action="registry.department.updated", target_id=department.pk).latest(
        "id"
    )
    assert event.data["changes"]["sectors"][1] == ["industry_trade", "water_transport"]


def test_a_department_with_active_users_cannot_be_deactivated(as_user):
    department = Department.objects.get(code="emergency")
    as_user("admin").post(
        reverse("registry:admin_department_set_active", args=[department.pk]),
        {"active": "0", "version": department.version},
    )
    department.refresh_from_db()
    assert department.is_active


def test_an_unused_department_is_deactivated(as_user):
    department = Department.objects.get(code="water")
    as_user("sysadmin").post(
        reverse("registry:admin_department_set_active", args=[department.pk]),
        {"active": "0", "version": department.version},
    )
    department.refresh_from_db()
    assert not department.is_active
    assert AuditEvent.objects.filter(
        action="registry.department.deactivated", target_id=department.pk
    ).exists()


def test_the_department_list_names_sectors_left_without_a_department(as_user):
    url = reverse("registry:admin_department_list")
    assert not as_user("admin").get(url).context["unsupervised"].exists()
    market = Department.objects.get(code="market")
    market.sectors.remove("special_equipment")
    unsupervised = as_user("admin").get(url).context["unsupervised"]
    assert [s.code for s in unsupervised] == ["special_equipment"]
