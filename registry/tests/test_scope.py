"""Scope isolation for every role, through the UI, the API and the exports (issue 2 §3, §9).

The table below is the law: each persona either sees a target enterprise (list, detail, count, search,
export) or does not know it exists (404, absent from counts, searches and workbooks). The expected sets
are computed here from the persona's town, department or enterprise, independently of core.scoping.
"""

import pytest
from django.urls import reverse

from registry.models import Enterprise
from registry.tests.conftest import workbook_column

TARGETS = ("baisha_trade", "baisha_transport", "duruan_trade", "duruan_construction", "own")
ALL = set(TARGETS)
VISIBLE = {
    "admin": ALL,
    "leader": ALL,
    "duty": ALL,
    "yjj": {"baisha_trade", "duruan_trade", "own"},  # industry_trade, hazardous_chemicals, confined_space
    "jtj": {"baisha_transport"},  # road_traffic, water_transport
    "duruan": {"duruan_trade", "duruan_construction", "own"},
    "inspector_duruan": {"duruan_trade", "duruan_construction", "own"},
    "baisha": {"baisha_trade", "baisha_transport"},
    "ent_duruan": {"own"},
    "sysadmin": set(),
    "secadmin": set(),
    "auditadmin": set(),
}
PERSONAS = list(VISIBLE)
ADMINISTRATORS = ("sysadmin", "secadmin", "auditadmin")
TABLE = [(p, t, t in VISIBLE[p]) for p in PERSONAS for t in TARGETS]
TABLE_IDS = [f"{p}-{'sees' if e else 'cannot-see'}-{t}" for p, t, e in TABLE]


@pytest.fixture
def targets(make_enterprise, persona):
    own = Enterprise.objects.get(pk=persona("ent_duruan").enterprise_id)
    return {
        "baisha_trade": make_enterprise("baisha", ["industry_trade"], "白沙隔离测试五金制品有限公司"),
        "baisha_transport": make_enterprise("baisha", ["road_traffic"], "白沙隔离测试物流有限公司"),
        "duruan_trade": make_enterprise("duruan", ["industry_trade"], "杜阮隔离测试机械有限公司"),
        "duruan_construction": make_enterprise("duruan", ["construction"], "杜阮隔离测试建筑工程有限公司"),
        "own": own,
    }


def expected_queryset(username: str, user):
    """What each role may see, written from the domain rules (CODES: roles), not from core.scoping."""
    qs = Enterprise.objects.all()
    if username in ("admin", "leader", "duty"):
        return qs
    if username in ("yjj", "jtj"):
        return qs.filter(sectors__in=user.department.sectors.all()).distinct()
    if username in ("duruan", "baisha", "inspector_duruan"):
        return qs.filter(town=user.town)
    if username == "ent_duruan":
        return qs.filter(pk=user.enterprise_id)
    return qs.none()


def test_duruan_officer_cannot_open_a_baisha_enterprise(targets, as_user, api_as):
    baisha = targets["baisha_trade"]
    assert as_user("duruan").get(reverse("registry:enterprise_detail", args=[baisha.pk])).status_code == 404
    assert api_as("duruan").get(f"/api/v1/enterprises/{baisha.pk}/").status_code == 404
    assert as_user("baisha").get(reverse("registry:enterprise_detail", args=[baisha.pk])).status_code == 200


def test_duruan_officer_cannot_find_a_baisha_enterprise_by_its_exact_name(targets, as_user, api_as):
    baisha = targets["baisha_trade"]
    assert api_as("duruan").get("/api/v1/enterprises/", {"q": baisha.name}).json()["count"] == 0
    page = as_user("duruan").get(reverse("registry:enterprise_list"), {"q": baisha.name})
    assert page.context["page_obj"].paginator.count == 0
    assert baisha.credit_code not in page.content.decode()
    assert reverse("registry:enterprise_detail", args=[baisha.pk]) not in page.content.decode()


def test_the_enterprise_user_owns_an_industry_trade_enterprise_in_duruan(persona, district):
    own = persona("ent_duruan").enterprise
    assert own.town == district["duruan"]
    assert "industry_trade" in own.sector_codes()


@pytest.mark.parametrize(("username", "target", "expected"), TABLE, ids=TABLE_IDS)
def test_detail_and_exact_name_search_follow_the_scope(username, target, expected, targets, as_user, api_as):
    enterprise = targets[target]
    ui, api = as_user(username), api_as(username)
    status = 200 if expected else 404

    assert ui.get(reverse("registry:enterprise_detail", args=[enterprise.pk])).status_code == status
    assert api.get(f"/api/v1/enterprises/{enterprise.pk}/").status_code == status

    page = ui.get(reverse("registry:enterprise_list"), {"q": enterprise.name})
    assert page.status_code == 200
    assert page.context["page_obj"].paginator.count == (1 if expected else 0)
    assert (enterprise.credit_code in page.content.decode()) is expected

    listed = api.get("/api/v1/enterprises/", {"q": enterprise.name}).json()
    assert listed["count"] == (1 if expected else 0)
    assert [r["id"] for r in listed["results"]] == ([enterprise.pk] if expected else [])

    by_code = api.get("/api/v1/enterprises/", {"q": enterprise.credit_code}).json()
    assert by_code["count"] == (1 if expected else 0)


@pytest.mark.parametrize(("username", "target"), [(p, t) for p, t, e in TABLE if not e])
def test_out_of_scope_writes_answer_404_and_change_nothing(username, target, targets, as_user, api_as):
    enterprise = targets[target]
    before = Enterprise.objects.values().get(pk=enterprise.pk)
    api = api_as(username)
    ui = as_user(username)

    body = {"name": "被篡改的名称", "version": 1}
    response = api.patch(f"/api/v1/enterprises/{enterprise.pk}/", body, format="json")
    # Administrator roles are refused every business write before any lookup (403 whatever the id).
    assert response.status_code == (403 if username in ADMINISTRATORS else 404)
    missing = api.patch("/api/v1/enterprises/987654321/", body, format="json")
    assert (missing.status_code, missing.json()) == (response.status_code, response.json())  # no hint
    assert (
        ui.post(reverse("registry:enterprise_edit", args=[enterprise.pk]), {"name": "x"}).status_code == 404
    )
    assert (
        ui.post(
            reverse("registry:enterprise_status", args=[enterprise.pk]),
            {"status": "closed", "reason": "x"},
        ).status_code
        == 404
    )
    assert Enterprise.objects.values().get(pk=enterprise.pk) == before


@pytest.mark.parametrize("username", PERSONAS)
def test_list_count_is_exactly_the_scope(username, targets, as_user, api_as, persona):
    expected = set(expected_queryset(username, persona(username)).values_list("pk", flat=True))
    api_count = api_as(username).get("/api/v1/enterprises/").json()["count"]
    ui_count = as_user(username).get(reverse("registry:enterprise_list")).context["page_obj"].paginator.count
    assert api_count == ui_count == len(expected)


@pytest.mark.parametrize("username", PERSONAS)
def test_exports_hold_exactly_the_scoped_rows(username, targets, as_user, api_as, persona):
    expected = set(expected_queryset(username, persona(username)).values_list("credit_code", flat=True))
    codes_api = workbook_column(api_as(username).get("/api/v1/enterprises/export/"))
    codes_ui = workbook_column(as_user(username).get(reverse("registry:enterprise_list"), {"export": "xlsx"}))
    assert codes_api == codes_ui == expected
    for key, enterprise in targets.items():
        assert (enterprise.credit_code in codes_api) is (key in VISIBLE[username])


def test_every_enterprise_export_is_audited_with_its_row_count(targets, as_user, api_as, persona):
    from audit.models import AuditEvent

    expected = expected_queryset("baisha", persona("baisha")).count()
    # Reading the workbooks closes the responses the way the test client expects.
    assert len(workbook_column(api_as("baisha").get("/api/v1/enterprises/export/"))) == expected
    assert (
        len(workbook_column(as_user("baisha").get(reverse("registry:enterprise_list"), {"export": "xlsx"})))
        == expected
    )
    events = list(AuditEvent.objects.filter(action="registry.enterprise.exported").order_by("-id")[:2])
    assert [(e.actor_name, e.data["count"]) for e in events] == [("baisha", expected)] * 2


def test_duruan_officer_cannot_reach_baisha_through_filters_or_exports(targets, district, as_user, api_as):
    baisha = district["baisha"]
    api = api_as("duruan")
    assert api.get("/api/v1/enterprises/", {"town": baisha.pk}).json()["count"] == 0
    export = api.get("/api/v1/enterprises/export/", {"town": baisha.pk, "q": "白沙隔离测试"})
    assert workbook_column(export) == set()
    ui_export = as_user("duruan").get(reverse("registry:enterprise_list"), {"export": "xlsx", "q": "白沙"})
    assert targets["baisha_trade"].credit_code not in workbook_column(ui_export)


def test_filtered_export_keeps_the_filters_inside_the_scope(targets, as_user, api_as):
    codes = workbook_column(api_as("yjj").get("/api/v1/enterprises/export/", {"q": "隔离测试"}))
    assert codes == {targets["baisha_trade"].credit_code, targets["duruan_trade"].credit_code}
    codes = workbook_column(
        as_user("duruan").get(
            reverse("registry:enterprise_list"), {"export": "xlsx", "sector": "construction", "q": "隔离测试"}
        )
    )
    assert codes == {targets["duruan_construction"].credit_code}


@pytest.mark.parametrize("username", ["duruan", "yjj", "jtj", "ent_duruan", "baisha"])
def test_list_results_carry_no_out_of_scope_ids(username, targets, api_as, persona):
    user = persona(username)
    allowed = set(expected_queryset(username, user).values_list("pk", flat=True))
    body = api_as(username).get("/api/v1/enterprises/", {"page_size": 200}).json()
    assert {r["id"] for r in body["results"]} <= allowed
    if user.town_id:
        assert {r["town"] for r in body["results"]} == {user.town_id}
    if user.department_id:
        codes = set(user.department.sectors.values_list("code", flat=True))
        assert all(codes & set(r["sectors"]) for r in body["results"])


def test_supervising_departments_are_those_of_the_enterprise_sectors(targets, api_as, as_user):
    from registry.models import Department

    enterprise = targets["duruan_construction"]
    body = api_as("duruan").get(f"/api/v1/enterprises/{enterprise.pk}/").json()
    expected = set(Department.objects.filter(sectors__code="construction").values_list("pk", flat=True))
    assert set(body["supervising_departments"]) == expected
    assert expected  # housing supervises construction (CODES: departments)
    page = as_user("duruan").get(reverse("registry:enterprise_detail", args=[enterprise.pk]))
    assert list(page.context["departments"]) == list(Department.objects.filter(pk__in=expected))


def test_administrators_see_no_business_data_anywhere(targets, as_user, api_as):
    for username in ("sysadmin", "secadmin", "auditadmin"):
        assert api_as(username).get("/api/v1/enterprises/").json() == {
            "count": 0,
            "next": None,
            "previous": None,
            "results": [],
        }
        assert (
            as_user(username).get(reverse("registry:enterprise_list")).context["page_obj"].paginator.count
            == 0
        )


@pytest.mark.parametrize("username", ["admin", "duruan", "yjj"])
def test_list_query_count_does_not_grow_with_page_size(username, targets, api_as, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_as(username)
    ui = as_user(username)
    api.get("/api/v1/enterprises/")  # warm the per-user caches (roles, scope)
    counts = []
    for size in (2, 50):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/enterprises/", {"page_size": size}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 6
    ui_counts = []
    ui.get(reverse("registry:enterprise_list"))  # warm the cached run-time settings the session reads
    for page in (1, 2):
        with CaptureQueriesContext(connection) as ctx:
            ui.get(reverse("registry:enterprise_list"), {"page": page})
        ui_counts.append(len(ctx.captured_queries))
    assert ui_counts[0] == ui_counts[1]
