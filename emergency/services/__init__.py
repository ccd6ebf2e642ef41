"""The writes of emergency preparedness, one service function each (README "Writes")."""

from emergency.services.drills import (  # noqa: F401
    ACTION_FLOW,
    DRILL_FLOW,
    add_improvement_action,
    complete_action,
    evaluate_drill,
    raise_action_as_hazard,
    record_drill,
    reopen_action,
    verify_action,
)
from emergency.services.floods import (  # noqa: F401
    CONFIRMATION_FLOW,
    DECLARATION_FLOW,
    WARNING_FLOW,
    confirm_checklist,
    declare_response,
    end_declaration,
    issue_warning,
    lift_warning,
    register_point,
    register_shelter,
    register_transfer,
    update_point,
    update_shelter,
    update_transfer,
)
from emergency.services.plans import (  # noqa: F401
    PLAN_FLOW,
    VERSION_FLOW,
    check_plan_filing,
    create_plan,
    file_plan_version,
    publish_plan_version,
    record_evaluation,
    record_revision_trigger,
    start_revision,
)
from emergency.services.supplies import (  # noqa: F401
    STOCKTAKE_FLOW,
    change_norm,
    confirm_stocktake,
    create_warehouse,
    record_counts,
    record_movement,
    set_norm,
    start_stocktake,
)
from emergency.services.teams import add_team_member, register_team, update_team_member  # noqa: F401
