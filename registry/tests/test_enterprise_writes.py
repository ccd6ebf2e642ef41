"""Registering and updating enterprises: R-REG-1 through the service, the API and the form; who may write."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.errors import Conflict, InvalidInput, NotAllowed
from registry import services
from registry.models import Enterprise, Sector
from registry.tests.conftest import fresh_credit_code

VALID_EXAMPLE = "91350100M000100Y43"
BAD_CODES = [
    ("91350100M000100Y4", "A unified social credit code has 18 characters (got 17)."),
    ("91350100M000100Y4399", "A unified social credit code has 18 characters (got 20)."),
    ("9" * 40, "A unified social credit code has 18 characters (got 40)."),
    ("91350100I000100Y43", "Character(s) not allowed in a credit code: I (I, O, Z, S, V are never used)."),
    ("91350100O000100Y43", "Character(s) not allowed in a credit code: O (I, O, Z, S, V are never used)."),
    ("91350100Z000100Y43", "Character(s) not allowed in a credit code: Z (I, O, Z, S, V are never used)."),
    ("91350100S000100Y43", "Character(s) not allowed in a credit code: S (I, O, Z, S, V are never used)."),
    ("91350100V000100Y43", "Character(s) not allowed in a credit code: V (I, O, Z, S, V are never used)."),
    ("91350100M000100Y44", "The check character is wrong: this is not a valid credit code."),
]
BAD_IDS = [c for c, _m in BAD_CODES]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def service_data(district, **overrides) -> dict:
    data = {
        "name": "江门市写入测试五金有限公司",
        "credit_code": fresh_credit_code(),
        "town": district["duruan"],
        "sectors": [Sector.objects.get(code="industry_trade")],
        "address": "江门市蓬江区杜阮镇测试路1号",
        "principal_name": "陈伟",
        "principal_phone": "13800138000",
    }
    data.update(overrides)
    return data


def api_payload(district, **overrides) -> dict:
    data = {
        "name": "江门市接口测试五金有限公司",
        "credit_code": fresh_credit_code(),
        "town": district["duruan"].pk,
        "sectors": ["industry_trade"],
        "address": "江门市蓬江区杜阮镇测试路2号",
        "principal_name": "陈伟",
        "principal_phone": "13800138000",
        "employees": 35,
    }
    data.update(overrides)
    return data


# --- R-REG-1 through the service --------------------------------------------------------------------


def test_the_service_registers_the_standard_example(district, persona):
    enterprise = services.register_enterprise(
        actor=persona("admin"), data=service_data(district, credit_code=VALID_EXAMPLE)
    )
    assert Enterprise.objects.get(pk=enterprise.pk).credit_code == VALID_EXAMPLE


def test_the_service_stores_the_code_trimmed_and_upper_cased(district, persona):
    raw = "  91350100m000100y43 "
    enterprise = services.register_enterprise(
        actor=persona("admin"), data=service_data(district, credit_code=raw)
    )
    assert enterprise.credit_code == VALID_EXAMPLE


@pytest.mark.parametrize(("code", "message"), BAD_CODES, ids=BAD_IDS)
def test_the_service_refuses_a_bad_code_with_its_reason(code, message, district, persona):
    count = Enterprise.objects.count()
    with pytest.raises(InvalidInput) as info:
        services.register_enterprise(actor=persona("admin"), data=service_data(district, credit_code=code))
    assert info.value.errors == {"credit_code": [message]}
    assert Enterprise.objects.count() == count


def test_the_service_refuses_a_duplicate_code_even_in_another_case(district, persona):
    existing = Enterprise.objects.order_by("id").first()
    with pytest.raises(InvalidInput) as info:
        services.register_enterprise(
            actor=persona("admin"),
            data=service_data(district, credit_code=f" {existing.credit_code.lower()} "),
        )
    assert info.value.errors == {
        "credit_code": ["An enterprise with this credit code is already registered."]
    }


def test_the_service_reports_every_field_error_at_once(district, persona):
    with pytest.raises(InvalidInput) as info:
        services.register_enterprise(
            actor=persona("admin"),
            data=service_data(district, name=" ", credit_code="", sectors=[], principal_phone="12345"),
        )
    assert set(info.value.errors) == {"name", "credit_code", "sectors", "principal_phone"}


# --- R-REG-1 through the API ------------------------------------------------------------------------


def test_the_api_registers_an_enterprise_and_answers_201(district, api_en):
    response = api_en("admin").post("/api/v1/enterprises/", api_payload(district), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    enterprise = Enterprise.objects.get(pk=body["id"])
    assert enterprise.sector_codes() == ["industry_trade"]
    assert body["status"] == "operating"
    assert body["version"] == 1


@pytest.mark.parametrize(("code", "message"), BAD_CODES, ids=BAD_IDS)
def test_the_api_answers_400_with_the_credit_code_reason(code, message, district, api_en):
    count = Enterprise.objects.count()
    response = api_en("admin").post(
        "/api/v1/enterprises/", api_payload(district, credit_code=code), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"credit_code": [message]}
    assert Enterprise.objects.count() == count


def test_the_api_refuses_a_duplicate_code(district, api_en):
    existing = Enterprise.objects.order_by("id").first()
    response = api_en("admin").post(
        "/api/v1/enterprises/", api_payload(district, credit_code=existing.credit_code), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"credit_code": ["An enterprise with this credit code is already registered."]}


def test_the_api_refuses_a_duplicate_code_on_update(district, api_en, make_enterprise):
    first = make_enterprise("duruan", ["industry_trade"])
    second = make_enterprise("duruan", ["industry_trade"])
    response = api_en("admin").patch(
        f"/api/v1/enterprises/{second.pk}/", {"credit_code": first.credit_code, "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"credit_code": ["An enterprise with this credit code is already registered."]}
    second.refresh_from_db()
    assert second.credit_code != first.credit_code


# --- R-REG-1 through the form -----------------------------------------------------------------------


def form_post(district, **overrides) -> dict:
    data = {
        "name": "江门市表单测试五金有限公司",
        "credit_code": fresh_credit_code(),
        "town": district["duruan"].pk,
        "sectors": ["industry_trade"],
        "principal_phone": "13800138000",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("code", "message"), BAD_CODES, ids=BAD_IDS)
def test_the_form_shows_the_credit_code_reason_inline(code, message, district, ui_en):
    response = ui_en("admin").post(
        reverse("registry:enterprise_create"),
        form_post(district, credit_code=code),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.context["form"].errors["credit_code"] == [message]
    assert 'data-testid="field-error"' in response.content.decode()


def test_the_form_registers_a_valid_enterprise_and_redirects_to_its_page(district, ui_en):
    data = form_post(district, credit_code=" 91350100m000100y43")
    response = ui_en("duruan").post(reverse("registry:enterprise_create"), data)
    enterprise = Enterprise.objects.get(credit_code=VALID_EXAMPLE)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:enterprise_detail", args=[enterprise.pk])


def test_the_form_refuses_a_duplicate_code(district, ui_en):
    existing = Enterprise.objects.order_by("id").first()
    response = ui_en("admin").post(
        reverse("registry:enterprise_create"), form_post(district, credit_code=existing.credit_code)
    )
    assert response.context["form"].errors["credit_code"] == [
        "An enterprise with this credit code is already registered."
    ]


# --- Who may write ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username", ["leader", "duty", "inspector_duruan", "ent_duruan", "sysadmin", "secadmin", "auditadmin"]
)
def test_roles_that_may_not_register_get_403_and_nothing_is_written(username, district, api_en):
    count = Enterprise.objects.count()
    response = api_en(username).post("/api/v1/enterprises/", api_payload(district), format="json")
    assert response.status_code == 403
    assert Enterprise.objects.count() == count


@pytest.mark.parametrize("username", ["leader", "sysadmin", "ent_duruan"])
def test_the_role_is_checked_before_the_input(username, api_en):
    response = api_en(username).post("/api/v1/enterprises/", {"name": ["not", "a", "name"]}, format="json")
    assert response.status_code == 403


def test_a_town_officer_cannot_register_an_enterprise_in_another_town(district, api_en):
    response = api_en("duruan").post(
        "/api/v1/enterprises/", api_payload(district, town=district["baisha"].pk), format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "The enterprise would be outside your jurisdiction."}


def test_a_department_registers_only_in_its_sectors(district, api_en):
    refused = api_en("jtj").post("/api/v1/enterprises/", api_payload(district), format="json")
    assert refused.status_code == 403
    accepted = api_en("jtj").post(
        "/api/v1/enterprises/", api_payload(district, sectors=["road_traffic"]), format="json"
    )
    assert accepted.status_code == 201


def test_a_town_officer_cannot_move_its_enterprise_to_another_town(district, api_en, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"])
    response = api_en("duruan").patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"town": district["baisha"].pk, "version": 1}, format="json"
    )
    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.town == district["duruan"]


def test_the_enterprise_keeps_its_contacts_but_not_its_name(api_en, persona):
    enterprise = persona("ent_duruan").enterprise
    api = api_en("ent_duruan")
    ok = api.patch(
        f"/api/v1/enterprises/{enterprise.pk}/",
        {"safety_manager_phone": "13912345678", "version": enterprise.version},
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["safety_manager_phone"] == "13912345678"
    refused = api.patch(
        f"/api/v1/enterprises/{enterprise.pk}/",
        {"name": "改名", "version": ok.json()["version"]},
        format="json",
    )
    assert refused.status_code == 403
    assert Enterprise.objects.get(pk=enterprise.pk).name == enterprise.name


def test_a_read_only_role_cannot_patch_a_visible_enterprise(api_en, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"])
    response = api_en("leader").patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"name": "改名", "version": 1}, format="json"
    )
    assert response.status_code == 403


def test_update_with_a_stale_version_is_a_conflict_and_changes_nothing(api_en, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"], address="旧地址")
    api = api_en("duruan")
    first = api.patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"address": "新地址一", "version": 1}, format="json"
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = api.patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"address": "新地址二", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert list(stale.json()) == ["detail"]
    enterprise.refresh_from_db()
    assert (enterprise.address, enterprise.version) == ("新地址一", 2)


def test_a_stale_version_wins_over_invalid_input(api_en, make_enterprise):
    """API.md order of checks: 404, 403, 409, then 400."""
    enterprise = make_enterprise("duruan", ["industry_trade"])
    Enterprise.objects.filter(pk=enterprise.pk).update(version=5)
    response = api_en("duruan").patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"principal_phone": "bad", "version": 1}, format="json"
    )
    assert response.status_code == 409


def test_the_service_refuses_a_stale_version(persona, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"])
    with pytest.raises(Conflict):
        services.update_enterprise(
            actor=persona("duruan"), enterprise=enterprise, data={"address": "x"}, version=7
        )


def test_the_service_refuses_roles_without_write_rights(persona, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"])
    with pytest.raises(NotAllowed):
        services.change_enterprise_status(
            enterprise,
            actor=persona("inspector_duruan"),
            version=1,
            data={"status": "closed", "reason": "检查"},
        )


def test_status_change_keeps_a_history(persona, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"])
    services.change_enterprise_status(
        enterprise, actor=persona("duruan"), version=1, data={"status": "suspended", "reason": "责令停产整顿"}
    )
    change = enterprise.status_changes.first()
    assert (change.from_status, change.to_status, change.reason) == ("operating", "suspended", "责令停产整顿")
    assert change.changed_by == persona("duruan")
    with pytest.raises(Conflict):
        services.change_enterprise_status(
            enterprise, actor=persona("duruan"), version=2, data={"status": "suspended", "reason": "重复"}
        )


def test_a_refused_change_of_status_comes_back_on_the_enterprise_page_with_the_reason_kept(
    as_user, enterprise_in
):
    enterprise = enterprise_in("duruan", "industry_trade")
    client = as_user("duruan")
    url = f"/registry/enterprises/{enterprise.pk}/status/"
    history = enterprise.status_changes.count()
    unreasoned = client.post(url, {"status": "suspended", "reason": "", "version": enterprise.version})
    assert unreasoned.status_code == 400 and "请填写变更原因。" in unreasoned.content.decode()
    stale = client.post(
        url, {"status": "suspended", "reason": "责令停产整顿", "version": enterprise.version + 1}
    )
    assert stale.status_code == 409 and 'value="责令停产整顿"' in stale.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.status == "operating" and enterprise.status_changes.count() == history
    assert client.get(url).status_code == 405
    assert (
        client.post(url, {"status": "suspended", "reason": "责令停产整顿", "version": 1}).status_code == 302
    )
