"""Run-time settings (System → Settings): only the system administrator changes them (三权分立, MLPS
8.1.4.2 d), never below the required policy, each change one audit record (MLPS 8.1.4.3), and the new
value is the one the login lock, the password rules and the session timeouts use."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import AccountLock
from audit.models import AuditEvent
from core import services
from core.config import REGISTRY, SettingSpec, SettingType, config_value
from core.errors import Conflict, InvalidInput, NotAllowed
from core.models import SystemSetting

pytestmark = pytest.mark.django_db

PAGE = reverse("core:admin_settings")
RESET = reverse("core:admin_setting_reset")
CLIENT_IP = "203.0.113.9"
NOT_SYSADMIN = [
    "admin",
    "leader",
    "yjj",
    "duruan",
    "inspector_duruan",
    "ent_duruan",
    "duty",
    "secadmin",
    "auditadmin",
]


@pytest.fixture(autouse=True)
def _second_factor_done(settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True


def setting_events():
    return AuditEvent.objects.filter(action__startswith="core.setting.")


# --- Floors: a setting can make the system stricter, never weaker than the required policy. ---------

WEAKER = [
    ("LOGIN_FAILURE_LIMIT", 6, "最多"),
    ("LOGIN_FAILURE_WINDOW_SECONDS", 899, "至少"),
    ("LOGIN_LOCK_SECONDS", 1799, "至少"),
    ("LOGIN_IP_USERNAME_LIMIT", 11, "最多"),
    ("LOGIN_IP_FAILURE_LIMIT", 31, "最多"),
    ("PASSWORD_MIN_LENGTH", 9, "至少"),
    ("PASSWORD_HISTORY_COUNT", 4, "至少"),
    ("PASSWORD_MAX_AGE_DAYS", 91, "最多"),
    ("SESSION_IDLE_SECONDS", 1801, "最多"),
    ("SESSION_ADMIN_IDLE_SECONDS", 901, "最多"),
    ("SESSION_COOKIE_AGE", 43201, "最多"),
    ("ACCOUNT_DORMANT_DAYS", 91, "最多"),
    ("AUDIT_RETENTION_DAYS", 179, "至少"),
    ("STEP_UP_SECONDS", 901, "最多"),
    ("API_TOKEN_IDLE_SECONDS", 30 * 86400 + 1, "最多"),
    ("API_TOKEN_ABSOLUTE_SECONDS", 90 * 86400 + 1, "最多"),
]


def test_every_bounded_setting_has_a_floor_test():
    bounded = {name for name, spec in REGISTRY.items() if spec.type == SettingType.INT}
    assert bounded == {name for name, _value, _word in WEAKER}


@pytest.mark.parametrize(("name", "value", "word"), WEAKER)
def test_it_refuses_a_value_weaker_than_the_policy_and_changes_nothing(persona, name, value, word):
    before = config_value(name)
    with pytest.raises(InvalidInput) as refused:
        services.change_setting(actor=persona("sysadmin"), name=name, value=value)
    message = str(refused.value.errors["value"][0])
    spec = REGISTRY[name]
    bound = spec.max_value if word == "最多" else spec.min_value
    assert f"{word}为 {bound}" in message and "会削弱规定的安全策略" in message
    assert str(spec.label) in message
    assert config_value(name) == before
    assert not SystemSetting.objects.filter(key=name).exists()
    assert not setting_events().exists()


@pytest.mark.parametrize(("name", "value", "word"), WEAKER[:3])
def test_the_refusal_is_shown_in_chinese_on_the_page(as_user, name, value, word):
    response = as_user("sysadmin").post(PAGE, {"name": name, "version": 0, "value": value})
    assert response.status_code == 400  # the page again, the refusal beside the value typed
    html = response.content.decode()
    assert "会削弱" in html  # "…would weaken the required policy"
    assert 'data-testid="field-error"' in html
    assert not SystemSetting.objects.exists()


def test_it_refuses_unknown_settings_types_and_roles(persona):
    sysadmin = persona("sysadmin")
    with pytest.raises(InvalidInput):
        services.change_setting(actor=sysadmin, name="SECRET_KEY", value="x")
    with pytest.raises(InvalidInput):
        services.change_setting(actor=sysadmin, name="LOGIN_FAILURE_LIMIT", value="four")
    with pytest.raises(InvalidInput):
        services.change_setting(actor=sysadmin, name="LOGIN_FAILURE_LIMIT", value=True)
    with pytest.raises(InvalidInput):
        services.change_setting(actor=sysadmin, name="MFA_EXTRA_ROLES", value=["system_admin"])
    assert not setting_events().exists()


@pytest.mark.parametrize("username", NOT_SYSADMIN)
def test_only_the_system_administrator_may_change_settings(persona, username):
    with pytest.raises(NotAllowed):
        services.change_setting(actor=persona(username), name="LOGIN_FAILURE_LIMIT", value=4)
    with pytest.raises(NotAllowed):
        services.reset_setting(actor=persona(username), name="LOGIN_FAILURE_LIMIT")
    assert config_value("LOGIN_FAILURE_LIMIT") == 5
    assert not setting_events().exists()


# --- The page: system_admin only. ----------------------------------------------------------------


def test_the_page_lists_each_setting_with_its_value_and_default(as_user, persona):
    services.change_setting(actor=persona("sysadmin"), name="PASSWORD_HISTORY_COUNT", value=8)
    response = as_user("sysadmin").get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    for name in REGISTRY:
        assert f'id="setting-{name}"' in html
    rows = {item["row"].name: item["row"] for item in response.context["rows"]}
    assert rows["PASSWORD_HISTORY_COUNT"].value == 8 and rows["PASSWORD_HISTORY_COUNT"].overridden
    assert rows["PASSWORD_HISTORY_COUNT"].default == 5
    assert rows["LOGIN_FAILURE_LIMIT"].value == 5 and not rows["LOGIN_FAILURE_LIMIT"].overridden
    assert (
        reverse("core:admin_settings")
        in as_user("sysadmin").get(reverse("accounts:admin_user_list")).content.decode()
    )


@pytest.mark.parametrize("username", NOT_SYSADMIN)
def test_the_page_is_forbidden_to_every_other_role(as_user, username):
    client = as_user(username)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"name": "LOGIN_FAILURE_LIMIT", "version": 0, "value": 3}).status_code == 403
    assert client.post(RESET, {"name": "LOGIN_FAILURE_LIMIT", "version": 0}).status_code == 403
    assert not SystemSetting.objects.exists()
    assert not setting_events().exists()


def test_the_district_administrator_does_not_see_the_settings_tab(as_user):
    html = as_user("admin").get(reverse("accounts:admin_user_list")).content.decode()
    assert reverse("core:admin_settings") not in html


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- One audit record per change, with who, from where, old and new. -----------------------------


def test_a_change_writes_one_audit_record_with_actor_role_ip_request_id_and_values(as_user, persona):
    response = as_user("sysadmin").post(
        PAGE,
        {"name": "LOGIN_FAILURE_LIMIT", "version": 0, "value": 3},
        REMOTE_ADDR=CLIENT_IP,
        HTTP_X_REQUEST_ID="settingchange42",
    )
    assert response.status_code == 302
    (event,) = setting_events()
    row = SystemSetting.objects.get(key="LOGIN_FAILURE_LIMIT")
    assert event.action == "core.setting.changed"
    assert event.outcome == AuditEvent.Outcome.SUCCESS
    assert event.actor == persona("sysadmin") and event.actor_roles == ["system_admin"]
    assert event.ip == CLIENT_IP and event.request_id == "settingchange42"
    assert (event.target_type, event.target_id) == ("core.systemsetting", row.pk)
    assert event.data["name"] == "LOGIN_FAILURE_LIMIT"
    assert (event.data["old"], event.data["new"]) == (5, 3)
    assert event.at.utcoffset() is not None
    assert row.version == 1 and row.updated_by == persona("sysadmin")


def test_saving_the_value_in_force_again_writes_nothing(persona):
    sysadmin = persona("sysadmin")
    services.change_setting(actor=sysadmin, name="PASSWORD_HISTORY_COUNT", value=6)
    services.change_setting(actor=sysadmin, name="PASSWORD_HISTORY_COUNT", value=6, version=1)
    assert setting_events().count() == 1
    assert SystemSetting.objects.get(key="PASSWORD_HISTORY_COUNT").version == 1


def test_a_reset_brings_back_the_deployment_value_and_is_audited_once(as_user, persona, settings):
    settings.PASSWORD_HISTORY_COUNT = 6
    services.change_setting(actor=persona("sysadmin"), name="PASSWORD_HISTORY_COUNT", value=10)
    assert config_value("PASSWORD_HISTORY_COUNT") == 10
    response = as_user("sysadmin").post(RESET, {"name": "PASSWORD_HISTORY_COUNT", "version": 1})
    assert response.status_code == 302
    assert config_value("PASSWORD_HISTORY_COUNT") == 6
    reset = setting_events().get(action="core.setting.reset")
    assert (reset.data["old"], reset.data["new"]) == (10, 6)
    assert reset.data["overridden"] == [True, False]
    assert setting_events().count() == 2
    assert SystemSetting.objects.get(key="PASSWORD_HISTORY_COUNT").version == 2


def test_a_stale_form_is_a_conflict_and_changes_nothing(as_user, persona):
    services.change_setting(actor=persona("sysadmin"), name="LOGIN_FAILURE_LIMIT", value=4)
    with pytest.raises(Conflict):
        services.change_setting(actor=persona("sysadmin"), name="LOGIN_FAILURE_LIMIT", value=3, version=0)
    response = as_user("sysadmin").post(PAGE, {"name": "LOGIN_FAILURE_LIMIT", "version": 0, "value": 3})
    assert response.status_code == 409
    with translation.override("zh-hans"):
        assert str(Conflict.default_message) in response.content.decode()
    assert config_value("LOGIN_FAILURE_LIMIT") == 4
    assert setting_events().count() == 1


def test_the_django_setting_applies_while_there_is_no_override(settings):
    settings.LOGIN_FAILURE_LIMIT = 4
    assert config_value("LOGIN_FAILURE_LIMIT") == 4
    settings.MFA_EXTRA_ROLES = ["inspector"]
    assert config_value("MFA_EXTRA_ROLES") == ["inspector"]


def test_choice_lists_are_stored_in_declared_order_without_duplicates(persona):
    services.change_setting(
        actor=persona("sysadmin"), name="MFA_EXTRA_ROLES", value=["inspector", "town_officer", "inspector"]
    )
    assert config_value("MFA_EXTRA_ROLES") == ["town_officer", "inspector"]


def test_yes_no_values_take_only_booleans():
    spec = SettingSpec("X", SettingType.BOOL, "x")
    assert services.clean_value(spec, False) is False
    with pytest.raises(InvalidInput):
        services.clean_value(spec, "yes")


# --- The new value takes effect. --------------------------------------------------------------------


def test_the_lock_follows_a_lowered_failure_limit(persona, district):
    services.change_setting(actor=persona("sysadmin"), name="LOGIN_FAILURE_LIMIT", value=3)
    client = Client()
    for attempt in range(3):
        assert not AccountLock.objects.filter(username="duruan").exists(), attempt
        client.post(reverse("accounts:login"), {"username": "duruan", "password": "wrong-password-1A"})
    assert AccountLock.objects.filter(username="duruan").exists()
    assert AuditEvent.objects.filter(action="accounts.user.locked", data__failures=3).count() == 1


def test_a_longer_minimum_password_length_applies_at_once(persona):
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    password_validation.validate_password("Kx9#mPq2$Lw7", persona("duruan"))  # 12 characters
    services.change_setting(actor=persona("sysadmin"), name="PASSWORD_MIN_LENGTH", value=14)
    with pytest.raises(ValidationError):
        password_validation.validate_password("Kx9#mPq2$Lw7", persona("duruan"))


def test_a_shorter_idle_timeout_applies_to_the_next_request(persona):
    from accounts import security

    services.change_setting(actor=persona("sysadmin"), name="SESSION_IDLE_SECONDS", value=600)
    services.change_setting(actor=persona("sysadmin"), name="SESSION_ADMIN_IDLE_SECONDS", value=300)
    assert security.idle_limit_seconds(persona("duruan")) == 600
    assert security.idle_limit_seconds(persona("admin")) == 300


def test_extra_second_factor_roles_apply_at_once(persona, settings):
    from accounts import security

    settings.REDLINE_DEMO_MFA_EXEMPT = False
    assert not security.mfa_required(persona("inspector_duruan"))
    services.change_setting(actor=persona("sysadmin"), name="MFA_EXTRA_ROLES", value=["inspector"])
    assert security.mfa_required(persona("inspector_duruan"))


def test_a_reset_from_a_stale_page_is_a_conflict_shown_on_the_settings_page(as_user, persona):
    services.change_setting(actor=persona("sysadmin"), name="LOGIN_FAILURE_LIMIT", value=4)
    response = as_user("sysadmin").post(
        reverse("core:admin_setting_reset"), {"name": "LOGIN_FAILURE_LIMIT", "version": 0}
    )
    assert response.status_code == 409 and 'id="setting-LOGIN_FAILURE_LIMIT"' in response.content.decode()
    assert config_value("LOGIN_FAILURE_LIMIT") == 4
