"""Issue 19, finding 2: the forced password change stops every way in — pages, the session API and
tokens — for an initial password and for a privileged password past its age."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from accounts import security
from accounts.models import ApiToken, User
from hazards.models import Hazard

PASSWORD = "Redline@2026"


def _logged_in(username: str) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return client


def test_an_initial_password_stops_the_session_api(persona):
    User.objects.filter(username="duruan").update(must_change_password=True)
    client = _logged_in("duruan")
    assert client.get("/hazards/")["Location"] == "/accounts/password/"
    listed = client.get("/api/v1/hazards/")
    assert listed.status_code == 403 and listed.json()["detail"] == str(security.CHANGE_PASSWORD_FIRST)
    before = Hazard.objects.count()
    created = client.post("/api/v1/hazards/", {}, content_type="application/json")
    assert created.status_code == 403 and Hazard.objects.count() == before
    assert client.get("/api/v1/me/").status_code == 403


def test_an_aged_privileged_password_stops_an_existing_token(persona, settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True
    admin = persona("admin")
    key = ApiToken.issue(admin)
    header = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert Client().get("/api/v1/me/", **header).status_code == 200
    User.objects.filter(pk=admin.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    refused = Client().get("/api/v1/hazards/", **header)
    assert refused.status_code == 403 and refused.json()["detail"] == str(security.CHANGE_PASSWORD_FIRST)
    # And no new token either.
    token = Client().post("/api/v1/auth/token/", {"username": "admin", "password": PASSWORD})
    assert token.status_code == 403


def test_an_aged_password_stops_the_session_api_too(persona, settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True
    User.objects.filter(username="admin").update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client = _logged_in("admin")
    assert client.get("/api/v1/enterprises/").status_code == 403
