"""Every transition and role of R-HAZ-2 and R-HAZ-5, as tables: allowed, refused (403), illegal (409)."""

import pytest

from hazards.choices import State
from hazards.models import Hazard
from hazards.rules import TRANSITIONS
from hazards.tests.helpers import in_state

LOOP_ACTIONS = ["assign", "submit", "accept", "reject", "close", "cancel"]
SOURCE = {
    "assign": "reported",
    "submit": "rectifying",
    "accept": "submitted",
    "reject": "submitted",
    "close": "accepted",
    "cancel": "reported",
}
# R-HAZ-5 written out per persona (the hazard belongs to ent_duruan's enterprise, industry and trade, Duruan).
ALLOWED = {
    "assign": {"admin", "yjj", "duruan", "ent_duruan"},
    "submit": {"admin", "yjj", "duruan", "ent_duruan"},
    "accept": {"admin", "yjj", "duruan", "inspector_duruan"},
    "reject": {"admin", "yjj", "duruan", "inspector_duruan"},
    "close": {"admin", "yjj", "duruan"},
    "cancel": {"admin", "yjj", "duruan"},
}
PERSONAS = [
    "admin",
    "leader",
    "yjj",
    "jtj",
    "duruan",
    "baisha",
    "inspector_duruan",
    "ent_duruan",
    "duty",
    "sysadmin",
]
OUT_OF_SCOPE = {"jtj", "baisha"}
# Administrator roles (MLPS separation of duties) never write business data through the API.
ADMINISTRATORS = {"sysadmin"}


@pytest.fixture
def own(persona):
    return persona("ent_duruan").enterprise


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("action", LOOP_ACTIONS)
def test_roles_per_action(api_as, persona, own, action, username):
    hazard = in_state(SOURCE[action], persona, own)
    response = api_as(username).post(
        f"/api/v1/hazards/{hazard.pk}/{action}/", {"version": hazard.version}, format="json"
    )
    if username in OUT_OF_SCOPE:
        expected = {404}
    elif username in ADMINISTRATORS:
        expected = {403}
    elif username in ALLOWED[action]:
        expected = {200, 400}  # allowed: succeeds, or asks for the step's input
    else:
        expected = {403}
    assert response.status_code in expected, (action, username, response.content)
    if response.status_code != 200:
        assert Hazard.objects.get(pk=hazard.pk).version == hazard.version


ILLEGAL = [
    (action, state)
    for action in LOOP_ACTIONS
    for state in State.values
    if state not in TRANSITIONS[action].sources
]


@pytest.mark.parametrize(("action", "state"), ILLEGAL)
def test_every_illegal_transition_is_refused_with_409(api_as, persona, own, action, state):
    hazard = in_state(state, persona, own)
    body = {
        "version": hazard.version,
        "measures": "x",
        "responsible_person": "y",
        "funds": 1,
        "rectification_note": "z",
        "attachments": [],
        "reason": "r",
    }
    username = "duruan" if action in ("accept", "reject") else "admin"
    response = api_as(username).post(f"/api/v1/hazards/{hazard.pk}/{action}/", body, format="json")
    assert response.status_code == 409, (action, state, response.content)
    assert "detail" in response.json()
    assert Hazard.objects.get(pk=hazard.pk).state == state


def test_the_transition_table_matches_the_domain_states():
    """R-HAZ-2: reported → rectifying → submitted → accepted → closed; reject back; cancel as an exit."""
    path = [(t.action, t.sources, t.target) for t in TRANSITIONS.values() if t.target]
    assert ("assign", (State.REPORTED,), State.RECTIFYING) in path
    assert ("submit", (State.RECTIFYING,), State.SUBMITTED) in path
    assert ("accept", (State.SUBMITTED,), State.ACCEPTED) in path
    assert ("reject", (State.SUBMITTED,), State.RECTIFYING) in path
    assert ("close", (State.ACCEPTED,), State.CLOSED) in path
    assert ("cancel", (State.REPORTED, State.RECTIFYING), State.CANCELLED) in path


@pytest.mark.parametrize("username", ["duruan", "inspector_duruan", "ent_duruan", "leader"])
def test_only_a_department_or_the_district_lists_a_major_hazard(api_as, persona, own, username):
    hazard = in_state("rectifying", persona, own, major=True)
    body = {"version": hazard.version, "authority": "区安委办", "due_date": "2099-12-31"}
    assert (
        api_as(username).post(f"/api/v1/hazards/{hazard.pk}/supervise/", body, format="json").status_code
        == 403
    )


def test_a_general_hazard_cannot_be_listed(api_as, persona, own):
    hazard = in_state("rectifying", persona, own)
    body = {"version": hazard.version, "authority": "区安委办", "due_date": "2099-12-31"}
    assert (
        api_as("admin").post(f"/api/v1/hazards/{hazard.pk}/supervise/", body, format="json").status_code
        == 403
    )


@pytest.mark.parametrize(
    ("username", "status"), [("duruan", 403), ("inspector_duruan", 403), ("yjj", 200), ("admin", 200)]
)
def test_a_major_hazard_is_closed_by_the_supervising_department_or_the_district(
    api_as, persona, own, username, status
):
    hazard = in_state("accepted", persona, own, major=True)
    response = api_as(username).post(
        f"/api/v1/hazards/{hazard.pk}/close/", {"version": hazard.version}, format="json"
    )
    assert response.status_code == status


def test_a_district_listed_hazard_is_closed_by_the_district_only(api_as, persona, own):
    from hazards import services

    hazard = in_state("rectifying", persona, own, major=True)
    services.supervise_hazard(
        actor=persona("admin"),
        hazard=hazard,
        version=hazard.version,
        authority="区安委办",
        due_date="2099-12-31",
    )
    hazard.refresh_from_db()
    assert hazard.listing_department_id is None
    from hazards.tests.helpers import photo

    ent = persona("ent_duruan")
    hazard = services.submit_rectification(
        actor=ent, hazard=hazard, version=hazard.version, rectification_note="完成", attachments=[photo(ent)]
    )
    hazard = services.accept_rectification(actor=persona("yjj"), hazard=hazard, version=hazard.version)
    url = f"/api/v1/hazards/{hazard.pk}/close/"
    assert api_as("yjj").post(url, {"version": hazard.version}, format="json").status_code == 403
    assert api_as("admin").post(url, {"version": hazard.version}, format="json").status_code == 200
