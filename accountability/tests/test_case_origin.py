"""R-ACCT-5: a case's source record exists, lies in the filer's scope and concerns the case's party."""

from __future__ import annotations

import pytest

from accountability.models import CaseDocument, EnforcementCase
from accountability.tests.helpers import hazard

pytestmark = pytest.mark.django_db
CASES = "/api/v1/enforcement/cases/"
UNKNOWN = "未知来源记录。"
OTHER_PARTY = "来源记录涉及的不是本案当事企业。"


def body(party, **extra):
    return {
        "enterprise": party.pk,
        "sector": "industry_trade",
        "origin": "hazard",
        "title": "未采取措施消除事故隐患",
        "facts": "经复查，粉尘除尘系统隐患逾期未整改。",
        **extra,
    }


def inspect(enterprise, inspector):
    from inspections.models import Inspection

    template = Inspection._meta.get_field("template").related_model.objects.first()
    return Inspection.objects.create(
        enterprise=enterprise, town=enterprise.town, template=template, inspector=inspector
    )


@pytest.fixture
def party(enterprise_in):
    return enterprise_in("duruan", "industry_trade")


def refused(client, data):
    """The filing's answer when refused: 400 naming `origin_id`, and no case or document written."""
    before = (EnforcementCase.objects.count(), CaseDocument.objects.count())
    answer = client.post(CASES, data, format="json")
    assert answer.status_code == 400, answer.json()
    assert (EnforcementCase.objects.count(), CaseDocument.objects.count()) == before
    return answer.json()["origin_id"]


def missing_hazard_id():
    from hazards.models import Hazard

    return (Hazard.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def test_it_files_a_case_from_a_hazard_of_the_party_in_the_filers_scope(api_as, party):
    found = hazard(party)
    answer = api_as("yjj").post(CASES, body(party, origin_id=found.pk), format="json")
    assert answer.status_code == 201, answer.json()
    assert EnforcementCase.objects.get(pk=answer.json()["id"]).origin_id == found.pk


def test_it_files_a_case_from_an_inspection_of_the_party(api_as, persona, party):
    inspection = inspect(party, persona("inspector_duruan"))
    answer = api_as("yjj").post(
        CASES, body(party, origin="inspection", origin_id=inspection.pk), format="json"
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["origin_id"] == inspection.pk


def test_it_refuses_a_source_record_that_does_not_exist(api_as, party):
    assert refused(api_as("yjj"), body(party, origin_id=missing_hazard_id())) == [UNKNOWN]
    assert refused(api_as("admin"), body(party, origin="inspection", origin_id=10**9)) == [UNKNOWN]


def test_it_answers_a_record_out_of_the_filers_scope_like_one_that_does_not_exist(
    api_as, party, enterprise_in
):
    # Another town's hazard of a sector the emergency bureau does not supervise (the transport bureau's).
    elsewhere = hazard(enterprise_in("baisha"), sector="road_traffic")
    # The party's own hazard, filed under another department's sector: out of scope too.
    own_but_not_ours = hazard(party, sector="road_traffic")
    client = api_as("yjj")
    nowhere = refused(client, body(party, origin_id=missing_hazard_id()))
    assert refused(client, body(party, origin_id=elsewhere.pk)) == nowhere == [UNKNOWN]
    assert refused(client, body(party, origin_id=own_but_not_ours.pk)) == nowhere


def test_it_refuses_a_record_that_concerns_another_enterprise(api_as, persona, party, enterprise_in):
    neighbour = enterprise_in("baisha", "industry_trade")  # in the bureau's sector, so in its scope
    assert neighbour.pk != party.pk
    client = api_as("yjj")
    assert refused(client, body(party, origin_id=hazard(neighbour).pk)) == [OTHER_PARTY]
    inspection = inspect(neighbour, persona("yjj"))
    assert refused(client, body(party, origin="inspection", origin_id=inspection.pk)) == [OTHER_PARTY]


def test_a_public_report_names_no_record(api_as, party):
    client = api_as("yjj")
    assert refused(client, body(party, origin="report", origin_id=hazard(party).pk)) == [
        "该来源没有可关联的记录，来源记录请留空。"
    ]
    assert client.post(CASES, body(party, origin="report"), format="json").status_code == 201


def test_the_refusal_speaks_english_to_an_english_reader(api_as, party):
    answer = api_as("yjj").post(
        CASES, body(party, origin_id=missing_hazard_id()), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400 and answer.json()["origin_id"] == ["Unknown source record."]


def test_the_filing_page_keeps_the_input_and_shows_the_refusal_on_the_source_record(
    as_user, party, enterprise_in
):
    elsewhere = hazard(enterprise_in("baisha"), sector="road_traffic")
    before = EnforcementCase.objects.count()
    page = as_user("yjj").post("/accountability/cases/new/", body(party, origin_id=elsewhere.pk))
    assert page.status_code == 400
    form = page.context["form"]
    assert form.errors["origin_id"] == [UNKNOWN]
    assert form["origin_id"].value() == str(elsewhere.pk)
    assert form["title"].value() == "未采取措施消除事故隐患"
    assert UNKNOWN in page.text and "经复查，粉尘除尘系统隐患逾期未整改。" in page.text
    assert EnforcementCase.objects.count() == before
