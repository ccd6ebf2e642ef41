"""Every page of the module renders for the demo district, in both languages, and list pages keep their
query counts when the page grows."""

import pytest
from django.urls import reverse

from inspections.models import Campaign, ChecklistTemplate, Draw, Inspection, InspectionTask


def _urls():
    campaign = Campaign.objects.order_by("id").first()
    draw = Draw.objects.order_by("id").first()
    finished = Inspection.objects.filter(state="finished").order_by("id").first()
    template = ChecklistTemplate.objects.current().order_by("id").first()
    task = InspectionTask.objects.filter(campaign=campaign).order_by("id").first()
    enterprise = finished.enterprise
    return [
        reverse("inspections:campaign_list"),
        reverse("inspections:campaign_detail", args=[campaign.pk]),
        reverse("inspections:campaign_targets_add", args=[campaign.pk]) + "?q=有限",
        reverse("inspections:campaign_report", args=[campaign.pk, "pdf"]),
        reverse("inspections:template_list"),
        reverse("inspections:template_detail", args=[template.pk]),
        reverse("inspections:template_edit", args=[template.pk]),
        reverse("inspections:template_create"),
        reverse("inspections:template_import", args=[template.pk]),
        reverse("inspections:template_import_new"),
        reverse("inspections:task_list") + "?mine=0",
        reverse("inspections:task_detail", args=[task.pk]),
        reverse("inspections:inspection_list"),
        reverse("inspections:inspection_detail", args=[finished.pk]),
        reverse("inspections:inspection_pdf", args=[finished.pk, "record"]),
        reverse("inspections:inspection_new") + f"?enterprise={enterprise.pk}",
        reverse("inspections:draw_list"),
        reverse("inspections:draw_create"),
        reverse("inspections:draw_detail", args=[draw.pk]) + "?verify=1",
        reverse("inspections:conflict_list"),
        reverse("inspections:draw_settings"),
        reverse("inspections:public_results"),
        reverse("registry:enterprise_detail", args=[enterprise.pk]),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.django_db
def test_every_page_renders_for_the_admin(as_user, district, language):
    client = as_user("admin")
    client.cookies["django_language"] = language
    for url in _urls():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_the_draw_page_verifies_the_demo_draw(as_user, district):
    draw = Draw.objects.order_by("id").first()
    html = (
        as_user("admin")
        .get(reverse("inspections:draw_detail", args=[draw.pk]) + "?verify=1")
        .content.decode()
    )
    assert 'data-testid="verified"' in html and "alert-success" in html


@pytest.mark.django_db
def test_the_public_page_needs_no_login_and_lists_the_demo_result(client, district):
    response = client.get(reverse("inspections:public_results"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= 2  # header and at least one published result


@pytest.mark.parametrize("username", ["leader", "duty", "ent_duruan", "sysadmin"])
@pytest.mark.django_db
def test_read_only_and_other_roles_cannot_plan(as_user, username):
    assert as_user(username).get(reverse("inspections:campaign_create")).status_code == 403
    assert as_user(username).get(reverse("inspections:draw_create")).status_code == 403


@pytest.mark.parametrize(
    "url", ["/inspections/", "/inspections/tasks/?mine=0", "/inspections/records/", "/inspections/draws/"]
)
@pytest.mark.django_db
def test_list_pages_keep_their_query_count(as_user, url, django_assert_max_num_queries):
    client = as_user("admin")
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_planners_see_the_campaigns_under_way_on_their_home_page(as_user):
    campaign = Campaign.objects.order_by("id").first()
    assert f"/inspections/campaigns/{campaign.pk}/" in as_user("duruan").get("/").content.decode()
    assert f"/inspections/campaigns/{campaign.pk}/" not in as_user("ent_duruan").get("/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_demo_rebuilds_on_a_flushed_database():
    """Transactional tests flush the data migration's rows; the demo builder brings the checklists back."""
    from conftest import ensure_district

    ensure_district()
    assert ChecklistTemplate.objects.current().filter(family="confined_space").exists()
    assert Campaign.objects.exists()
