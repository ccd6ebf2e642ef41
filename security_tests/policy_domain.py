"""Access-control rows of the domain-fidelity pages (issue 21): the accident chain's actions, the government's
re-check of hazards closed inside enterprises, resumption review, and the enterprise file."""

from security_tests.policy import BUSINESS, POST_ONLY

# R-HAZ-12: the re-check is the government's (inspector, town, department, district), not the enterprise's.
GOVERNMENT = frozenset({"admin", "yjj", "duruan", "inspector_duruan"})

ROWS = {
    "accidents:record_chain_step": POST_ONLY,
    "accidents:record_reporting_finding": POST_ONLY,
    "hazards:recheck_list": GOVERNMENT,
    "hazards:recheck": GOVERNMENT,  # a hazard not drawn says so (200); the opinion form only for a drawn one
    "hazards:resumption": BUSINESS,  # whoever sees the hazard sees its applications; forms by role
    "registry:enterprise_file": BUSINESS,  # as the enterprise's page; adding rows by role
}
