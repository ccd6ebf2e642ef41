"""Plans: filing within 20 working days (R-EMG-2, R-TIME-1), check within 5, review every 3 years
(R-EMG-3), drill frequencies (R-EMG-4), and the bad inputs of the issue."""

import datetime as dt

import pytest

from core.errors import InvalidInput
from emergency import rules, selectors, services
from emergency.models import Plan

D = dt.date
PUBLISHED = D(2026, 3, 6)


@pytest.fixture
def plan(persona):
    def make(actor="ent_duruan", *, published_on=PUBLISHED, type="comprehensive", **owner):
        user = persona(actor)
        if not owner:
            owner = (
                {"owner_enterprise": user.enterprise_id}
                if user.enterprise_id
                else {"owner_town": user.town_id}
            )
        data = {"type": type, "title": "生产安全事故综合应急预案", **owner}
        if published_on:
            data["published_on"] = published_on
        return services.create_plan(actor=user, data=data)

    return make


def test_filing_due_after_a_weekend(db):
    # Published on a Friday: 20 working days are four full weeks (weekends skipped), ending Fri 3 April.
    assert rules.filing_due(D(2026, 3, 6)) == D(2026, 4, 3)
    assert rules.check_due(D(2026, 3, 5)) == D(2026, 3, 12)  # Thu → Fri, then Mon–Thu


def test_filing_due_across_national_day_with_its_make_up_saturday(db):
    """Published Wed 16 Sept 2026: Sun 20 Sept and Sat 10 Oct are make-up working days (调休); 25–27 Sept
    (Mid-Autumn) and 1–7 Oct are holidays. The 20th working day is Tue 20 Oct."""
    assert rules.filing_due(D(2026, 9, 16)) == D(2026, 10, 20)
    # The check's 5 working days from Wed 30 Sept: 8, 9, 10 (Saturday, worked), 12, 13 October.
    assert rules.check_due(D(2026, 9, 30)) == D(2026, 10, 13)


def test_a_new_plan_answers_its_filing_and_review_dates(api_as, persona):
    client = api_as("ent_duruan")
    body = {
        "owner_enterprise": persona("ent_duruan").enterprise_id,
        "type": "comprehensive",
        "title": "综合应急预案",
        "published_on": "2026-09-16",
    }
    response = client.post("/api/v1/plans/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["filing_due"] == "2026-10-20" and data["state"] == "published"
    assert data["review_due"] == "2029-09-17"  # 16 Sept 2029 is a Sunday: the next working day
    assert data["type_display"]


def test_the_whole_filing_loop_and_its_overdue_flags(persona, plan):
    p = plan()
    current = p.current()
    status = selectors.plan_status(p, today=D(2026, 4, 7))
    assert status.filing_due == D(2026, 4, 3) and status.filing_overdue
    current = services.file_plan_version(
        current,
        actor=persona("ent_duruan"),
        version=current.version,
        data={"filed_on": "2026-04-02", "filing_number": "备-2026-01"},
    )
    assert current.state == "filed" and current.check_due == D(
        2026, 4, 10
    )  # 3 Apr, then 7–10 Apr (Qingming 4–6)
    with pytest.raises(Exception) as refused:
        services.check_plan_filing(
            current, actor=persona("ent_duruan"), version=current.version, data={"checked_on": "2026-04-08"}
        )
    assert refused.value.status_code == 403  # the bureau checks
    current = services.check_plan_filing(
        current, actor=persona("yjj"), version=current.version, data={"checked_on": "2026-04-08"}
    )
    assert current.state == "checked"
    assert not selectors.plan_status(Plan.objects.get(pk=p.pk), today=D(2026, 4, 20)).filing_overdue


def test_a_plan_published_after_its_filing_is_refused(persona, plan):
    p = plan(published_on=D(2026, 5, 20))
    current = p.current()
    with pytest.raises(InvalidInput) as caught:
        services.file_plan_version(
            current, actor=persona("ent_duruan"), version=current.version, data={"filed_on": "2026-05-10"}
        )
    assert "filed_on" in caught.value.errors
    current.refresh_from_db()
    assert current.state == "published" and current.filed_on is None


def test_a_future_publication_is_refused(persona):
    with pytest.raises(InvalidInput) as caught:
        services.create_plan(
            actor=persona("ent_duruan"),
            data={
                "owner_enterprise": persona("ent_duruan").enterprise_id,
                "type": "onsite",
                "title": "x",
                "published_on": dt.date.today() + dt.timedelta(days=400),
            },
        )
    assert "published_on" in caught.value.errors


def test_an_enterprise_plan_has_an_enterprise_type(persona):
    with pytest.raises(InvalidInput) as caught:
        services.create_plan(
            actor=persona("ent_duruan"),
            data={"owner_enterprise": persona("ent_duruan").enterprise_id, "type": "overall", "title": "x"},
        )
    assert "type" in caught.value.errors


@pytest.mark.parametrize(
    ("owner", "type", "months"),
    [
        ("enterprise", "comprehensive", 12),
        ("enterprise", "special", 12),
        ("enterprise", "onsite", 6),
        ("high_risk", "comprehensive", 6),
        ("crowded", "special", 6),
        ("town", "overall", 24),
        ("department", "departmental", 24),
    ],
)
def test_drill_due_per_plan_type_and_unit(persona, plan, owner, type, months):
    ent = persona("ent_duruan").enterprise
    ent.sub_sector = "machinery"
    ent.save(update_fields=["sub_sector"])
    if owner == "high_risk":
        from registry.models import Enterprise

        ent = Enterprise.objects.filter(sectors__code="hazardous_chemicals").order_by("pk").first()
        p = plan("admin", type=type, owner_enterprise=ent.pk)
    elif owner == "crowded":
        p = plan("ent_duruan", type=type, owner_enterprise=ent.pk, crowded_place=True)
    elif owner == "town":
        p = plan("duruan", type=type)
    elif owner == "department":
        p = plan("yjj", type=type, owner_department=persona("yjj").department_id)
    else:
        p = plan("ent_duruan", type=type)
    p = Plan.objects.get(pk=p.pk)
    due = rules.next_working_day(rules.add_months(D(2026, 3, 6), months))
    assert selectors.plan_status(p).next_drill_due == due
    held = D(2026, 5, 15)
    services.record_drill(actor=persona("admin"), data={"plan": p.pk, "held_on": held, "form": "tabletop"})
    assert selectors.plan_status(p).next_drill_due == rules.next_working_day(rules.add_months(held, months))


def test_a_drill_due_on_a_rest_day_moves_to_the_next_working_day(persona, plan):
    """R-TIME-1: half a year after Fri 6 March 2026 is Sun 6 Sept: the drill is due Mon 7 Sept; a year after
    Sat 8 Nov 2025 is Sun 8 Nov 2026: due Mon 9 Nov."""
    ent = persona("ent_duruan").enterprise
    ent.sub_sector = "machinery"  # not a high-risk unit: its comprehensive plan drills once a year
    ent.save(update_fields=["sub_sector"])
    onsite = plan(type="onsite")
    assert selectors.plan_status(onsite).next_drill_due == D(2026, 9, 7)
    yearly = plan(published_on=D(2025, 11, 8))
    assert selectors.plan_status(yearly).next_drill_due == D(2026, 11, 9)


def test_review_due_every_three_years_and_after_an_evaluation(persona, plan):
    p = plan()
    assert selectors.plan_status(p).review_due == D(2029, 3, 6)
    p = services.record_evaluation(
        p, actor=persona("ent_duruan"), version=p.version, data={"evaluated_on": "2026-11-02"}
    )
    status = selectors.plan_status(Plan.objects.get(pk=p.pk), today=D(2026, 11, 3))
    assert status.review_due == D(2029, 11, 2) and not status.review_overdue
    p = services.record_evaluation(
        p,
        actor=persona("ent_duruan"),
        version=p.version,
        data={"evaluated_on": "2026-11-03", "revision_trigger": "command", "revision_reason": "组织机构调整"},
    )
    status = selectors.plan_status(Plan.objects.get(pk=p.pk), today=D(2026, 11, 4))
    assert status.review_due == D(2029, 11, 5)  # 3 Nov 2029 is a Saturday: the next working day
    assert status.review_overdue and status.behind  # a trigger asks for the revision now


def test_a_town_plan_is_evaluated_every_three_years_too(persona, plan):
    """R-EMG-3: government plans are also evaluated every three years, from publication or evaluation."""
    p = plan("duruan", type="overall", published_on=D(2026, 4, 10))
    assert selectors.plan_status(p).review_due == D(2029, 4, 10)
    p = services.record_evaluation(
        p, actor=persona("duruan"), version=p.version, data={"evaluated_on": "2026-06-01"}
    )
    assert selectors.plan_status(p).review_due == D(2029, 6, 1)


def test_an_evaluation_through_the_api_moves_the_next_evaluation(api_as, plan):
    p = plan()
    client = api_as("ent_duruan")
    url = f"/api/v1/plans/{p.pk}/evaluate/"
    before = client.get(f"/api/v1/plans/{p.pk}/").json()
    assert before["review_due"] == "2029-03-06" and before["state_display"]
    missing = client.post(url, {"evaluated_on": "2026-09-01"}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()
    answer = client.post(url, {"version": p.version, "evaluated_on": "2026-09-01"}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["review_due"] == "2029-09-03"  # 1 Sept 2029 is a Saturday: Monday 3 Sept
    assert answer.json()["last_evaluated_on"] == "2026-09-01"
    stale = client.post(url, {"version": p.version, "evaluated_on": "2026-10-01"}, format="json")
    assert stale.status_code == 409
    assert Plan.objects.get(pk=p.pk).last_evaluated_on == D(2026, 9, 1)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"evaluated_on": "2026-03-01"}, "evaluated_on"),  # before the version was published (6 March)
        ({"evaluated_on": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "evaluated_on"),
        ({"evaluated_on": "2026-05-01", "revision_trigger": "risks"}, "revision_reason"),
        ({"evaluated_on": "2026-05-01", "revision_trigger": "weather"}, "revision_trigger"),
    ],
)
def test_a_bad_evaluation_is_refused_on_its_field_and_changes_nothing(api_as, plan, body, field):
    p = plan()
    response = api_as("ent_duruan").post(
        f"/api/v1/plans/{p.pk}/evaluate/", {"version": p.version, **body}, format="json"
    )
    assert response.status_code == 400 and field in response.json()
    fresh = Plan.objects.get(pk=p.pk)
    assert (fresh.version, fresh.last_evaluated_on, fresh.revision_trigger) == (p.version, None, "")


def test_an_evaluation_before_the_last_one_is_refused(persona, plan):
    p = plan()
    p = services.record_evaluation(
        p, actor=persona("ent_duruan"), version=p.version, data={"evaluated_on": "2026-08-01"}
    )
    with pytest.raises(InvalidInput) as refused:
        services.record_evaluation(
            p, actor=persona("ent_duruan"), version=p.version, data={"evaluated_on": "2026-07-01"}
        )
    assert "evaluated_on" in refused.value.errors


def test_a_revision_trigger_marks_the_plan_until_a_new_version_is_published(api_as, persona, plan):
    p = plan()
    client = api_as("ent_duruan")
    response = client.post(
        f"/api/v1/plans/{p.pk}/revision-trigger/",
        {"version": p.version, "revision_trigger": "lessons", "revision_reason": "演练暴露通讯中断"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["revision_trigger"] == "lessons" and response.json()["revision_trigger_display"]
    behind = client.get("/api/v1/plans/?behind=true&page_size=200").json()["results"]
    assert p.pk in [row["id"] for row in behind]
    draft = services.start_revision(p, actor=persona("ent_duruan"), changes="通讯保障章节重写")
    services.publish_plan_version(
        draft, actor=persona("ent_duruan"), version=draft.version, data={"published_on": "2026-11-20"}
    )
    fresh = Plan.objects.get(pk=p.pk)
    assert (fresh.revision_trigger, fresh.revision_reason) == ("", "")
    status = selectors.plan_status(fresh, today=D(2026, 11, 21))
    assert not status.review_overdue and status.review_due == D(2029, 11, 20)


def test_plan_evaluation_is_scoped_and_kept_by_the_keepers(api_as, plan):
    p = plan()
    body = {"version": p.version, "evaluated_on": "2026-09-01"}
    for name, expected in [("baisha", 404), ("leader", 403), ("duty", 403)]:
        response = api_as(name).post(f"/api/v1/plans/{p.pk}/evaluate/", body, format="json")
        assert response.status_code == expected, name
        trigger = api_as(name).post(
            f"/api/v1/plans/{p.pk}/revision-trigger/",
            {"version": p.version, "revision_trigger": "risks", "revision_reason": "新增生产线"},
            format="json",
        )
        assert trigger.status_code == expected, name
    assert Plan.objects.get(pk=p.pk).version == p.version
    assert api_as("duruan").post(f"/api/v1/plans/{p.pk}/evaluate/", body, format="json").status_code == 200


def test_the_plan_page_records_an_evaluation_and_keeps_a_refused_one(as_user, plan):
    from django.urls import reverse

    p = plan()
    client = as_user("ent_duruan")
    page = client.get(reverse("emergency:plan_detail", args=[p.pk])).content.decode()
    assert 'data-testid="evaluation-form"' in page and 'data-testid="trigger-form"' in page
    url = reverse("emergency:plan_evaluate", args=[p.pk])
    refused = client.post(url, {"version": p.version, "evaluated_on": "2026-01-05", "findings": "职责清楚"})
    assert refused.status_code == 400
    form = refused.context["evaluation_form"]
    assert "evaluated_on" in form.errors and form["findings"].value() == "职责清楚"
    assert client.post(url, {"version": p.version, "evaluated_on": "2026-10-09"}).status_code == 302
    assert Plan.objects.get(pk=p.pk).last_evaluated_on == D(2026, 10, 9)
    stale = client.post(
        reverse("emergency:plan_trigger", args=[p.pk]),
        {"version": p.version, "revision_trigger": "risks", "revision_reason": "新增生产线"},
    )
    assert stale.status_code == 409 and Plan.objects.get(pk=p.pk).revision_trigger == ""
    assert (
        as_user("leader").post(url, {"version": p.version + 1, "evaluated_on": "2026-10-10"}).status_code
        == 403
    )
    assert (
        as_user("baisha").post(url, {"version": p.version + 1, "evaluated_on": "2026-10-10"}).status_code
        == 404
    )


def test_the_plan_page_keeps_a_refused_trigger_and_hides_the_plan_from_another_town(as_user, plan):
    from django.urls import reverse

    p = plan()
    url = reverse("emergency:plan_trigger", args=[p.pk])
    refused = as_user("ent_duruan").post(url, {"version": p.version, "revision_trigger": "risks"})
    assert refused.status_code == 400
    form = refused.context["trigger_form"]
    assert "revision_reason" in form.errors and form["revision_trigger"].value() == "risks"
    body = {"version": p.version, "revision_trigger": "risks", "revision_reason": "新增生产线"}
    assert as_user("baisha").post(url, body).status_code == 404
    fresh = Plan.objects.get(pk=p.pk)
    assert (fresh.version, fresh.revision_trigger) == (p.version, "")


def test_an_evaluation_naming_a_trigger_without_saying_what_changed_is_refused_on_the_page(as_user, plan):
    from django.urls import reverse

    p = plan()
    body = {"version": p.version, "evaluated_on": "2026-10-09", "revision_trigger": "command"}
    refused = as_user("ent_duruan").post(reverse("emergency:plan_evaluate", args=[p.pk]), body)
    assert refused.status_code == 400
    form = refused.context["evaluation_form"]
    assert "revision_reason" in form.errors and form["revision_trigger"].value() == "command"
    fresh = Plan.objects.get(pk=p.pk)
    assert (fresh.version, fresh.last_evaluated_on, fresh.revision_trigger) == (p.version, None, "")


def test_a_drill_in_the_future_is_refused(api_as, plan):
    p = plan()
    response = api_as("ent_duruan").post(
        "/api/v1/drills/",
        {"plan": p.pk, "held_on": (dt.date.today() + dt.timedelta(days=3)).isoformat(), "form": "tabletop"},
        format="json",
    )
    assert response.status_code == 400 and "held_on" in response.json()


def test_a_drill_through_the_api_moves_the_plans_next_drill(api_as, persona, plan):
    p = plan(type="onsite")
    client = api_as("ent_duruan")
    response = client.post(
        "/api/v1/drills/", {"plan": p.pk, "held_on": "2026-07-01", "form": "functional"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert client.get(f"/api/v1/plans/{p.pk}/").json()["next_drill_due"] == "2027-01-01"


def test_evaluation_problems_become_actions_with_owners(persona, plan):
    p = plan()
    drill = services.record_drill(
        actor=persona("ent_duruan"), data={"plan": p.pk, "held_on": D(2026, 6, 1), "form": "full_scale"}
    )
    drill = services.evaluate_drill(
        drill,
        actor=persona("ent_duruan"),
        version=drill.version,
        data={"evaluation": "疏散通道堵塞，通讯不畅"},
    )
    action = services.add_improvement_action(
        drill,
        actor=persona("ent_duruan"),
        data={"problem": "疏散通道堵塞", "owner": "王五", "deadline": "2026-06-30"},
    )
    action = services.complete_action(action, actor=persona("ent_duruan"), version=action.version, data={})
    action = services.verify_action(
        action, actor=persona("duruan"), version=action.version, data={"note": "现场核实"}
    )
    assert (drill.state, action.state) == ("evaluated", "verified")


def test_compliance_names_who_is_behind_by_town_and_sector(persona, plan):
    plan(type="onsite", published_on=D(2026, 1, 5))
    result = selectors.compliance(persona("admin"), today=D(2026, 12, 1))
    duruan = result["by_town"][persona("duruan").town.name]
    assert duruan["drills_behind"] >= 1
    assert result["by_sector"]["industry_trade"]["drills_behind"] >= 1
    assert result["by_sector"]["industry_trade"]["name"] == "工贸"


def test_the_drills_page_names_the_sectors(as_user, plan):
    plan(type="onsite", published_on=D(2026, 1, 5))
    html = as_user("admin").get("/emergency/drills/").content.decode()
    assert ">工贸</td>" in html and ">industry_trade</td>" not in html


def test_plans_are_scoped(api_as, plan):
    p = plan()
    assert api_as("duruan").get(f"/api/v1/plans/{p.pk}/").status_code == 200
    assert api_as("baisha").get(f"/api/v1/plans/{p.pk}/").status_code == 404
    assert api_as("ent_duruan").get(f"/api/v1/plans/{p.pk}/").status_code == 200
    ids = [row["id"] for row in api_as("ent_duruan").get("/api/v1/plans/?page_size=200").json()["results"]]
    assert set(Plan.objects.filter(pk__in=ids).values_list("owner_enterprise", flat=True)) <= {
        p.owner_enterprise_id
    }


def test_a_drill_problem_enters_the_hazard_loop_once(persona, plan):
    from core.errors import Conflict
    from hazards.models import Hazard

    p = plan()
    drill = services.record_drill(
        actor=persona("ent_duruan"), data={"plan": p.pk, "held_on": D(2026, 6, 1), "form": "tabletop"}
    )
    action = services.add_improvement_action(
        drill,
        actor=persona("ent_duruan"),
        data={"problem": "应急物资柜缺少正压式空气呼吸器", "owner": "王五", "deadline": "2026-06-30"},
    )
    action = services.raise_action_as_hazard(action, actor=persona("ent_duruan"))
    hazard = Hazard.objects.get(pk=action.hazard_id)
    assert hazard.enterprise_id == p.owner_enterprise_id and hazard.state == "reported"
    with pytest.raises(Conflict):
        services.raise_action_as_hazard(action, actor=persona("ent_duruan"))


@pytest.mark.parametrize(
    "actor,owner,refused,allowed",
    [
        ("duruan", {}, "comprehensive", "overall"),
        ("yjj", {"owner_department": "yjj"}, "onsite", "departmental"),
        ("ent_duruan", {}, "overall", "onsite"),
    ],
)
def test_plan_types_follow_the_owner_on_the_api(api_as, persona, actor, owner, refused, allowed):
    """R-EMG-1/R-EMG-8: governments' plans are overall, special or departmental; enterprises' follow
    GB/T 29639-2020. Another type is refused naming the field, and nothing is created."""
    user = persona(actor)
    if owner:
        body = {"owner_department": user.department_id}
    elif user.enterprise_id:
        body = {"owner_enterprise": user.enterprise_id}
    else:
        body = {"owner_town": user.town_id}
    client = api_as(actor)
    before = Plan.objects.count()
    response = client.post("/api/v1/plans/", {**body, "type": refused, "title": "预案"}, format="json")
    assert response.status_code == 400 and "type" in response.json(), response.json()
    assert Plan.objects.count() == before
    response = client.post("/api/v1/plans/", {**body, "type": allowed, "title": "预案"}, format="json")
    assert response.status_code == 201, response.json()


def test_a_town_plan_of_an_enterprise_type_is_refused_on_the_page(as_user, persona):
    from django.urls import reverse

    client = as_user("duruan")
    data = {"owner_town": persona("duruan").town_id, "type": "onsite", "title": "镇现场处置方案"}
    response = client.post(reverse("emergency:plan_create"), data)
    assert response.status_code == 400
    assert "政府" in response.content.decode() and "镇现场处置方案" in response.content.decode()
    assert not Plan.objects.filter(title="镇现场处置方案").exists()


def _pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_the_publish_page_takes_the_plan_documents_as_files(as_user, plan):
    """The documents are chosen on the page, stored as attachments (sniffed, digested) and linked to the
    version; a file that is no PDF is refused on the field and nothing is published."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from attachments.models import Attachment

    draft = plan(published_on=None).versions.get()
    url = reverse("emergency:planversion_transition", args=[draft.pk, "publish"])
    client = as_user("ent_duruan")
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    fake = SimpleUploadedFile("预案.pdf", b"not a pdf at all", content_type="application/pdf")
    data = {"version": draft.version, "published_on": "2026-03-06"}
    refused = client.post(url, {**data, "documents": fake})
    assert refused.status_code == 400 and "documents" in refused.context["form"].errors
    assert refused.context["form"]["published_on"].value() == "2026-03-06"
    draft.refresh_from_db()
    assert draft.state == "draft"
    good = SimpleUploadedFile("综合应急预案.pdf", _pdf(), content_type="application/pdf")
    assert client.post(url, {**data, "documents": good}).status_code == 302
    draft.refresh_from_db()
    documents = list(Attachment.objects.for_owner(draft, "plan_document"))
    assert draft.state == "published" and [d.name for d in documents] == ["综合应急预案.pdf"]
    detail = client.get(reverse("emergency:plan_detail", args=[draft.plan_id])).content.decode()
    assert reverse("attachments:download", args=[documents[0].pk]) in detail


def test_a_revision_names_its_changes_and_waits_for_the_open_draft(persona, plan, as_user):
    from emergency.models import PlanVersion

    p = plan()  # version 1, published and still to be filed
    client = as_user("ent_duruan")
    url = f"/emergency/plans/{p.pk}/revise/"
    empty = client.post(url, {"changes": "  "})
    assert empty.status_code == 400 and p.versions.count() == 1
    assert 'data-testid="form-errors"' in empty.content.decode()
    assert client.post(url, {"changes": "应急指挥机构调整"}).status_code == 302
    draft = PlanVersion.objects.get(plan=p, number=2)
    assert draft.state == "draft" and draft.changes == "应急指挥机构调整"
    second = client.post(url, {"changes": "通讯录更新"})
    # The open draft is named; what the keeper typed stays in the field.
    assert second.status_code == 409 and p.versions.count() == 2
    assert 'value="通讯录更新"' in second.content.decode() and "2" in second.content.decode()


@pytest.mark.parametrize("years_on", [0, 1, 3, 5])
@pytest.mark.parametrize("username", ["admin", "duruan", "yjj", "ent_duruan"])
def test_the_plans_behind_counted_in_sql_are_those_the_statuses_find(persona, today, username, years_on):
    today = rules.add_months(today, 12 * years_on)
    plans = Plan.objects.visible_to(persona(username))
    expected = {s.plan.pk for s in selectors.plan_statuses(plans, today=today) if s.behind}
    assert set(plans.behind(today).values_list("pk", flat=True)) == expected
    assert plans.behind(today).count() == len(expected)


def test_the_latest_overdue_start_matches_the_due_day_of_every_start(db):
    today = dt.date(2027, 3, 1)  # after a short February, so month ends clamp
    for months in (6, 12, 24, 36):
        latest = rules.latest_start_overdue(months, today)
        for offset in range(-40, 40):
            start = latest + dt.timedelta(days=offset)
            overdue = rules.next_working_day(rules.add_months(start, months)) < today
            assert overdue == (start <= latest), (months, start)


def test_a_joint_drill_counts_for_every_plan_it_exercised(api_as, persona, plan):
    """A joint drill of an enterprise's on-site and special plans: both plans' last drill moves (R-EMG-4),
    in the plan's answer, the plans list and the one-query `behind` alike."""
    main, other = plan(type="onsite", published_on=None), plan(type="special", published_on=None)
    today = D(2026, 12, 1)
    services.record_drill(
        actor=persona("ent_duruan"), data={"plan": other.pk, "held_on": D(2025, 6, 1), "form": "tabletop"}
    )
    assert Plan.objects.filter(pk=other.pk).behind(today).exists()
    client = api_as("ent_duruan")
    body = {"plan": main.pk, "other_plans": [other.pk], "held_on": "2026-11-20", "form": "full_scale"}
    response = client.post("/api/v1/drills/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["other_plans"] == [other.pk]
    for p in (main, other):
        status = selectors.plan_status(p, today=today)
        assert (status.last_drill, status.drill_overdue) == (D(2026, 11, 20), False)
        assert not Plan.objects.filter(pk=p.pk).behind(today).exists()
    both = Plan.objects.filter(pk__in=[main.pk, other.pk])
    assert {s.plan.pk: s.last_drill for s in selectors.plan_statuses(both)} == {
        main.pk: D(2026, 11, 20),
        other.pk: D(2026, 11, 20),
    }
    assert client.get(f"/api/v1/plans/{other.pk}/").json()["last_drill"] == "2026-11-20"


def test_a_joint_drill_names_its_main_plan_once_and_only_plans_of_reach(api_as, persona, plan):
    main = plan(type="onsite")
    client = api_as("ent_duruan")
    twice = {"plan": main.pk, "other_plans": [main.pk], "held_on": "2026-11-20", "form": "tabletop"}
    response = client.post("/api/v1/drills/", twice, format="json")
    assert response.status_code == 400 and "other_plans" in response.json()
    town_plan = plan("duruan", type="special")  # the town's own plan: not the enterprise's to record
    foreign = {"plan": main.pk, "other_plans": [town_plan.pk], "held_on": "2026-11-20", "form": "tabletop"}
    response = client.post("/api/v1/drills/", foreign, format="json")
    assert response.status_code == 400 and "other_plans" in response.json()
    huge = {"plan": main.pk, "other_plans": [2**70], "held_on": "2026-11-20", "form": "tabletop"}
    assert client.post("/api/v1/drills/", huge, format="json").status_code == 400
    assert not main.drills.exists()


def test_the_statuses_of_a_list_of_plans_cost_the_same_queries_for_three_plans_or_twelve(
    plan, django_assert_max_num_queries
):
    """The home panel's "plans behind" reads every visible plan: no query per plan for its last drill (none
    yet is an answer, not a reason to ask again) nor for its filing deadline's working days."""
    mine = [plan().pk for _n in range(3)]
    with django_assert_max_num_queries(6) as few:
        statuses = selectors.plan_statuses(Plan.objects.all(), today=D(2026, 4, 7))
    mine += [plan().pk for _n in range(9)]
    with django_assert_max_num_queries(len(few)):
        more = selectors.plan_statuses(Plan.objects.all(), today=D(2026, 4, 7))
    assert len(more) == len(statuses) + 9
    new = [s for s in more if s.plan.pk in mine]
    assert len(new) == 12 and all(s.last_drill is None and s.filing_due == new[0].filing_due for s in new)


def test_the_plan_list_api_costs_the_same_queries_for_more_plans(plan, api_as, django_assert_max_num_queries):
    client = api_as("ent_duruan")
    plan()
    with django_assert_max_num_queries(40) as few:
        first = client.get("/api/v1/plans/").json()
    for _n in range(6):
        plan()
    with django_assert_max_num_queries(len(few)):
        more = client.get("/api/v1/plans/").json()
    assert more["count"] == first["count"] + 6
    assert {p["last_drill"] for p in more["results"]} >= {None}
