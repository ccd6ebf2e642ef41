"""Security headers on every response, generic errors with a correlation id, `check --deploy`, and the
schema behind sign-in in production (issue 8 "Input, files, output"; ASVS V14.4, V7.4)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client


def assert_security_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "'unsafe-eval'" not in csp
    assert response["X-Request-ID"]


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/me/", "/no-such-page/", "/healthz"])
def test_every_response_carries_the_security_headers(db, path):
    assert_security_headers(Client().get(path))


def test_signed_in_pages_and_api_carry_them_too(as_user, api_as):
    assert_security_headers(as_user("duruan").get("/"))
    assert_security_headers(as_user("duruan").get("/api/v1/enterprises/"))


def test_hsts_is_sent_over_https_in_production(db):
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]


@pytest.mark.urls("core.tests.security_urls")
def test_a_failing_page_shows_a_generic_page_with_a_request_id(db):
    client = Client(raise_request_exception=False)
    response = client.get("/test-fails/", HTTP_X_REQUEST_ID="abc123")
    body = response.content.decode()
    assert response.status_code == 500
    assert "abc123" in body
    assert "hunter2" not in body and "Traceback" not in body and "RuntimeError" not in body
    assert_security_headers(response)


@pytest.mark.urls("core.tests.security_urls")
def test_a_failing_api_call_answers_generic_json_with_a_request_id(db):
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/test-fails/", HTTP_X_REQUEST_ID="def456")
    assert response.status_code == 500
    assert response.json() == {"detail": response.json()["detail"], "request_id": "def456"}
    assert "hunter2" not in response.content.decode()


def test_the_schema_and_docs_need_a_signed_in_user_in_production(db, api_as):
    assert not settings.DEBUG
    assert Client().get("/api/schema/").status_code in (401, 403)
    assert Client().get("/api/docs/").status_code in (401, 403)
    assert api_as("duruan").get("/api/schema/").status_code == 200


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "DEBUG"))},
        "DJANGO_SETTINGS_MODULE": "redline.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "REDLINE_VAR_DIR": str(tmp_path),
    }
    for inherited in ("DATABASE_URL", "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "REDLINE_DEMO_MFA_EXEMPT"):
        env.pop(inherited, None)  # the test settings' relaxations must not leak into "production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_a_weak_secret_key(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "DEBUG"))},
        "DJANGO_SETTINGS_MODULE": "redline.settings",
        "DEBUG": "false",
        "SECRET_KEY": "short",
    }
    env["REDLINE_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
