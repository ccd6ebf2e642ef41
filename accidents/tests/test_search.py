"""The case library's Chinese search (jieba segmentation, icontains per token on SQLite and PostgreSQL)."""

import pytest

from accidents import library
from accidents.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(persona):
    return library.add_external_case(
        actor=persona("yjj"),
        data={
            "title": "某厂污水池清淤中毒事故",
            "summary": "两名作业人员进入污水池作业时中毒。",
            "causes": "未检测气体浓度即进入。",
            "lessons": "必须落实有限空间作业审批制度，先通风再检测后作业。",
            "sector": "confined_space",
            "accident_type": "19",
            "deaths": 2,
            "tags": ["有限空间"],
        },
    )


def test_a_word_inside_a_longer_phrase_of_the_lessons_finds_the_case(case):
    found = Case.objects.search("审批")
    assert case in found
    assert all("审批" in c.lessons + c.causes + c.summary + c.title for c in found)


def test_words_that_are_not_adjacent_in_the_text_find_it(case):
    assert case in Case.objects.search("有限空间 审批")
    assert case in Case.objects.search("污水池审批")


def test_a_word_that_is_not_there_finds_nothing(case):
    assert case not in Case.objects.search("塔吊")


def test_the_api_search_and_filters(case, api_as):
    client = api_as("baisha")
    ids = [c["id"] for c in client.get("/api/v1/cases/", {"q": "审批"}).json()["results"]]
    assert case.pk in ids
    ids = [
        c["id"]
        for c in client.get("/api/v1/cases/", {"tag": "有限空间", "level": "general"}).json()["results"]
    ]
    assert case.pk in ids
    assert client.get("/api/v1/cases/", {"q": "审批", "sector": "road_traffic"}).json()["count"] == 0


def test_the_case_page_search_finds_it(case, as_user):
    response = as_user("duruan").get("/accidents/cases/", {"q": "审批"})
    assert case.title in response.content.decode()


def test_anonymising_removes_phones_id_numbers_and_named_victims():
    text = "工人张三死亡，联系人13812345678，身份证440703199001011234，报告人王五"
    out = library.anonymise(text, names=("王五",))
    assert "13812345678" not in out and "440703199001011234" not in out
    assert "张三" not in out and "王五" not in out
