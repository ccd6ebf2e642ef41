"""Background jobs (core.background): only their owner sees one, everyone else gets 404. The matrix data
holds no job, so every persona meets 404 here; core/tests/test_background.py covers owner and other."""

from security_tests.policy import NOBODY, POST_ONLY

ROWS = {
    "GET /api/v1/jobs/{id}/": NOBODY,
    "POST /api/v1/jobs/{id}/cancel/": NOBODY,
    "GET /api/v1/jobs/{id}/result/": NOBODY,
    "core:job": NOBODY,
    "core:job_progress": NOBODY,
    "core:job_cancel": POST_ONLY,
    "core:job_download": NOBODY,
}
