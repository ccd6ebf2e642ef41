"""Keep the per-user session index and the session clocks in step with logins and logouts."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from accounts import security


@receiver(user_logged_in, dispatch_uid="accounts.index_session")
def on_login(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    now = int(time.time())
    session[security.SESSION_LOGIN_AT_KEY] = now
    session[security.SESSION_SEEN_AT_KEY] = now
    if session.session_key is None:
        session.save()
    security.index_session(user, session.session_key)


@receiver(user_logged_out, dispatch_uid="accounts.drop_session")
def on_logout(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        security.drop_session(session.session_key)
