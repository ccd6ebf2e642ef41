"""Who is told at each step of the loop (notifications.recipients decides the accounts)."""

from hazards import services
from hazards.tests.helpers import in_state, photo
from notifications.models import Notification


def told(hazard, kind):
    return set(
        Notification.objects.filter(target_type="hazards.hazard", target_id=hazard.pk, kind=kind).values_list(
            "recipient__username", flat=True
        )
    )


def test_each_step_tells_the_next_actor_and_never_the_actor_itself(persona):
    enterprise = persona("ent_duruan").enterprise
    hazard = in_state("rectifying", persona, enterprise)
    assert "ent_duruan" in told(hazard, "hazard.assigned")
    ent = persona("ent_duruan")
    hazard = services.submit_rectification(
        actor=ent, hazard=hazard, version=hazard.version, rectification_note="完成", attachments=[photo(ent)]
    )
    assert "duruan" in told(hazard, "hazard.submitted")
    assert "ent_duruan" not in told(hazard, "hazard.submitted")
    hazard = services.reject_rectification(
        actor=persona("inspector_duruan"), hazard=hazard, version=hazard.version, reason="照片模糊"
    )
    assert "ent_duruan" in told(hazard, "hazard.rejected")
    note = Notification.objects.get(
        target_id=hazard.pk, kind="hazard.rejected", recipient__username="ent_duruan"
    )
    assert note.url == f"/hazards/{hazard.pk}/" and "照片模糊" in note.body


def test_baisha_is_never_told_about_a_duruan_hazard(persona):
    hazard = in_state("closed", persona, persona("ent_duruan").enterprise)
    assert not Notification.objects.filter(
        target_id=hazard.pk, target_type="hazards.hazard", recipient__username="baisha"
    ).exists()
    assert not Notification.objects.filter(
        target_id=hazard.pk, target_type="hazards.hazard", recipient__username="jtj"
    ).exists()
