from emergency.views.floods import (  # noqa: F401
    confirmation_transition,
    declaration_create,
    declaration_transition,
    flood_registers,
    point_create,
    point_edit,
    shelter_create,
    shelter_edit,
    warning_create,
    warning_list,
    warning_transition,
)
from emergency.views.overview import map_data, preparedness, readiness_report  # noqa: F401
from emergency.views.plans import (  # noqa: F401
    action_hazard,
    action_transition,
    drill_create,
    drill_detail,
    drill_list,
    drill_transition,
    plan_create,
    plan_detail,
    plan_list,
    plan_revise,
    plan_transition,
    planversion_transition,
)
from emergency.views.registers import (  # noqa: F401
    norm_create,
    norm_edit,
    norm_list,
    transfer_create,
    transfer_edit,
    transfer_list,
)
from emergency.views.supplies import (  # noqa: F401
    movement_create,
    shortfall_list,
    stocktake_detail,
    stocktake_start,
    stocktake_transition,
    warehouse_create,
    warehouse_detail,
    warehouse_list,
)
from emergency.views.teams import (  # noqa: F401
    member_create,
    member_edit,
    team_create,
    team_detail,
    team_list,
)
