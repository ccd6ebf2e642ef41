"""Home pages per role: each role sees the foundation's panels that concern it, counted in its scope."""

import pytest
from django.utils import translation

from notifications.services import notify
from registry.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_done(settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True


def _panels(response) -> dict:
    return {p["template"]: p["context"] for p in response.context["panels"]}


def test_a_town_officer_counts_only_its_own_town(as_user, persona):
    duruan = persona("duruan")
    panels = _panels(as_user("duruan").get("/"))
    summary = panels["registry/panels/summary.html"]
    assert summary["total"] == Enterprise.objects.filter(town=duruan.town).count()
    operating = next(s for s in summary["statuses"] if s["code"] == "operating")
    assert operating["count"] == Enterprise.objects.filter(town=duruan.town, status="operating").count()
    assert "registry/panels/own_enterprise.html" not in panels
    assert "accounts/panels/accounts.html" not in panels


def test_a_department_counts_only_its_sectors(as_user):
    summary = _panels(as_user("jtj").get("/"))["registry/panels/summary.html"]
    mine = {"road_traffic", "water_transport"}
    assert summary["total"] == Enterprise.objects.filter(sectors__code__in=mine).distinct().count()
    # Sectors shown are those of enterprises it sees; each count stays within its scope.
    for row in summary["sectors"]:
        visible = Enterprise.objects.filter(sectors__code__in=mine, status="operating").distinct()
        assert row["count"] == visible.filter(sectors__code=row["code"]).count()


def test_the_district_admin_sees_the_whole_district_and_the_accounts(as_user):
    panels = _panels(as_user("admin").get("/"))
    assert panels["registry/panels/summary.html"]["total"] == Enterprise.objects.count()
    assert panels["accounts/panels/accounts.html"]["counts"]["active"] > 0


def test_an_enterprise_user_sees_its_own_file_and_what_is_missing(as_user, persona):
    user = persona("ent_duruan")
    Enterprise.objects.filter(pk=user.enterprise_id).update(safety_manager_phone="")
    response = as_user("ent_duruan").get("/")
    panels = _panels(response)
    assert "registry/panels/summary.html" not in panels
    card = panels["registry/panels/own_enterprise.html"]
    assert card["enterprise"].pk == user.enterprise_id
    with translation.override("en"):
        assert "Safety manager's phone" in [str(m) for m in card["missing"]]
    assert card["enterprise"].name in response.content.decode()


def test_system_administrator_gets_accounts_but_no_business_data(as_user):
    panels = _panels(as_user("sysadmin").get("/"))
    assert "accounts/panels/accounts.html" in panels
    assert "registry/panels/summary.html" not in panels


def test_the_latest_unread_notifications_are_on_the_home_page(as_user, persona):
    user = persona("baisha")
    notify(recipients=[user], kind="test.panel", title="请核查白沙街道隐患", body="", url="/")
    response = as_user("baisha").get("/")
    panel = _panels(response)["notifications/panels/unread.html"]
    assert panel["count"] >= 1
    assert "请核查白沙街道隐患" in response.content.decode()


@pytest.mark.parametrize("username", ["admin", "duruan", "jtj", "inspector_duruan"])
def test_the_registry_summary_takes_a_fixed_number_of_queries(
    persona, username, django_assert_max_num_queries
):
    from registry.home_panels import registry_summary

    user = persona(username)
    user.role_codes, user.department_sector_codes  # noqa: B018  (the request has loaded them already)
    with django_assert_max_num_queries(3):
        registry_summary(user)


def test_the_enterprise_card_and_accounts_panel_take_a_fixed_number_of_queries(
    persona, django_assert_max_num_queries
):
    from accounts.selectors import account_summary
    from core.config import config_value
    from registry.home_panels import own_enterprise_card

    user = persona("ent_duruan")
    user.role_codes  # noqa: B018
    with django_assert_max_num_queries(2):
        card = own_enterprise_card(user)
        list(card["enterprise"].sectors.all())
    config_value("ACCOUNT_DORMANT_DAYS")  # the run-time settings are read once, then cached
    with django_assert_max_num_queries(1):
        account_summary()


@pytest.mark.parametrize("username", ["admin", "duruan", "ent_duruan", "sysadmin"])
def test_every_home_page_renders(as_user, username):
    assert as_user(username).get("/").status_code == 200
