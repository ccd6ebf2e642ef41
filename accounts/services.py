"""Account writes: each one named, with an explicit actor, one transaction and one audit event."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import security
from accounts.models import ApiToken, PasswordHistory, User, UserRole, normalise_id_number
from accounts.policy import (  # noqa: F401  (re-exported: pages and other apps read them here)
    ALL_ACCOUNTS_ROLES,
    BUSINESS_ROLES,
    ID_NUMBER_READERS,
    POLICY,
    USER_LIST_READERS,
    USER_MANAGER_ROLES,
    grantable_roles,
)
from audit.services import record
from core.choices import ADMINISTRATOR_ROLES, Role
from core.config import config_value
from core.errors import Conflict, InvalidInput, NotAllowed


# The rules of who may touch which account are the module's policy (accounts/policy.py); the `may_*`
# names are its reads, kept for the pages and the API that call them.
def may_change_roles(actor, user: User | None = None) -> bool:
    return POLICY.can(actor, "change_roles", user)


def may_manage_account(actor, user: User) -> bool:
    return POLICY.can(actor, "manage_account", user)


def _check_manager(actor) -> None:
    POLICY.require(actor, "manage_users")


def _check_account(actor, user: User) -> None:
    if not may_manage_account(actor, user):
        raise NotAllowed()


def _check_role_change(actor, user: User | None, old: set[str], new: set[str]) -> None:
    """MLPS 8.1.4.2 d: the roles given or taken must be the actor's to grant; never the actor's own."""
    if old == new:
        return
    if not grantable_roles(actor):
        message = _(
            "Roles are granted by the security administrator; your role may not grant or revoke them."
        )
        raise NotAllowed(message, errors={"roles": [message]})
    if user is not None and user.pk == actor.pk:
        message = _("You cannot change your own roles.")
        raise NotAllowed(message, errors={"roles": [message]})
    # An unknown code is left to validate_roles, which names it.
    refused = ((old ^ new) & set(Role.values)) - grantable_roles(actor)
    if refused:
        labels = "、".join(str(Role(code).label) for code in sorted(refused))
        message = _("Your role may not grant or revoke: %(roles)s.") % {"roles": labels}
        raise NotAllowed(message, errors={"roles": [message]})


def validate_roles(roles: set[str], *, town_id, department_id, enterprise_id) -> None:
    unknown = roles - set(Role.values)
    if unknown:
        raise InvalidInput.field("roles", _("Unknown role: %(r)s") % {"r": ", ".join(sorted(unknown))})
    if len(roles & ADMINISTRATOR_ROLES) > 1:
        # MLPS 8.1.4.2 d: system, security and audit administration are held by different people.
        raise InvalidInput.field("roles", _("No account may hold two of the administrator roles."))
    if roles & ADMINISTRATOR_ROLES and roles - ADMINISTRATOR_ROLES:
        raise InvalidInput.field("roles", _("Administrator roles cannot be combined with business roles."))
    if Role.TOWN_OFFICER in roles and not town_id:
        raise InvalidInput.field("town", _("A town officer must belong to a town or street."))
    if Role.DEPARTMENT_OFFICER in roles and not department_id:
        raise InvalidInput.field("department", _("A department officer must belong to a department."))
    if Role.INSPECTOR in roles and not (town_id or department_id):
        raise InvalidInput.field("town", _("An inspector must belong to a town or a department."))
    if Role.ENTERPRISE_USER in roles and not enterprise_id:
        raise InvalidInput.field("enterprise", _("An enterprise user must belong to an enterprise."))


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(errors={"password": exc.messages})


def _store_password(user: User, password: str, *, must_change: bool, update: bool = True) -> None:
    """Hash (Argon2 in production), remember it in the history, and keep only the last N there."""
    user.set_password(password)
    user.must_change_password = must_change
    user.password_changed_at = timezone.now()
    if update:
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    if user.pk:
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
            : config_value("PASSWORD_HISTORY_COUNT")
        ]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()


def _validate_id_number(value: str) -> str:
    from registry.validators import id_number_error

    number = normalise_id_number(value)
    if number:
        error = id_number_error(number)
        if error:
            raise InvalidInput.field("id_number", error)
    return number


@transaction.atomic
def create_user(
    *,
    actor,
    username: str,
    name: str,
    password: str,
    roles: set[str] | frozenset[str] = frozenset(),
    phone: str = "",
    email: str = "",
    town=None,
    department=None,
    enterprise=None,
    must_change_password: bool = True,
    id_number: str = "",
) -> User:
    _check_manager(actor)
    # An account made by the system administrator has no role until the security administrator grants it.
    _check_role_change(actor, None, set(), set(roles))
    username = username.strip()
    if not username:
        raise InvalidInput.field("username", _("This field is required."))
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput.field("username", _("This username is taken."))
    validate_roles(
        set(roles),
        town_id=getattr(town, "pk", None),
        department_id=getattr(department, "pk", None),
        enterprise_id=getattr(enterprise, "pk", None),
    )
    user = User(
        username=username,
        name=name,
        phone=phone,
        email=email,
        town=town,
        department=department,
        enterprise=enterprise,
        must_change_password=must_change_password,
        id_number=_validate_id_number(id_number),
    )
    _validate_password(password, user)
    _store_password(user, password, must_change=must_change_password, update=False)
    user.save()
    PasswordHistory.objects.create(user=user, password=user.password)
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(roles)])
    record(user, "accounts.user.created", actor=actor, data={"roles": sorted(roles)})
    return user


@transaction.atomic
def update_user(*, actor, user: User, roles: set[str] | None = None, **fields) -> User:
    """Profile fields (account managers) and roles (those who may grant them) in one change and one
    event; a change of roles is `changes.roles` of accounts.user.updated."""
    if not (actor.has_role(*USER_MANAGER_ROLES) or grantable_roles(actor)):
        raise NotAllowed()
    if fields:
        _check_manager(actor)
    _check_account(actor, user)
    old_roles = set(user.role_codes)
    if roles is not None:
        _check_role_change(actor, user, old_roles, set(roles))
    allowed = {"name", "phone", "email", "town", "department", "enterprise", "is_active", "id_number"}
    before = {k: getattr(user, k) for k in allowed}
    for key, value in fields.items():
        if key not in allowed:
            raise InvalidInput.field(key, _("This field cannot be changed here."))
        setattr(user, key, _validate_id_number(value) if key == "id_number" else value)
    new_roles = set(roles) if roles is not None else set(user.role_codes)
    validate_roles(
        new_roles, town_id=user.town_id, department_id=user.department_id, enterprise_id=user.enterprise_id
    )
    if user.pk == actor.pk and fields.get("is_active") is False:
        raise InvalidInput.field("is_active", _("You cannot disable your own account."))
    user.version += 1
    user.save()
    if roles is not None and new_roles != old_roles:
        UserRole.objects.filter(user=user).exclude(role__in=new_roles).delete()
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(new_roles - old_roles)])
    after = {k: getattr(user, k) for k in allowed}
    from audit.services import diff

    changes = diff(before, after)
    if roles is not None and new_roles != old_roles:
        changes["roles"] = [sorted(old_roles), sorted(new_roles)]
    if changes.get("roles") or fields.get("is_active") is False:
        end_sessions(user)
    user.forget_cached_roles()
    record(user, "accounts.user.updated", actor=actor, data={"changes": changes})
    return user


@transaction.atomic
def reset_password(*, actor, user: User, new_password: str) -> None:
    """An administrator's reset: the user must choose a new password at the next login."""
    _check_manager(actor)
    _check_account(actor, user)
    _validate_password(new_password, user)
    _store_password(user, new_password, must_change=True)
    end_sessions(user)
    record(user, "accounts.user.password_reset", actor=actor)


@transaction.atomic
def change_own_password(
    *, actor: User, old_password: str, new_password: str, keep_session_key: str | None = None
) -> None:
    """The user's own change; every other session and every API token of the user ends."""
    if not actor.check_password(old_password):
        raise InvalidInput.field("old_password", _("Your old password was entered incorrectly."))
    if old_password == new_password:
        raise InvalidInput.field("new_password1", _("Choose a password different from the current one."))
    _validate_password(new_password, actor)
    _store_password(actor, new_password, must_change=False)
    end_sessions(actor, keep_session_key=keep_session_key)
    record(actor, "accounts.user.password_changed", actor=actor)


@transaction.atomic
def complete_password_reset(*, user: User, new_password: str) -> None:
    """The end of an emailed reset link (the link's token is checked by the caller): the new password
    holds at once, every session ends and a lock left by failed guesses is lifted."""
    _validate_password(new_password, user)
    _store_password(user, new_password, must_change=False)
    end_sessions(user)
    from accounts.models import AccountLock

    now = timezone.now()
    AccountLock.objects.filter(username=user.username.lower(), locked_until__gt=now).update(
        locked_until=now, locked_at=now
    )
    record(user, "accounts.user.password_reset_by_link", actor=None)


def end_sessions(user: User, *, keep_session_key: str | None = None) -> None:
    """Log the user out everywhere: sessions and API tokens (through the per-user session index)."""
    security.end_sessions(user, keep_session_key=keep_session_key)


UNLOCKERS = frozenset({Role.DISTRICT_ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})


@transaction.atomic
def unlock_account(*, actor: User, user: User) -> None:
    from accounts.models import AccountLock

    if not actor.has_role(*UNLOCKERS) or not may_manage_account(actor, user):
        raise NotAllowed()
    now = timezone.now()
    # Ending the lock (rather than deleting it) moves its start to now, so the failures that led to it
    # no longer count: one more wrong password does not lock the account again.
    if not AccountLock.objects.filter(username=user.username.lower(), locked_until__gt=now).update(
        locked_until=now, locked_at=now
    ):
        raise InvalidInput(_("This account is not locked."))
    record(user, "accounts.user.unlocked", actor=actor)


def may_reveal_id_number(actor: User, user: User) -> bool:
    return POLICY.can(actor, "reveal_id_number", user)


@transaction.atomic
def reveal_id_number(*, actor: User, user: User, reason: str) -> str:
    """The explicit "show full number" action: a reason is required and the reading is audited."""
    if not may_reveal_id_number(actor, user):
        raise NotAllowed()
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput.field("reason", _("Say why you need the full number."))
    if not user.id_number:
        raise InvalidInput.field("reason", _("No ID number is recorded for this account."))
    record(user, "accounts.user.id_number_revealed", actor=actor, data={"reason": reason[:500]})
    return user.id_number


@transaction.atomic
def disable_dormant_accounts(*, now) -> int:
    """MLPS 8.1.4.2 c: accounts unused for ACCOUNT_DORMANT_DAYS are disabled (job, idempotent)."""
    import datetime as dt

    from django.db.models import Max, Q
    from django.db.models.functions import Coalesce, Greatest

    days = config_value("ACCOUNT_DORMANT_DAYS")
    cutoff = now - dt.timedelta(days=days)
    dormant = (
        User.objects.filter(is_active=True, date_joined__lt=cutoff)
        .annotate(token_used=Max("api_tokens__last_used_at"))
        .annotate(
            last_seen=Greatest(
                Coalesce("last_login", "date_joined"),
                Coalesce("token_used", "last_login", "date_joined"),
            )
        )
        .filter(Q(last_seen__lt=cutoff))
    )
    count = 0
    for user in dormant:
        if User.objects.filter(pk=user.pk, is_active=True).update(is_active=False, version=user.version + 1):
            end_sessions(user)
            record(
                user,
                "accounts.user.disabled_dormant",
                data={"last_seen": user.last_seen, "days": days},
            )
            count += 1
    return count


def issue_api_token(*, user: User) -> str:
    """The token endpoint's issue (credentials and second factor checked by the caller)."""
    from accounts.tokens import issue_token

    return issue_token(actor=user, via=ApiToken.Via.API)


@transaction.atomic
def install_administrators(*, names: dict[str, str] | None = None) -> dict[str, str]:
    """A new installation's first accounts: one per administrator role (MLPS 8.1.4.2 d), each with a
    random one-time password that must be changed at first login (second factor enrolled then too).

    Only on an installation where nobody holds an administrator role yet: afterwards accounts are made by
    the system administrator and roles granted by the security administrator. Returns {username: password}.
    """
    if UserRole.objects.filter(role__in=ADMINISTRATOR_ROLES).exists():
        raise Conflict(_("Administrator accounts already exist; use the account screens instead."))
    names = names or {
        Role.SYSTEM_ADMIN: "sysadmin",
        Role.SECURITY_ADMIN: "secadmin",
        Role.AUDIT_ADMIN: "auditadmin",
    }
    if set(names) != set(ADMINISTRATOR_ROLES) or len(set(names.values())) != len(names):
        raise InvalidInput.field("names", _("Give one distinct username for each administrator role."))
    credentials = {}
    for role, username in sorted(names.items()):
        username = username.strip()
        if not username or User.objects.filter(username__iexact=username).exists():
            raise InvalidInput.field("names", _("This username is taken: %(u)s") % {"u": username})
        password = _one_time()
        user = User(username=username, name=str(Role(role).label), must_change_password=True)
        _validate_password(password, user)
        _store_password(user, password, must_change=True, update=False)
        user.save()
        PasswordHistory.objects.create(user=user, password=user.password)
        UserRole.objects.create(user=user, role=role)
        record(user, "accounts.user.created", data={"roles": [role], "via": "install_administrators"})
        credentials[username] = password
    return credentials


def _one_time() -> str:
    """A 20-character random password from classes the policy counts (letters, digits, a symbol)."""
    import secrets
    import string

    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(17))
    return core + secrets.choice(string.ascii_uppercase) + secrets.choice(string.digits) + "#"
