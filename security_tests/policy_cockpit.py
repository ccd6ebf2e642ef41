"""Access rows of the leaders' cockpit, its periodic reports and its wall displays (see policy.py for the
table's meaning)."""

from security_tests.policy import NOBODY, POST_ONLY

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
    # Wall displays (大屏终端): whoever opens the cockpit keeps its own; the demo district holds none, so the
    # probe's display does not exist (404 for everyone). Owner, district administrator and other users'
    # 404 are tested in cockpit/tests/test_wall_display_access.py with displays of their own.
    "cockpit:display_list": COCKPIT,
    "cockpit:display_detail": NOBODY,
    "cockpit:display_rename": POST_ONLY,
    "cockpit:display_revoke": POST_ONLY,
    # The paired screen's paths answer its cookie only, never a login session: 403 without one.
    "cockpit:kiosk": NOBODY,
    "cockpit:kiosk_live": NOBODY,
    # An unknown or used pairing link: 404 for everyone.
    "cockpit:kiosk_pair": NOBODY,
}
