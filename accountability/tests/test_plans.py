"""R-ACCT-5: the annual enforcement plan per department — entries (whom, when, by whom), planned against done
with the double-random draws and inspections counting, pages and API, scope."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accountability import selectors
from accountability.models import EnforcementPlan
from accountability.services import enforcement
from core.errors import Conflict, InvalidInput, NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(district, persona):
    return enforcement.save_plan(
        actor=persona("yjj"), data={"year": timezone.localdate().year, "planned_inspections": 10}
    )


def inspect(enterprise, inspector):
    from inspections.models import Inspection

    template = Inspection._meta.get_field("template").related_model.objects.first()
    return Inspection.objects.create(
        enterprise=enterprise, town=enterprise.town, template=template, inspector=inspector
    )


def test_an_entry_counts_as_done_once_the_department_inspected_the_enterprise(plan, persona, enterprise_in):
    yjj = persona("yjj")
    target = enterprise_in("duruan", "industry_trade")
    enforcement.add_plan_entry(
        actor=yjj, plan=plan, data={"enterprise": target.pk, "month": 5, "inspectors": "张三、李四"}
    )
    assert selectors.plan_progress(plan)["entries"] == 1
    assert selectors.plan_progress(plan)["entries_done"] == 0
    inspect(target, yjj)
    progress = selectors.plan_progress(plan)
    assert progress["entries_done"] == 1 and progress["inspections"] >= 1 and progress["planned"] == 10
    row = selectors.plan_entries(plan)[0]
    assert row["inspected"] and row["done"] and not row["drawn"]


def test_an_entry_is_refused_with_the_field_named(plan, persona, enterprise_in):
    yjj = persona("yjj")
    target = enterprise_in("duruan", "industry_trade")
    with pytest.raises(InvalidInput) as bad:
        enforcement.add_plan_entry(
            actor=yjj, plan=plan, data={"enterprise": target.pk, "month": 13, "inspectors": "张三"}
        )
    assert "month" in bad.value.errors
    enforcement.add_plan_entry(
        actor=yjj, plan=plan, data={"enterprise": target.pk, "month": 3, "inspectors": "张三"}
    )
    with pytest.raises(Conflict):
        enforcement.add_plan_entry(
            actor=yjj, plan=plan, data={"enterprise": target.pk, "month": 4, "inspectors": "张三"}
        )
    with pytest.raises(NotAllowed):  # another department, and the district, do not keep this plan
        enforcement.add_plan_entry(
            actor=persona("jtj"), plan=plan, data={"enterprise": target.pk, "month": 4, "inspectors": "王五"}
        )
    assert plan.entries.count() == 1


def test_the_plan_page_keeps_the_input_on_a_refusal(plan, as_user, enterprise_in):
    client = as_user("yjj")
    target = enterprise_in("duruan", "industry_trade")
    url = f"/accountability/cases/plans/{plan.pk}/"
    refused = client.post(url, {"enterprise": target.pk, "month": "13", "inspectors": "张三"})
    assert refused.status_code == 400 and "张三" in refused.content.decode()
    assert (
        client.post(url, {"enterprise": target.pk, "month": "6", "inspectors": "张三、李四"}).status_code
        == 302
    )
    page = client.get(url).content.decode()
    assert target.name in page and "张三、李四" in page


def test_plan_scope_pages_and_api(plan, as_user, api_as, persona, enterprise_in):
    target = enterprise_in("duruan", "industry_trade")
    body = {"enterprise": target.pk, "month": 2, "inspectors": "张三、李四"}
    assert (
        api_as("yjj").post(f"/api/v1/enforcement/plans/{plan.pk}/entries/", body, format="json").status_code
        == 201
    )
    data = api_as("admin").get(f"/api/v1/enforcement/plans/{plan.pk}/").json()
    assert data["progress"]["entries"] == 1 and data["entries"][0]["inspectors"] == "张三、李四"
    for outsider in ("jtj", "duruan", "ent_duruan"):
        assert api_as(outsider).get(f"/api/v1/enforcement/plans/{plan.pk}/").status_code == 404
        assert as_user(outsider).get(f"/accountability/cases/plans/{plan.pk}/").status_code == 404
        assert plan.pk not in [
            r["id"] for r in api_as(outsider).get("/api/v1/enforcement/plans/").json()["results"]
        ]
    assert (
        api_as("jtj").post(f"/api/v1/enforcement/plans/{plan.pk}/entries/", body, format="json").status_code
        == 404
    )
    assert (
        api_as("leader")
        .post(f"/api/v1/enforcement/plans/{plan.pk}/entries/", body, format="json")
        .status_code
        == 403
    )


def test_a_department_saves_its_plan_over_the_api(district, api_as):
    response = api_as("jtj").post(
        "/api/v1/enforcement/plans/", {"year": 2027, "planned_inspections": 40}, format="json"
    )
    assert response.status_code == 201 and response.json()["planned_inspections"] == 40
    assert EnforcementPlan.objects.filter(year=2027).count() == 1
    bad = api_as("jtj").post(
        "/api/v1/enforcement/plans/", {"year": 2027, "planned_inspections": -1}, format="json"
    )
    assert bad.status_code == 400 and "planned_inspections" in str(bad.json())
