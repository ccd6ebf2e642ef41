"""Hazard writes: one service per change (see `hazards.rules` for the transition table)."""

from hazards.services.library import save_criterion, save_source, set_deadline_policy
from hazards.services.loop import (
    accept_rectification,
    assign_rectification,
    cancel_hazard,
    close_hazard,
    reject_rectification,
    report_hazard,
    submit_rectification,
)
from hazards.services.oversight import (
    add_progress_note,
    decide_extension,
    explain_delay,
    request_extension,
    save_treatment_plan,
    supervise_hazard,
)

__all__ = [
    "accept_rectification",
    "add_progress_note",
    "assign_rectification",
    "cancel_hazard",
    "close_hazard",
    "decide_extension",
    "explain_delay",
    "reject_rectification",
    "report_hazard",
    "request_extension",
    "save_criterion",
    "save_source",
    "save_treatment_plan",
    "set_deadline_policy",
    "submit_rectification",
    "supervise_hazard",
]
