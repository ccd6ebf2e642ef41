"""Account writes: each one named, with an explicit actor, one transaction and one audit event."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User, UserRole
from audit.services import record
from core.choices import ADMINISTRATOR_ROLES, Role
from core.errors import InvalidInput, NotAllowed

USER_MANAGER_ROLES = {Role.DISTRICT_ADMIN, Role.SYSTEM_ADMIN}


def _check_manager(actor) -> None:
    if not actor.has_role(*USER_MANAGER_ROLES):
        raise NotAllowed()


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


@transaction.atomic
def create_user(
    *,
    actor,
    username: str,
    name: str,
    password: str,
    roles: set[str],
    phone: str = "",
    email: str = "",
    town=None,
    department=None,
    enterprise=None,
    must_change_password: bool = True,
) -> User:
    _check_manager(actor)
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
    )
    _validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(roles)])
    record(user, "accounts.user.created", actor=actor, data={"roles": sorted(roles)})
    return user


@transaction.atomic
def update_user(*, actor, user: User, roles: set[str] | None = None, **fields) -> User:
    _check_manager(actor)
    allowed = {"name", "phone", "email", "town", "department", "enterprise", "is_active"}
    before = {k: getattr(user, k) for k in allowed}
    for key, value in fields.items():
        if key not in allowed:
            raise InvalidInput.field(key, _("This field cannot be changed here."))
        setattr(user, key, value)
    new_roles = set(roles) if roles is not None else set(user.role_codes)
    validate_roles(
        new_roles, town_id=user.town_id, department_id=user.department_id, enterprise_id=user.enterprise_id
    )
    if user.pk == actor.pk and fields.get("is_active") is False:
        raise InvalidInput.field("is_active", _("You cannot disable your own account."))
    user.version += 1
    user.save()
    old_roles = set(user.role_codes)
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
    _validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    end_sessions(user)
    record(user, "accounts.user.password_reset", actor=actor)


@transaction.atomic
def change_own_password(*, actor: User, old_password: str, new_password: str) -> None:
    if not actor.check_password(old_password):
        raise InvalidInput.field("old_password", _("Your old password was entered incorrectly."))
    if old_password == new_password:
        raise InvalidInput.field("new_password1", _("Choose a password different from the current one."))
    _validate_password(new_password, actor)
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.password_changed_at = timezone.now()
    actor.save(update_fields=["password", "must_change_password", "password_changed_at"])
    ApiToken.objects.filter(user=actor).delete()
    record(actor, "accounts.user.password_changed", actor=actor)


def end_sessions(user: User) -> None:
    """Log the user out everywhere: sessions and API tokens."""
    from django.contrib.sessions.models import Session

    ApiToken.objects.filter(user=user).delete()
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


@transaction.atomic
def issue_api_token(*, user: User) -> str:
    key = ApiToken.issue(user)
    record(user, "accounts.token.issued", actor=user)
    return key
