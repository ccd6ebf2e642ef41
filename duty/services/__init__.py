"""Writes of the duty module: one service per state change (role · state · input · write · audit · notify)."""

from duty.services.month import prepare_month
from duty.services.reports import FLOW as REPORT_FLOW
from duty.services.reports import SERVICES as REPORT_SERVICES
from duty.services.reports import submit_report, sync_deadlines
from duty.services.room import (
    ROOM_FLOW,
    SHIFT_FLOW,
    add_log_entry,
    close_shift,
    set_room_pattern,
    sign_handover,
    write_handover,
)
from duty.services.roster import (
    ROSTER_FLOW,
    SWAP_FLOW,
    accept_swap,
    add_shift,
    approve_swap,
    check_coverage,
    create_roster,
    fill_roster,
    generate_roster,
    publish_roster,
    record_absence,
    reject_swap,
    request_swap,
)

__all__ = [
    "REPORT_FLOW",
    "REPORT_SERVICES",
    "ROOM_FLOW",
    "ROSTER_FLOW",
    "SHIFT_FLOW",
    "SWAP_FLOW",
    "accept_swap",
    "add_log_entry",
    "prepare_month",
    "add_shift",
    "approve_swap",
    "check_coverage",
    "close_shift",
    "create_roster",
    "fill_roster",
    "generate_roster",
    "publish_roster",
    "record_absence",
    "reject_swap",
    "request_swap",
    "set_room_pattern",
    "sign_handover",
    "submit_report",
    "sync_deadlines",
    "write_handover",
]
