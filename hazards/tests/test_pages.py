"""The web pages: list, register with photos, detail, one form per action, statistics, settings."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attachments.models import Attachment
from hazards.models import Hazard
from hazards.tests.helpers import png_bytes, rectifying, reported, submitted


def test_the_list_shows_only_hazards_in_scope_and_marks_overdue(as_user, persona, enterprise_in):
    mine = reported(persona("duruan"), enterprise_in("duruan", "industry_trade"), title="杜阮的隐患")
    theirs = reported(persona("baisha"), enterprise_in("baisha"), title="白沙的隐患", sector=None)
    page = as_user("duruan").get("/hazards/?q=隐患")
    assert page.status_code == 200
    content = page.content.decode()
    assert "杜阮的隐患" in content and "白沙的隐患" not in content
    assert mine.pk and theirs.pk


def test_filters_and_htmx_partial(as_user):
    client = as_user("admin")
    response = client.get("/hazards/?overdue=true&level=general&state=rectifying", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    for row in Hazard.objects.overdue().filter(level="general")[:3]:
        assert row.title.encode() in client.get(f"/hazards/?overdue=true&q={row.title}").content


def test_the_filter_forms_all_states_option_filters_nothing(as_user, persona):
    # The list's filter form sends every field; "All" states is `state=` and must not empty the list.
    client = as_user("duruan")
    everything = Hazard.objects.visible_to(persona("duruan")).count()
    form = (
        "state=&level=&sector=&town=&department=&source=&overdue=&listed=&open=&reported_from=&reported_to="
    )
    response = client.get(f"/hazards/?q=&{form}", HTTP_HX_REQUEST="true")
    assert response.context["page_obj"].paginator.count == everything > 0
    response = client.get(f"/hazards/?{form.replace('state=&', 'state=closed&')}", HTTP_HX_REQUEST="true")
    assert (
        response.context["page_obj"].paginator.count
        == Hazard.objects.visible_to(persona("duruan")).filter(state="closed").count()
    )
    # On a phone the rarer filters fold away, unless one of them is in use.
    assert response.context["more_filters"] is False
    assert client.get("/hazards/?overdue=true").context["more_filters"] is True


def test_the_ledger_export_is_an_xlsx_of_the_scoped_list(as_user, persona):
    from io import BytesIO

    from openpyxl import load_workbook

    response = as_user("baisha").get("/hazards/?export=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    response.close()
    assert workbook.active.title in ("隐患台账", "Hazard ledger")
    rows = list(workbook.active.iter_rows(values_only=True))
    baisha = Hazard.objects.visible_to(
        __import__("accounts.models").models.User.objects.get(username="baisha")
    )
    assert len(rows) - 1 == baisha.count()
    towns = {row[3] for row in rows[1:]}
    assert towns <= {"白沙街道", "Baisha Street"}
    period = as_user("admin").get("/hazards/?export=xlsx&reported_from=2999-01-01")
    rows = list(load_workbook(BytesIO(b"".join(period.streaming_content))).active.iter_rows(values_only=True))
    period.close()
    assert len(rows) == 1  # the header only: nothing registered in that period


def test_an_inspector_registers_a_hazard_with_camera_photos(as_user, enterprise_in):
    client = as_user("inspector_duruan")
    form = client.get("/hazards/new/")
    assert b'capture="environment"' in form.content and b'accept="image/*"' in form.content
    enterprise = enterprise_in("duruan", "industry_trade")
    response = client.post(
        "/hazards/new/",
        {
            "enterprise": enterprise.pk,
            "title": "楼梯扶手松动",
            "category": "object",
            "source": "government_inspection",
            "level": "general",
            "photos": [
                SimpleUploadedFile("a.png", png_bytes()),
                SimpleUploadedFile("b.png", png_bytes((0, 0, 200))),
            ],
            "lat": "22.601234",
            "lng": "113.023456",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hazard = Hazard.objects.get(title="楼梯扶手松动")
    photos = Attachment.objects.for_owner(hazard, "before")
    assert photos.count() == 2
    assert {(str(p.lat), str(p.lng), p.uploaded_by.username) for p in photos} == {
        ("22.601234", "113.023456", "inspector_duruan")
    }
    page = client.get(f"/hazards/{hazard.pk}/")
    assert page.status_code == 200 and "楼梯扶手松动" in page.content.decode()


def test_a_bad_photo_is_refused_on_the_form_and_nothing_is_written(as_user, enterprise_in):
    client = as_user("inspector_duruan")
    before = Hazard.objects.count()
    response = client.post(
        "/hazards/new/",
        {
            "enterprise": enterprise_in("duruan", "industry_trade").pk,
            "title": "x",
            "category": "object",
            "source": "government_inspection",
            "level": "general",
            "photos": [SimpleUploadedFile("evil.png", b"<script>alert(1)</script>")],
        },
    )
    assert response.status_code == 400
    assert Hazard.objects.count() == before


def test_the_town_takes_a_hazard_around_the_loop_in_the_ui(as_user, persona, enterprise_in):
    town = as_user("duruan")
    hazard = reported(persona("inspector_duruan"), enterprise_in("duruan", "industry_trade"))
    detail = town.get(f"/hazards/{hazard.pk}/").content.decode()
    assert f"/hazards/{hazard.pk}/assign/" in detail
    response = town.post(
        f"/hazards/{hazard.pk}/assign/",
        {"version": 1, "measures": "清理", "responsible_person": "张三", "funds": "100"},
    )
    assert response.status_code == 302
    response = town.post(
        f"/hazards/{hazard.pk}/submit/",
        {
            "version": 2,
            "rectification_note": "已清理",
            "photos": [SimpleUploadedFile("after.png", png_bytes())],
        },
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == "submitted"
    # The submitter does not see (nor may open) the acceptance form.
    assert town.get(f"/hazards/{hazard.pk}/accept/").status_code == 403
    inspector = as_user("inspector_duruan")
    assert inspector.post(f"/hazards/{hazard.pk}/accept/", {"version": 3, "note": "合格"}).status_code == 302
    assert town.post(f"/hazards/{hazard.pk}/close/", {"version": 4}).status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == "closed"
    page = town.get(f"/hazards/{hazard.pk}/").content.decode()
    assert "已清理" in page and "合格" in page


def test_a_stale_form_answers_409_and_changes_nothing(as_user, persona, enterprise_in):
    hazard = rectifying(persona("duruan"), enterprise_in("duruan", "industry_trade"))
    response = as_user("duruan").post(f"/hazards/{hazard.pk}/cancel/", {"version": 1, "reason": "重复"})
    assert response.status_code == 409
    hazard.refresh_from_db()
    assert hazard.state == "rectifying"


def test_an_action_the_state_refuses_answers_409_on_its_page_with_the_input_kept(
    as_user, persona, enterprise_in
):
    hazard = rectifying(persona("duruan"), enterprise_in("duruan", "industry_trade"))
    url = f"/hazards/{hazard.pk}/reject/"
    response = as_user("inspector_duruan").post(url, {"version": hazard.version, "reason": "照片不清晰"})
    assert response.status_code == 409 and not response.has_header("Location")
    page = response.content.decode()
    assert "照片不清晰" in page and hazard.get_state_display() in page
    # The page's title and the detail page's button read the same row of the workflow table.
    from hazards.rules import FLOW

    assert str(FLOW["reject"].label) in page
    hazard.refresh_from_db()
    assert hazard.state == "rectifying"


def test_missing_input_shows_field_errors(as_user, persona, enterprise_in):
    hazard = submitted(persona("duruan"), enterprise_in("duruan", "industry_trade"))
    response = as_user("inspector_duruan").post(f"/hazards/{hazard.pk}/reject/", {"version": hazard.version})
    assert response.status_code == 400
    assert b'data-testid="field-error"' in response.content


@pytest.mark.parametrize(
    "url",
    ["/hazards/{pk}/", "/hazards/{pk}/assign/", "/hazards/{pk}/cancel/", "/hazards/{pk}/notice.pdf"],
)
def test_a_baisha_officer_gets_404_for_a_duruan_hazard(as_user, persona, enterprise_in, url):
    hazard = rectifying(persona("duruan"), enterprise_in("duruan", "industry_trade"))
    assert as_user("baisha").get(url.format(pk=hazard.pk)).status_code == 404
    assert as_user("baisha").post(url.format(pk=hazard.pk), {"version": hazard.version}).status_code == 404


@pytest.mark.parametrize(
    "username", ["admin", "leader", "duruan", "yjj", "ent_duruan", "inspector_duruan", "duty"]
)
def test_home_shows_the_hazard_panel(as_user, username):
    response = as_user(username).get("/")
    assert response.status_code == 200
    assert b'data-testid="panel-hazards"' in response.content


def test_the_demo_gives_each_acting_persona_something_to_do(persona):
    from hazards.selectors import needing_action

    for username in ["admin", "duruan", "baisha", "yjj", "jtj", "inspector_duruan", "ent_duruan"]:
        assert needing_action(persona(username)), username


def test_the_statistics_page_renders_a_chart_without_inline_script(as_user):
    response = as_user("yjj").get("/hazards/statistics/?group_by=department")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-chart="hazard-chart"' in content and 'id="hazard-chart" type="application/json"' in content
    assert "<script>" not in content


def test_the_enterprise_page_has_the_hazard_section(as_user, persona):
    enterprise = persona("ent_duruan").enterprise
    response = as_user("ent_duruan").get(f"/registry/enterprises/{enterprise.pk}/")
    assert response.status_code == 200
    assert b'data-testid="enterprise-hazards"' in response.content


def test_district_admins_edit_the_criteria_library_and_others_cannot(as_user):
    from hazards.models import MajorHazardCriterion

    data = {
        "sector": "fire",
        "item": "F-1",
        "text": "消防车通道被占用",
        "source": "GB 35181-2025",
        "verified": "on",
        "is_active": "on",
    }
    assert as_user("duruan").post("/hazards/criteria/new/", data).status_code == 403
    assert as_user("admin").post("/hazards/criteria/new/", data).status_code == 302
    assert MajorHazardCriterion.objects.filter(item="F-1", sector="fire").exists()
    assert as_user("duruan").get("/hazards/criteria/").status_code == 200
    response = as_user("admin").post(
        "/hazards/deadlines/general/",
        {"days": "10", "source": "区安委办2026年1号", "effective_from": "2026-01-01"},
    )
    assert response.status_code == 302


def test_a_refused_library_setting_answers_400_with_the_input_kept(as_user):
    admin = as_user("admin")
    criterion = {"sector": "fire", "item": "F-9", "text": "", "source": "GB 35181-2025"}
    refused = admin.post("/hazards/criteria/new/", criterion)
    assert refused.status_code == 400 and refused.context["form"].errors["text"]
    assert 'value="F-9"' in refused.content.decode()
    deadline = {"days": "0", "source": "区安委办2026年1号", "effective_from": "2026-01-01"}
    refused = admin.post("/hazards/deadlines/general/", deadline)
    assert refused.status_code == 400 and refused.context["form"].errors["days"]
    assert "区安委办2026年1号" in refused.content.decode()


def test_the_ledger_export_is_recorded_once_with_its_filters_and_count(as_user, persona):
    from audit.models import AuditEvent

    before = AuditEvent.objects.filter(action="hazards.hazard.exported").count()
    response = as_user("duruan").get("/hazards/?export=xlsx&state=rectifying")
    b"".join(response.streaming_content) if response.streaming else response.content
    events = AuditEvent.objects.filter(action="hazards.hazard.exported").order_by("-id")
    assert events.count() == before + 1
    event = events.first()
    assert event.actor == persona("duruan") and event.data["filters"] == {"state": ["rectifying"]}
    assert (
        event.data["count"] == Hazard.objects.visible_to(persona("duruan")).filter(state="rectifying").count()
    )


@pytest.mark.parametrize(
    "username",
    ["admin", "leader", "duruan", "baisha", "yjj", "jtj", "inspector_duruan", "ent_duruan", "duty"],
)
@pytest.mark.parametrize("limit", [1, 3, 50])
def test_reading_a_scope_by_parts_gives_what_one_query_gives(persona, username, limit):
    from hazards.choices import OPEN_STATES
    from hazards.selectors import first_by_deadline

    user = persona(username)
    qs = (
        Hazard.objects.visible_to(user)
        .for_list()
        .filter(state__states=OPEN_STATES)
        .order_by("deadline", "reported_at", "id")
    )
    assert [h.pk for h in first_by_deadline(qs, user, limit)] == [h.pk for h in qs[:limit]]


def test_a_department_with_several_sectors_is_read_by_parts(persona, django_assert_num_queries):
    from hazards.selectors import first_by_deadline

    user = persona("yjj")
    assert len(user.department.sectors.all()) > 1
    qs = Hazard.objects.visible_to(user).order_by("deadline", "reported_at", "id")
    with django_assert_num_queries(len(user.department.sectors.all())):
        first_by_deadline(qs, user, 5)


def test_the_ledger_reads_only_what_it_writes_and_writes_what_full_rows_would(
    persona, enterprise_in, django_assert_max_num_queries
):
    # A million-row ledger loads only its columns' fields (hazards.exports.LEDGER_FIELDS): every cell must
    # equal the cell written from the full, joined row, and reading more rows must not cost more queries.
    from hazards.exports import ledger_columns, ledger_rows

    reported(persona("duruan"), enterprise_in("duruan", "industry_trade"), title="台账对照")
    listed = Hazard.objects.visible_to(persona("admin")).for_list().order_by("-reported_at", "-id")
    columns = ledger_columns()
    full = [[column.value(h) for column in columns[1:]] for h in listed]
    with django_assert_max_num_queries(3):  # towns, sectors, the rows
        columns = ledger_columns()
        narrowed = [[column.value(h) for column in columns[1:]] for h in ledger_rows(listed)]
    assert narrowed == full and len(full) > 10
    assert any(row[2] and row[4] for row in narrowed)  # town and sector named from their lookups
