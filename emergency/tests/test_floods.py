"""Warnings with Guangdong's signal sets (R-EMG-7, grades R-DUTY-5), declared response levels reaching each
town's checklist once, the registers of the three preventions, and micro fire stations (R-EMG-6)."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import Conflict, InvalidInput, NotAllowed
from emergency import rules, selectors, services
from emergency.models import Confirmation, RescueTeam
from registry.models import Jurisdiction


def test_a_rainstorm_has_no_white_or_blue_signal_but_a_typhoon_has(persona):
    start = timezone.now()
    with pytest.raises(InvalidInput) as caught:
        services.issue_warning(
            actor=persona("duty"),
            data={"hazard": "rainstorm", "signal": "white", "area": "全区", "valid_from": start},
        )
    assert "signal" in caught.value.errors
    warning = services.issue_warning(
        actor=persona("duty"),
        data={"hazard": "typhoon", "signal": "white", "area": "全区", "valid_from": start},
    )
    assert (
        rules.grade_of(warning.signal) == ""
        and rules.grade_of("red") == "I"
        and rules.grade_of("blue") == "IV"
    )


def test_a_warning_ends_after_it_starts_and_only_the_duty_room_enters_it(persona):
    start = timezone.now()
    with pytest.raises(InvalidInput) as caught:
        services.issue_warning(
            actor=persona("duty"),
            data={
                "hazard": "rainstorm",
                "signal": "red",
                "area": "杜阮镇",
                "valid_from": start,
                "valid_until": start - dt.timedelta(hours=1),
            },
        )
    assert "valid_until" in caught.value.errors
    with pytest.raises(NotAllowed):
        services.issue_warning(
            actor=persona("duruan"),
            data={"hazard": "rainstorm", "signal": "red", "area": "x", "valid_from": start},
        )


def test_a_declared_level_reaches_every_town_once_and_the_district_sees_who_confirmed(
    persona, district, api_as
):
    declaration = services.declare_response(actor=persona("duty"), data={"level": "iv", "hazard": "typhoon"})
    towns = Jurisdiction.objects.towns().filter(is_active=True)
    rows = Confirmation.objects.filter(declaration=declaration)
    assert rows.count() == towns.count()
    assert set(rows.values_list("town", flat=True)) == set(towns.values_list("pk", flat=True))
    mine = rows.get(town=district["duruan"])
    mine = services.confirm_checklist(
        mine,
        actor=persona("duruan"),
        version=mine.version,
        data={"duty_staffed": True, "supplies_ready": True},
    )
    assert (
        mine.state == "confirmed"
        and mine.confirmed_by.username == "duruan"
        and mine.checklist["duty_staffed"] is True
    )
    with pytest.raises(Conflict):  # once per town
        services.confirm_checklist(mine, actor=persona("duruan"), version=mine.version, data={})
    other = rows.get(town=district["baisha"])
    with pytest.raises(NotAllowed):  # another town's checklist is not Duruan's to confirm
        services.confirm_checklist(other, actor=persona("duruan"), version=other.version, data={})
    data = api_as("admin").get("/api/v1/response-declarations/").json()["results"][0]
    confirmed = [(c["town"], c["confirmed_by"]) for c in data["confirmations"] if c["state"] == "confirmed"]
    assert confirmed == [(district["duruan"].pk, persona("duruan").pk)]


def test_a_town_sees_only_its_own_checklist(persona, district):
    services.declare_response(actor=persona("admin"), data={"level": "ii", "hazard": "rainstorm"})
    seen = Confirmation.objects.visible_to(persona("duruan"))
    assert set(seen.values_list("town", flat=True)) == {district["duruan"].pk}


def _crew(team, actor, *, members: int, head=True):
    people = [("张三", "head")] if head else []
    people += [(f"队员{n}", "member") for n in range(members)]
    for name, role in people:
        services.add_team_member(
            actor=actor, data={"team": team.pk, "name": name, "role": role, "phone": "13800138000"}
        )


def test_micro_fire_stations_below_the_norm_are_flagged_from_their_member_records(persona, district):
    """R-EMG-6: a head and at least five members (counted from the records), 24-hour duty, 3 minutes."""
    base = {
        "kind": "micro_fire",
        "town": district["duruan"].pk,
        "leader": "张三",
        "duty_24h": True,
        "response_minutes": 3,
    }
    town = persona("duruan")
    good = services.register_team(actor=town, data={**base, "name": "杜阮镇微型消防站"})
    weak = services.register_team(
        actor=town, data={**base, "name": "某社区微型消防站", "response_minutes": 5, "duty_24h": False}
    )
    headless = services.register_team(actor=town, data={**base, "name": "无站长微型消防站"})
    _crew(good, town, members=5)
    _crew(weak, town, members=4)
    _crew(headless, town, members=6, head=False)
    flags = dict(selectors.team_flags(RescueTeam.objects.filter(pk__in=[good.pk, weak.pk, headless.pk])))
    by_pk = {t.pk: f for t, f in flags.items()}
    assert by_pk[good.pk] == [] and len(by_pk[weak.pk]) == 3
    assert len(by_pk[headless.pk]) == 1  # no head named


def test_transfer_lists_go_to_a_shelter_of_the_same_town(persona, district):
    shelter = services.register_shelter(
        actor=persona("duruan"), data={"town": district["duruan"].pk, "name": "杜阮中学", "capacity": 500}
    )
    entry = services.register_transfer(
        actor=persona("duruan"),
        data={
            "town": district["duruan"].pk,
            "zone": "低洼村片区",
            "households": 12,
            "persons": 40,
            "shelter": shelter.pk,
            "mover": "村干部李四",
        },
    )
    assert entry.shelter == shelter
    with pytest.raises(InvalidInput) as caught:
        services.register_transfer(
            actor=persona("admin"),
            data={
                "town": district["baisha"].pk,
                "zone": "x",
                "households": 1,
                "persons": 1,
                "shelter": shelter.pk,
                "mover": "y",
            },
        )
    assert "shelter" in caught.value.errors


def test_a_town_registers_no_point_in_another_town(persona, district):
    with pytest.raises(InvalidInput) as caught:
        services.register_point(
            actor=persona("duruan"), data={"town": district["baisha"].pk, "name": "x", "responsible": "y"}
        )
    assert "town" in caught.value.errors
