"""Access-control rows of the emergency module (see policy.py for the meaning of each row).

Preparedness records are kept by the district administrator, department officers, town officers and
enterprise users in their scope; leaders and the duty room read them. The duty room (and the district
administrator) enters warnings and declares response levels; the bureau (district administrator,
department officers) checks plan filings.
"""

from security_tests.probing import PERSONAS

EVERYONE = frozenset(PERSONAS)
BUSINESS = EVERYONE - {"sysadmin", "secadmin", "auditadmin"}
KEEPERS = frozenset({"admin", "yjj", "duruan", "ent_duruan"})
OFFICIALS = frozenset({"admin", "yjj", "duruan"})
BUREAU = frozenset({"admin", "yjj"})
DISTRICT = frozenset({"admin"})
# The demo's rescue teams are the towns' own: the sector officer and the enterprise see none of them.
TEAM_READERS = BUSINESS - {"yjj", "ent_duruan"}
TEAM_KEEPERS = KEEPERS - {"yjj", "ent_duruan"}  # district settings (reserve norms)
# Points and shelters are town registers: the department officer and the enterprise see none of them;
# the read-only roles see them and may not change them (403).
TOWN_REGISTER_READERS = BUSINESS - {"yjj", "ent_duruan"}
TOWN_REGISTER_KEEPERS = OFFICIALS - {"yjj"}
WARNERS = frozenset({"admin", "duty"})
TOWN_FOLLOWERS = frozenset({"admin", "leader", "yjj", "duruan", "inspector_duruan", "duty"})
NOBODY = frozenset()  # transition pages probed with an unknown action: 404 for everyone
POST_ONLY = "POST only"

ROWS = {
    "GET /api/v1/supplies/warehouses/": EVERYONE,
    "POST /api/v1/supplies/warehouses/": KEEPERS,
    "GET /api/v1/supplies/warehouses/{id}/": BUSINESS,
    "GET /api/v1/supplies/items/": EVERYONE,
    "GET /api/v1/supplies/stock/": EVERYONE,
    "GET /api/v1/supplies/movements/": EVERYONE,
    "POST /api/v1/supplies/movements/": KEEPERS,
    "GET /api/v1/supplies/shortfalls/": EVERYONE,
    "GET /api/v1/plans/": EVERYONE,
    "POST /api/v1/plans/": KEEPERS,
    "GET /api/v1/plans/{id}/": BUSINESS,
    "POST /api/v1/plans/{id}/evaluate/": KEEPERS,
    "POST /api/v1/plans/{id}/revision-trigger/": KEEPERS,
    "GET /api/v1/plan-versions/{id}/": BUSINESS,
    "POST /api/v1/plan-versions/{id}/publish/": KEEPERS,
    "POST /api/v1/plan-versions/{id}/file/": KEEPERS,
    "POST /api/v1/plan-versions/{id}/check-filing/": BUREAU,
    "GET /api/v1/drills/": EVERYONE,
    "POST /api/v1/drills/": KEEPERS,
    "GET /api/v1/drills/{id}/": BUSINESS,
    "POST /api/v1/drills/{id}/evaluate/": KEEPERS,
    "GET /api/v1/rescue-teams/": EVERYONE,
    "GET /api/v1/rescue-team-members/": EVERYONE,
    "POST /api/v1/rescue-team-members/": KEEPERS,
    "GET /api/v1/rescue-team-members/{id}/": TEAM_READERS,
    "PUT /api/v1/rescue-team-members/{id}/": TEAM_KEEPERS,
    "GET /api/v1/waterlogging-points/": EVERYONE,
    "GET /api/v1/waterlogging-points/{id}/": TOWN_REGISTER_READERS,
    "PATCH /api/v1/waterlogging-points/{id}/": TOWN_REGISTER_KEEPERS,
    "GET /api/v1/shelters/": EVERYONE,
    "GET /api/v1/shelters/{id}/": TOWN_REGISTER_READERS,
    "PATCH /api/v1/shelters/{id}/": TOWN_REGISTER_KEEPERS,
    "GET /api/v1/warnings/": EVERYONE,
    "POST /api/v1/warnings/": WARNERS,
    "GET /api/v1/response-declarations/": EVERYONE,
    "POST /api/v1/response-declarations/": WARNERS,
    "emergency:preparedness": EVERYONE,
    "emergency:map_data": EVERYONE,
    "emergency:readiness_report": TOWN_FOLLOWERS,
    "emergency:warehouses": EVERYONE,
    "emergency:warehouse_create": KEEPERS,
    "emergency:warehouse_detail": BUSINESS,
    "emergency:stocktake_start": POST_ONLY,
    "emergency:movement_create": KEEPERS,
    "emergency:shortfalls": EVERYONE,
    "emergency:norms": EVERYONE,
    "emergency:norm_create": DISTRICT,
    "emergency:norm_edit": DISTRICT,
    "emergency:stocktake_detail": BUSINESS,
    "emergency:stocktake_transition": NOBODY,
    "emergency:plans": EVERYONE,
    "emergency:plan_create": KEEPERS,
    "emergency:plan_detail": BUSINESS,
    "emergency:plan_revise": POST_ONLY,
    "emergency:plan_evaluate": POST_ONLY,
    "emergency:plan_trigger": POST_ONLY,
    "emergency:planversion_transition": NOBODY,
    "emergency:drills": EVERYONE,
    "emergency:drill_create": KEEPERS,
    "emergency:drill_detail": BUSINESS,
    "emergency:drill_transition": NOBODY,
    "emergency:action_transition": NOBODY,
    "emergency:action_hazard": POST_ONLY,
    "emergency:teams": EVERYONE,
    "emergency:team_create": KEEPERS,
    "emergency:team_detail": TEAM_READERS,
    "emergency:member_create": TEAM_KEEPERS,
    "emergency:member_edit": TEAM_KEEPERS,
    "emergency:floods": EVERYONE,
    "emergency:point_create": OFFICIALS,
    "emergency:shelter_create": OFFICIALS,
    # Points and shelters are town registers: the department officers see none to edit.
    "emergency:point_edit": OFFICIALS - {"yjj"},
    "emergency:shelter_edit": OFFICIALS - {"yjj"},
    "emergency:transfers": EVERYONE,
    "emergency:transfer_create": OFFICIALS,
    # The department officers keep no town register: they see no transfer list to edit.
    "emergency:transfer_edit": OFFICIALS - {"yjj"},
    "emergency:warnings": EVERYONE,
    "emergency:warning_create": WARNERS,
    "emergency:warning_transition": NOBODY,
    "emergency:declaration_create": WARNERS,
    "emergency:declaration_transition": NOBODY,
    "emergency:confirmation_transition": NOBODY,
}
