"""Stock arithmetic, the last-unit race, bad input, stocktaking, norms and the readiness score."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from emergency import selectors, services
from emergency.models import Movement, StockBatch
from emergency.tests.conftest import issue_data


def set_aside_the_demo_reserves(town):
    """The demo district stocks every town; these examples start from a town with no reserve yet."""
    from emergency.models import Warehouse

    Warehouse.objects.filter(town=town).update(is_active=False)


def total(warehouse, item):
    return StockBatch.objects.filter(warehouse=warehouse, item=item).aggregate(n=Sum("quantity"))["n"] or 0


def test_receipts_issues_and_transfers_add_up(persona, warehouse, item, stock):
    a, b = warehouse("duruan"), warehouse("duruan", name="第二仓库")
    bags = item()
    stock(a, bags, 100)
    services.record_movement(actor=persona("duruan"), data=issue_data(a, bags, 30))
    services.record_movement(
        actor=persona("duruan"),
        data={
            "kind": "transfer",
            "warehouse": a.pk,
            "to_warehouse": b.pk,
            "item": bags.pk,
            "quantity": 20,
            "reason": "调拨",
        },
    )
    services.record_movement(
        actor=persona("duruan"),
        data={"kind": "return", "warehouse": a.pk, "item": bags.pk, "quantity": 5, "reason": "抢险结束归还"},
    )
    assert (total(a, bags), total(b, bags)) == (55, 20)
    assert Movement.objects.filter(warehouse=a).count() == 4


def test_issue_beyond_the_stock_is_a_conflict_and_changes_nothing(persona, warehouse, item, stock):
    a, bags = warehouse(), item()
    stock(a, bags, 10)
    before = Movement.objects.count()
    with pytest.raises(Conflict):
        services.record_movement(actor=persona("duruan"), data=issue_data(a, bags, 11))
    assert total(a, bags) == 10 and Movement.objects.count() == before


def test_the_last_units_issued_twice_at_once_one_wins(persona, warehouse, item, stock, monkeypatch):
    """Two issues read the same 5 units; the second's conditional UPDATE matches no row → 409, rolled back.

    SQLite's in-memory test database has no concurrent connections: the race is played out by handing the
    second issue the stock it read before the first one wrote (tests/test_race_pg.py runs real threads)."""
    from emergency.services import supplies

    a, bags = warehouse(), item()
    stock(a, bags, 5)
    stale = list(supplies._candidates(a, bags, None))
    services.record_movement(actor=persona("duruan"), data=issue_data(a, bags, 5))
    monkeypatch.setattr(supplies, "_candidates", lambda *args: stale)
    before = Movement.objects.count()
    with pytest.raises(Conflict):
        services.record_movement(actor=persona("admin"), data=issue_data(a, bags, 5))
    assert total(a, bags) == 0 and Movement.objects.count() == before


def test_the_database_refuses_a_negative_quantity(warehouse, item, stock):
    from django.db import IntegrityError, transaction
    from django.db.models import F

    batch = stock(warehouse(), item(), 3)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBatch.objects.filter(pk=batch.pk).update(quantity=F("quantity") - 4)


@pytest.mark.parametrize("quantity", [0, -3])
def test_zero_or_negative_quantities_name_the_field(persona, warehouse, item, stock, quantity):
    a, bags = warehouse(), item()
    stock(a, bags, 10)
    with pytest.raises(InvalidInput) as caught:
        services.record_movement(actor=persona("duruan"), data=issue_data(a, bags, quantity))
    assert "quantity" in caught.value.errors and total(a, bags) == 10


def test_a_transfer_to_the_same_warehouse_is_refused(persona, warehouse, item, stock):
    a, bags = warehouse(), item()
    stock(a, bags, 10)
    with pytest.raises(InvalidInput) as caught:
        services.record_movement(
            actor=persona("duruan"),
            data={
                "kind": "transfer",
                "warehouse": a.pk,
                "to_warehouse": a.pk,
                "item": bags.pk,
                "quantity": 1,
                "reason": "x",
            },
        )
    assert "to_warehouse" in caught.value.errors


def test_expired_stock_needs_a_confirmation(persona, warehouse, item, stock, days):
    a, bags = warehouse(), item()
    stock(a, bags, 4, expires_on=days(-1))
    with pytest.raises(InvalidInput) as caught:
        services.record_movement(actor=persona("duruan"), data=issue_data(a, bags, 2))
    assert "confirm_expired" in caught.value.errors and total(a, bags) == 4
    services.record_movement(actor=persona("duruan"), data=issue_data(a, bags, 2, confirm_expired=True))
    assert total(a, bags) == 2


def test_issues_take_the_first_expiring_fresh_batch(persona, warehouse, item, stock, days):
    a, bags = warehouse(), item()
    late = stock(a, bags, 10, expires_on=days(300), batch_no="LATE")
    soon = stock(a, bags, 10, expires_on=days(20), batch_no="SOON")
    services.record_movement(actor=persona("duruan"), data=issue_data(a, bags, 12))
    late.refresh_from_db(), soon.refresh_from_db()
    assert (soon.quantity, late.quantity) == (0, 8)


def _report(persona, district, town):
    from duty import services as duty

    now = timezone.now()
    return duty.submit_report(
        actor=persona("admin"),
        data={
            "town": district[town].pk,
            "title": f"{town} 内涝险情",
            "event_type": "flood",
            "occurred_at": now - dt.timedelta(minutes=30),
            "known_at": now - dt.timedelta(minutes=20),
            "description": "低洼路段积水，需沙袋。",
        },
    )


def test_an_issue_names_its_event_by_link_and_the_page_shows_it(persona, district, warehouse, item, stock):
    a, bags = warehouse(), item()
    stock(a, bags, 10)
    report = _report(persona, district, "duruan")
    movement = services.record_movement(
        actor=persona("duruan"), data=issue_data(a, bags, 1, info_report=report.pk)
    )
    assert movement.info_report == report and movement.person.username == "duruan"
    client = Client()
    client.force_login(persona("duruan"))
    page = client.get(reverse("emergency:warehouse_detail", args=[a.pk])).content.decode()
    assert f'href="{report.get_absolute_url()}"' in page


def test_an_issue_cannot_name_a_report_outside_the_keepers_scope(persona, district, warehouse, item, stock):
    a, bags = warehouse(), item()
    stock(a, bags, 10)
    other = _report(persona, district, "baisha")
    with pytest.raises(InvalidInput) as refused:
        services.record_movement(actor=persona("duruan"), data=issue_data(a, bags, 1, info_report=other.pk))
    assert "info_report" in refused.value.errors
    assert a.batches.get().quantity == 10


def test_the_event_link_shows_only_to_those_who_may_see_the_event(persona, district, warehouse, item, stock):
    # The keeper linked a report of their town; a viewer of another town sees the movement, not the report.
    a, bags = warehouse(), item()
    stock(a, bags, 10)
    report = _report(persona, district, "duruan")
    movement = services.record_movement(
        actor=persona("duruan"), data=issue_data(a, bags, 1, info_report=report.pk)
    )
    [(_m, seen)] = selectors.movement_events(persona("duruan"), [movement])
    [(_m, hidden)] = selectors.movement_events(persona("baisha"), [movement])
    assert [url for _label, url in seen] == [report.get_absolute_url()]
    assert hidden == []


def test_read_only_roles_move_nothing(persona, warehouse, item, stock):
    from core.errors import NotAllowed

    a, bags = warehouse(), item()
    stock(a, bags, 10)
    for name in ("leader", "duty", "inspector_duruan"):
        with pytest.raises(NotAllowed):
            services.record_movement(actor=persona(name), data=issue_data(a, bags, 1))


def test_a_town_moves_no_stock_of_another_town(persona, warehouse, item, stock):
    a, bags = warehouse("baisha"), item()
    stock(a, bags, 10)
    with pytest.raises(InvalidInput) as caught:
        services.record_movement(actor=persona("duruan"), data=issue_data(a, bags, 1))
    assert "warehouse" in caught.value.errors and total(a, bags) == 10


def test_shortfall_is_the_norm_less_the_stock_never_below_zero(persona, district, warehouse, item, stock):
    town = district["duruan"]
    set_aside_the_demo_reserves(town)
    a, bags, jackets = warehouse(), item("FX-001"), item("JS-001")
    services.set_norm(actor=persona("admin"), data={"town": town.pk, "item": bags.pk, "quantity": 100})
    services.set_norm(actor=persona("admin"), data={"town": town.pk, "item": jackets.pk, "quantity": 10})
    stock(a, bags, 60)
    stock(a, jackets, 25)
    rows = {r["item"].code: r for r in selectors.shortfalls([town])}
    assert (rows["FX-001"]["norm"], rows["FX-001"]["quantity"], rows["FX-001"]["shortfall"]) == (100, 60, 40)
    assert rows["JS-001"]["shortfall"] == 0
    assert selectors.shortfall(5, 9) == 0 and selectors.shortfall(9, 5) == 4


def test_a_warehouse_norm_is_read_against_that_warehouse_alone(
    api_as, persona, district, warehouse, item, stock, today
):
    """Shortfall = max(norm − stock, 0) per warehouse norm too: the town meets its norm in total while the
    warehouse the district set a norm for is short; a warehouse above its norm is never negative."""
    from emergency.models import SupplyItem

    town = district["duruan"]
    set_aside_the_demo_reserves(town)
    SupplyItem.objects.update(default_norm=0)
    a, b, bags = warehouse(), warehouse(name="二号仓"), item("FX-001")
    admin = persona("admin")
    services.set_norm(actor=admin, data={"town": town.pk, "item": bags.pk, "quantity": 100})
    services.set_norm(actor=admin, data={"town": town.pk, "warehouse": a.pk, "item": bags.pk, "quantity": 80})
    services.set_norm(actor=admin, data={"town": town.pk, "warehouse": b.pk, "item": bags.pk, "quantity": 40})
    stock(a, bags, 50)
    stock(b, bags, 60)
    rows = {r["warehouse_id"]: r for r in selectors.shortfalls([town])}
    assert (rows[None]["norm"], rows[None]["quantity"], rows[None]["shortfall"]) == (100, 110, 0)
    assert (rows[a.pk]["norm"], rows[a.pk]["quantity"], rows[a.pk]["shortfall"]) == (80, 50, 30)
    assert (rows[b.pk]["norm"], rows[b.pk]["quantity"], rows[b.pk]["shortfall"]) == (40, 60, 0)
    short = api_as("admin").get(f"/api/v1/supplies/shortfalls/?town={town.pk}&short=true").json()["results"]
    assert short == [
        {"town": town.pk, "warehouse": a.pk, "item": bags.pk, "norm": 80, "quantity": 50, "shortfall": 30}
    ]
    # The score reads the warehouse norms as well: (1 + 50/80 + 1) / 3 of 60 points = 52.5.
    result = selectors.readiness(town, today=today)
    label, points, most, why = result.lines[0]
    assert points == Decimal("52.5") and "1" in why and "2" in why
    assert sum(line[1] for line in result.lines) == result.score


def test_without_a_district_norm_the_sl298_default_applies(district, item):
    rows = {r["item"].code: r for r in selectors.shortfalls([district["hetang"]])}
    assert rows["FX-001"]["norm"] == item("FX-001").default_norm == 5000
    assert "XF-001" not in rows  # fire items carry no default


def test_the_whole_district_s_shortfalls_cost_the_same_few_queries_as_one_town(
    district, django_assert_max_num_queries
):
    """The cockpit's shortfall figure reads every town at once (issue 16): six queries whatever the towns."""
    from registry.models import Jurisdiction

    towns = list(Jurisdiction.objects.towns())
    with django_assert_max_num_queries(6):
        one = selectors.shortfalls(towns[:1])
    with django_assert_max_num_queries(6):
        every = selectors.shortfalls(towns)
    assert len(towns) == 8 and len(every) >= len(one) * 8
    assert [r for r in every if r["town"].pk == towns[0].pk] == one


def test_readiness_on_a_fixed_example_is_explained_point_by_point(
    persona, district, warehouse, item, stock, days, today
):
    """Only two normed items: bags 100 (stock 50 → half), jackets 10 (stock 10 → full): coverage 60 × 0.75 = 45.
    60 units, 10 of them expiring within 30 days: fresh 20 × 50/60 = 16.7. Two warehouses, one counted: 10."""
    from emergency.models import SupplyItem

    town = district["tangxia"]
    set_aside_the_demo_reserves(town)
    SupplyItem.objects.update(default_norm=0)
    bags, jackets = item("FX-001"), item("JS-001")
    services.set_norm(actor=persona("admin"), data={"town": town.pk, "item": bags.pk, "quantity": 100})
    services.set_norm(actor=persona("admin"), data={"town": town.pk, "item": jackets.pk, "quantity": 10})
    a, b = warehouse("tangxia"), warehouse("tangxia", name="二号仓")
    stock(a, bags, 50, expires_on=days(400))
    stock(b, jackets, 10, expires_on=days(10))
    take = services.start_stocktake(actor=persona("admin"), warehouse=a)
    services.confirm_stocktake(take, actor=persona("admin"), version=take.version, data={})
    result = selectors.readiness(town, today=today)
    points = [line[1] for line in result.lines]
    assert points == [Decimal("45.0"), Decimal("16.7"), Decimal("10.0")]
    assert sum(points) == result.score == Decimal("71.7")
    assert all(line[3] for line in result.lines)  # every part says why


def test_a_count_difference_needs_its_explanation_and_then_corrects_the_book(persona, warehouse, item, stock):
    a, bags = warehouse(), item()
    batch = stock(a, bags, 20)
    take = services.start_stocktake(actor=persona("duruan"), warehouse=a)
    line = take.lines.get()
    with pytest.raises(InvalidInput) as caught:
        services.record_counts(take, actor=persona("duruan"), counts={line.pk: {"counted": 18}})
    assert f"line-{line.pk}" in caught.value.errors
    services.record_counts(
        take, actor=persona("duruan"), counts={line.pk: {"counted": 18, "explanation": "2条破损报废"}}
    )
    take.refresh_from_db()
    services.confirm_stocktake(take, actor=persona("duruan"), version=take.version, data={})
    batch.refresh_from_db()
    assert batch.quantity == 18
    assert Movement.objects.filter(kind="count", warehouse=a, reason="2条破损报废").count() == 1
    with pytest.raises(Conflict):
        services.start_stocktake(actor=persona("duruan"), warehouse=a)  # once a month


def test_a_batch_that_moved_while_counted_is_counted_again(persona, warehouse, item, stock):
    a, bags = warehouse(), item()
    stock(a, bags, 20)
    take = services.start_stocktake(actor=persona("duruan"), warehouse=a)
    line = take.lines.get()
    services.record_counts(
        take, actor=persona("duruan"), counts={line.pk: {"counted": 19, "explanation": "少一条"}}
    )
    services.record_movement(actor=persona("duruan"), data=issue_data(a, bags, 5))
    take.refresh_from_db()
    with pytest.raises(Conflict):
        services.confirm_stocktake(take, actor=persona("duruan"), version=take.version, data={})
    assert total(a, bags) == 15


def test_expiry_alerts_go_once_at_30_and_7_days(persona, district, warehouse, item, stock, days):
    from django.utils import timezone

    from emergency.tasks import alert_expiring_stock
    from notifications.models import Notification

    a, bags = warehouse(), item()
    stock(a, bags, 10, expires_on=days(25))
    stock(a, bags, 10, expires_on=days(5), batch_no="B2")
    now = timezone.now()
    first = alert_expiring_stock(now=now)
    sent = Notification.objects.filter(kind="emergency.expiry").count()
    assert first["batches"] >= 2 and sent >= 2
    alert_expiring_stock(now=now)
    assert Notification.objects.filter(kind="emergency.expiry").count() == sent
    mine = Notification.objects.filter(
        kind="emergency.expiry",
        recipient=persona("duruan"),
        target_type="emergency.warehouse",
        target_id=a.pk,
    )
    assert mine.count() == 2, list(mine.values_list("dedup_key", "title"))


def test_a_warehouse_phone_is_masked_for_an_enterprise_user_of_another_unit(api_as, warehouse):
    a = warehouse()
    full = api_as("duruan").get(f"/api/v1/supplies/warehouses/{a.pk}/").json()["phone"]
    leader = api_as("leader").get(f"/api/v1/supplies/warehouses/{a.pk}/").json()["phone"]
    assert full == "13800138000" and leader == "138****8000"


def test_movements_keep_a_reason_and_person(persona, warehouse, item, stock):
    a, bags = warehouse(), item()
    stock(a, bags, 3)
    with pytest.raises(InvalidInput) as caught:
        services.record_movement(actor=persona("duruan"), data={**issue_data(a, bags, 1), "reason": ""})
    assert "reason" in caught.value.errors


def test_received_stock_takes_its_shelf_life(persona, warehouse, item, today):
    a, bags = warehouse(), item()
    movement = services.record_movement(
        actor=persona("duruan"),
        data={"kind": "in", "warehouse": a.pk, "item": bags.pk, "quantity": 5, "reason": "入库"},
    )
    assert movement.lines.get().batch.expires_on == today + dt.timedelta(days=bags.shelf_life_days)


def test_a_second_count_this_month_shows_the_warehouse_again_with_the_reason(
    persona, warehouse, item, stock, as_user
):
    a, bags = warehouse(), item()
    stock(a, bags, 20)
    services.start_stocktake(actor=persona("duruan"), warehouse=a)
    url = reverse("emergency:stocktake_start", args=[a.pk])
    again = as_user("duruan").post(url)
    assert again.status_code == 409 and "已开始或已完成" in again.content.decode()
    assert a.stocktakes.count() == 1
