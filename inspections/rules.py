"""The workflow tables of inspections (core/workflow.py): campaigns, their tasks, field inspections and draws.

Every change of a campaign's, a task's, an inspection's or a draw's state or list runs through one of these
tables: the services perform through them (role, scope and guard → state → the version read → the
conditional UPDATE → the audit event, in one transaction), and the pages and the API read the same rows.
The guards, object-dependent permissions, sit right below the roles they refine.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.scoping import object_in_scope
from core.workflow import Transition, Workflow
from inspections.choices import CampaignState, DrawState, InspectionState, TaskState
from inspections.forms import UndoDrawForm
from inspections.models import Campaign, Draw, Inspection, InspectionTask
from inspections.policy import PLANNERS, POLICY

OFFICIALS = frozenset({Role.TOWN_OFFICER, Role.DEPARTMENT_OFFICER, Role.DISTRICT_ADMIN})


def known_version(obj, version):
    """No route of API.md names a version for a campaign's list, a task's start or a draft's answers and
    details (README, the workflow layer: the documented exception): an absent one means "the version I am
    looking at", the one the caller read; the conditional UPDATE still refuses a concurrent writer."""
    return obj.version if version in (None, "") else version


# --- guards ----------------------------------------------------------------------------------------


def may_inspect_task(user, task: InspectionTask) -> bool:
    """A task's own inspectors; officials for the tasks of their area; an inspector an unassigned task."""
    assigned = set(task.inspectors.values_list("pk", flat=True))
    return user.pk in assigned or bool(user.role_codes & OFFICIALS) or not assigned


def writes_the_draft(user, inspection: Inspection) -> bool:
    """The inspection's own inspectors (its task's included); officials for the inspections of their area."""
    allowed = {inspection.inspector_id}
    if inspection.task_id:
        allowed |= set(inspection.task.inspectors.values_list("pk", flat=True))
    return user.pk in allowed or bool(user.role_codes & OFFICIALS)


def finishes_the_task(user, task: InspectionTask) -> bool:
    """A task is done when its inspection is finished, by whoever may finish that inspection."""
    inspection = Inspection.objects.filter(task=task).first()
    return inspection is not None and writes_the_draft(user, inspection)


def author_or_district(user, draw: Draw) -> bool:
    """A draw is undone by the one who made it or by a district administrator."""
    return draw.created_by_id == user.pk or user.has_role(Role.DISTRICT_ADMIN)


def task_in_scope(user, task: InspectionTask) -> bool:
    """A task in the user's scope, or one of a campaign or draw the user acts on: closing a campaign cancels
    its open tasks, undoing a draw withdraws its tasks, wherever their enterprises lie."""
    if object_in_scope(user, task):
        return True
    if task.campaign_id is not None:
        return object_in_scope(user, task.campaign)
    if task.draw_pair_id is not None:
        return author_or_district(user, task.draw_pair.draw)
    return False


# --- tables ----------------------------------------------------------------------------------------

# A campaign's list (targets, task assignment) changes under the campaign's version, the state staying
# active; closing it cancels its open tasks (TASK_FLOW "cancel").
CAMPAIGN_FLOW = Workflow(
    model=Campaign,
    name="inspections.campaign",
    transitions=[
        Transition("close", (CampaignState.ACTIVE,), CampaignState.CLOSED, PLANNERS, verb="closed"),
        Transition("add_targets", (CampaignState.ACTIVE,), None, PLANNERS, verb="targets_added"),
        Transition("remove_target", (CampaignState.ACTIVE,), None, PLANNERS, verb="target_removed"),
        Transition(
            "assign",
            (CampaignState.ACTIVE,),
            None,
            PLANNERS,
            verb="tasks_assigned",
            rule_fields=("deadline", "town", "department", "inspectors"),
        ),
    ],
    state_message=lambda campaign: gettext("The campaign is closed."),
)

# A task opens with its campaign or draw, starts with its inspection, is done when that inspection is
# finished, and is cancelled with its campaign or withdrawn with its draw.
TASK_FLOW = Workflow(
    model=InspectionTask,
    name="inspections.task",
    transitions=[
        Transition(
            "reassign",
            (TaskState.OPEN,),
            None,
            PLANNERS,
            verb="reassigned",
            rule_fields=("deadline", "inspectors"),
        ),
        Transition(
            "start",
            (TaskState.OPEN,),
            TaskState.IN_PROGRESS,
            POLICY.roles("inspect"),
            guard=may_inspect_task,
            verb="started",
        ),
        Transition(
            "complete",
            (TaskState.IN_PROGRESS,),
            TaskState.DONE,
            POLICY.roles("inspect"),
            guard=finishes_the_task,
            verb="done",
        ),
        Transition("cancel", (TaskState.OPEN,), TaskState.CANCELLED, PLANNERS, verb="cancelled"),
    ],
    in_scope=task_in_scope,
    state_message=lambda task: gettext("This task is no longer open."),
)

# Finishing is the inspection's one change of state; each answer and the details are recorded on the
# draft under its version, so a finish based on an older reading is refused (409).
INSPECTION_FLOW = Workflow(
    model=Inspection,
    name="inspections.inspection",
    transitions=[
        Transition(
            "finish",
            (InspectionState.DRAFT,),
            InspectionState.FINISHED,
            POLICY.roles("inspect"),
            guard=writes_the_draft,
            verb="finished",
        ),
        Transition(
            "answer",
            (InspectionState.DRAFT,),
            None,
            POLICY.roles("inspect"),
            guard=writes_the_draft,
            verb="answered",
        ),
        Transition(
            "update_details",
            (InspectionState.DRAFT,),
            None,
            POLICY.roles("inspect"),
            guard=writes_the_draft,
            verb="updated",
        ),
    ],
    state_message=lambda inspection: gettext("The inspection is finished and can no longer be changed."),
)

DRAW_FLOW = Workflow(
    model=Draw,
    name="inspections.draw",
    page_url_name="inspections:draw_action",
    transitions=[
        Transition(
            "undo",
            (DrawState.MADE,),
            DrawState.UNDONE,
            PLANNERS,
            label=_("Undo the draw"),
            form=UndoDrawForm,
            guard=author_or_district,
            verb="undone",
            style="outline-danger",
            confirm=_("Undo this draw and withdraw its tasks?"),
        ),
    ],
)
