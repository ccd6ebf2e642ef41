"""Learn from one case (举一反三): the ranking puts the obviously similar first, and one action launches."""

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.models import Campaign, ChecklistTemplate, InspectionTask
from inspections.similarity import bm25_scores, load_source, rank_similar, tokens
from inspections.tests.helpers import make_enterprise

SOURCE_TEXT = "污水处理池清淤作业前未通风、未检测，作业人员进入污水池后硫化氢中毒"


@pytest.fixture
def case(persona, district):
    from hazards.services import report_hazard

    admin = persona("admin")
    source = make_enterprise(
        district["duruan"],
        ["confined_space", "industry_trade"],
        sub_sector="light_industry",
        business_scope="造纸 污水处理",
    )
    similar = make_enterprise(
        district["baisha"],
        ["confined_space", "industry_trade"],
        sub_sector="light_industry",
        name="白沙造纸污水处理测试有限公司",
        business_scope="造纸；污水处理池清淤；污水池维护",
    )
    report_hazard(
        actor=admin,
        enterprise=similar,
        title="污水池入口无警示标志",
        category="management",
        source="government_inspection",
        equipment="污水池",
        sector="confined_space",
    )
    same_sector = make_enterprise(
        district["baisha"],
        ["confined_space"],
        sub_sector="commerce",
        name="白沙测试物业管理有限公司",
        business_scope="物业管理",
    )
    unrelated = make_enterprise(
        district["baisha"], ["gas"], name="白沙测试燃气供应有限公司", business_scope="瓶装液化气供应"
    )
    hazard = report_hazard(
        actor=admin,
        enterprise=source,
        title="有限空间作业未通风检测",
        category="management",
        source="government_inspection",
        description=SOURCE_TEXT,
        equipment="污水池",
        process="清淤",
        sector="confined_space",
    )
    return {
        "hazard": hazard,
        "similar": similar,
        "same_sector": same_sector,
        "unrelated": unrelated,
        "source": source,
    }


def test_bm25_prefers_the_document_that_shares_the_rare_words():
    docs = {1: tokens("污水池清淤 硫化氢 检测"), 2: tokens("机械加工 冲压"), 3: tokens("污水 管理")}
    scores = bm25_scores(tokens("污水池 硫化氢中毒"), docs)
    assert max(scores, key=scores.get) == 1 and 2 not in scores


@pytest.mark.django_db
def test_the_obviously_similar_enterprise_ranks_first_with_its_reasons(persona, case):
    admin = persona("admin")
    source = load_source(admin, hazard=case["hazard"].pk)
    matches = rank_similar(admin, source, limit=5000)
    order = [m.enterprise.pk for m in matches]
    assert order[0] == case["similar"].pk
    assert case["source"].pk not in order
    assert order.index(case["same_sector"].pk) > 0
    if case["unrelated"].pk in order:
        assert order.index(case["unrelated"].pk) > order.index(case["same_sector"].pk)
    reasons = " ".join(matches[0].reasons)
    assert "有限空间" in reasons or "Confined" in reasons
    assert "污水池" in reasons


@pytest.mark.django_db
def test_ranking_is_scoped_to_the_user(persona, case):
    duruan = persona("duruan")
    source = load_source(persona("admin"), hazard=case["hazard"].pk)
    assert all(m.enterprise.town_id == duruan.town_id for m in rank_similar(duruan, source, limit=5000))


@pytest.mark.django_db
def test_the_learn_page_is_reachable_by_name_and_scoped(as_user, case):
    url = reverse("inspections:learn") + f"?hazard={case['hazard'].pk}"
    page = as_user("admin").get(url)
    assert page.status_code == 200
    assert case["similar"].name in page.content.decode()
    assert as_user("baisha").get(url).status_code == 404
    assert as_user("admin").get(reverse("inspections:learn") + "?hazard=abc").status_code == 404
    assert as_user("admin").get(reverse("inspections:learn")).status_code == 404


@pytest.mark.django_db
def test_one_action_turns_the_chosen_into_a_targeted_campaign_with_a_case_checklist(as_user, case):
    client = as_user("admin")
    chosen = [case["similar"].pk, case["same_sector"].pk]
    deadline = timezone.localdate() + timezone.timedelta(days=20)
    response = client.post(
        reverse("inspections:learn"),
        {
            "hazard": case["hazard"].pk,
            "enterprise": chosen,
            "name": "污水池举一反三",
            "deadline": deadline.isoformat(),
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="污水池举一反三")
    assert campaign.kind == "followup"
    assert (campaign.source_type, campaign.source_id) == ("hazards.hazard", case["hazard"].pk)
    assert set(campaign.targets.values_list("enterprise_id", flat=True)) == set(chosen)
    assert campaign.targets.get(enterprise=case["similar"]).match_reasons
    template = campaign.template
    assert (template.source_type, template.source_id) == ("hazards.hazard", case["hazard"].pk)
    first = template.items.get(number=1)
    assert "有限空间作业未通风检测" in first.requirement and first.category == "management"
    assert template.items.count() >= 6
    tasks = InspectionTask.objects.filter(campaign=campaign)
    assert tasks.count() == 2 and set(tasks.values_list("deadline", flat=True)) == {deadline}
    # The link back: the learn page shows the earlier follow-up.
    assert (
        "污水池举一反三"
        in client.get(reverse("inspections:learn") + f"?hazard={case['hazard'].pk}").content.decode()
    )
    assert ChecklistTemplate.objects.filter(source_id=case["hazard"].pk).count() == 1


@pytest.mark.django_db
def test_an_accident_can_be_the_source(as_user, persona, case, district):
    from accidents.models import Accident

    accident = Accident.objects.create(
        title="某厂污水池硫化氢中毒事故",
        occurred_at=timezone.now(),
        town=district["duruan"],
        enterprise=case["source"],
        sector_id="confined_space",
        accident_type="19",
        narrative=SOURCE_TEXT,
    )
    page = as_user("admin").get(reverse("inspections:learn") + f"?accident={accident.pk}")
    assert page.status_code == 200
    source = load_source(persona("admin"), accident=accident.pk)
    assert rank_similar(persona("admin"), source, limit=5000)[0].enterprise.pk == case["similar"].pk
    assert as_user("baisha").get(reverse("inspections:learn") + f"?accident={accident.pk}").status_code == 404


@pytest.mark.django_db
def test_api_learn_ranks_and_launches(api_as, case):
    client = api_as("admin")
    ranked = client.get(f"/api/v1/learn/?hazard={case['hazard'].pk}")
    assert ranked.status_code == 200
    assert {"count", "next", "previous", "results"} <= set(ranked.json())
    first = ranked.json()["results"][0]
    assert set(first) == {"enterprise", "name", "town", "score", "reasons"}
    assert first["enterprise"] == case["similar"].pk and first["reasons"]
    assert api_as("baisha").get(f"/api/v1/learn/?hazard={case['hazard'].pk}").status_code == 404
    launched = client.post(
        "/api/v1/learn/", {"hazard": case["hazard"].pk, "enterprises": [case["similar"].pk]}, format="json"
    )
    assert launched.status_code == 201
    body = launched.json()
    assert body["kind"] == "followup" and body["source_id"] == case["hazard"].pk
    targets = client.get(f"/api/v1/campaigns/{body['id']}/targets/").json()
    assert [t["enterprise"] for t in targets["results"]] == [case["similar"].pk]
    assert api_as("duruan").get(f"/api/v1/campaigns/{body['id']}/targets/").status_code == 404
    more = client.post(
        f"/api/v1/campaigns/{body['id']}/targets/", {"enterprises": [case["same_sector"].pk]}, format="json"
    )
    assert more.status_code == 201 and more.json() == {"added": 1}
    assert (
        client.post(
            "/api/v1/learn/", {"hazard": case["hazard"].pk, "enterprises": []}, format="json"
        ).status_code
        == 400
    )


@pytest.mark.django_db
def test_the_follow_up_does_not_carry_the_source_enterprise_to_other_towns(persona, case):
    from inspections import services

    source = load_source(persona("admin"), hazard=case["hazard"].pk)
    campaign = services.launch_followup(
        actor=persona("admin"), source=source, enterprise_ids=[case["similar"].pk]
    )
    name = case["source"].name
    assert name not in campaign.source_label and name not in campaign.goal and name not in campaign.name
    template = campaign.template
    assert name not in template.description and all(name not in i.requirement for i in template.items.all())


@pytest.mark.django_db
def test_a_launch_without_enterprises_is_refused_with_the_name_and_deadline_kept(as_user, case):
    deadline = timezone.localdate() + timezone.timedelta(days=20)
    response = as_user("admin").post(
        reverse("inspections:learn"),
        {"hazard": case["hazard"].pk, "name": "污水池举一反三", "deadline": deadline.isoformat()},
    )
    assert response.status_code == 400  # no enterprise ticked: the page again, nothing launched
    page = response.content.decode()
    assert 'value="污水池举一反三"' in page and 'data-testid="form-errors"' in page
