"""The OpenAPI schema (API.md: `/api/schema/`, `/api/docs/`) generates cleanly and answers the right people."""

import pytest
from django.test import Client, override_settings
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

FOUNDATION_PATHS = ("/core/", "/registry/", "/accounts/", "/notifications/", "/audit/")


@pytest.fixture(scope="module")
def schema_problems():
    """Generate the schema once; return (schema, warnings and errors drf-spectacular reported)."""
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = sorted(GENERATOR_STATS._warn_cache) + sorted(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    return schema, problems


def test_the_foundation_apps_generate_no_schema_warnings(schema_problems):
    _schema, problems = schema_problems
    ours = [p for p in problems if any(part in p for part in FOUNDATION_PATHS)]
    assert not ours, "\n".join(ours)


def test_the_whole_schema_generates_without_any_warning_or_error(schema_problems):
    _schema, problems = schema_problems
    assert not problems, f"{len(problems)} schema problems:\n" + "\n".join(problems)


def test_the_schema_holds_the_fixed_points_of_api_md(schema_problems):
    schema, _problems = schema_problems
    paths = set(schema["paths"])
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/towns/",
        "/api/v1/sectors/",
        "/api/v1/departments/",
        "/api/v1/enterprises/",
        "/api/v1/enterprises/{id}/",
        "/api/v1/enterprises/import/",
        "/api/v1/enterprises/import/template/",
        "/api/v1/enterprises/export/",
    ):
        assert path in paths, path
    listing = schema["paths"]["/api/v1/enterprises/"]["get"]
    params = {p["name"] for p in listing["parameters"]}
    assert {"town", "sector", "status", "risk_level", "q", "page", "page_size"} <= params
    enterprise = schema["components"]["schemas"]["Enterprise"]["properties"]
    assert {"id", "credit_code", "town", "sectors", "status", "status_display", "risk_level"} <= set(
        enterprise
    )
    assert enterprise["id"]["type"] == "integer"
    assert enterprise["supervising_departments"]["items"]["type"] == "integer"
    me = schema["components"]["schemas"]["Me"]["properties"]
    assert set(me) == {"id", "username", "name", "roles", "town", "department", "enterprise"}


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_answer_a_signed_in_user(url, as_user):
    response = as_user("ent_duruan").get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_refuse_anonymous_visitors_in_production(url, db):
    assert Client().get(url).status_code in (401, 403)


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_answer_anonymous_visitors_in_development(url, db):
    with override_settings(DEBUG=True):
        assert Client().get(url).status_code == 200


def test_the_schema_endpoint_serves_openapi_3(api_as):
    response = api_as("duruan").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_the_published_schema_names_no_internal_rule_id(schema_problems):
    """Docstrings cite the domain rules' ids for developers; the API documentation outside clients read
    must not show them."""
    import json
    import re

    schema, _problems = schema_problems
    found = sorted(
        set(re.findall(r"\bR-[A-Z]{2,6}-\d+\b", json.dumps(schema, ensure_ascii=False, default=str)))
    )
    assert not found, found


def test_rule_ids_are_taken_out_of_a_description_without_breaking_the_sentence():
    from core.schema import without_rule_ids

    assert without_rule_ids("`level` is computed (R-ACC-1); clocks.") == "`level` is computed; clocks."
    assert without_rule_ids("R-HAZ-10: the enterprise's tables") == "The enterprise's tables"
    assert without_rule_ids("Record a step (R-ACC-8, R-ACC-9): a notice") == "Record a step: a notice"


@pytest.mark.parametrize(
    ("path", "required"),
    [
        ("/api/v1/waterlogging-points/{id}/", ["version"]),
        ("/api/v1/shelters/{id}/", ["version"]),
        ("/api/v1/risk-points/{id}/", ["version"]),
        ("/api/v1/enterprises/{id}/file/", ["version"]),
        ("/api/v1/enterprises/{id}/file/rows/", ["ledger", "id", "version"]),
    ],
)
def test_a_patch_body_keeps_what_the_server_requires_in_a_partial_update(schema_problems, path, required):
    """A PATCH without its `version` is refused (400): the schema says so instead of marking every field
    optional, as drf-spectacular's partial component does on its own."""
    schema, _problems = schema_problems
    body = schema["paths"][path]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    component = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    assert component["required"] == required
    assert "required" not in schema["components"]["schemas"]["PatchedAccidentUpdateRequest"]  # truly optional
