"""Scope: every page and endpoint — other town → 404, lists exclude; roles that see no business data."""

import pytest
from django.utils import timezone

from accidents import library, services
from accidents.models import Accident

pytestmark = pytest.mark.django_db

ACCIDENT_PAGES = ["/accidents/{pk}/", "/accidents/{pk}/edit/", "/accidents/{pk}/express-report.pdf"]
ACCIDENT_POSTS = [
    "/accidents/{pk}/steps/",
    "/accidents/{pk}/supplement/",
    "/accidents/{pk}/reports/",
    "/accidents/{pk}/investigation/open/",
    "/accidents/{pk}/investigation/",
    "/accidents/{pk}/close/",
    "/accidents/{pk}/investigation/findings/",
    "/accidents/{pk}/investigation/measures/",
    "/accidents/{pk}/investigation/report/",
    "/accidents/{pk}/investigation/extend/",
    "/accidents/{pk}/investigation/measures/1/hazard/",
]


@pytest.fixture
def duruan_accident(record):
    return record()


@pytest.mark.parametrize("url", ACCIDENT_PAGES)
def test_another_towns_accident_pages_are_404(as_user, duruan_accident, url):
    assert as_user("baisha").get(url.format(pk=duruan_accident.pk)).status_code == 404
    assert as_user("duruan").get(url.format(pk=duruan_accident.pk)).status_code == 200


@pytest.mark.parametrize("url", ACCIDENT_POSTS)
def test_another_towns_accident_actions_are_404(as_user, duruan_accident, url):
    assert as_user("baisha").post(url.format(pk=duruan_accident.pk), {}).status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/accidents/{pk}/", "/api/v1/accidents/{pk}/reports/"])
def test_another_towns_accident_is_404_in_the_api(api_as, duruan_accident, url):
    assert api_as("baisha").get(url.format(pk=duruan_accident.pk)).status_code == 404
    assert (
        api_as("baisha")
        .patch(f"/api/v1/accidents/{duruan_accident.pk}/", {"deaths": 1}, format="json")
        .status_code
        == 404
    )
    post = api_as("baisha").post(
        f"/api/v1/accidents/{duruan_accident.pk}/report-steps/", {"step": "district_to_city"}, format="json"
    )
    assert post.status_code == 404


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("duruan", True),
        ("baisha", False),
        ("yjj", True),
        ("jtj", False),
        ("admin", True),
        ("leader", True),
        ("duty", True),
        ("inspector_duruan", True),
        ("sysadmin", False),
        ("auditadmin", False),
    ],
)
def test_the_list_holds_exactly_what_the_role_may_see(api_as, as_user, duruan_accident, username, sees):
    ids = [
        a["id"]
        for a in api_as(username).get("/api/v1/accidents/", {"page_size": 200}).json().get("results", [])
    ]
    assert (duruan_accident.pk in ids) is sees
    page = as_user(username).get("/accidents/", {"q": duruan_accident.title})
    assert (f"/accidents/{duruan_accident.pk}/" in page.content.decode()) is sees


def test_the_enterprise_user_sees_only_its_own_enterprises_accidents(api_as, record, persona):
    own = record(enterprise=persona("ent_duruan").enterprise)
    other = record(enterprise=None)
    ids = [
        a["id"] for a in api_as("ent_duruan").get("/api/v1/accidents/", {"page_size": 200}).json()["results"]
    ]
    assert own.pk in ids and other.pk not in ids


PERSONAS = ["admin", "leader", "yjj", "duruan", "inspector_duruan", "ent_duruan", "duty", "sysadmin"]
# (action → personas allowed); every other persona of PERSONAS is refused.
ROLE_TABLE = {
    "record_accident": {"admin", "yjj", "duruan", "ent_duruan", "duty"},
    "update_accident": {"admin", "yjj", "duruan", "ent_duruan", "duty"},
    "supplement_accident": {"admin", "yjj", "duruan", "ent_duruan", "duty"},
    "submit_report": {"admin", "yjj", "duruan", "ent_duruan", "duty"},
    "mark_unit_step": {"admin", "yjj", "duruan", "duty"},
    "mark_escalation_step": {"admin", "duty"},
    "investigate": {"admin", "yjj"},
    "edit_case": {"admin", "yjj"},
    "record_session": {"admin", "yjj", "duruan", "ent_duruan"},
    "change_thresholds": {"admin"},
}


def test_the_role_table_covers_every_action():
    assert set(ROLE_TABLE) == set(services.PERMISSIONS)


@pytest.mark.parametrize("action", sorted(ROLE_TABLE))
@pytest.mark.parametrize("username", PERSONAS)
def test_the_role_table(persona, action, username):
    assert services.can(persona(username), action) is (username in ROLE_TABLE[action])


def test_cases_are_read_by_every_business_role_but_not_by_system_administrators(api_as, persona):
    case = library.add_external_case(actor=persona("yjj"), data={"title": "案例", "summary": "经过"})
    assert api_as("baisha").get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert api_as("sysadmin").get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_sessions_of_another_town_are_hidden(as_user, persona):
    from accidents.models import Case

    session = library.record_session(
        actor=persona("duruan"),
        data={
            "held_on": timezone.localdate(),
            "title": "杜阮学习会",
            "cases": [Case.objects.first()],
            "attendee_count": 5,
        },
    )
    assert as_user("baisha").get(f"/accidents/education/{session.pk}/").status_code == 404
    assert "杜阮学习会" not in as_user("baisha").get("/accidents/education/").content.decode()
    assert as_user("duruan").get(f"/accidents/education/{session.pk}/").status_code == 200


def test_the_department_sees_its_sectors_only(api_as, record, persona):
    road = record("baisha", town="baisha", sector="road_traffic", enterprise=None, accident_type="02")
    assert api_as("jtj").get(f"/api/v1/accidents/{road.pk}/").status_code == 200
    assert api_as("yjj").get(f"/api/v1/accidents/{road.pk}/").status_code == 404
    assert Accident.objects.visible_to(persona("jtj")).filter(pk=road.pk).exists()


@pytest.mark.parametrize("url", ACCIDENT_POSTS)
def test_the_leader_sees_the_accident_but_every_action_is_refused(as_user, duruan_accident, url):
    assert as_user("leader").get(f"/accidents/{duruan_accident.pk}/").status_code == 200
    assert as_user("leader").post(url.format(pk=duruan_accident.pk), {}).status_code == 403
    duruan_accident.refresh_from_db()
    assert duruan_accident.version == 1
