"""API.md "Accountability" and "Assessment": the fixed shapes, the 409 on a second decision, the scope."""

from __future__ import annotations

import datetime as dt

import pytest

from accountability.choices import ProposalState
from accountability.models import EnforcementCase, MeasureRecord, Proposal
from accountability.tests.helpers import accident

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(district, enterprise_in):
    from accountability.services.proposals import check_accident

    MeasureRecord.objects.filter(proposal__state=ProposalState.PROPOSED).delete()
    duruan = enterprise_in("duruan", "industry_trade")
    baisha = enterprise_in("baisha", "industry_trade")
    check_accident(accident(duruan, late=True))
    check_accident(accident(baisha, late=True))
    return Proposal.objects.get(enterprise=duruan, cause__startswith="accident:"), Proposal.objects.get(
        enterprise=baisha, cause__startswith="accident:"
    )


def test_the_list_has_trigger_target_measure_state_and_facts(proposals, api_as):
    mine, _other = proposals
    rows = (
        api_as("duruan")
        .get("/api/v1/accountability/proposals/?trigger=late_accident_report")
        .json()["results"]
    )
    row = next(r for r in rows if r["id"] == mine.pk)
    assert (
        row["trigger"] == "late_accident_report"
        and row["measure"] == "circular"
        and row["state"] == "proposed"
    )
    assert row["target"]["kind"] == "enterprise" and row["target"]["id"] == mine.enterprise_id
    accident_id = int(mine.cause.split(":")[1])
    assert {
        "kind": "accident",
        "id": accident_id,
        "href": f"/api/v1/accidents/{accident_id}/",
    }.items() <= row["facts"][0].items()


def test_a_town_sees_its_own_proposals_only_and_another_towns_is_404(proposals, api_as):
    mine, other = proposals
    client = api_as("duruan")
    ids = {r["id"] for r in client.get("/api/v1/accountability/proposals/?page_size=200").json()["results"]}
    assert mine.pk in ids and other.pk not in ids
    assert client.get(f"/api/v1/accountability/proposals/{other.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/accountability/proposals/{other.pk}/decide/", {"version": 1}, format="json"
        ).status_code
        == 404
    )


def test_an_enterprise_sees_only_what_concerns_it(proposals, api_as):
    mine, other = proposals
    client = api_as("ent_duruan")
    ids = {r["id"] for r in client.get("/api/v1/accountability/proposals/?page_size=200").json()["results"]}
    enterprise = client.get("/api/v1/me/").json()["enterprise"]
    assert all(Proposal.objects.get(pk=i).enterprise_id == enterprise for i in ids)
    assert client.get(f"/api/v1/accountability/proposals/{other.pk}/").status_code == 404
    assert client.get("/api/v1/assessments/?year=2026").json()["results"] == []


def test_leaders_read_everything_but_decide_nothing(proposals, api_as):
    mine, other = proposals
    client = api_as("leader")
    assert client.get(f"/api/v1/accountability/proposals/{other.pk}/").status_code == 200
    answer = client.post(
        f"/api/v1/accountability/proposals/{mine.pk}/decide/",
        {"version": 1, "decision": "accept"},
        format="json",
    )
    assert answer.status_code == 403


def test_a_decided_proposal_answers_409(proposals, api_as):
    mine, _other = proposals
    client = api_as("admin")
    url = f"/api/v1/accountability/proposals/{mine.pk}/decide/"
    first = client.post(url, {"version": 1, "decision": "accept", "note": "同意"}, format="json")
    assert first.status_code == 200 and first.json()["state"] == "decided"
    again = client.post(url, {"version": 2, "decision": "dismiss", "note": "x"}, format="json")
    assert again.status_code == 409
    assert client.post(url, {"version": 1, "decision": "accept"}, format="json").status_code == 409


def test_assessment_rows_add_up_and_each_records_list_counts_the_value(district, api_as):
    client = api_as("admin")
    rows = client.get("/api/v1/assessments/?year=2026&kind=town&page_size=200").json()["results"]
    assert rows and [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    for row in rows[:2]:
        assert round(sum(i["points"] for i in row["items"]), 2) == row["score"]
        for item in row["items"]:
            listed = client.get(item["records"]).json()
            assert listed["count"] == item["records_count"]
            # API.md: the list's count is the value, rates included (their denominator is `total`).
            assert listed["count"] == item["value"], item["code"]
            if item["code"] == "hazard_on_time_rate":
                assert item["total"] is not None and item["total"] >= item["value"]


def test_a_town_gets_its_own_row_and_404_for_another_towns_records(district, api_as, persona):
    rows = api_as("duruan").get("/api/v1/assessments/?year=2026&kind=town").json()["results"]
    assert [r["target"]["id"] for r in rows] == [persona("duruan").town_id]
    baisha = persona("baisha").town_id
    answer = api_as("duruan").get(
        f"/api/v1/assessments/records/?year=2026&kind=town&unit={baisha}&item=accidents"
    )
    assert answer.status_code == 404


def test_weights_not_adding_to_100_answer_400(district, api_as):
    answer = api_as("admin").post(
        "/api/v1/assessments/weights/",
        {"year": 2025, "kind": "town", "weights": {"accidents": 50}},
        format="json",
    )
    assert answer.status_code == 400 and "weights" in answer.json()
    assert api_as("duruan").post("/api/v1/assessments/weights/", {}, format="json").status_code == 403


def test_an_enforcement_penalty_outside_the_law_answers_400_naming_the_article(
    district, api_as, enterprise_in
):
    client = api_as("yjj")
    enterprise = enterprise_in("duruan", "industry_trade")
    filed = client.post(
        "/api/v1/enforcement/cases/",
        {
            "enterprise": enterprise.pk,
            "sector": "industry_trade",
            "origin": "inspection",
            "title": "隐患未消除",
            "facts": "复查未整改",
        },
        format="json",
    )
    assert filed.status_code == 201, filed.json()
    case = filed.json()
    assert case["documents"][0]["number"].startswith("蓬应急立〔")
    client.post(f"/api/v1/enforcement/cases/{case['id']}/investigate/", {"version": 1}, format="json")
    answer = client.post(
        f"/api/v1/enforcement/cases/{case['id']}/notify/",
        {"version": 2, "measure": "fine", "fine": "80000"},
        format="json",
    )
    assert answer.status_code == 400 and "第一百零二条" in answer.json()["fine"][0]
    assert EnforcementCase.objects.get(pk=case["id"]).state == "investigating"
    assert api_as("baisha").get(f"/api/v1/enforcement/cases/{case['id']}/").status_code == 404
    stats = client.get(f"/api/v1/enforcement/stats/?year={dt.date.today().year}").json()
    assert any(row["cases"] >= 1 for row in stats)


def test_the_proposal_list_costs_the_same_queries_for_any_page_size(proposals, api_as):
    client = api_as("admin")
    client.get("/api/v1/accountability/proposals/?page_size=1")  # warm the caches of the first request
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/accountability/proposals/?page_size={size}").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_enforcement_statistics_key_measures_by_code_and_count_overdue_steps(
    district, api_as, persona, enterprise_in
):
    from accountability.services import enforcement

    case = enforcement.file_case(
        actor=persona("yjj"),
        data={
            "enterprise": enterprise_in("duruan", "industry_trade").pk,
            "sector": "industry_trade",
            "origin": "inspection",
            "title": "隐患未消除",
            "facts": "复查未整改",
        },
    )
    late = dt.timedelta(days=3)
    EnforcementCase.objects.filter(pk=case.pk).update(  # decided and paid, both after their clocks ran out
        state="paid",
        measure="fine",
        fine=20000,
        decided_on=case.decision_due + late,
        payment_due=case.decision_due + 2 * late,
        paid_on=case.decision_due + 3 * late,
    )
    year = case.filed_on.year
    for language in ("zh-hans", "en"):
        rows = (
            api_as("yjj").get(f"/api/v1/enforcement/stats/?year={year}", HTTP_ACCEPT_LANGUAGE=language).json()
        )
        row = next(r for r in rows if r["department"] == persona("yjj").department_id)
        assert row["measures"] == {"fine": 1}
        assert row["overdue_steps"] == {"decision": 1, "payment": 1} and row["overdue"] == 2


def test_the_assessment_schema_shows_the_paginated_envelope(api_as):
    schema = api_as("admin").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, name in (
        ("/api/v1/assessments/", "AssessmentPage"),
        ("/api/v1/assessments/records/", "AssessmentRecordsPage"),
    ):
        answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer == {"$ref": f"#/components/schemas/{name}"}
        assert {"count", "next", "previous", "results"} <= set(
            schema["components"]["schemas"][name]["properties"]
        )
