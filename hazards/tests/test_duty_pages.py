"""The pages of the enterprise's duties around the loop: the government's sample re-check of self-closed
hazards (R-HAZ-12) and resumption after a major hazard stopped production (R-HAZ-11), with their scope."""

import pytest
from django.utils import timezone

from hazards import services
from hazards.models import Hazard, HazardRecheck, Resumption
from hazards.tests.helpers import submitted

pytestmark = pytest.mark.django_db


def _sampled(persona, settings) -> Hazard:
    """A self-found general hazard the demo enterprise closed itself, drawn for the re-check."""
    settings.HAZARD_RECHECK_PERCENT = 100
    ent, head = persona("ent_duruan"), persona("ent_duruan_head")
    hazard = submitted(ent, ent.enterprise, submitter=ent, source="self_inspection")
    hazard = services.accept_rectification(actor=head, hazard=hazard, version=hazard.version)
    services.close_hazard(actor=head, hazard=hazard, version=hazard.version)
    assert HazardRecheck.objects.filter(hazard=hazard).exists()
    return hazard


def test_the_town_lists_the_sampled_hazards_and_records_its_opinion(as_user, persona, settings):
    hazard = _sampled(persona, settings)
    client = as_user("duruan")
    listing = client.get("/hazards/rechecks/").content.decode()
    assert f"/hazards/{hazard.pk}/recheck/" in listing
    page = client.get(f"/hazards/{hazard.pk}/recheck/")
    assert page.status_code == 200 and 'data-testid="recheck-form"' in page.content.decode()
    done = client.post(f"/hazards/{hazard.pk}/recheck/", {"passed": "yes", "opinion": "现场复查，整改到位"})
    assert done.status_code == 302
    recheck = HazardRecheck.objects.get(hazard=hazard)
    assert recheck.passed is True and recheck.rechecked_at is not None
    assert f"/hazards/{hazard.pk}/recheck/" in client.get("/hazards/rechecks/?show=done").content.decode()


def test_an_empty_opinion_is_refused_with_the_input_kept(as_user, persona, settings):
    hazard = _sampled(persona, settings)
    response = as_user("duruan").post(f"/hazards/{hazard.pk}/recheck/", {"passed": "no", "opinion": ""})
    assert response.status_code == 400
    assert 'value="no" id' in response.content.decode() or "checked" in response.content.decode()
    assert HazardRecheck.objects.get(hazard=hazard).rechecked_at is None


def test_the_enterprise_and_the_leader_may_not_recheck(as_user, persona, settings):
    hazard = _sampled(persona, settings)
    assert as_user("ent_duruan_head").get("/hazards/rechecks/").status_code == 403
    assert as_user("leader").get(f"/hazards/{hazard.pk}/recheck/").status_code == 403
    response = as_user("ent_duruan_head").post(
        f"/hazards/{hazard.pk}/recheck/", {"passed": "yes", "opinion": "x"}
    )
    assert response.status_code == 403
    assert HazardRecheck.objects.get(hazard=hazard).rechecked_at is None


def test_another_towns_sampled_hazard_is_not_found(as_user, persona, settings):
    hazard = _sampled(persona, settings)
    assert as_user("baisha").get(f"/hazards/{hazard.pk}/recheck/").status_code == 404
    assert f"/hazards/{hazard.pk}/" not in as_user("baisha").get("/hazards/rechecks/").content.decode()


def _major_submitted(persona) -> Hazard:
    ent = persona("ent_duruan")
    return submitted(persona("admin"), ent.enterprise, submitter=ent, major=True)


def test_the_unit_applies_and_the_department_orders_more_work_on_site(as_user, persona):
    hazard = _major_submitted(persona)
    unit = as_user("ent_duruan")
    page = unit.get(f"/hazards/{hazard.pk}/resumption/").content.decode()
    assert 'data-testid="apply-form"' in page
    applied = unit.post(
        f"/hazards/{hazard.pk}/resumption/",
        {
            "form": "apply",
            "stopped_on": timezone.localdate().isoformat(),
            "application": "已完成治理并经评估",
        },
    )
    assert applied.status_code == 302
    resumption = Resumption.objects.get(hazard=hazard)
    department = as_user("yjj")
    page = department.get(f"/hazards/{hazard.pk}/resumption/").content.decode()
    assert 'data-testid="review-form"' in page and resumption.review_due.isoformat() in page
    version = Hazard.objects.get(pk=hazard.pk).version
    reviewed = department.post(
        f"/hazards/{hazard.pk}/resumption/",
        {"form": "review", "decision": "more_work", "opinion": "通风系统未整改到位", "version": version},
    )
    assert reviewed.status_code == 302
    resumption.refresh_from_db()
    assert resumption.decision == "more_work" and Hazard.objects.get(pk=hazard.pk).state == "rectifying"


def test_an_application_without_its_text_is_refused_and_the_date_kept(as_user, persona):
    hazard = _major_submitted(persona)
    day = timezone.localdate().isoformat()
    response = as_user("ent_duruan").post(
        f"/hazards/{hazard.pk}/resumption/", {"form": "apply", "stopped_on": day, "application": ""}
    )
    assert response.status_code == 400 and day in response.content.decode()
    assert not Resumption.objects.filter(hazard=hazard).exists()


def test_a_town_officer_may_not_review_a_resumption(as_user, persona):
    hazard = _major_submitted(persona)
    as_user("ent_duruan").post(
        f"/hazards/{hazard.pk}/resumption/",
        {"form": "apply", "stopped_on": timezone.localdate().isoformat(), "application": "已完成治理"},
    )
    response = as_user("duruan").post(
        f"/hazards/{hazard.pk}/resumption/",
        {"form": "review", "decision": "close", "opinion": "x", "version": 1},
    )
    assert response.status_code == 403
    assert Resumption.objects.get(hazard=hazard).reviewed_at is None


def test_another_enterprises_resumption_is_not_found(as_user, persona):
    hazard = _major_submitted(persona)
    assert as_user("baisha").get(f"/hazards/{hazard.pk}/resumption/").status_code == 404
