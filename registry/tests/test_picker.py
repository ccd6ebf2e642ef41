"""The enterprise picker searches on the server (issue 20, point 8): by name, credit code or pinyin initials,
within the user's scope only; choosing an enterprise brings its sector and town."""

from registry.picker import initials


def test_initials_of_a_chinese_name():
    assert initials("江门市海联百货有限公司") == "jmshlbhyxgs"


def test_search_by_name_credit_code_and_initials_in_scope(as_user, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    client = as_user("duruan")
    by_name = client.get("/registry/enterprises/search/", {"q": enterprise.name[2:6]}).json()["results"]
    assert enterprise.pk in [r["id"] for r in by_name]
    by_code = client.get("/registry/enterprises/search/", {"q": enterprise.credit_code[:12]}).json()[
        "results"
    ]
    assert [r["id"] for r in by_code][:1] == [enterprise.pk]
    by_initials = client.get("/registry/enterprises/search/", {"q": initials(enterprise.name)[:6]}).json()[
        "results"
    ]
    hit = next(r for r in by_initials if r["id"] == enterprise.pk)
    assert hit["sector"] and hit["town_id"] == enterprise.town_id
    assert len(by_initials) <= 20


def test_another_towns_enterprise_is_not_found(as_user, enterprise_in):
    theirs = enterprise_in("baisha")
    client = as_user("duruan")
    assert client.get("/registry/enterprises/search/", {"q": theirs.name}).json()["results"] == []
    assert client.get("/registry/enterprises/search/", {"id": theirs.pk}).json()["results"] == []


def test_the_query_count_does_not_grow_with_the_results(as_user, django_assert_max_num_queries):
    client = as_user("admin")
    with django_assert_max_num_queries(12):
        client.get("/registry/enterprises/search/", {"q": "有限"})


def test_the_hazard_form_defaults_for_an_official(as_user, persona):
    form = as_user("inspector_duruan").get("/hazards/new/").context["form"]
    assert form["source"].value() == "government_inspection"
    assert form["discoverer"].value() == persona("inspector_duruan").display_name
    assert form["discovered_at"].value()
    assert form.fields["enterprise"].widget.attrs["data-sector-field"] == "sector"


def test_phone_numbers_are_validated_on_the_forms():
    from accidents.forms import AccidentForm
    from hazards.forms import AssignForm

    assert "responsible_phone" in AssignForm({"responsible_phone": "abc"}).errors
    assert "responsible_phone" not in AssignForm({"responsible_phone": "13812345678"}).errors
    assert "reporter_phone" in AccidentForm({"reporter_phone": "abc"}, user=None).errors


def test_the_accident_form_shows_every_error_in_one_round(as_user):
    response = as_user("duruan").post(
        "/accidents/new/",
        {"occurred_at": "2999-01-01T10:00", "reporter_phone": "abc", "accident_type": "03"},
    )
    errors = response.context["form"].errors
    assert {"occurred_at", "reporter_phone", "sector"} <= set(errors)
