"""Writes of the cockpit: the district's wording of the periodic reports, and the wall displays (大屏终端)
created, paired, renamed and stopped (one audit event each)."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import hash_token
from audit.services import diff
from cockpit.forms import WallDisplayForm
from cockpit.models import ReportTemplate, WallDisplay
from cockpit.policy import POLICY, may_open_cockpit
from cockpit.rules import FLOW, PENDING
from core.errors import Conflict, InvalidInput
from core.forms import bind
from core.workflow import edit, record_created

PLACEHOLDERS = ("{scope}", "{period}")


class TemplateForm(forms.Form):
    intro = forms.CharField(label=gettext_lazy("Opening paragraph"), max_length=2000, widget=forms.Textarea)
    closing = forms.CharField(label=gettext_lazy("Closing paragraph"), max_length=2000, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        for name in ("intro", "closing"):
            text = data.get(name) or ""
            try:
                text.format(scope="", period="")
            except (KeyError, IndexError, ValueError):
                self.add_error(name, _("Use only the placeholders {scope} and {period}, each in braces."))
        return data


@transaction.atomic
def update_report_template(template: ReportTemplate, *, actor, data) -> ReportTemplate:
    POLICY.require(actor, "edit_report_wording", _("Your role may not change the report wording."))
    form = bind(TemplateForm, data)
    if not form.is_valid():
        raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
    clean = form.cleaned_data
    edit(
        template,
        "cockpit.reporttemplate.updated",
        actor=actor,
        version=clean["version"],
        changes={"intro": clean["intro"], "closing": clean["closing"]},
        also={"updated_by": actor},
    )
    return template


# --- wall displays (大屏终端) ---------------------------------------------------------------------------

# The pairing link is shown once, to its owner; it works once and for a day, long enough to walk it over to
# the duty room or to hand it to whoever sets the screen up.
PAIRING_HOURS = 24


def _digest(secret: str) -> str:
    return hash_token(secret)  # SHA-256, as for API tokens: the secrets are random, 256 bits


def secret_matches(secret: str, digest: str) -> bool:
    """Constant-time comparison, so that the time of a refusal says nothing about how close a guess was."""
    return bool(digest) and hmac.compare_digest(_digest(secret), digest)


def pairing_expires_at(display: WallDisplay) -> dt.datetime:
    return display.created_at + dt.timedelta(hours=PAIRING_HOURS)


def pairable(display: WallDisplay, code: str) -> bool:
    """Whether `code` is the display's unused, unexpired pairing code, of an owner who may still open the
    cockpit."""
    return (
        display.state == PENDING
        and timezone.now() < pairing_expires_at(display)
        and secret_matches(code, display.pairing_digest)
        and display.owner.is_active
        and may_open_cockpit(display.owner)
    )


@transaction.atomic
def create_wall_display(*, actor, data) -> tuple[WallDisplay, str]:
    """A display that will show the actor's cockpit, and its one-time pairing code (returned only here)."""
    POLICY.require(actor, "create_wall_display", _("Your role may not open the cockpit."))
    form = bind(WallDisplayForm, data)
    if not form.is_valid():
        raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
    code = secrets.token_urlsafe(32)
    display = WallDisplay.objects.create(
        name=form.cleaned_data["name"], owner=actor, pairing_digest=_digest(code)
    )
    record_created(display, FLOW.name, actor=actor, data={"name": display.name})
    return display, code


def pair_wall_display(display: WallDisplay, *, code: str) -> str:
    """The screen that opens the link becomes the display: it gets a secret of its own (returned once, kept
    in its cookie; only the digest is stored) and the code is spent. The conditional write of the
    transition lets one of two screens racing with the same link win; the other gets Conflict."""
    secret = secrets.token_urlsafe(32)

    def prepare(step) -> None:
        if not pairable(step.obj, code):
            raise Conflict(_("This pairing link has been used, has expired or was stopped."))
        now = timezone.now()
        step.changes.update(pairing_digest="", secret_digest=_digest(secret), paired_at=now, last_seen_at=now)
        step.audit_data["via"] = "pairing link"

    # Performed as the owner who issued the link (the screen has no account): the owner's role and state
    # are checked as for any transition.
    FLOW.perform(display, "pair", actor=display.owner, version=display.version, prepare=prepare)
    return secret


def rename_wall_display(display: WallDisplay, *, actor, version, data) -> WallDisplay:
    def prepare(step) -> None:
        name = step.data["name"]
        step.changes["name"] = name
        step.audit_data["changes"] = diff({"name": step.obj.name}, {"name": name})

    return FLOW.perform(display, "rename", actor=actor, version=version, data=data, prepare=prepare)


def revoke_wall_display(display: WallDisplay, *, actor, version) -> WallDisplay:
    """Stop a display: its screen shows "stopped" at its next refresh, and an unused link dies with it."""

    def prepare(step) -> None:
        step.changes.update(revoked_at=timezone.now(), revoked_by=actor, pairing_digest="")
        step.audit_data["name"] = step.obj.name

    return FLOW.perform(display, "revoke", actor=actor, version=version, prepare=prepare)
