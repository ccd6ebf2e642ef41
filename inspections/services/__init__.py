"""Inspection writes: one service per change (role, validation, write, audit, notifications)."""

from inspections.services.campaigns import (
    add_targets,
    assign_tasks,
    close_campaign,
    launch_campaign,
    reassign_task,
    remove_target,
)
from inspections.services.checklists import create_template, import_template, revise_template
from inspections.services.draws import (
    make_draw,
    publish_results,
    record_conflict,
    undo_draw,
    update_draw_setting,
    verify_draw,
)
from inspections.services.fieldwork import (
    add_item_photo,
    confirm_item_hazard,
    finish_inspection,
    save_item_result,
    start_inspection,
    update_inspection_details,
)
from inspections.services.followup import launch_followup

__all__ = [
    "add_item_photo",
    "add_targets",
    "assign_tasks",
    "close_campaign",
    "confirm_item_hazard",
    "create_template",
    "finish_inspection",
    "import_template",
    "launch_campaign",
    "launch_followup",
    "reassign_task",
    "make_draw",
    "publish_results",
    "record_conflict",
    "remove_target",
    "revise_template",
    "save_item_result",
    "undo_draw",
    "start_inspection",
    "update_draw_setting",
    "update_inspection_details",
    "verify_draw",
]
