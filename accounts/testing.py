"""Test helpers for the authentication gates (used by conftest.py's personas)."""

from accounts.security import SESSION_MFA_KEY


def mark_second_factor_verified(client) -> None:
    """A test client logged in with `force_login` has skipped the login form, so also the second factor:
    record it as done for this session, as the verification page would after a correct code."""
    session = client.session
    session[SESSION_MFA_KEY] = True
    session.save()
