"""The registry's pages: list filters, the one-enterprise-one-file page, the forms and who may open them."""

import pytest
from django.urls import reverse

from registry.models import Enterprise


def test_the_list_filters_sorts_and_paginates(ui_en, district, make_enterprise):
    make_enterprise("hetang", ["gas"], "荷塘列表测试燃气甲公司", employees=5)
    make_enterprise("hetang", ["gas"], "荷塘列表测试燃气乙公司", employees=500)
    client = ui_en("admin")
    page = client.get(reverse("registry:enterprise_list"), {"town": district["hetang"].pk, "sector": "gas"})
    expected = Enterprise.objects.filter(town=district["hetang"], sectors="gas").count()
    assert page.context["page_obj"].paginator.count == expected
    by_size = client.get(reverse("registry:enterprise_list"), {"q": "荷塘列表测试", "sort": "-employees"})
    assert [e.name for e in by_size.context["page_obj"]] == [
        "荷塘列表测试燃气乙公司",
        "荷塘列表测试燃气甲公司",
    ]
    second = client.get(reverse("registry:enterprise_list"), {"page": 2})
    assert second.context["page_obj"].number == 2


def test_htmx_requests_get_only_the_rows(ui_en):
    response = ui_en("duruan").get(reverse("registry:enterprise_list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-testid="result-count"' in html
    assert "<html" not in html


@pytest.mark.parametrize("params", [{"town": "abc"}, {"page": "abc"}, {"sort": "password"}, {"status": "x"}])
def test_odd_list_parameters_never_crash_the_page(params, ui_en):
    assert ui_en("admin").get(reverse("registry:enterprise_list"), params).status_code == 200


def test_the_enterprise_page_gathers_its_file(ui_en, persona):
    enterprise = persona("ent_duruan").enterprise
    response = ui_en("ent_duruan").get(reverse("registry:enterprise_detail", args=[enterprise.pk]))
    html = response.content.decode()
    assert enterprise.name in html and enterprise.credit_code in html
    assert response.context["can_edit"] is True
    assert list(response.context["departments"]) == list(enterprise.supervising_departments())
    assert [s["key"] for s in response.context["sections"]] == sorted(
        (s["key"] for s in response.context["sections"]),
        key=[s["key"] for s in response.context["sections"]].index,
    )


@pytest.mark.parametrize("username", ["leader", "duty", "inspector_duruan", "ent_duruan"])
def test_roles_that_may_not_register_cannot_open_the_form(username, ui_en):
    assert ui_en(username).get(reverse("registry:enterprise_create")).status_code == 403


@pytest.mark.parametrize("username", ["leader", "duty", "inspector_duruan"])
def test_read_only_roles_cannot_open_the_edit_form(username, ui_en, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"])
    assert ui_en(username).get(reverse("registry:enterprise_edit", args=[enterprise.pk])).status_code == 403


def test_the_edit_form_saves_a_change_and_records_the_version(ui_en, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"], "杜阮表单编辑测试有限公司", address="旧址")
    client = ui_en("duruan")
    form = client.get(reverse("registry:enterprise_edit", args=[enterprise.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "sectors"}
    data.update(sectors=["industry_trade"], address="新址", version=1)
    response = client.post(reverse("registry:enterprise_edit", args=[enterprise.pk]), data)
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.address, enterprise.version) == ("新址", 2)


@pytest.mark.parametrize("version", ["1", "abc", ""])
def test_a_stale_or_garbled_version_in_the_edit_form_is_a_conflict_not_a_crash(
    version, ui_en, make_enterprise
):
    enterprise = make_enterprise("duruan", ["industry_trade"], "杜阮版本测试有限公司", address="旧址")
    Enterprise.objects.filter(pk=enterprise.pk).update(version=3)
    response = ui_en("duruan").post(
        reverse("registry:enterprise_edit", args=[enterprise.pk]),
        {
            "name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "town": enterprise.town_id,
            "sectors": ["industry_trade"],
            "address": "新址",
            "version": version,
        },
    )
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "Someone else changed this record; reload it and try again."
    ]
    assert Enterprise.objects.get(pk=enterprise.pk).address == "旧址"


def test_the_enterprise_user_edits_its_contacts_in_the_form(ui_en, persona):
    enterprise = persona("ent_duruan").enterprise
    client = ui_en("ent_duruan")
    form = client.get(reverse("registry:enterprise_edit", args=[enterprise.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["sectors"] = enterprise.sector_codes()
    data.update(safety_manager_phone="13711112222", version=enterprise.version)
    response = client.post(reverse("registry:enterprise_edit", args=[enterprise.pk]), data)
    assert response.status_code == 302
    assert Enterprise.objects.get(pk=enterprise.pk).safety_manager_phone == "13711112222"


def test_the_enterprise_user_cannot_rename_itself_in_the_form(ui_en, persona):
    enterprise = persona("ent_duruan").enterprise
    client = ui_en("ent_duruan")
    form = client.get(reverse("registry:enterprise_edit", args=[enterprise.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(sectors=enterprise.sector_codes(), name="改名有限公司", version=enterprise.version)
    response = client.post(reverse("registry:enterprise_edit", args=[enterprise.pk]), data)
    assert response.status_code == 403  # refused by the service, with the form kept
    assert response.context["form"].non_field_errors() == [
        "An enterprise may update only its own contact and profile details."
    ]
    assert Enterprise.objects.get(pk=enterprise.pk).name == enterprise.name


def test_a_status_change_without_a_reason_is_refused_with_a_message(ui_en, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"])
    url = reverse("registry:enterprise_status", args=[enterprise.pk])
    response = ui_en("duruan").post(url, {"status": "closed", "reason": "", "version": enterprise.version})
    # The enterprise's page again: the missing reason marked, the status chosen still chosen.
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="form-errors"' in page and '<option value="closed" selected>' in page
    assert Enterprise.objects.get(pk=enterprise.pk).status == "operating"
    stale = ui_en("duruan").post(
        url, {"status": "closed", "reason": "已注销", "version": enterprise.version - 1}
    )
    assert stale.status_code == 409 and 'value="已注销"' in stale.content.decode()
    assert Enterprise.objects.get(pk=enterprise.pk).status == "operating"
