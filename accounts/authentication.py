"""API authentication: `Authorization: Token <key>` (API.md) and the browser session.

The token lookup is one indexed query joined to the user that also brings the user's roles, so an API
request spends one query on authentication (issue 7: a lookup per request costs a quarter of throughput).
"""

from django.db.models import OuterRef, StringAgg, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts import security, tokens
from accounts.models import ApiToken, UserRole, hash_token


class TokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        try:
            roles = (
                UserRole.objects.filter(user_id=OuterRef("user_id"))
                .order_by()
                .values("user_id")
                .annotate(codes=StringAgg("role", Value(",")))
                .values("codes")
            )
            token = (
                ApiToken.objects.select_related("user")
                .annotate(role_list=Subquery(roles))
                .get(key_hash=hash_token(key))
            )
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        # Fills the per-request cache of User.role_codes (a cached_property) from the same query.
        token.user.__dict__["role_codes"] = frozenset(filter(None, (token.role_list or "").split(",")))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        now = timezone.now()
        expired = tokens.expiry_reason(token, now=now)
        if expired:
            tokens.expire_token(token, reason=expired)
            raise exceptions.AuthenticationFailed(_("The token has expired. Request a new one."))
        if security.must_change_password(token.user):
            # The same gate as the pages: a password past its age (or reset) stops the token too.
            raise exceptions.PermissionDenied(security.CHANGE_PASSWORD_FIRST)
        # Touch last_used at most once a minute: a write per request would cost throughput.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token


class SessionAuthentication(authentication.SessionAuthentication):
    """Session auth for the browser's own HTMX/JS calls (CSRF enforced by DRF)."""
