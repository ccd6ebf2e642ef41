"""Access-control rows of the duty module (issue 13): who gets in on their own scope.

Rooms, rosters, shifts and swaps: district-wide roles see every room, a town its own room, a department
the district's room (it reports to it); enterprises and the administrator roles none. Information reports:
a town its town's, a department its sectors' enterprises' and its own, an enterprise only its own.
"""

from security_tests.policy import BUSINESS, EVERYONE, NOBODY, POST_ONLY

SEES_ROOMS = frozenset({"admin", "leader", "yjj", "duruan", "inspector_duruan", "duty"})
KEEPERS = frozenset({"admin", "duruan"})  # the district bureau, and a town for its own room
DESK = frozenset({"admin", "duty"})  # the district's duty desk handles reports
REPORTERS = frozenset({"admin", "duty", "duruan", "yjj", "ent_duruan"})
# The reporting side answers and follows up: the town or enterprise, and whoever recorded the report (the
# demo's first report was taken by phone by the duty officer).
REPORTING_UNIT = frozenset({"duruan", "ent_duruan", "duty"})

ROWS = {
    "GET /api/v1/duty/contacts/": EVERYONE,
    "GET /api/v1/duty/rooms/": EVERYONE,
    "GET /api/v1/duty/rooms/{id}/": SEES_ROOMS,
    "POST /api/v1/duty/rooms/{id}/pattern/": KEEPERS,  # the room's own shift pattern (R-DUTY-2)
    "GET /api/v1/duty/rosters/": EVERYONE,
    "POST /api/v1/duty/rosters/": KEEPERS,
    "POST /api/v1/duty/rosters/prepare-month/": KEEPERS,
    "GET /api/v1/duty/rosters/{id}/": SEES_ROOMS,
    "GET /api/v1/duty/rosters/{id}/coverage/": SEES_ROOMS,
    "POST /api/v1/duty/rosters/{id}/generate/": KEEPERS,
    "POST /api/v1/duty/rosters/{id}/publish/": KEEPERS,
    "POST /api/v1/duty/rosters/{id}/shifts/": KEEPERS,
    "GET /api/v1/duty/swaps/": EVERYONE,
    "POST /api/v1/duty/swaps/": SEES_ROOMS,  # pool members of any official role ask for their own shifts
    "GET /api/v1/duty/swaps/{id}/": SEES_ROOMS
    - {"duruan", "inspector_duruan"},  # the demo swap: district room
    "POST /api/v1/duty/swaps/{id}/accept/": NOBODY,  # only the person taking over (not a persona)
    "POST /api/v1/duty/swaps/{id}/approve/": frozenset({"admin"}),  # the demo swap is the district room's
    "POST /api/v1/duty/swaps/{id}/reject/": frozenset({"admin"}),
    "GET /api/v1/info-reports/": EVERYONE,
    "POST /api/v1/info-reports/": REPORTERS,
    "GET /api/v1/info-reports/{id}/": BUSINESS,
    "POST /api/v1/info-reports/{id}/acknowledge/": DESK,
    "POST /api/v1/info-reports/{id}/answer/": REPORTING_UNIT,
    "POST /api/v1/info-reports/{id}/close/": DESK,
    "POST /api/v1/info-reports/{id}/create-accident/": DESK,
    "POST /api/v1/info-reports/{id}/escalate/": DESK,
    "POST /api/v1/info-reports/{id}/final/": REPORTING_UNIT,
    "POST /api/v1/info-reports/{id}/follow-ups/": REPORTING_UNIT,
    "POST /api/v1/info-reports/{id}/link-accident/": DESK,
    "POST /api/v1/info-reports/{id}/record-written/": DESK,
    "POST /api/v1/info-reports/{id}/request-more/": DESK,
    "duty:board": BUSINESS,
    "duty:rooms": BUSINESS,
    "duty:month_prepare": POST_ONLY,
    "duty:room": SEES_ROOMS,
    "duty:log_add": POST_ONLY,
    "duty:absence_add": POST_ONLY,
    "duty:room_pattern": KEEPERS,
    "duty:roster_create": POST_ONLY,
    "duty:roster": SEES_ROOMS,
    "duty:roster_export": SEES_ROOMS,
    "duty:roster_action": NOBODY,  # the probe's action slug names no transition: 404 for everyone
    "duty:shift": SEES_ROOMS,
    "duty:shift_handover": POST_ONLY,
    "duty:shift_sign": POST_ONLY,
    "duty:swap_request": POST_ONLY,
    "duty:shift_action": NOBODY,
    "duty:swap_action": NOBODY,
    "duty:reports": BUSINESS,
    "duty:report_create": REPORTERS,
    "duty:report": BUSINESS,
    "duty:report_action": NOBODY,
    "duty:contacts": EVERYONE,
}
