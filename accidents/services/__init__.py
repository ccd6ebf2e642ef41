"""Accident writes: one function per change (role · state · validation · write · audit · notify).

`roles` holds the module's one role table; `reporting` the reports and clocks; `investigation` the
investigation up to closure. Cases and warning education live in `accidents.library`.
"""

from accidents.policy import PERMISSIONS, can, in_scope, require
from accidents.services.investigation import (
    INVESTIGATION_FLOW,
    INVESTIGATION_TEXT_FIELDS,
    REPORT_PURPOSE,
    add_finding,
    add_measure,
    attach_investigation_report,
    close_accident,
    extend_investigation,
    measure_to_hazard,
    open_investigation,
    report_documents,
    update_investigation,
)
from accidents.services.reporting import (
    EDITABLE_FIELDS,
    NUMBER_FIELDS,
    clean_numbers,
    flag_late_reports,
    mark_step_done,
    record_accident,
    remind_follow_ups,
    submit_report,
    supplement_accident,
    supplement_from_page,
    sync_deadlines,
    update_accident,
    update_level_thresholds,
)

__all__ = [
    "EDITABLE_FIELDS",
    "INVESTIGATION_FLOW",
    "INVESTIGATION_TEXT_FIELDS",
    "NUMBER_FIELDS",
    "PERMISSIONS",
    "REPORT_PURPOSE",
    "add_finding",
    "add_measure",
    "attach_investigation_report",
    "can",
    "clean_numbers",
    "close_accident",
    "extend_investigation",
    "flag_late_reports",
    "in_scope",
    "mark_step_done",
    "measure_to_hazard",
    "open_investigation",
    "record_accident",
    "remind_follow_ups",
    "report_documents",
    "require",
    "submit_report",
    "supplement_accident",
    "supplement_from_page",
    "sync_deadlines",
    "update_accident",
    "update_level_thresholds",
    "update_investigation",
]
