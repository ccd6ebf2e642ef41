"""Hazard writes: one service per change (see `hazards.rules` for the transition table)."""

from hazards.services.loop import (
    accept_rectification,
    assign_rectification,
    cancel_hazard,
    close_hazard,
    reject_rectification,
    report_hazard,
    submit_rectification,
)

__all__ = [
    "accept_rectification",
    "assign_rectification",
    "cancel_hazard",
    "close_hazard",
    "reject_rectification",
    "report_hazard",
    "submit_rectification",
]
