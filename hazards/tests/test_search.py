"""Chinese full-text search of the hazard list's `q` (issue 18), on SQLite FTS5 and PostgreSQL tsvector.

Run on both: as is (SQLite) and with DATABASE_URL=postgres://…/redline_<branch>.
"""

from urllib.parse import quote

import pytest
from django.db import connection

from hazards.filters import search_hazards
from hazards.models import Hazard
from hazards.search import FTS, words_of
from hazards.tests.helpers import reported


@pytest.fixture
def titled(persona, enterprise_in):
    officer, enterprise = persona("duruan"), enterprise_in("duruan", "industry_trade")

    def make(title, **extra):
        return reported(officer, enterprise, title=title, **extra)

    return make


def ids(client, q, **params):
    query = "&".join([f"q={quote(q)}", "page_size=200", *(f"{k}={v}" for k, v in params.items())])
    response = client.get(f"/api/v1/hazards/?{query}")
    assert response.status_code == 200, (q, response.content[:300])
    body = response.json()
    assert body["count"] == len(body["results"])  # the list count equals the rows
    return {h["id"] for h in body["results"]}


def test_a_word_inside_a_longer_title_is_found(api_as, titled):
    hazard = titled("二号仓库配电箱未接地且电线老化")
    other = titled("车间消防通道堵塞")
    client = api_as("admin")
    for q in ("配电箱", "接地", "电线老化", "仓库"):
        found = ids(client, q)
        assert hazard.pk in found and other.pk not in found, q


def test_the_stored_words_follow_the_registered_texts(persona, enterprise_in):
    hazard = reported(
        persona("duruan"),
        enterprise_in("duruan", "industry_trade"),
        title="叉车超载",
        description="司机未持证上岗",
        location="三号码头",
    )
    assert Hazard.objects.get(pk=hazard.pk).search_words == words_of("叉车超载", "司机未持证上岗", "三号码头")
    assert {"叉车", "超载", "司机", "码头"} <= set(hazard.search_words.split())


def test_description_and_location_are_searched_too(api_as, persona, enterprise_in):
    hazard = reported(
        persona("duruan"),
        enterprise_in("duruan", "industry_trade"),
        title="无关标题",
        description="储罐区域防火堤破损",
        location="东侧危化品仓库",
    )
    client = api_as("admin")
    assert hazard.pk in ids(client, "防火堤")
    assert hazard.pk in ids(client, "危化品")


def test_two_words_and(api_as, titled):
    both = titled("配电箱锈蚀且接地不良")
    only_one = titled("配电箱门未关闭")
    client = api_as("admin")
    found = ids(client, "配电箱 接地")
    assert both.pk in found and only_one.pk not in found
    assert {both.pk, only_one.pk} <= ids(client, "配电箱")


def test_the_enterprise_name_still_matches(api_as, titled, enterprise_in):
    hazard = titled("无关标题")
    name = enterprise_in("duruan", "industry_trade").name
    assert hazard.pk in ids(api_as("admin"), name)


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "'",
        "*",
        "配电箱*",
        "NEAR",
        "NEAR(配电 接地)",
        "配电箱 OR 1=1",
        "' OR '1'='1",
        '"配电箱" AND',
        "配电箱 & | ! :*",
        "-- ;DROP TABLE hazards_hazard",
        "^配电箱",
        "()",
        "a" * 500,
    ],
)
def test_syntax_in_the_query_is_text_never_a_500(api_as, as_user, titled, q):
    hazard = titled("配电箱未接地")
    found = ids(api_as("admin"), q)
    if q in ("配电箱*", "^配电箱", "配电箱 & | ! :*"):
        assert hazard.pk in found  # the operators are dropped, the word is searched
    assert as_user("admin").get(f"/hazards/?q={quote(q)}").status_code == 200
    assert Hazard.objects.filter(pk=hazard.pk).exists()


def test_the_page_searches_the_same_way(as_user, titled):
    hazard = titled("塔吊限位器失灵")
    response = as_user("duruan").get(f"/hazards/?q={quote('限位器')}", HTTP_HX_REQUEST="true")
    page = response.context["page_obj"]
    assert page.paginator.count == len(page.object_list) >= 1
    assert "塔吊限位器失灵" in response.content.decode()
    assert hazard.pk in {getattr(h, "pk", None) or h["id"] for h in page.object_list}


def test_the_engine_answers_not_like():
    sql = str(search_hazards(Hazard.objects.all(), "配电箱 接地").query)
    assert "LIKE" not in sql.split("registry_enterprise")[0]  # LIKE only for the enterprise name
    if connection.vendor == "sqlite":
        assert f"{FTS} MATCH" in sql
    else:
        assert "@@ to_tsquery('simple'" in sql


def test_a_hazard_found_by_its_words_and_its_enterprise_s_name_is_counted_once(api_as, titled, enterprise_in):
    name = enterprise_in("duruan", "industry_trade").name
    both = titled(f"{name}配电箱未接地")
    body = api_as("admin").get(f"/api/v1/hazards/?q={quote(name)}&page_size=200").json()
    assert [h["id"] for h in body["results"]].count(both.pk) == 1
    assert body["count"] == len(body["results"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL's words index")
def test_the_words_index_is_used_even_beside_the_enterprise_name(titled):
    """Under `words OR enterprise IN (…)` PostgreSQL cannot use the words' index and computes every row's
    words (7 s for a million hazards); the two are read apart and joined. With sequential scans priced out,
    the plan shows whether the index can be used at all."""
    titled("配电箱未接地")
    qs = search_hazards(Hazard.objects.all(), "配电箱").values("id")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT count(*) FROM ({sql}) s", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "hazards_hazard_search_gin" in plan, plan


def test_blank_query_filters_nothing():
    qs = Hazard.objects.all()
    assert search_hazards(qs, "   ") is qs


def test_the_index_follows_updates_and_deletes(api_as, titled):
    hazard = titled("脚手架缺少扫地杆")
    client = api_as("admin")
    assert hazard.pk in ids(client, "脚手架")
    Hazard.objects.filter(pk=hazard.pk).update(search_words=words_of("吊篮安全锁失效"))
    assert hazard.pk not in ids(client, "脚手架") and hazard.pk in ids(client, "吊篮")
    gone = titled("吊篮配重不足")
    assert gone.pk in ids(client, "吊篮")
    Hazard.objects.filter(pk=gone.pk).delete()
    assert ids(client, "吊篮") == {hazard.pk}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drops triggers when it rebuilds a table")
def test_missing_triggers_are_recreated_after_migrate(api_as, titled):
    from hazards.search import SQLITE_DROP, ensure_index

    with connection.cursor() as cursor:
        for sql in SQLITE_DROP:
            cursor.execute(sql)
    ensure_index(connection)  # what post_migrate runs; the FTS table is rebuilt from the rows
    hazard = titled("行车钢丝绳断股")
    assert hazard.pk in ids(api_as("admin"), "钢丝绳")


def test_the_migration_back_fills_existing_rows(titled):
    import importlib

    from django.apps import apps as django_apps
    from django.db import connection as conn

    hazard = titled("消防栓无水")
    Hazard.objects.filter(pk=hazard.pk).update(search_words="")
    migration = importlib.import_module("hazards.migrations.0009_search_words")

    class Editor:
        connection = conn

    migration.BATCH = 3  # several batches over the test district's rows
    migration.backfill(django_apps, Editor())
    assert Hazard.objects.get(pk=hazard.pk).search_words == words_of("消防栓无水", "", "")
    assert not Hazard.objects.filter(search_words="").exists()
