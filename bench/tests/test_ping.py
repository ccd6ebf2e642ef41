"""The benchmark's baseline endpoint: authenticated, trivial, through the same stack as the list."""

from rest_framework.test import APIClient

from accounts.models import ApiToken


def test_ping_answers_ok_to_a_signed_in_user(api_as):
    response = api_as("duruan").get("/api/v1/ping/")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_ping_answers_ok_with_an_api_token(persona, django_assert_max_num_queries):
    key = ApiToken.issue(persona("baisha"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with django_assert_max_num_queries(3):  # the token lookup (joined to the user) and its last-used touch
        response = client.get("/api/v1/ping/")
    assert response.status_code == 200


def test_ping_refuses_anonymous_callers(db):
    assert APIClient().get("/api/v1/ping/").status_code in (401, 403)
