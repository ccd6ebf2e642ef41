"""Reserve norms (a district setting, R-EMG-5) and transfer lists (转移安置, R-EMG-7) on their pages: each
bad input refused with the field named and the input kept; a town sees and edits its own lists only."""

import pytest
from django.urls import reverse

from emergency import services
from emergency.models import ReserveNorm, Shelter, TransferEntry


@pytest.fixture
def shelter(persona, district):
    def make(town="duruan", capacity=100, name=None):
        return services.register_shelter(
            actor=persona("admin"),
            data={"town": district[town].pk, "name": name or f"{town}避护场所", "capacity": capacity},
        )

    return make


@pytest.fixture
def entry(persona, district, shelter):
    def make(town="duruan", persons=30, actor="admin", target=None):
        target = target or shelter(town)
        return services.register_transfer(
            actor=persona(actor),
            data={
                "town": district[town].pk,
                "zone": f"{town}低洼片区",
                "households": 10,
                "persons": persons,
                "shelter": target.pk,
                "mover": "村干部王五",
                "phone": "13800138000",
            },
        )

    return make


def test_the_district_sets_a_norm_on_the_page_and_the_shortfall_follows(as_user, district, item):
    bags = item("FX-001")
    client = as_user("admin")
    data = {"town": district["duruan"].pk, "item": bags.pk, "quantity": 1200}
    assert client.get(reverse("emergency:norm_create")).status_code == 200
    response = client.post(reverse("emergency:norm_create"), data)
    assert response.status_code == 302
    norm = ReserveNorm.objects.get(town=district["duruan"], item=bags, warehouse=None)
    assert norm.quantity == 1200
    listing = client.get(reverse("emergency:norms")).content.decode()
    assert 'data-testid="norm-table"' in listing and "1200" in listing
    response = client.post(reverse("emergency:norm_edit", args=[norm.pk]), {"quantity": 900, "version": 1})
    assert response.status_code == 302
    norm.refresh_from_db()
    assert (norm.quantity, norm.version) == (900, 2)


def test_a_bad_norm_is_refused_naming_the_field_and_keeping_the_input(as_user, district, item, warehouse):
    client = as_user("admin")
    other = warehouse("baisha")
    data = {"town": district["duruan"].pk, "warehouse": other.pk, "item": item().pk, "quantity": 7}
    response = client.post(reverse("emergency:norm_create"), data)
    assert response.status_code == 400
    assert "warehouse" in response.context["form"].errors
    assert response.context["form"]["quantity"].value() == "7"
    response = client.post(reverse("emergency:norm_create"), {**data, "warehouse": "", "quantity": -1})
    assert response.status_code == 400 and "quantity" in response.context["form"].errors
    assert not ReserveNorm.objects.filter(quantity__in=(7, -1)).exists()


def test_a_stale_norm_edit_is_a_conflict_and_changes_nothing(as_user, persona, district, item):
    norm = services.set_norm(
        actor=persona("admin"), data={"town": district["duruan"].pk, "item": item().pk, "quantity": 10}
    )
    services.change_norm(norm, actor=persona("admin"), version=1, data={"quantity": 20})
    response = as_user("admin").post(
        reverse("emergency:norm_edit", args=[norm.pk]), {"quantity": 5, "version": 1}
    )
    assert response.status_code == 409
    norm.refresh_from_db()
    assert norm.quantity == 20


def test_only_the_district_sets_norms_and_a_town_reads_its_own(as_user, persona, district, item):
    mine = services.set_norm(
        actor=persona("admin"), data={"town": district["duruan"].pk, "item": item().pk, "quantity": 11}
    )
    other = services.set_norm(
        actor=persona("admin"), data={"town": district["baisha"].pk, "item": item().pk, "quantity": 22}
    )
    town = as_user("duruan")
    assert town.get(reverse("emergency:norm_create")).status_code == 403
    assert town.get(reverse("emergency:norm_edit", args=[mine.pk])).status_code == 403
    assert town.get(reverse("emergency:norm_edit", args=[other.pk])).status_code == 404
    rows = town.get(reverse("emergency:norms")).context["object_list"]
    assert mine in rows and other not in rows


def test_a_town_keeps_its_transfer_list_on_the_page(as_user, district, shelter):
    target = shelter(capacity=80)
    client = as_user("duruan")
    data = {
        "town": district["duruan"].pk,
        "zone": "沿江低洼片区",
        "households": 12,
        "persons": 40,
        "shelter": target.pk,
        "mover": "村干部李四",
        "phone": "13800138000",
    }
    assert client.post(reverse("emergency:transfer_create"), data).status_code == 302
    entry = TransferEntry.objects.get(zone="沿江低洼片区")
    page = client.get(reverse("emergency:transfers")).content.decode()
    assert "沿江低洼片区" in page and 'data-testid="shelter-table"' in page
    edit = reverse("emergency:transfer_edit", args=[entry.pk])
    assert client.get(edit).context["form"]["zone"].value() == "沿江低洼片区"
    response = client.post(edit, {**data, "persons": 45, "version": entry.version})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.persons, entry.version) == (45, 2)


@pytest.mark.parametrize(
    "change,field",
    [
        ({"persons": 5, "households": 6}, "persons"),
        ({"persons": 81}, "persons"),  # more than the shelter holds
        ({"phone": "12345"}, "phone"),
        ({"households": 0}, "households"),
        ({"zone": ""}, "zone"),
    ],
)
def test_a_bad_transfer_entry_is_refused_naming_the_field(as_user, district, shelter, change, field):
    target = shelter(capacity=80)
    data = {
        "town": district["duruan"].pk,
        "zone": "低洼片区",
        "households": 3,
        "persons": 9,
        "shelter": target.pk,
        "mover": "李四",
        **change,
    }
    response = as_user("duruan").post(reverse("emergency:transfer_create"), data)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert response.context["form"]["mover"].value() == "李四"
    assert not TransferEntry.objects.filter(shelter=target).exists()


def test_a_shelter_takes_no_more_than_its_capacity_across_entries(entry, shelter):
    from core.errors import InvalidInput

    target = shelter(capacity=50)
    entry(persons=30, target=target)
    with pytest.raises(InvalidInput) as caught:
        entry(persons=21, target=target)
    assert "persons" in caught.value.errors
    assert entry(persons=20, target=target).persons == 20


def test_a_town_sees_and_edits_only_its_own_transfer_lists(as_user, entry):
    mine, other = entry("duruan"), entry("baisha")
    client = as_user("duruan")
    rows = client.get(reverse("emergency:transfers")).context["object_list"]
    assert mine in rows and other not in rows
    assert client.get(reverse("emergency:transfer_edit", args=[other.pk])).status_code == 404
    assert as_user("ent_duruan").get(reverse("emergency:transfer_edit", args=[mine.pk])).status_code == 404
    admin_rows = as_user("admin").get(reverse("emergency:transfers")).context["object_list"]
    assert {mine, other} <= set(admin_rows)


def test_a_town_cannot_move_its_entry_into_another_town(as_user, district, entry, shelter):
    mine = entry("duruan")
    theirs = shelter("baisha")
    data = {
        "town": district["baisha"].pk,
        "zone": mine.zone,
        "households": 10,
        "persons": 30,
        "shelter": theirs.pk,
        "mover": "x",
        "version": mine.version,
    }
    response = as_user("duruan").post(reverse("emergency:transfer_edit", args=[mine.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors["shelter"] == [
        "请选择有效的选项，所选项不在可选范围内。"
    ]  # not the town's: no hint of another town's records, and said once
    mine.refresh_from_db()
    assert mine.town == district["duruan"] and Shelter.objects.filter(pk=theirs.pk).exists()


@pytest.fixture
def point(persona, district):
    def make(town="duruan"):
        return services.register_point(
            actor=persona("admin"),
            data={
                "town": district[town].pk,
                "name": f"{town}下穿隧道",
                "responsible": "陈工",
                "max_depth_cm": 40,
            },
        )

    return make


def test_a_waterlogging_point_is_edited_on_the_version_read(as_user, district, point):
    from emergency.models import WaterloggingPoint

    p = point()
    client = as_user("duruan")
    url = reverse("emergency:point_edit", args=[p.pk])
    page = client.get(url)
    assert page.status_code == 200 and "duruan下穿隧道" in page.content.decode()
    data = {
        "town": district["duruan"].pk,
        "name": p.name,
        "responsible": "陈工",
        "max_depth_cm": 65,
        "pumps": "移动泵车1台",
        "phone": "13800138000",
    }
    assert client.post(url, {**data, "version": p.version}).status_code == 302
    fresh = WaterloggingPoint.objects.get(pk=p.pk)
    assert (fresh.max_depth_cm, fresh.pumps, fresh.version) == (65, "移动泵车1台", p.version + 1)
    stale = client.post(url, {**data, "max_depth_cm": 70, "version": p.version})
    assert stale.status_code == 409 and WaterloggingPoint.objects.get(pk=p.pk).max_depth_cm == 65
    assert as_user("baisha").get(url).status_code == 404
    assert as_user("leader").get(url).status_code == 403


def test_a_bad_point_edit_is_400_keeps_what_was_typed_and_changes_nothing(as_user, district, point):
    from emergency.models import WaterloggingPoint

    p = point()
    url = reverse("emergency:point_edit", args=[p.pk])
    data = {"town": district["duruan"].pk, "name": p.name, "responsible": "陈工", "version": p.version}
    refused = as_user("duruan").post(url, {**data, "max_depth_cm": 55, "phone": "12345"})
    assert refused.status_code == 400
    form = refused.context["form"]
    assert "phone" in form.errors and form["max_depth_cm"].value() == "55"
    assert as_user("baisha").post(url, {**data, "max_depth_cm": 55}).status_code == 404
    fresh = WaterloggingPoint.objects.get(pk=p.pk)
    assert (fresh.max_depth_cm, fresh.version) == (40, p.version)


def test_a_shelter_keeps_room_for_the_persons_already_assigned(as_user, district, shelter, entry):
    s = shelter(capacity=100)
    entry(persons=30, target=s)
    client = as_user("duruan")
    url = reverse("emergency:shelter_edit", args=[s.pk])
    data = {"town": district["duruan"].pk, "name": s.name, "capacity": 20, "version": s.version}
    refused = client.post(url, data)
    assert refused.status_code == 400 and "capacity" in refused.context["form"].errors
    assert refused.context["form"]["capacity"].value() == "20"
    moved = client.post(url, {**data, "capacity": 80, "town": district["baisha"].pk})
    assert moved.status_code == 400 and Shelter.objects.get(pk=s.pk).town == district["duruan"]
    assert client.post(url, {**data, "capacity": 30, "address": "杜阮中学"}).status_code == 302
    fresh = Shelter.objects.get(pk=s.pk)
    assert (fresh.capacity, fresh.address, fresh.version) == (30, "杜阮中学", s.version + 1)
    assert as_user("baisha").get(url).status_code == 404
    theirs = as_user("baisha").post(url, {**data, "capacity": 500, "version": fresh.version})
    assert theirs.status_code == 404 and Shelter.objects.get(pk=s.pk).capacity == 30


@pytest.mark.parametrize(
    "service, data",
    [
        ("create_warehouse", {"name": "测试仓库", "level": "town", "keeper": "李四"}),
        ("register_team", {"kind": "volunteer", "name": "测试救援队", "response_minutes": 10}),
        ("register_point", {"name": "测试内涝点", "responsible": "陈工"}),
    ],
)
def test_phone_numbers_are_checked_as_the_registry_checks_them(persona, district, service, data):
    """R-REG-2: an 11-digit mobile number 1[3-9]… or a landline with its area code; anything else is refused
    on the phone field and nothing is written."""
    from core.errors import InvalidInput
    from emergency.models import RescueTeam, Warehouse, WaterloggingPoint

    models = {"create_warehouse": Warehouse, "register_team": RescueTeam, "register_point": WaterloggingPoint}
    body = {**data, "town": district["duruan"].pk}
    before = models[service].objects.count()
    for bad in ("12345", "23800138000", "1380013800a"):
        with pytest.raises(InvalidInput) as refused:
            getattr(services, service)(actor=persona("admin"), data={**body, "phone": bad})
        assert "phone" in refused.value.errors, bad
    assert models[service].objects.count() == before
    for good in ("13800138000", "0750-1234567"):
        getattr(services, service)(actor=persona("admin"), data={**body, "phone": good})
    assert models[service].objects.count() == before + 2


def test_a_bad_warehouse_phone_is_a_400_on_the_api(api_as, district):
    body = {"name": "测试仓库", "level": "town", "town": district["duruan"].pk, "phone": "0750"}
    response = api_as("duruan").post("/api/v1/supplies/warehouses/", body, format="json")
    assert response.status_code == 400 and "phone" in response.json()
