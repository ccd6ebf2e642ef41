"""The pages answer each role in its scope; the preparedness page shows a town what it lacks."""

import pytest
from django.urls import reverse

from emergency.models import Plan, Warehouse

PAGES = [
    "emergency:preparedness",
    "emergency:warehouses",
    "emergency:shortfalls",
    "emergency:plans",
    "emergency:drills",
    "emergency:teams",
    "emergency:floods",
    "emergency:warnings",
]


@pytest.mark.parametrize("name", ["admin", "leader", "yjj", "duruan", "ent_duruan", "duty"])
def test_every_page_answers_each_business_role(as_user, name):
    client = as_user(name)
    for page in PAGES:
        assert client.get(reverse(page)).status_code == 200, (page, name)


def test_administrators_see_no_business_data_pages(as_user):
    client = as_user("sysadmin")
    assert client.get(reverse("emergency:warehouses")).status_code == 200
    assert "防汛物资仓库" not in client.get(reverse("emergency:warehouses")).content.decode()


def test_a_town_sees_its_warehouses_and_not_another_towns(as_user, district):
    mine = Warehouse.objects.get(town=district["duruan"], level="town")
    other = Warehouse.objects.get(town=district["baisha"], level="town")
    client = as_user("duruan")
    listing = client.get(reverse("emergency:warehouses")).content.decode()
    assert mine.name in listing and other.name not in listing
    assert client.get(reverse("emergency:warehouse_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("emergency:warehouse_detail", args=[other.pk])).status_code == 404


def test_an_enterprise_sees_its_own_plans_and_stock(as_user, api_as, persona):
    ent = persona("ent_duruan").enterprise
    own = Plan.objects.filter(owner_enterprise=ent).first()
    town_plan = Plan.objects.filter(owner_kind="town").first()
    client = as_user("ent_duruan")
    assert client.get(reverse("emergency:plan_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("emergency:plan_detail", args=[town_plan.pk])).status_code == 404
    warehouses = api_as("ent_duruan").get("/api/v1/supplies/warehouses/").json()["results"]
    assert [w["enterprise"] for w in warehouses] == [ent.pk]
    stock = api_as("ent_duruan").get("/api/v1/supplies/stock/").json()["results"]
    assert {row["warehouse"] for row in stock} <= {w["id"] for w in warehouses}


def test_the_preparedness_page_of_a_town_shows_its_score_and_shortfalls(as_user, district):
    response = as_user("duruan").get(reverse("emergency:preparedness"))
    html = response.content.decode()
    assert 'data-testid="readiness-table"' in html and str(district["duruan"]) in html
    assert str(district["baisha"]) not in html.split('data-testid="readiness-table"')[1].split("</table>")[0]
    # Another town picked by hand is out of scope.
    assert (
        as_user("duruan")
        .get(reverse("emergency:preparedness") + f"?town={district['baisha'].pk}")
        .status_code
        == 404
    )


def test_the_readiness_check_downloads_as_pdf_and_xlsx(as_user, district):
    client = as_user("admin")
    pdf = client.get(reverse("emergency:readiness_report", args=["pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    xlsx = client.get(reverse("emergency:readiness_report", args=["xlsx"]) + f"?town={district['duruan'].pk}")
    assert xlsx.status_code == 200
    b"".join(xlsx.streaming_content)
    xlsx.close()


def test_the_map_layers_are_scoped(as_user, district):
    data = as_user("duruan").get(reverse("emergency:map_data")).json()
    assert set(data["layers"]) == {"warehouses", "teams", "points", "shelters"}
    assert all(row["name"].startswith(district["duruan"].name) for row in data["layers"]["points"])


def test_an_issue_from_the_page_beyond_the_stock_keeps_the_input(as_user, district):
    warehouse = Warehouse.objects.get(town=district["duruan"], level="town")
    batch = warehouse.batches.order_by("pk").first()
    response = as_user("duruan").post(
        reverse("emergency:movement_create"),
        {
            "kind": "out",
            "warehouse": warehouse.pk,
            "item": batch.item_id,
            "quantity": batch.quantity + 999999,
            "reason": "抢险领用测试",
        },
    )
    assert response.status_code == 409 and "抢险领用测试" in response.content.decode()
    batch.refresh_from_db()
    assert batch.quantity == warehouse.batches.order_by("pk").first().quantity


def test_the_duty_board_panel_shows_the_warning_in_force(rf, persona):
    from django.template.loader import render_to_string

    from core.extensions import duty_board_panels

    panel = next(p for p in duty_board_panels.all() if p.key == "emergency.warnings")
    request = rf.get("/")
    request.user = persona("duty")
    html = render_to_string(panel.template, {"panel": panel.context(request)}, request=request)
    assert 'data-testid="emergency-board"' in html and "全区" in html


def test_the_cockpit_figures_match_their_api_lists(api_as, persona):
    from core.extensions import cockpit_figures

    for figure in cockpit_figures.all():
        if not figure.key.startswith("emergency."):
            continue
        value, href = figure.compute(persona("duruan"))
        assert api_as("duruan").get(href).json()["count"] == value, figure.key


def test_the_assessment_items_explain_their_value(district):
    import datetime as dt

    from core.extensions import assessment_items

    items = {i.key: i for i in assessment_items.all() if i.key.startswith("emergency.")}
    assert set(items) == {
        "emergency.drills_behind",
        "emergency.plan_reviews_behind",
        "emergency.supply_readiness",
    }
    until = dt.date.today()
    for item in items.values():
        measured = item.measure(kind="town", unit_id=district["duruan"].pk, year=until.year, until=until)
        if isinstance(measured.records, list):
            assert measured.value == len(measured.records)
        if item.better == "lower":
            assert measured.value == measured.records.count()
        else:
            assert 0 <= measured.value <= measured.total


def test_supply_readiness_counts_the_norms_met_each_a_record(
    persona, district, warehouse, item, stock, as_user
):
    """R-ACCT-6 and API.md "Assessment": the item's value is the town's norm lines met, out of all its
    lines, and each line met is one record of its list; the list page shows that town's lines."""
    import datetime as dt

    from core.extensions import assessment_items
    from emergency import services
    from emergency.models import Warehouse

    town = district["duruan"]
    Warehouse.objects.filter(town=town).update(is_active=False)
    a, bags, jackets = warehouse(), item("FX-001"), item("JS-001")
    services.set_norm(actor=persona("admin"), data={"town": town.pk, "item": bags.pk, "quantity": 100})
    services.set_norm(actor=persona("admin"), data={"town": town.pk, "item": jackets.pk, "quantity": 10})
    stock(a, bags, 100)
    stock(a, jackets, 4)
    readiness = {i.key: i for i in assessment_items.all()}["emergency.supply_readiness"]
    until = dt.date.today()
    measured = readiness.measure(kind="town", unit_id=town.pk, year=until.year, until=until)
    titles = [r["title"] for r in measured.records]
    assert measured.value == len(measured.records) >= 1 and measured.total > measured.value
    assert any(bags.name in t and "100/100" in t for t in titles)
    assert not any(jackets.name in t for t in titles)
    page = as_user("admin").get(measured.url).content.decode()
    assert jackets.name in page and "4" in page and district["baisha"].name not in page
    own = f"{reverse('emergency:shortfalls')}?town="
    assert as_user("baisha").get(f"{own}{town.pk}").status_code == 404  # another town's lines
    assert as_user("admin").get(f"{own}abc").status_code == 400


def test_a_town_picked_by_the_district_shows_that_towns_plans_drills_and_expiry(
    as_user, persona, district, warehouse, stock, item, days
):
    """The district's page for one town lists that town's plans due, drills behind and expiring stock, not
    the district's; its headline figures are the true counts, not the length of the lists shown."""
    import datetime as dt

    from emergency import services
    from emergency.models import StockBatch

    duruan, baisha = district["duruan"], district["baisha"]
    old = dt.date(2023, 1, 5)  # a government drills every 2 years: these are long behind
    for town in (duruan, baisha):
        services.create_plan(
            actor=persona("admin"),
            data={
                "owner_town": town.pk,
                "type": "overall",
                "title": f"{town.name}总体应急预案",
                "published_on": old,
            },
        )
        stock(
            warehouse(town.name_en.split()[0].lower()), item(), 5, expires_on=days(5), batch_no=f"X-{town.pk}"
        )
    url = reverse("emergency:preparedness") + f"?town={duruan.pk}"
    response = as_user("admin").get(url)
    context = response.context
    assert response.status_code == 200 and context["selected"] == duruan
    assert context["drills_behind"] and {s.plan.town_id for s in context["drills_behind"]} == {duruan.pk}
    assert f"{baisha.name}总体应急预案" not in response.content.decode()
    assert {b.warehouse.town_id for b in context["expiring"]} == {duruan.pk}
    expiring = StockBatch.objects.filter(
        warehouse__town=duruan, quantity__gt=0, expires_on__lte=days(30)
    ).count()
    assert context["expiring_count"] == expiring
    # The district's own page still sees both towns.
    everywhere = as_user("admin").get(reverse("emergency:preparedness")).context
    assert {s.plan.town_id for s in everywhere["drills_behind"]} >= {duruan.pk, baisha.pk}


def test_the_headline_figures_count_every_row_not_the_rows_shown(
    as_user, persona, district, warehouse, stock, item, days, monkeypatch
):
    from emergency.models import StockBatch
    from emergency.views import overview

    wh = warehouse("duruan")
    for n in range(3):
        stock(wh, item(), 2, expires_on=days(3 + n), batch_no=f"E{n}")
    monkeypatch.setattr(overview, "SHOWN", 1)
    response = as_user("admin").get(reverse("emergency:preparedness"))
    context, html = response.context, response.content.decode()
    expiring = StockBatch.objects.filter(quantity__gt=0, expires_on__lte=days(30)).count()
    assert expiring >= 3 and len(context["expiring"]) == 1
    assert context["expiring_count"] == expiring
    assert f'data-testid="figure-expiring">{expiring}<' in html
    short = context["shortfall_count"]
    assert f'data-testid="figure-shortfalls">{short}<' in html and short >= len(context["shortfalls"])
    drills = context["drills_behind_count"]
    assert drills >= len(context["drills_behind"]) and f'data-testid="figure-drills">{drills}<' in html


def test_the_readiness_check_adds_a_district_total_and_reads_the_duty_rosters(persona, district):
    """The district's check: one row per town and a total row (counts summed, the score the towns' mean);
    "duty" counts the months (this and next) whose roster the town's duty room has published."""
    from decimal import Decimal

    from django.utils import timezone

    from duty.models import DutyRoom, Roster
    from emergency import readiness_check
    from emergency.towns import visible_towns

    duruan = district["duruan"]
    room, _created = DutyRoom.objects.get_or_create(town=duruan, defaults={"name": "杜阮镇值班室"})
    this_month = timezone.localdate().replace(day=1)
    Roster.objects.filter(room=room).update(state="draft")
    towns = list(visible_towns(persona("admin")))
    rows = readiness_check.rows(persona("admin"), towns)
    assert len(rows) == len(towns) + 1
    town_rows, total = rows[:-1], rows[-1]
    mine = next(r for r in town_rows if r["town"] == str(duruan))
    assert mine["duty_rostered"] == 0
    for key in ("short_items", "expiring", "teams", "drills_behind", "duty_rostered", "points", "persons"):
        assert total[key] == sum(r[key] for r in town_rows), key
    mean = Decimal(str(sum(r["score"] for r in town_rows))) / len(town_rows)
    assert abs(Decimal(str(total["score"])) - mean) <= Decimal("0.05")
    roster, _created = Roster.objects.get_or_create(room=room, month=this_month)
    Roster.objects.filter(pk=roster.pk).update(state="published")
    again = readiness_check.rows(persona("admin"), towns)
    assert next(r for r in again if r["town"] == str(duruan))["duty_rostered"] == 1
    # A town's own check has its row alone.
    assert len(readiness_check.rows(persona("duruan"), [duruan])) == 1
