"""The workflow table of a wall display (大屏终端): paired once, renamed, stopped (core/workflow.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cockpit.choices import WallDisplayState
from cockpit.forms import WallDisplayForm
from cockpit.models import WallDisplay
from cockpit.policy import COCKPIT_ROLES
from core.workflow import Transition, Workflow

PENDING, ACTIVE, REVOKED = WallDisplayState.PENDING, WallDisplayState.ACTIVE, WallDisplayState.REVOKED


def _is_owner(user, display: WallDisplay) -> bool:
    # Pairing runs as the owner who issued the link: the screen holds nothing of its own yet.
    return display.owner_id == user.pk and user.is_active


# Rename and stop: the owner, or the district administrator for any display (the scope of
# WallDisplay.objects.visible_to, which the workflow checks for every transition).
FLOW = Workflow(
    model=WallDisplay,
    name="cockpit.walldisplay",
    transitions=[
        Transition("pair", (PENDING,), ACTIVE, COCKPIT_ROLES, guard=_is_owner, verb="paired"),
        Transition(
            "rename",
            (PENDING, ACTIVE),
            None,
            COCKPIT_ROLES,
            label=_("Rename"),
            form=WallDisplayForm,
            verb="renamed",
        ),
        Transition(
            "revoke",
            (PENDING, ACTIVE),
            REVOKED,
            COCKPIT_ROLES,
            label=_("Stop this display"),
            style="danger",
            verb="revoked",
        ),
    ],
)
