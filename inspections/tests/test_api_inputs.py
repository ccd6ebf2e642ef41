"""Bad input never answers 500 (API.md): huge numbers, wrong types, unknown ids."""

import pytest

HUGE = 10**30


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/api/v1/draws/", {"count": HUGE}),
        ("/api/v1/draws/", {"count": 1, "seed": HUGE}),
        ("/api/v1/draws/", {"count": 1, "pool": {"town": HUGE, "sector": ["x"]}}),
        ("/api/v1/draws/", {"count": 1, "inspector_pool": {"department": HUGE}}),
        ("/api/v1/draws/", {"count": 1, "pool": "all"}),
        ("/api/v1/inspections/", {"task": HUGE}),
        ("/api/v1/inspections/", {"enterprise": HUGE, "template": HUGE}),
        ("/api/v1/inspections/", {}),
        (
            "/api/v1/campaigns/",
            {
                "name": "x",
                "goal": "y",
                "sectors": ["gas"],
                "towns": [HUGE],
                "start_date": "2026-01-01",
                "end_date": "2026-02-01",
                "template": HUGE,
            },
        ),
        (
            "/api/v1/campaigns/",
            {
                "name": "x",
                "goal": "y",
                "sectors": "gas",
                "towns": "all",
                "start_date": "soon",
                "end_date": None,
                "template": "t",
            },
        ),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_400_or_404_never_500(api_as, url, payload):
    response = api_as("admin").post(url, payload, format="json")
    assert response.status_code in (400, 404), response.content


@pytest.mark.django_db
def test_bad_item_results_and_assignments(api_as, persona, district):
    from inspections import services
    from inspections.tests.helpers import campaign_data, make_enterprise, template

    admin = persona("admin")
    inspection = services.start_inspection(
        actor=admin, enterprise=make_enterprise(district["duruan"], ["gas"]), template=template("gas")
    )
    client = api_as("admin")
    for body in ({"item": HUGE, "result": "pass"}, {"item": "x"}, {"item": 1, "result": ["pass"]}):
        assert (
            client.post(f"/api/v1/inspections/{inspection.pk}/results/", body, format="json").status_code
            == 400
        )
    campaign = services.launch_campaign(actor=admin, data=campaign_data([district["duruan"]]))
    for body in (
        {"deadline": "2999-01-01", "inspectors": [HUGE]},
        {"deadline": "2999-01-01", "town": HUGE},
        {"deadline": "yesterday"},
    ):
        assert client.post(f"/api/v1/campaigns/{campaign.pk}/assign/", body, format="json").status_code == 400
    assert client.get(f"/api/v1/draws/{HUGE}/verify/").status_code == 404
    assert client.get("/api/v1/inspection-tasks/?campaign=abc").status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        f"/inspections/campaigns/{HUGE}/",
        f"/inspections/records/{HUGE}/",
        f"/inspections/tasks/{HUGE}/",
        f"/inspections/draws/{HUGE}/",
        f"/inspections/checklists/{HUGE}/",
        f"/inspections/learn/?hazard={HUGE}",
        f"/inspections/learn/?accident={HUGE}",
        f"/inspections/records/new/?enterprise={HUGE}",
    ],
)
@pytest.mark.django_db
def test_huge_ids_in_pages_are_404(as_user, url):
    assert as_user("admin").get(url).status_code == 404


@pytest.mark.django_db
def test_huge_item_id_in_autosave_is_400(as_user, persona, district):
    from inspections import services
    from inspections.tests.helpers import make_enterprise, template

    inspection = services.start_inspection(
        actor=persona("admin"),
        enterprise=make_enterprise(district["duruan"], ["gas"]),
        template=template("gas"),
    )
    response = as_user("admin").post(
        f"/inspections/records/{inspection.pk}/items/{HUGE}/", {"result": "pass"}
    )
    assert response.status_code == 400
