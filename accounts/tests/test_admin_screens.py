"""User administration screens: who may use them, the filters, and every write through the services."""

import pytest
from django.urls import reverse

from accounts import security
from accounts.models import User
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_done(settings):
    # These tests are about administration; the second factor of privileged roles has its own tests.
    settings.REDLINE_DEMO_MFA_EXEMPT = True


STRONG = "Kx9#mPq2$Lw7vN"
MANAGERS = ["admin", "sysadmin"]
OTHERS = ["leader", "yjj", "duruan", "inspector_duruan", "ent_duruan", "duty", "auditadmin"]


def _urls(persona):
    target = persona("inspector_duruan").pk
    return [
        reverse("accounts:admin_user_list"),
        reverse("accounts:admin_user_create"),
        reverse("accounts:admin_user_edit", args=[target]),
        reverse("accounts:admin_user_reset_password", args=[target]),
    ]


@pytest.mark.parametrize("username", MANAGERS)
def test_user_screens_open_for_user_managers(username, as_user, persona):
    client = as_user(username)
    for url in _urls(persona):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("username", OTHERS)
def test_user_screens_are_forbidden_to_other_roles(username, as_user, persona):
    client = as_user(username)
    for url in _urls(persona):
        assert client.get(url).status_code == 403, url
    target = persona("inspector_duruan")
    response = client.post(reverse("accounts:admin_user_set_active", args=[target.pk]), {"active": "0"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.is_active


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("accounts:admin_user_list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_unknown_user_is_404(as_user):
    assert as_user("admin").get(reverse("accounts:admin_user_edit", args=[999999])).status_code == 404


def _usernames(response) -> set[str]:
    return {u.username for u in response.context["object_list"]}


def test_list_filters_by_role_town_department_status_and_search(as_user, district, persona):
    client = as_user("admin")
    url = reverse("accounts:admin_user_list")
    towns = _usernames(client.get(url, {"role": "town_officer"}))
    assert {"duruan", "baisha"} <= towns and "yjj" not in towns
    in_duruan = _usernames(client.get(url, {"town": district["duruan"].pk}))
    # The enterprise's user belongs to Duruan through its enterprise.
    assert {"duruan", "inspector_duruan", "ent_duruan"} <= in_duruan and "baisha" not in in_duruan
    emergency = _usernames(client.get(url, {"department": persona("yjj").department_id}))
    assert "yjj" in emergency and "jtj" not in emergency
    assert _usernames(client.get(url, {"q": "inspector"})) == {"inspector_duruan"}
    User.objects.filter(username="baisha").update(is_active=False)
    assert _usernames(client.get(url, {"active": "0"})) == {"baisha"}
    assert "baisha" not in _usernames(client.get(url, {"active": "1"}))


def test_list_rows_swap_in_with_htmx_and_export(as_user):
    client = as_user("admin")
    url = reverse("accounts:admin_user_list")
    rows = client.get(url, {"role": "inspector"}, headers={"HX-Request": "true"})
    assert b"<html" not in rows.content and b"inspector_duruan" in rows.content
    export = client.get(url, {"role": "town_officer", "export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(export.streaming_content)
    export.close()
    assert content.startswith(b"PK")  # a zip container: the .xlsx


def test_list_query_count_does_not_grow_with_the_page(as_user, persona, django_assert_max_num_queries):
    from accounts.models import UserRole

    admin = persona("admin")
    for i in range(30):
        user = User.objects.create(username=f"bulk{i:02d}", name=f"批量{i}")
        UserRole.objects.create(user=user, role="district_leader")
    client = as_user("admin")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("accounts:admin_user_list"))
    assert len(response.context["object_list"]) == 25
    assert admin.is_active


def _create_payload(**overrides):
    data = {
        "username": "chaolian_officer",
        "name": "潮连街道 安监办 陈主任",
        "phone": "13800138000",
        "email": "",
        "roles": ["district_leader"],
        "town": "",
        "department": "",
        "enterprise": "",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(overrides)
    return data


def test_admin_creates_a_town_officer_who_must_change_the_password(as_user, district):
    response = as_user("admin").post(
        reverse("accounts:admin_user_create"),
        _create_payload(town=district["chaolian"].pk, roles=["town_officer", "inspector"]),
    )
    assert response.status_code == 302
    user = User.objects.get(username="chaolian_officer")
    assert user.role_codes == {"town_officer", "inspector"}
    assert user.town == district["chaolian"]
    assert user.must_change_password
    assert user.check_password(STRONG)
    assert AuditEvent.objects.filter(action="accounts.user.created", target_id=user.pk).exists()


def test_enterprise_user_is_linked_by_credit_code(as_user, enterprise_in):
    enterprise = enterprise_in("baisha")
    response = as_user("admin").post(
        reverse("accounts:admin_user_create"),
        _create_payload(
            username="ent_baisha", roles=["enterprise_user"], enterprise=enterprise.credit_code.lower()
        ),
    )
    assert response.status_code == 302
    assert User.objects.get(username="ent_baisha").enterprise == enterprise


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"roles": ["town_officer"]}, "town"),  # a town officer without a town
        ({"roles": ["department_officer"]}, "department"),
        ({"roles": ["system_admin", "audit_admin"]}, "roles"),  # separation of duties (MLPS)
        ({"roles": ["system_admin", "district_leader"]}, "roles"),
        (
            {"roles": ["enterprise_user"], "enterprise": "91350100M000100Y43"},
            "enterprise",
        ),  # no such enterprise
        ({"password2": "Something#Else99"}, "password2"),
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"username": "duruan"}, "username"),  # taken
        ({"roles": []}, "roles"),
    ],
)
def test_create_errors_show_next_to_the_field_and_write_nothing(as_user, overrides, field):
    before = User.objects.count()
    response = as_user("admin").post(reverse("accounts:admin_user_create"), _create_payload(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get(field), form.errors
    html = response.content.decode()
    assert f'data-field="{field}"' in html
    block = html.split(f'data-field="{field}"', 1)[1].split('data-field="', 1)[0]
    assert 'data-testid="field-error"' in block
    assert User.objects.count() == before


def test_edit_changes_roles_and_membership_and_records_it(as_user, persona, district):
    target = persona("inspector_duruan")
    response = as_user("admin").post(
        reverse("accounts:admin_user_edit", args=[target.pk]),
        {
            "name": "杜阮镇 检查员 吴伟",
            "phone": "",
            "email": "wu@example.cn",
            "roles": ["inspector", "town_officer"],
            "town": district["duruan"].pk,
            "department": "",
            "enterprise": "",
        },
    )
    assert response.status_code == 302
    target = User.objects.get(pk=target.pk)
    assert target.role_codes == {"inspector", "town_officer"}
    assert target.email == "wu@example.cn"
    event = AuditEvent.objects.filter(action="accounts.user.updated", target_id=target.pk).latest("id")
    assert event.data["changes"]["roles"] == [["inspector"], ["inspector", "town_officer"]]


def test_edit_refuses_to_take_the_town_from_a_town_officer(as_user, persona):
    target = persona("duruan")
    response = as_user("admin").post(
        reverse("accounts:admin_user_edit", args=[target.pk]),
        {"name": target.name, "roles": ["town_officer"], "town": "", "department": "", "enterprise": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["town"]
    target.refresh_from_db()
    assert target.town_id is not None


def test_disable_and_enable_an_account(as_user, persona):
    target = persona("baisha")
    victim_session = as_user("baisha")
    assert victim_session.get("/").status_code == 200
    admin = as_user("admin")
    url = reverse("accounts:admin_user_set_active", args=[target.pk])
    assert admin.post(url, {"active": "0"}).status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    # Logged out everywhere.
    assert victim_session.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="accounts.user.updated", target_id=target.pk).exists()
    admin.post(url, {"active": "1"})
    target.refresh_from_db()
    assert target.is_active


def test_an_administrator_cannot_disable_the_own_account(as_user, persona):
    admin = persona("admin")
    response = as_user("admin").post(
        reverse("accounts:admin_user_set_active", args=[admin.pk]), {"active": "0"}, follow=True
    )
    admin.refresh_from_db()
    assert admin.is_active
    assert response.status_code == 400 and not response.redirect_chain  # the account's page, refused
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_reset_password_forces_a_change_at_next_login(as_user, persona):
    target = persona("duty")
    url = reverse("accounts:admin_user_reset_password", args=[target.pk])
    response = as_user("sysadmin").post(url, {"new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.must_change_password and target.check_password(STRONG)
    assert AuditEvent.objects.filter(action="accounts.user.password_reset", target_id=target.pk).exists()


def test_reset_password_errors_are_inline(as_user, persona):
    target = persona("duty")
    old_hash = target.password
    url = reverse("accounts:admin_user_reset_password", args=[target.pk])
    response = as_user("admin").post(url, {"new_password1": STRONG, "new_password2": STRONG + "x"})
    assert response.status_code == 400 and response.context["form"].errors["new_password2"]
    # The password policy's refusal (the service's "password") lands on the field it was typed in: 400.
    response = as_user("admin").post(url, {"new_password1": "1234567890", "new_password2": "1234567890"})
    assert response.status_code == 400 and response.context["form"].errors["new_password1"]
    target.refresh_from_db()
    assert target.password == old_hash and not target.must_change_password


@pytest.mark.parametrize(
    "username, sees",
    [("admin", True), ("sysadmin", True), ("secadmin", True), ("duruan", False), ("leader", False)],
)
def test_system_navigation_only_for_user_managers_and_the_security_administrator(as_user, username, sees):
    html = as_user(username).get("/").content.decode()
    assert (reverse("accounts:admin_user_list") in html) is sees


def test_a_locked_account_is_shown_and_unlocked(as_user, persona):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import AccountLock

    target = persona("baisha")
    AccountLock.objects.create(username="baisha", locked_until=timezone.now() + timedelta(minutes=20))
    client = as_user("admin")
    page = client.get(reverse("accounts:admin_user_edit", args=[target.pk]))
    assert page.context["locked_until"] is not None
    listed = client.get(reverse("accounts:admin_user_list"), {"active": "locked"}).context["object_list"]
    assert [u.username for u in listed] == ["baisha"]
    client.post(reverse("accounts:admin_user_unlock", args=[target.pk]))
    assert security.locked_until("baisha") is None
    assert (
        client.get(reverse("accounts:admin_user_list"), {"active": "locked"}).context["object_list"].count()
        == 0
    )
    assert AuditEvent.objects.filter(action="accounts.user.unlocked", target_id=target.pk).exists()


def test_unlock_is_forbidden_to_other_roles(as_user, persona):
    target = persona("baisha")
    assert as_user("duruan").post(reverse("accounts:admin_user_unlock", args=[target.pk])).status_code == 403


def test_id_number_is_stored_shown_masked_and_kept_when_left_empty(as_user, district):
    client = as_user("admin")
    number = "11010519491231002X"
    response = client.post(
        reverse("accounts:admin_user_create"),
        _create_payload(username="with_id", id_number=number.lower()),
    )
    assert response.status_code == 302
    user = User.objects.get(username="with_id")
    assert user.id_number == number
    page = client.get(reverse("accounts:admin_user_edit", args=[user.pk])).content.decode()
    assert number not in page and "1101**********002X" in page
    client.post(
        reverse("accounts:admin_user_edit", args=[user.pk]),
        {
            "name": "新名字",
            "roles": ["district_leader"],
            "town": "",
            "department": "",
            "enterprise": "",
            "id_number": "",
        },
    )
    user.refresh_from_db()
    assert user.name == "新名字" and user.id_number == number


def test_revealing_an_id_number_without_a_reason_answers_400_and_shows_nothing(as_user, district):
    client = as_user("admin")
    number = "11010519491231002X"
    client.post(
        reverse("accounts:admin_user_create"), _create_payload(username="reveal_me", id_number=number)
    )
    user = User.objects.get(username="reveal_me")
    response = client.post(reverse("accounts:id_number", args=[user.pk]), {"reason": ""})
    assert response.status_code == 400 and response.context["form"].errors["reason"]
    assert number not in response.content.decode()


def test_a_wrong_id_number_is_an_inline_error(as_user):
    response = as_user("admin").post(
        reverse("accounts:admin_user_create"),
        _create_payload(username="bad_id", id_number="110105194912310021"),
    )
    assert response.context["form"].errors["id_number"]
    assert not User.objects.filter(username="bad_id").exists()


def test_the_security_administrator_sees_locks_on_the_home_page_and_unlocks(as_user, persona):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import AccountLock, LoginAttempt

    target = persona("duty")
    AccountLock.objects.create(username="duty", locked_until=timezone.now() + timedelta(minutes=20))
    LoginAttempt.objects.create(username="duty", ip="10.0.0.9", kind="password", success=False)
    client = as_user("secadmin")
    home = client.get("/")
    panel = next(
        p["context"] for p in home.context["panels"] if p["template"] == "accounts/panels/security.html"
    )
    assert panel["locked_count"] == 1 and panel["locked"][0]["user"] == target and panel["failures"] >= 1
    # The security administrator lists accounts (to grant roles) but edits no profile; it unlocks.
    assert client.get(reverse("accounts:admin_user_list")).status_code == 200
    assert client.get(reverse("accounts:admin_user_edit", args=[target.pk])).status_code == 403
    response = client.post(reverse("accounts:admin_user_unlock", args=[target.pk]))
    assert response.status_code == 302 and response["Location"] == "/"
    assert security.locked_until("duty") is None
    # Unlocked already (a second click, or a colleague was faster): the home panel again with the reason.
    again = client.post(reverse("accounts:admin_user_unlock", args=[target.pk]))
    assert again.status_code == 400 and any(m.level_tag == "error" for m in again.context["messages"])


def test_the_security_panel_is_not_for_business_roles(as_user):
    templates = [p["template"] for p in as_user("duruan").get("/").context["panels"]]
    assert "accounts/panels/security.html" not in templates
