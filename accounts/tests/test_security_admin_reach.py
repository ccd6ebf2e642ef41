"""Issue 19, finding 6: the district administrator gets 404 on accounts holding an administrator role,
for every action — unlocking and revealing the ID number included."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services
from accounts.models import AccountLock
from audit.models import AuditEvent
from core.errors import NotAllowed

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def locked_auditadmin(persona, settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True
    from django.utils import timezone

    AccountLock.objects.create(
        username="auditadmin", locked_until=timezone.now() + timezone.timedelta(hours=1)
    )
    secadmin = persona("secadmin")
    secadmin.id_number = ID_NUMBER
    secadmin.save()
    return persona("auditadmin")


def _pages(pk):
    return [
        ("get", reverse("accounts:admin_user_edit", args=[pk])),
        ("get", reverse("accounts:admin_user_roles", args=[pk])),
        ("get", reverse("accounts:admin_user_reset_password", args=[pk])),
        ("post", reverse("accounts:admin_user_set_active", args=[pk])),
        ("post", reverse("accounts:admin_user_unlock", args=[pk])),
        ("get", reverse("accounts:id_number", args=[pk])),
        ("post", reverse("accounts:id_number", args=[pk])),
    ]


@pytest.mark.parametrize("target", ["auditadmin", "secadmin", "sysadmin"])
def test_every_action_on_an_administrator_account_is_404_for_the_district_admin(
    target, locked_auditadmin, persona, as_user
):
    client = as_user("admin")
    pk = persona(target).pk
    for method, url in _pages(pk):
        response = getattr(client, method)(url, {"reason": "checking the record", "active": "0"})
        assert response.status_code == 404, (method, url, response.status_code)
    api = APIClient()
    api.force_authenticate(persona("admin"))
    reveal = api.post(f"/api/v1/users/{pk}/id-number/reveal/", {"reason": "checking"}, format="json")
    assert reveal.status_code == 404
    assert (
        AccountLock.objects.get(username="auditadmin").locked_until
        > AccountLock.objects.get(username="auditadmin").locked_at
    )
    assert not AuditEvent.objects.filter(
        action__in=["accounts.user.unlocked", "accounts.user.id_number_revealed"]
    ).exists()


def test_the_services_refuse_it_too(locked_auditadmin, persona):
    admin = persona("admin")
    with pytest.raises(NotAllowed):
        services.unlock_account(actor=admin, user=persona("auditadmin"))
    with pytest.raises(NotAllowed):
        services.reveal_id_number(actor=admin, user=persona("secadmin"), reason="checking the record")


def test_the_security_administrator_still_unlocks_and_the_panel_hides_the_button(
    locked_auditadmin, persona, as_user
):
    home = as_user("admin").get("/").content.decode()
    assert reverse("accounts:admin_user_unlock", args=[persona("auditadmin").pk]) not in home
    response = as_user("secadmin").post(
        reverse("accounts:admin_user_unlock", args=[persona("auditadmin").pk])
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="accounts.user.unlocked").count() == 1


def test_the_district_admin_still_manages_business_accounts(persona, as_user, settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True
    target = persona("duruan")
    target.id_number = ID_NUMBER
    target.save()
    page = as_user("admin").post(
        reverse("accounts:id_number", args=[target.pk]), {"reason": "checking the record"}
    )
    assert page.status_code == 200 and ID_NUMBER in page.content.decode()
