"""API.md "Conventions" and "Who am I": token authentication and `me`, exactly."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import ApiToken, hash_token
from registry.demo import DEMO_PASSWORD

ME_KEYS = ["id", "username", "name", "roles", "town", "department", "enterprise"]


@pytest.fixture(autouse=True)
def fresh_login_counters():
    cache.clear()  # the login lock and throttle live in the cache; each test starts clean
    yield
    cache.clear()


def obtain_token(username="duruan", password=DEMO_PASSWORD) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_a_token_is_issued_for_good_credentials(district):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "duruan", "password": DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["token"]
    assert isinstance(body["token"], str) and len(body["token"]) >= 32


def test_only_the_hash_of_the_token_is_stored(persona):
    token = obtain_token()
    stored = ApiToken.objects.get(user=persona("duruan"))
    assert stored.key_hash == hash_token(token)
    assert token not in stored.key_hash


@pytest.mark.parametrize(
    ("username", "password"),
    [("duruan", "wrong-password"), ("no_such_user", DEMO_PASSWORD), ("DURUAN", "Redline@2025")],
)
def test_bad_credentials_answer_400_with_one_generic_json_error(username, password, district):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["detail"]
    assert not ApiToken.objects.filter(user__username=username).exists()


def test_the_failure_message_does_not_tell_users_apart(district):
    client = APIClient()
    wrong_password = client.post(
        "/api/v1/auth/token/", {"username": "duruan", "password": "nope-nope-1"}, format="json"
    ).json()
    unknown_user = client.post(
        "/api/v1/auth/token/", {"username": "nobody_here", "password": "nope-nope-1"}, format="json"
    ).json()
    assert wrong_password == unknown_user


@pytest.mark.parametrize(
    "body",
    [{}, {"username": "duruan"}, {"password": DEMO_PASSWORD}, {"username": ["duruan"], "password": 1}],
    ids=["empty", "no-password", "no-username", "wrong-types"],
)
def test_incomplete_token_requests_name_the_fields(body, district):
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) <= {"username", "password"}
    assert response.json()


def test_malformed_json_to_the_token_endpoint_is_a_400(district):
    response = APIClient().post("/api/v1/auth/token/", b'{"username": ', content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize("url", ["/api/v1/me/", "/api/v1/enterprises/", "/api/v1/notifications/"])
def test_no_credentials_is_401(url, district):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize("header", ["Token not-a-real-token", "Token ", "Bearer abc", "Token a b"])
def test_a_bad_authorization_header_is_401(header, district):
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_the_token_authenticates_later_requests(persona):
    token = obtain_token()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "duruan"
    listed = client.get("/api/v1/enterprises/").json()
    assert listed["count"] == persona("duruan").town.enterprises.count()


def test_a_deactivated_users_token_stops_working(persona):
    token = obtain_token()
    user = persona("duruan")
    user.is_active = False
    user.save(update_fields=["is_active"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").status_code == 401


def test_me_has_exactly_the_fields_of_api_md(api_as, persona):
    body = api_as("duruan").get("/api/v1/me/").json()
    user = persona("duruan")
    assert list(body) == ME_KEYS
    assert body == {
        "id": user.pk,
        "username": "duruan",
        "name": user.name,
        "roles": ["town_officer"],
        "town": user.town_id,
        "department": None,
        "enterprise": None,
    }


def test_me_of_a_department_officer_names_the_department(api_as, persona):
    body = api_as("yjj").get("/api/v1/me/").json()
    assert body["roles"] == ["department_officer"]
    assert body["department"] == persona("yjj").department_id
    assert body["town"] is None and body["enterprise"] is None


def test_me_of_an_enterprise_user_names_the_enterprise(api_as, persona):
    body = api_as("ent_duruan").get("/api/v1/me/").json()
    assert body["roles"] == ["enterprise_user"]
    assert body["enterprise"] == persona("ent_duruan").enterprise_id
    assert body["department"] is None


def test_me_lists_every_role_a_user_holds(api_as, persona):
    from accounts.models import UserRole

    UserRole.objects.create(user=persona("inspector_duruan"), role="town_officer")
    body = api_as("inspector_duruan").get("/api/v1/me/").json()
    assert body["roles"] == ["inspector", "town_officer"]


def test_the_browser_session_reaches_the_api_too(as_user):
    response = as_user("baisha").get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "baisha"


def test_a_session_post_without_csrf_token_is_refused(persona, district):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(persona("duruan"))
    response = client.post("/api/v1/enterprises/", {}, content_type="application/json")
    assert response.status_code == 403
