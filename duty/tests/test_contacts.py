"""The contact directory (通讯录) of the duty room: search by name, unit, position and phone on the page and
in the API, who reads it, and a search that never reveals the hidden digits of a masked number."""

from __future__ import annotations

import pytest

from duty.models import Contact

API = "/api/v1/duty/contacts/"
PAGE = "/duty/contacts/"


@pytest.fixture
def contacts(district):
    """Three officials of names, units and numbers the demo directory never uses."""
    return {
        "duruan": Contact.objects.create(
            name="司徒明远",
            unit="杜阮镇防汛值守组",
            title="组长",
            phone="13987650012",
            town=district["duruan"],
        ),
        "baisha": Contact.objects.create(
            name="欧阳静澜",
            unit="白沙街道防汛值守组",
            title="副组长",
            phone="15823460098",
            town=district["baisha"],
        ),
        "bureau": Contact.objects.create(
            name="端木清和",
            unit="区水利局三防办",
            title="值班科长",
            phone="18677770045",
            office_phone="0750-3398812",
        ),
    }


def _api_names(client, q):
    response = client.get(API, {"q": q, "page_size": 200})
    assert response.status_code == 200
    return {row["name"] for row in response.json()["results"]}


def _page_names(client, q, candidates):
    response = client.get(PAGE, {"q": q})
    assert response.status_code == 200
    page = response.content.decode()
    return {name for name in candidates if name in page}


@pytest.mark.parametrize(
    "q, found",
    [
        ("司徒", {"司徒明远"}),  # name
        ("防汛值守组", {"司徒明远", "欧阳静澜"}),  # unit
        ("水利局三防", {"端木清和"}),
        ("副组长", {"欧阳静澜"}),  # position
        ("98765", {"司徒明远"}),  # the middle of a mobile number
        ("3460098", {"欧阳静澜"}),
        ("3398812", {"端木清和"}),  # an office line
        ("0750-33988", {"端木清和"}),
        ("139 8765 0012", {"司徒明远"}),  # typed with spaces as it is read out
        ("不存在的人", set()),
    ],
)
def test_the_duty_room_finds_a_contact_by_name_unit_position_or_phone(api_as, as_user, contacts, q, found):
    """R-DUTY-1: the duty room reaches officials fast, by any part it knows, on the page as in the API."""
    names = {c.name for c in contacts.values()}
    assert _api_names(api_as("duty"), q) & names == found
    assert _page_names(as_user("duty"), q, names) == found


def test_a_search_answers_only_matching_contacts(api_as, contacts):
    """R-DUTY-1: a name search narrows the whole directory to the one person."""
    assert Contact.objects.count() > 10
    rows = api_as("duty").get(API, {"q": "司徒明远"}).json()
    assert rows["count"] == 1
    [row] = rows["results"]
    assert (row["unit"], row["title"], row["phone"]) == ("杜阮镇防汛值守组", "组长", "13987650012")


def test_the_directory_is_the_officials_an_enterprise_finds_no_one(api_as, as_user, contacts):
    """R-REG-2: the directory holds officials' numbers for officials only; every official reads all of it
    (a town calls its neighbours and the bureau), an enterprise reads none of it."""
    names = {c.name for c in contacts.values()}
    town = api_as("duruan")
    assert _api_names(town, "防汛值守组") == {"司徒明远", "欧阳静澜"}
    assert _api_names(town, "端木") == {"端木清和"}
    enterprise = api_as("ent_duruan")
    assert enterprise.get(API, {"q": "司徒"}).json()["count"] == 0
    assert enterprise.get(API, {"q": "98765"}).json()["count"] == 0
    assert _page_names(as_user("ent_duruan"), "司徒", names) == set()


def test_a_masked_reader_cannot_find_a_mobile_by_its_hidden_digits(api_as, as_user, contacts):
    """R-REG-2: a leader sees 139****0012; a search by the hidden middle digits must not tell them, while
    the shown name and the office line (not personal) are still searchable."""
    names = {c.name for c in contacts.values()}
    leader = api_as("leader")
    assert _api_names(leader, "98765") == set()
    assert _api_names(leader, "13987650012") == set()
    assert _page_names(as_user("leader"), "98765", names) == set()
    [row] = leader.get(API, {"q": "司徒明远"}).json()["results"]
    assert row["phone"] == "139****0012"
    assert _api_names(leader, "3398812") == {"端木清和"}


def test_the_search_box_says_what_it_searches(as_user, contacts):
    """R-DUTY-1: the page tells the duty room that a number is searchable too (Chinese first)."""
    page = as_user("duty").get(PAGE).content.decode()
    assert 'placeholder="姓名、单位、职务或电话号码"' in page
