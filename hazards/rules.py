"""The loop in one table: which action moves a hazard from which states to which, who may do it, and the
form of its input. R-HAZ-2 (states and transitions) and R-HAZ-5 (roles).

`FLOW` is the hazard's workflow (core/workflow.py): the services perform through it, the page's buttons
and the API's typed action routes read it, and the tests generate every legal and illegal combination
from it. Extra conditions that depend on the hazard (own enterprise, never the submitter, major and
listed hazards) are the transitions' guards, right below the table. `TRANSITIONS`, `may`,
`state_allows` and `available_actions` are reads of the same table.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.scoping import in_scope
from core.workflow import Step, Transition, Workflow
from hazards import forms, rollup
from hazards.choices import OPEN_STATES, Level, State, StatementState
from hazards.models import Hazard, HazardStatement

ENT = Role.ENTERPRISE_USER
INSPECTOR = Role.INSPECTOR
TOWN = Role.TOWN_OFFICER
DEPT = Role.DEPARTMENT_OFFICER
ADMIN = Role.DISTRICT_ADMIN

RESPONSIBLE = frozenset({ENT, TOWN, DEPT, ADMIN})
ACCEPTING = frozenset({INSPECTOR, TOWN, DEPT, ADMIN})
OFFICIAL = frozenset({TOWN, DEPT, ADMIN})


def _acting(user, roles: frozenset, hazard) -> set:
    """The user's roles that count for this hazard: an enterprise user acts on its own enterprise only."""
    acting = user.role_codes & roles
    if ENT in acting and user.enterprise_id != hazard.enterprise_id:
        acting = acting - {ENT}
    return acting


INSIDE = ("accept", "close")  # R-HAZ-12: what an enterprise's head may do on its own self-inspection findings


def _guard(action: str):
    def guard(user, hazard) -> bool:
        if action in INSIDE and ENT in user.role_codes and closes_inside(user, hazard):
            # R-HAZ-12: never the person who rectified (who submitted the rectification).
            return hazard.submitted_by_id != user.pk
        roles = FLOW[action].roles - {ENT} if action in INSIDE else FLOW[action].roles
        acting = _acting(user, roles, hazard)
        if not acting:
            return False
        if action in ("accept", "reject") and hazard.submitted_by_id == user.pk:
            return False  # R-HAZ-5: never the person who submitted
        if action == "supervise" and hazard.level != Level.MAJOR:
            return False
        if action == "close":
            return may_close(user, hazard, acting)
        return True

    return guard


def closes_inside(user, hazard) -> bool:
    """R-HAZ-12: a general hazard the enterprise found in its own self-inspection is accepted and closed
    inside the enterprise, by its principal or its safety manager."""
    from hazards.choices import Source
    from registry.models import Enterprise

    if hazard.source != Source.SELF_INSPECTION or hazard.level != Level.GENERAL:
        return False
    if user.enterprise_id is None or user.enterprise_id != hazard.enterprise_id:
        return False
    heads = Enterprise.objects.filter(pk=hazard.enterprise_id).values_list(
        "principal_user_id", "safety_manager_user_id"
    )
    return any(user.pk in pair for pair in heads)


def may_close(user, hazard, acting) -> bool:
    if hazard.listed:
        # R-HAZ-8: only the listing authority takes a listed hazard off the list (摘牌).
        if hazard.listing_department_id is None:
            return ADMIN in acting
        return DEPT in acting and user.department_id == hazard.listing_department_id
    if hazard.level == Level.MAJOR:
        # R-HAZ-5: a major hazard is closed by its supervising department or the district.
        return ADMIN in acting or (DEPT in acting and hazard.sector_id in user.department_sector_codes)
    return True


def _in_scope(user, hazard) -> bool:
    # The same answer as `Hazard.objects.visible_to(user)`, from the hazard's own columns (no query).
    return in_scope(
        user, town_id=hazard.town_id, sector_code=hazard.sector_id, enterprise_id=hazard.enterprise_id
    )


def counters_moved(step: Step) -> None:
    rollup.moved(step.before, step.obj)  # the statistics' counters, in the same transaction (issue 7)


def _t(action, sources, target, roles, label, form, *, style="primary", **kwargs) -> Transition:
    return Transition(
        action, sources, target, roles, label=label, form=form, guard=_guard(action), style=style, **kwargs
    )


FLOW = Workflow(
    model=Hazard,
    name="hazards.hazard",
    in_scope=_in_scope,
    snapshot=rollup.key_of,
    on_moved=counters_moved,
    transitions=[
        _t(
            "assign",
            (State.REPORTED,),
            State.RECTIFYING,
            RESPONSIBLE,
            _("Assign the rectification"),
            forms.AssignInput,
            verb="assigned",
            # R-HAZ-4/R-HAZ-6: the deadline's limit and a major hazard's plan are rules of the hazard.
            rule_fields=("deadline", "contingency_plan", "plan_attachments", *forms.PLAN_LABELS),
        ),
        _t(
            "submit",
            (State.RECTIFYING,),
            State.SUBMITTED,
            RESPONSIBLE,
            _("Submit for acceptance"),
            forms.SubmitInput,
            verb="submitted",
            rule_fields=("attachments",),
        ),
        _t(
            "accept",
            (State.SUBMITTED,),
            State.ACCEPTED,
            ACCEPTING | {ENT},  # an enterprise's head, on its own self-inspection findings only (guard)
            _("Accept"),
            forms.AcceptInput,
            verb="accepted",
            style="success",
            rule_fields=("attachments",),
        ),
        _t(
            "reject",
            (State.SUBMITTED,),
            State.RECTIFYING,
            ACCEPTING,
            _("Reject"),
            forms.RejectInput,
            verb="rejected",
            style="outline-danger",
        ),
        # Closing a major hazard narrows further (see the guard): supervising department or district only.
        _t(
            "close",
            (State.ACCEPTED,),
            State.CLOSED,
            OFFICIAL | {ENT},  # an enterprise's head, on its own self-inspection findings only (guard)
            _("Close the hazard"),
            forms.CloseInput,
            verb="closed",
            style="success",
        ),
        _t(
            "cancel",
            (State.REPORTED, State.RECTIFYING),
            State.CANCELLED,
            OFFICIAL,
            _("Cancel the hazard"),
            forms.CancelInput,
            verb="cancelled",
            style="outline-secondary",
        ),
        # R-HAZ-8: listing (挂牌督办) is for open major hazards, by a department or the district.
        _t(
            "supervise",
            OPEN_STATES,
            None,
            frozenset({DEPT, ADMIN}),
            _("Listed supervision"),
            forms.SuperviseInput,
            verb="supervised",
            style="outline-danger",
            rule_fields=("due_date", "supervising_department"),
        ),
        # R-HAZ-4: the treatment plan is written before (or while) rectifying.
        _t(
            "plan",
            (State.REPORTED, State.RECTIFYING),
            None,
            RESPONSIBLE,
            _("Treatment plan"),
            forms.PlanInput,
            verb="plan_saved",
            style="outline-primary",
            rule_fields=("attachments",),
        ),
        # R-HAZ-7: the responsible side asks; whoever may accept decides.
        _t(
            "request_extension",
            (State.RECTIFYING,),
            None,
            RESPONSIBLE,
            _("Request an extension"),
            forms.ExtensionRequestInput,
            verb="extension_requested",
            style="outline-secondary",
            path="extension",
            rule_fields=("new_deadline",),
        ),
        _t(
            "decide_extension",
            (State.RECTIFYING,),
            None,
            ACCEPTING,
            _("Decide on the extension"),
            forms.ExtensionDecisionInput,
            style="outline-primary",
            path="extension-decision",
            rule_fields=("note",),
        ),
        _t(
            "progress",
            OPEN_STATES,
            None,
            RESPONSIBLE,
            _("Monthly progress"),
            forms.ProgressInput,
            verb="progress_noted",
            style="outline-secondary",
            path="progress-notes",
            rule_fields=("month",),
        ),
        _t(
            "explain",
            OPEN_STATES,
            None,
            RESPONSIBLE,
            _("Explain the delay"),
            forms.ExplainInput,
            verb="delay_explained",
            style="outline-danger",
        ),
    ],
)

TRANSITIONS: dict[str, Transition] = FLOW.transitions


def may(user, action: str, hazard) -> bool:
    """Whether the user's roles allow `action` on this (visible) hazard, ignoring its current state."""
    transition = FLOW[action]
    return bool(getattr(user, "is_authenticated", False) and transition.guard(user, hazard))


def state_allows(action: str, state: str) -> bool:
    return FLOW.state_allows(action, state)


def available_actions(user, hazard) -> list[str]:
    """The actions this user could take now (for the page's buttons)."""
    return [t.action for t in FLOW.available(user, hazard)]


# ---------------------------------------------------------------- the statistics tables (R-HAZ-10)
def is_the_principal(user, statement: HazardStatement) -> bool:
    """Order 16, art. 14: the enterprise's principal (主要负责人) signs its statistics table."""
    return user.enterprise_id == statement.enterprise_id and statement.enterprise.principal_user_id == user.pk


STATEMENT_FLOW = Workflow(
    model=HazardStatement,
    name="hazards.statement",
    page_url_name="hazards:statement_action",
    transitions=[
        Transition(
            "sign",
            (StatementState.TO_SIGN,),
            StatementState.SIGNED,
            {ENT},
            label=_("Sign the table"),
            guard=is_the_principal,
            verb="signed",
            confirm=_(
                "Sign the table with these figures? The signature is recorded with your name and time."
            ),
        )
    ],
)
