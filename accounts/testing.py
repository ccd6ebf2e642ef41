"""Test helpers for the authentication gates (used by conftest.py's personas)."""

import time

from accounts.security import SESSION_MFA_KEY
from accounts.stepup import SESSION_STEP_UP_AT_KEY


def mark_second_factor_verified(client) -> None:
    """A test client logged in with `force_login` has skipped the login form, so also the second factor:
    record it as done for this session, as the verification page would after a correct code."""
    session = client.session
    session[SESSION_MFA_KEY] = True
    session[SESSION_STEP_UP_AT_KEY] = int(time.time())  # the code just entered is also a step-up
    session.save()
