"""A new installation's first administrator accounts (MLPS 8.1.4.2 d): once, one per role, one-time passwords."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.services import install_administrators
from audit.models import AuditEvent
from core.choices import ADMINISTRATOR_ROLES
from core.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def new_installation(db):
    """The test database holds the demo district: take its administrators away (rolled back after)."""
    from accounts.models import UserRole

    UserRole.objects.filter(role__in=ADMINISTRATOR_ROLES).delete()
    for name in ("sysadmin", "secadmin", "auditadmin"):
        User.objects.filter(username=name).update(username=f"demo_{name}")


def test_one_account_per_administrator_role_each_with_a_one_time_password(rf):
    credentials = install_administrators()
    assert set(credentials) == {"sysadmin", "secadmin", "auditadmin"}
    roles = set()
    for username, password in credentials.items():
        user = User.objects.get(username=username)
        assert len(user.role_codes) == 1 and user.must_change_password
        roles |= user.role_codes
        assert authenticate(rf.get("/"), username=username, password=password) == user
        event = AuditEvent.objects.for_object(user).get()
        assert event.action == "accounts.user.created" and password not in str(event.data)
    assert roles == ADMINISTRATOR_ROLES
    assert len(set(credentials.values())) == 3


def test_it_is_refused_once_an_administrator_exists_and_changes_nothing():
    install_administrators()
    before = User.objects.count(), AuditEvent.objects.count()
    with pytest.raises(Conflict):
        install_administrators()
    assert (User.objects.count(), AuditEvent.objects.count()) == before


def test_a_taken_or_repeated_username_is_refused_and_nothing_is_created():
    User.objects.create(username="taken")
    with pytest.raises(InvalidInput):
        install_administrators(names={"system_admin": "a", "security_admin": "taken", "audit_admin": "c"})
    with pytest.raises(InvalidInput):
        install_administrators(names={"system_admin": "a", "security_admin": "a", "audit_admin": "c"})
    assert not User.objects.filter(username__in=["a", "c"]).exists()


def test_the_command_prints_the_accounts_once_and_refuses_a_second_run(capsys):
    call_command("install_administrators", "--system", "xt_sys")
    out = capsys.readouterr().out
    assert "xt_sys" in out and "secadmin" in out and "auditadmin" in out
    with pytest.raises(CommandError):
        call_command("install_administrators")
