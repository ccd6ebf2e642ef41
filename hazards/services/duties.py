"""The enterprise's side of the loop and its checks (R-HAZ-11, R-HAZ-12): the sample re-check of hazards
closed inside the enterprise and resumption after a major hazard stopped production. The quarterly and
annual hazard statistics tables (R-HAZ-10) are `hazards.services.statements`."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from core.calendar import period_end
from core.errors import Conflict, InvalidInput
from hazards.choices import Level, State
from hazards.models import Hazard, HazardRecheck, Resumption, local_today
from hazards.policy import POLICY
from hazards.rules import closes_inside
from notifications.recipients import Audience, resolve
from notifications.services import notify

_sampler = random.SystemRandom()


def recheck_percent() -> int:
    """R-HAZ-12 (setting): the share of hazards closed inside enterprises that the government re-checks."""
    return int(getattr(settings, "HAZARD_RECHECK_PERCENT", 10))


def after_close(hazard: Hazard, *, actor) -> HazardRecheck | None:
    """Called when a hazard is closed: one closed inside the enterprise may be drawn for a re-check."""
    if not closes_inside(actor, hazard):
        return None
    if _sampler.random() * 100 >= recheck_percent():
        return None
    recheck, _created = HazardRecheck.objects.get_or_create(hazard=hazard)
    record(hazard, "hazards.hazard.recheck_selected", actor=actor, data={"percent": recheck_percent()})
    transaction.on_commit(
        lambda: notify(
            recipients=resolve(
                [Audience.TOWN, Audience.DEPARTMENT], town_id=hazard.town_id, sector_codes=[hazard.sector_id]
            ),
            kind="hazard.recheck_selected",
            title=_("Re-check a hazard closed by the enterprise: %(title)s") % {"title": hazard.title},
            body="",
            url=f"/hazards/{hazard.pk}/",
            target=hazard,
            dedup_key=f"hazard:{hazard.pk}:recheck",
        )
    )
    return recheck


@transaction.atomic
def recheck_hazard(*, actor, hazard: Hazard, opinion: str, passed) -> HazardRecheck:
    """R-HAZ-12: the government's re-check opinion (整改复查意见) on a sampled hazard."""
    POLICY.require(actor, "recheck", _("Your role may not re-check this hazard."), hazard)
    recheck = HazardRecheck.objects.select_for_update().filter(hazard=hazard).first()
    if recheck is None:
        raise Conflict(_("This hazard was not drawn for a re-check."))
    if recheck.rechecked_at is not None:
        raise Conflict(_("This hazard has already been re-checked."))
    errors: dict = {}
    opinion = (opinion or "").strip()
    if not opinion:
        errors["opinion"] = [_("Write the re-check opinion.")]
    if passed not in (True, False):
        errors["passed"] = [_("Say whether the rectification is confirmed.")]
    if errors:
        raise InvalidInput(errors=errors)
    recheck.opinion, recheck.passed = opinion, passed
    recheck.rechecked_at, recheck.rechecked_by = timezone.now(), actor
    recheck.save()
    record(hazard, "hazards.hazard.rechecked", actor=actor, data={"passed": passed, "opinion": opinion[:200]})
    return recheck


# ---------------------------------------------------------------- resumption (R-HAZ-11)
REVIEW_DAYS = 10


@transaction.atomic
def apply_resumption(*, actor, hazard: Hazard, stopped_on, application: str) -> Resumption:
    """The unit's written application to resume, once the major hazard's rectification is submitted."""
    POLICY.require(actor, "apply_resumption", _("The unit itself applies to resume production."), hazard)
    if hazard.level != Level.MAJOR or hazard.state != State.SUBMITTED:
        raise Conflict(_("A unit applies to resume once the major hazard's rectification is submitted."))
    if hazard.resumptions.filter(reviewed_at__isnull=True).exists():
        raise Conflict(_("An application is already waiting for its review."))
    errors: dict = {}
    application = (application or "").strip()
    if not application:
        errors["application"] = [_("Write the application: the treatment done and its evaluation.")]
    if isinstance(stopped_on, str):
        try:
            stopped_on = dt.date.fromisoformat(stopped_on)
        except ValueError:
            stopped_on = None
    if not isinstance(stopped_on, dt.date) or stopped_on > local_today():
        errors["stopped_on"] = [_("Enter the date production stopped.")]
    if errors:
        raise InvalidInput(errors=errors)
    today = local_today()
    resumption = Resumption.objects.create(
        hazard=hazard,
        stopped_on=stopped_on,
        application=application,
        applied_by=actor,
        # "Within 10 days" counted from the next day; a period ending on a rest day runs on (R-TIME-1).
        review_due=period_end(today, REVIEW_DAYS),
    )
    record(
        hazard, "hazards.hazard.resumption_applied", actor=actor, data={"review_due": resumption.review_due}
    )
    return resumption


@transaction.atomic
def review_resumption(*, actor, resumption: Resumption, decision: str, opinion: str, version) -> Resumption:
    """The authority's on-site review: close the hazard (accept and close) or order more work (reject)."""
    from hazards.services.loop import accept_rectification, close_hazard, reject_rectification

    hazard = Hazard.objects.get(pk=resumption.hazard_id)
    POLICY.require(
        actor,
        "review_resumption",
        _("The supervising department or the district reviews the resumption."),
        hazard,
    )
    resumption = Resumption.objects.select_for_update().get(pk=resumption.pk)
    if resumption.reviewed_at is not None:
        raise Conflict(_("This application has already been reviewed."))
    errors: dict = {}
    if decision not in Resumption.Decision.values:
        errors["decision"] = [_("Choose to close the hazard or to order more work.")]
    opinion = (opinion or "").strip()
    if not opinion:
        errors["opinion"] = [_("Write the review opinion.")]
    if errors:
        raise InvalidInput(errors=errors)
    if decision == Resumption.Decision.CLOSE:
        hazard = accept_rectification(actor=actor, hazard=hazard, version=version, note=opinion)
        close_hazard(actor=actor, hazard=hazard, version=hazard.version, note=opinion)
    else:
        reject_rectification(actor=actor, hazard=hazard, version=version, reason=opinion)
    resumption.decision, resumption.opinion = decision, opinion
    resumption.reviewed_at, resumption.reviewed_by = timezone.now(), actor
    resumption.save()
    record(
        hazard,
        "hazards.hazard.resumption_reviewed",
        actor=actor,
        data={"decision": decision, "late": resumption.review_late},
    )
    return resumption
