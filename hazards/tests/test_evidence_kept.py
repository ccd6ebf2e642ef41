"""Evidence is never lost without a word (issue 20, point 1): a form refused for another field keeps the
photos already chosen (stored once, re-rendered by id), a refused photo is named and not counted as attached,
and a resubmission after a send-back starts from the previous submission, cost and photos included."""

from django.core.files.uploadedfile import SimpleUploadedFile

from attachments.models import Attachment
from hazards.models import Hazard
from hazards.tests.helpers import png_bytes, submitted

FIELDS = {"category": "object", "source": "government_inspection", "level": "general"}


def test_a_form_error_keeps_the_chosen_photo_and_the_next_round_attaches_it(as_user, enterprise_in):
    client = as_user("inspector_duruan")
    enterprise = enterprise_in("duruan", "industry_trade")
    refused = client.post(
        "/hazards/new/",
        {
            **FIELDS,
            "enterprise": enterprise.pk,
            "title": "",
            "photos": [SimpleUploadedFile("a.png", png_bytes())],
        },
    )
    assert refused.status_code == 400
    kept = refused.context["kept_photos"]
    assert [a.name for a in kept] == ["a.png"]
    page = refused.content.decode()
    assert f'name="kept" value="{kept[0].pk}"' in page and 'data-testid="kept-photos"' in page

    done = client.post(
        "/hazards/new/", {**FIELDS, "enterprise": enterprise.pk, "title": "护栏缺失", "kept": [kept[0].pk]}
    )
    assert done.status_code == 302
    hazard = Hazard.objects.get(title="护栏缺失")
    assert list(Attachment.objects.for_owner(hazard, "before").values_list("pk", flat=True)) == [kept[0].pk]


def test_someone_elses_upload_cannot_be_kept(as_user, persona, enterprise_in):
    from hazards.tests.helpers import photo

    theirs = photo(persona("duruan"))
    client = as_user("inspector_duruan")
    client.post(
        "/hazards/new/",
        {
            **FIELDS,
            "enterprise": enterprise_in("duruan", "industry_trade").pk,
            "title": "借用",
            "kept": [theirs.pk],
        },
    )
    hazard = Hazard.objects.get(title="借用")
    assert not Attachment.objects.for_owner(hazard).exists()
    theirs.refresh_from_db()
    assert theirs.owner_type == ""


def test_a_refused_photo_is_named_and_the_good_one_is_kept(as_user, enterprise_in):
    client = as_user("inspector_duruan")
    before = Hazard.objects.count()
    response = client.post(
        "/hazards/new/",
        {
            **FIELDS,
            "enterprise": enterprise_in("duruan", "industry_trade").pk,
            "title": "配电箱门损坏",
            "photos": [
                SimpleUploadedFile("good.png", png_bytes()),
                SimpleUploadedFile("bad.png", b"not a photo"),
            ],
        },
    )
    assert response.status_code == 400
    assert Hazard.objects.count() == before
    errors = response.context["form"].errors["photos"]
    assert any(e.startswith("bad.png:") for e in errors)
    assert [a.name for a in response.context["kept_photos"]] == ["good.png"]


def test_a_resubmission_after_a_send_back_starts_from_the_previous_one(as_user, persona, enterprise_in):
    from hazards import services

    hazard = submitted(persona("duruan"), enterprise_in("duruan", "industry_trade"))
    Hazard.objects.filter(pk=hazard.pk).update(cost=320)
    hazard.refresh_from_db()
    services.reject_rectification(
        actor=persona("inspector_duruan"), hazard=hazard, version=hazard.version, reason="照片不清楚"
    )
    hazard.refresh_from_db()
    client = as_user("duruan")
    page = client.get(f"/hazards/{hazard.pk}/submit/")
    form = page.context["form"]
    assert form["cost"].value() == 320
    assert form["rectification_note"].value() == hazard.rectification_note
    after = list(Attachment.objects.for_owner(hazard, "after"))
    assert after and page.context["kept_photos"] == after
    # Sending the form as it came keeps the cost and the photos.
    response = client.post(
        f"/hazards/{hazard.pk}/submit/",
        {
            "version": hazard.version,
            "rectification_note": form["rectification_note"].value(),
            "cost": "320",
            "kept": [a.pk for a in after],
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    hazard.refresh_from_db()
    assert hazard.cost == 320 and hazard.state == "submitted"


def _extension_pending(persona, enterprise_in):
    import datetime as dt

    from hazards import services
    from hazards.tests.helpers import rectifying

    hazard = rectifying(persona("duruan"), enterprise_in("duruan", "industry_trade"))
    wanted = hazard.deadline + dt.timedelta(days=30)
    services.request_extension(
        actor=persona("ent_duruan"),
        hazard=hazard,
        version=hazard.version,
        new_deadline=wanted,
        reason="设备到货延迟",
    )
    hazard.refresh_from_db()
    return hazard, wanted


def test_the_extension_decision_shows_the_request_and_may_grant_another_date(as_user, persona, enterprise_in):
    import datetime as dt

    hazard, wanted = _extension_pending(persona, enterprise_in)
    client = as_user("duruan")
    page = client.get(f"/hazards/{hazard.pk}/decide_extension/").content.decode()
    assert "设备到货延迟" in page and wanted.strftime("%Y-%m-%d") in page
    # The date field starts at the requested date in the one format a date input reads (not 2027/01/19).
    assert f'name="deadline" value="{wanted.isoformat()}"' in page
    granted = hazard.deadline + dt.timedelta(days=10)
    response = client.post(
        f"/hazards/{hazard.pk}/decide_extension/",
        {
            "version": hazard.version,
            "decision": "approve",
            "deadline": granted.isoformat(),
            "note": "给予10天",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    hazard.refresh_from_db()
    assert hazard.deadline == granted


def test_an_ordinary_hazard_is_accepted_and_closed_in_one_confirmation(as_user, persona, enterprise_in):
    hazard = submitted(
        persona("duruan"), enterprise_in("duruan", "industry_trade"), submitter=persona("ent_duruan")
    )
    client = as_user("duruan")
    form = client.get(f"/hazards/{hazard.pk}/accept/").context["form"]
    assert "close_too" in form.fields and form["close_too"].value() is True
    response = client.post(f"/hazards/{hazard.pk}/accept/", {"version": hazard.version, "close_too": "on"})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == "closed"


def test_a_major_hazard_keeps_acceptance_and_closure_apart(as_user, persona, enterprise_in):
    hazard = submitted(
        persona("admin"),
        enterprise_in("duruan", "industry_trade"),
        submitter=persona("ent_duruan"),
        major=True,
    )
    form = as_user("admin").get(f"/hazards/{hazard.pk}/accept/").context["form"]
    assert "close_too" not in form.fields
