"""Schemathesis against the OpenAPI schema, in-process, once per role, with a fixed seed.

Every operation of the generated schema gets schema-driven requests, valid and invalid (schemathesis'
positive and negative generation), sent with the role's `Authorization: Token …` through the WSGI
application. Each response is checked: no 5xx, a status code the schema documents for the operation, the
documented content type and a body that conforms to the documented schema. Path ids are drawn from the
generated values, an object the role sees and, for the narrower roles, an object of another scope, which
must answer 404 (or 400 for input that is invalid whatever the id), never a success, 403 or 409. Each
list is also read page by page at the largest page size, so every object the role sees meets the schema.

Each example runs in a savepoint that is rolled back, so every request meets the same demo district.
`REDLINE_FUZZ_EXAMPLES` sets the examples per operation (2 in the normal suite; `make security-report`
runs 100).
"""

from __future__ import annotations

import os
from functools import cache

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from security_tests.conftest import COLLECTOR, _without_need
from security_tests.probing import api_endpoints, model_for_path, out_of_scope_object, visible

EXAMPLES = int(os.environ.get("REDLINE_FUZZ_EXAMPLES", "2"))
ROLES = ["admin", "duruan", "ent_duruan", "leader"]
HOST = "http://testserver"


@cache
def raw_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@cache
def wsgi_app():
    """Django's WSGI handler, served as a WSGI server would: the response read and closed (which ends the
    request and closes a download's file), and the request body closed."""
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()

    def app(environ, start_response):
        response = handler(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            response.close()
            environ["wsgi.input"].close()

    return app


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]


def _strategy(operation, ids: list[int]):
    from schemathesis import GenerationMode

    name = next((p.name for p in operation.path_parameters), None)
    variants = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        variants.append(operation.as_strategy(generation_mode=mode))
        if name is not None:
            variants.extend(
                operation.as_strategy(generation_mode=mode, path_parameters={name: pk}) for pk in ids
            )
    return st.one_of(variants)


class Run:
    """One role's run: sends cases in-process, checks each response and keeps the figures."""

    def __init__(self, user, token: str):
        self.user = user
        self.headers = {"Authorization": f"Token {token}"}
        self.checks = _checks()
        self.counts = {
            "requests": 0,
            "server_errors": 0,
            "schema_violations": 0,
            "out_of_scope_probes": 0,
            "out_of_scope_not_404": 0,
        }
        self.failures: list[str] = []

    def send(self, case):
        """Send the case (rolled back afterwards), check its response; return the response."""
        from schemathesis.core import NotSet
        from schemathesis.core.failures import FailureGroup, ServerError

        with transaction.atomic():
            response = case.call(app=wsgi_app(), base_url=HOST, headers=self.headers)
            transaction.set_rollback(True)
        self.counts["requests"] += 1
        body = "" if isinstance(case.body, NotSet) else f" {case.body!r:.120}"
        label = f"{case.method} {case.formatted_path} {case.query or ''}{body}"
        if _without_need(self.user):
            COLLECTOR.add(f"{label} as {self.user}", response.content)
        try:
            case.validate_response(response, checks=self.checks)
        except FailureGroup as group:
            for failure in group.exceptions:
                kind = "server_errors" if isinstance(failure, ServerError) else "schema_violations"
                self.counts[kind] += 1
                self.failures.append(
                    f"{label} → {response.status_code}: {failure.title} {failure.message:.400}"
                )
        return response, label

    def fuzz(self, operation, ids: list[int], other) -> None:
        """EXAMPLES generated cases; an id of another scope answers 404 (or 400 for input invalid whatever
        the id, judged before the lookup), never a success, 403 or 409."""
        name = next((p.name for p in operation.path_parameters), None)

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_strategy(operation, ids))
        def probe(case):
            response, label = self.send(case)
            if (
                other is not None
                and name is not None
                and str(case.path_parameters.get(name)) == str(other.pk)
            ):
                self.counts["out_of_scope_probes"] += 1
                if response.status_code not in (400, 404):
                    self.counts["out_of_scope_not_404"] += 1
                    self.failures.append(f"{label} (other scope) → {response.status_code}")

        probe()

    def walk(self, operation, path_parameters: dict) -> None:
        """Every page of a list at the largest page size: each object the role sees is checked once."""
        page = 1
        while True:
            case = operation.Case(path_parameters=path_parameters, query={"page": page, "page_size": 200})
            response, _label = self.send(case)
            data = response.json() if response.status_code == 200 else None
            if not isinstance(data, dict) or not data.get("next"):
                return
            page += 1


@pytest.mark.security
@pytest.mark.parametrize("role", ROLES)
def test_schemathesis(role, persona, security_figures):
    import schemathesis

    from accounts.models import ApiToken

    user, admin = persona(role), persona("admin")
    run = Run(user, ApiToken.issue(user))
    schema = schemathesis.openapi.from_dict(raw_schema())
    views = {(method, path): view for method, path, view in api_endpoints()}
    for result in schema.get_all_operations():
        operation = result.ok()
        model = model_for_path(operation.path, views.get((operation.method.upper(), operation.path)))
        model = model if operation.path_parameters else None
        own = visible(model, user).order_by("pk").first() if model else None
        other = out_of_scope_object(model, user, admin) if model and role not in ("admin", "leader") else None
        ids = [x.pk for x in (own, other) if x is not None]
        if operation.method == "get" and any(p.name == "page_size" for p in operation.query):
            if not operation.path_parameters:
                run.walk(operation, {})
            elif own is not None:
                run.walk(operation, {next(iter(operation.path_parameters)).name: own.pk})
        run.fuzz(operation, ids, other)

    figure = security_figures.setdefault(
        "schemathesis",
        {
            "requests": 0,
            "server_errors": 0,
            "schema_violations": 0,
            "out_of_scope_probes": 0,
            "out_of_scope_not_404": 0,
            "goal": "0 failures at >= 100 examples per operation, all 4 roles",
        },
    )
    for key, value in run.counts.items():
        figure[key] += value
    figure["examples_per_operation"] = EXAMPLES
    figure["roles"] = sorted(set(figure.get("roles", [])) | {role})
    figure.setdefault("failures", []).extend(run.failures[:10])
    figure["met"] = (
        not figure["failures"]
        and figure["server_errors"] == figure["schema_violations"] == figure["out_of_scope_not_404"] == 0
        and EXAMPLES >= 100
        and figure["roles"] == sorted(ROLES)
    )
    assert run.failures == [], "\n".join(run.failures[:40])


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/hazards/{hazard}/cancel/", 12419),
        ("/api/v1/accidents/{accident}/report-steps/", ["city_to_province"]),
        ("/api/v1/risk-points/{point}/retire/", 12419),
    ],
)
def test_a_json_body_that_is_not_an_object_answers_400(api_as, persona, url, body):
    """Found by schemathesis: views that read a field of the body crashed (500) on a number or a list."""
    from accidents.models import Accident
    from hazards.models import Hazard
    from risk.models import RiskPoint

    admin = persona("admin")
    ids = {
        "hazard": Hazard.objects.visible_to(admin).filter(state="reported").order_by("pk").first().pk,
        "accident": Accident.objects.visible_to(admin).order_by("pk").first().pk,
        "point": RiskPoint.objects.visible_to(admin).filter(is_active=True).order_by("pk").first().pk,
    }
    response = api_as("admin").post(url.format(**ids), body, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"detail"}


def test_an_education_session_year_out_of_range_answers_400(api_as):
    """Found by schemathesis: `?year=6522653264298535` overflowed the database's integer (500)."""
    response = api_as("duruan").get("/api/v1/education-sessions/", {"year": "6522653264298535"})
    assert response.status_code == 400
    assert "year" in response.json()


def test_the_schema_documents_the_shared_error_answers():
    operation = raw_schema()["paths"]["/api/v1/hazards/{id}/cancel/"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "415"} <= set(operation["responses"])
    assert operation["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    token = raw_schema()["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert {"400", "403", "429"} <= set(token) and "401" not in token
    imported = raw_schema()["paths"]["/api/v1/enterprises/import/"]["post"]["responses"]["400"]
    assert len(imported["content"]["application/json"]["schema"]["oneOf"]) == 2
