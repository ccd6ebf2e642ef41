"""API token lifetime, listing and revocation (ASVS 3.5, MLPS 8.1.4.2).

A token stops working API_TOKEN_IDLE_SECONDS after it was last used and API_TOKEN_ABSOLUTE_SECONDS after
it was created, whichever comes first (run-time settings, core/config.py, within the policy's floors).
Its owner and the security administrator list and revoke it; a password change or reset, a disabled
account and a role change end every token of the user (security.end_sessions). Creation and revocation
are audited.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.policy import POLICY, TOKEN_ADMIN_ROLES
from audit.services import record
from core.config import config_value
from core.errors import NotAllowed


def expires_at(token: ApiToken) -> dt.datetime:
    """When the token stops working unless it is used again (idle) — never later than its lifetime."""
    absolute = token.created_at + dt.timedelta(seconds=config_value("API_TOKEN_ABSOLUTE_SECONDS"))
    idle = (token.last_used_at or token.created_at) + dt.timedelta(
        seconds=config_value("API_TOKEN_IDLE_SECONDS")
    )
    return min(absolute, idle)


def expiry_reason(token: ApiToken, *, now: dt.datetime | None = None) -> str:
    """ "absolute", "idle" or "" (still valid)."""
    now = now or timezone.now()
    if now - token.created_at > dt.timedelta(seconds=config_value("API_TOKEN_ABSOLUTE_SECONDS")):
        return "absolute"
    if now - (token.last_used_at or token.created_at) > dt.timedelta(
        seconds=config_value("API_TOKEN_IDLE_SECONDS")
    ):
        return "idle"
    return ""


@transaction.atomic
def expire_token(token: ApiToken, *, reason: str) -> None:
    """An expired token is removed on its first refused use (one audit record)."""
    if ApiToken.objects.filter(pk=token.pk).delete()[0]:
        record(
            token.user,
            "accounts.token.expired",
            data={"prefix": token.prefix, "reason": reason, "created_at": token.created_at},
        )


def may_manage_tokens_of(actor: User, owner: User) -> bool:
    return POLICY.can(actor, "manage_tokens_of", owner)


def tokens_visible_to(actor: User):
    """The tokens the actor may list: its own, or every one for the security administrator."""
    qs = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    if actor.has_role(*TOKEN_ADMIN_ROLES):
        return qs
    return qs.filter(user=actor)


@transaction.atomic
def issue_token(*, actor: User, via: str) -> str:
    """A new token for the actor itself (the key is returned once, only its hash is kept)."""
    if not actor.role_codes:
        raise NotAllowed()
    key = ApiToken.issue(actor, via=via)
    record(actor, "accounts.token.issued", actor=actor, data={"prefix": key[:8], "via": via})
    return key


@transaction.atomic
def revoke_token(*, actor: User, token: ApiToken) -> None:
    if not may_manage_tokens_of(actor, token.user):
        raise NotAllowed()
    ApiToken.objects.filter(pk=token.pk).delete()
    record(
        token.user,
        "accounts.token.revoked",
        actor=actor,
        data={"prefix": token.prefix, "own": actor.pk == token.user_id},
    )


def purge_expired(*, now: dt.datetime) -> int:
    """Daily job: remove the tokens past their lifetime or idle timeout (each one audited)."""
    count = 0
    for token in ApiToken.objects.select_related("user").iterator():
        reason = expiry_reason(token, now=now)
        if reason:
            expire_token(token, reason=reason)
            count += 1
    return count
