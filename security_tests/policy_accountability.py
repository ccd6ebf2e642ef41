"""Access-control rows of the accountability module (issue 15). See security_tests/policy.py."""

from security_tests.policy import ADMINISTRATORS, EVERYONE, NOBODY, POST_ONLY

BUSINESS = EVERYONE - ADMINISTRATORS
ADMIN = frozenset({"admin"})
OFFICERS = frozenset({"admin", "yjj"})  # the filing department and the district
KEEPERS = frozenset({"admin", "yjj", "duruan", "ent_duruan"})  # the district and each unit its own list
PLANNERS = frozenset({"yjj"})  # a department keeps its own plan
PLAN_READERS = frozenset({"admin", "leader", "yjj", "duty"})  # the district and the own department
SCORES = frozenset({"admin", "leader", "yjj", "duruan", "inspector_duruan", "duty"})  # no enterprise score

ROWS = {
    "GET /api/v1/accountability/proposals/": EVERYONE,
    "GET /api/v1/accountability/proposals/{id}/": BUSINESS,
    "POST /api/v1/accountability/proposals/{id}/decide/": ADMIN,
    "GET /api/v1/accountability/measures/": EVERYONE,
    "GET /api/v1/accountability/measures/{id}/": BUSINESS,
    "POST /api/v1/accountability/measures/{id}/record/": ADMIN,
    "POST /api/v1/accountability/measures/{id}/close/": ADMIN,
    "GET /api/v1/accountability/positions/": EVERYONE,
    "GET /api/v1/accountability/positions/{id}/": BUSINESS,
    "POST /api/v1/accountability/positions/": KEEPERS,
    "POST /api/v1/accountability/positions/{id}/change/": KEEPERS,
    "POST /api/v1/accountability/positions/{id}/holders/": KEEPERS,
    "POST /api/v1/accountability/positions/{id}/letters/": KEEPERS,
    "GET /api/v1/assessments/": EVERYONE,
    "GET /api/v1/assessments/records/": EVERYONE,  # without a unit: 400 for everyone (input judged)
    "POST /api/v1/assessments/weights/": ADMIN,
    "POST /api/v1/assessments/publish/": ADMIN,
    "POST /api/v1/assessments/adjustments/": ADMIN,
    "GET /api/v1/enforcement/cases/": EVERYONE,
    "POST /api/v1/enforcement/cases/": OFFICERS,
    "GET /api/v1/enforcement/cases/{id}/": BUSINESS,
    "POST /api/v1/enforcement/cases/{id}/investigate/": OFFICERS,
    "POST /api/v1/enforcement/cases/{id}/notify/": OFFICERS,
    "POST /api/v1/enforcement/cases/{id}/hearing/": OFFICERS,
    "POST /api/v1/enforcement/cases/{id}/decide/": OFFICERS,
    "POST /api/v1/enforcement/cases/{id}/deliver/": OFFICERS,
    "POST /api/v1/enforcement/cases/{id}/pay/": OFFICERS,
    "POST /api/v1/enforcement/cases/{id}/reconsider/": OFFICERS,
    "POST /api/v1/enforcement/cases/{id}/sue/": OFFICERS,
    "POST /api/v1/enforcement/cases/{id}/outcome/": OFFICERS,
    "POST /api/v1/enforcement/cases/{id}/close/": OFFICERS,
    "POST /api/v1/enforcement/cases/{id}/inquiries/": OFFICERS,
    "GET /api/v1/enforcement/stats/": EVERYONE,
    "GET /api/v1/enforcement/plans/": EVERYONE,
    "POST /api/v1/enforcement/plans/": PLANNERS,
    "GET /api/v1/enforcement/plans/{id}/": PLAN_READERS,
    "POST /api/v1/enforcement/plans/{id}/entries/": PLANNERS,
    "accountability:proposal_list": EVERYONE,
    "accountability:proposal_detail": BUSINESS,
    "accountability:proposal_action": NOBODY,  # the probe's action name is unknown: 404
    "accountability:measure_detail": BUSINESS,
    "accountability:commitment_add": POST_ONLY,
    "accountability:measure_document": BUSINESS,
    "accountability:measure_action": NOBODY,
    "accountability:commitment_done": POST_ONLY,
    "accountability:target_history": NOBODY,  # the probe's target kind is unknown: 404
    "accountability:assessment": SCORES,
    "accountability:assessment_publish": POST_ONLY,
    "accountability:assessment_weights": ADMIN,
    "accountability:assessment_unit": NOBODY,
    "accountability:assessment_adjust": POST_ONLY,
    "accountability:assessment_records": NOBODY,
    "accountability:case_list": EVERYONE,
    "accountability:case_create": OFFICERS,
    "accountability:case_stats": EVERYONE,
    "accountability:plan_save": POST_ONLY,
    "accountability:plan_detail": PLAN_READERS,
    "accountability:case_detail": BUSINESS,
    "accountability:case_inquiry": POST_ONLY,
    "accountability:case_document": BUSINESS,
    "accountability:case_action": NOBODY,
    "accountability:position_list": EVERYONE,
    "accountability:position_detail": BUSINESS,
    "accountability:position_holder": POST_ONLY,
    "accountability:position_letter": POST_ONLY,
    "accountability:staff_save": POST_ONLY,
    "accountability:duty_templates": ADMIN,
}
