"""Rescue team heads and members with their certificates (R-EMG-6): records on pages and the API, the
norm judged from them, certificates flagged before and after they expire, scope by town."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from emergency import selectors, services
from emergency.models import RescueTeam, TeamMember


@pytest.fixture
def station(persona, district):
    def make(town="duruan", name=None):
        return services.register_team(
            actor=persona("admin"),
            data={
                "kind": "micro_fire",
                "name": name or f"{town}社区微型消防站",
                "town": district[town].pk,
                "duty_24h": True,
                "response_minutes": 3,
            },
        )

    return make


def member(team, actor, **more):
    data = {"team": team.pk, "name": "李四", "role": "member", "phone": "13800138000", **more}
    return services.add_team_member(actor=actor, data=data)


def test_a_town_adds_members_on_the_page_until_the_station_meets_the_norm(as_user, persona, station):
    team = station()
    client = as_user("duruan")
    url = reverse("emergency:member_create", args=[team.pk])
    assert client.get(url).status_code == 200
    people = [("王五", "head")] + [(f"队员{n}", "member") for n in range(5)]
    for name, role in people[:-1]:
        assert client.post(url, {"name": name, "role": role, "phone": "13800138000"}).status_code == 302
    page = client.get(reverse("emergency:team_detail", args=[team.pk])).content.decode()
    assert 'data-testid="team-flags"' in page  # a head and four members: below the norm
    client.post(url, {"name": people[-1][0], "role": "member", "phone": "13800138000"})
    page = client.get(reverse("emergency:team_detail", args=[team.pk])).content.decode()
    assert selectors.team_flags([RescueTeam.objects.get(pk=team.pk)])[0][1] == []
    assert 'data-testid="team-flags"' not in page and page.count('data-label="队内职务"') == 6


@pytest.mark.parametrize(
    "change,field",
    [
        ({"phone": "1234"}, "phone"),
        ({"name": ""}, "name"),
        ({"role": "captain"}, "role"),
        ({"certificate_type": "firefighter"}, "certificate_number"),
        ({"certificate_number": "XF001"}, "certificate_type"),
        (
            {
                "certificate_type": "firefighter",
                "certificate_number": "X1",
                "certificate_expires": "2026-13-01",
            },
            "certificate_expires",
        ),
    ],
)
def test_a_bad_member_is_refused_naming_the_field_and_keeping_the_input(as_user, station, change, field):
    team = station()
    data = {"name": "李四", "role": "member", "phone": "13800138000", **change}
    response = as_user("duruan").post(reverse("emergency:member_create", args=[team.pk]), data)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert response.context["form"]["phone"].value() == data["phone"]
    assert not TeamMember.objects.filter(team=team).exists()


def test_certificates_are_flagged_before_and_after_they_expire(as_user, persona, station):
    team = station()
    today = timezone.localdate()
    admin = persona("admin")
    cert = {"certificate_type": "firefighter", "certificate_number": "XF0001"}
    member(team, admin, name="快到期", certificate_expires=today + dt.timedelta(days=10), **cert)
    member(team, admin, name="已过期", certificate_expires=today - dt.timedelta(days=1), **cert)
    member(team, admin, name="有效", certificate_expires=today + dt.timedelta(days=200), **cert)
    page = as_user("duruan").get(reverse("emergency:team_detail", args=[team.pk])).content.decode()
    assert page.count('data-testid="certificate-expiring"') == 1
    assert page.count('data-testid="certificate-expired"') == 1
    assert selectors.expiring_certificates([team]) == {team.pk: 1}
    flags = selectors.team_flags([team])[0][1]
    assert any("1" in f for f in flags)  # one certificate expired, besides the missing head and members


def test_an_edit_with_a_stale_version_is_a_conflict(as_user, persona, station):
    team = station()
    person = member(team, persona("admin"))
    services.update_team_member(
        person,
        actor=persona("admin"),
        version=1,
        data={"name": "李四", "role": "head", "phone": "13800138000"},
    )
    url = reverse("emergency:member_edit", args=[person.pk])
    response = as_user("duruan").post(
        url, {"name": "赵六", "role": "member", "phone": "13800138000", "version": 1}
    )
    assert response.status_code == 409
    person.refresh_from_db()
    assert (person.name, person.role, person.version) == ("李四", "head", 2)


def test_a_town_sees_and_edits_only_its_own_teams_members(as_user, api_as, persona, station):
    mine, other = station("duruan"), station("baisha")
    own, theirs = member(mine, persona("admin")), member(other, persona("admin"))
    client = as_user("duruan")
    assert client.get(reverse("emergency:team_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("emergency:member_create", args=[other.pk])).status_code == 404
    assert client.get(reverse("emergency:member_edit", args=[theirs.pk])).status_code == 404
    assert as_user("leader").get(reverse("emergency:member_edit", args=[own.pk])).status_code == 403
    api = api_as("duruan")
    ids = {row["id"] for row in api.get("/api/v1/rescue-team-members/").json()["results"]}
    assert own.pk in ids and theirs.pk not in ids
    assert api.get(f"/api/v1/rescue-team-members/{theirs.pk}/").status_code == 404
    body = {"team": other.pk, "name": "x", "role": "member", "phone": "13800138000"}
    response = api.post("/api/v1/rescue-team-members/", body, format="json")
    assert response.status_code == 400 and "team" in response.json()
    assert not TeamMember.objects.filter(name="x").exists()


def test_the_api_keeps_members_and_answers_the_counts(api_as, persona, station):
    team = station()
    api = api_as("duruan")
    body = {"team": team.pk, "name": "王五", "role": "head", "phone": "13800138000"}
    created = api.post("/api/v1/rescue-team-members/", body, format="json")
    assert created.status_code == 201, created.json()
    row = created.json()
    assert row["role"] == "head" and row["certificate_state"] == ""
    bad = api.put(f"/api/v1/rescue-team-members/{row['id']}/", {**body, "phone": "1"}, format="json")
    assert bad.status_code == 400 and "phone" in bad.json()
    body.update(certificate_type="first_aid", certificate_number="JH01", version=row["version"])
    updated = api.put(f"/api/v1/rescue-team-members/{row['id']}/", body, format="json")
    assert updated.status_code == 200 and updated.json()["version"] == 2
    stale = api.put(f"/api/v1/rescue-team-members/{row['id']}/", body, format="json")
    assert stale.status_code == 409
    teams = {t["id"]: t for t in api.get("/api/v1/rescue-teams/").json()["results"]}
    assert (teams[team.pk]["members"], teams[team.pk]["certified_members"]) == (0, 1)
    assert api_as("leader").post("/api/v1/rescue-team-members/", body, format="json").status_code == 403
