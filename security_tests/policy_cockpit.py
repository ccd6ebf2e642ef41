"""Access rows of the leaders' cockpit and its periodic reports (see policy.py for the table's meaning)."""

COCKPIT = frozenset({"admin", "leader", "yjj", "duruan", "duty"})

ROWS = {
    "GET /api/v1/cockpit/": COCKPIT,
    "cockpit:cockpit": COCKPIT,
    "cockpit:wall": COCKPIT,
    "cockpit:live": COCKPIT,
    "cockpit:report_list": COCKPIT,
    # The probe asks for a format that does not exist (404 for everyone); the report's own scope is
    # tested in cockpit/tests (another town's report 404, the district's report only district-wide).
    "cockpit:report_download": frozenset(),
    "cockpit:template_edit": frozenset({"admin"}),
}
