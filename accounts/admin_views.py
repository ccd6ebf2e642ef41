"""User administration: list, create, edit, disable/enable, reset password (district and system
administrators) and the roles of an account (security administrator; the district administrator grants
business roles from the edit form too). Views parse input, call one service of accounts.services and
render; the services check the role, the separation of duties (MLPS 8.1.4.2 d) and the memberships, and
write the audit events. Other roles get 403; an account outside the actor's reach is 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from accounts import security, services
from accounts.admin_forms import PasswordResetForm, RolesForm, UserFilter, UserForm
from accounts.models import AccountLock, User
from accounts.selectors import users_managed_by
from audit.services import timeline
from core.errors import DomainError, NotAllowed
from core.exports import Column
from core.masking import mask_id_number
from core.views import ListPage, apply_domain_errors, home, page_status, refused_button


def _require_manager(request) -> None:
    if not request.user.has_role(*services.USER_MANAGER_ROLES):
        raise PermissionDenied


def _account(request, pk: int) -> User:
    return get_object_or_404(
        users_managed_by(request.user).select_related("town", "department", "enterprise"), pk=pk
    )


def _status(error: DomainError | None) -> int:
    # A request the role may not make (a crafted one: the form offers nothing it may not do) is a 403.
    return 403 if isinstance(error, NotAllowed) else 200


def _role_labels(user: User) -> str:
    return "、".join(str(a.get_role_display()) for a in user.role_assignments.all())


class UserListPage(ListPage):
    template_name = "accounts/admin/user_list.html"
    rows_template = "accounts/admin/_user_rows.html"
    filterset_class = UserFilter
    sort_fields = {"username": "username", "name": "name", "last_login": "last_login"}
    default_sort = "username"
    export_name = "users"

    def queryset(self):
        locked = AccountLock.objects.filter(
            username=Lower(OuterRef("username")), locked_until__gt=timezone.now()
        )
        return (
            users_managed_by(self.request.user)
            .select_related("town", "department", "enterprise")
            .prefetch_related("role_assignments")
            .annotate(is_locked=Exists(locked))
        )

    def search(self, qs, q):
        return qs.filter(Q(username__icontains=q) | Q(name__icontains=q) | Q(phone__icontains=q))

    def filtered(self):
        filterset, qs = super().filtered()
        # A user matched through two role assignments would otherwise appear twice.
        return filterset, qs.distinct()

    def export_columns(self):
        return [
            Column(_("Username"), lambda u: u.username, 18),
            Column(_("Full name"), lambda u: u.name, 24),
            Column(_("Roles"), _role_labels, 28),
            Column(_("Town/street"), lambda u: u.town.name if u.town else "", 12),
            Column(_("Department"), lambda u: u.department.name if u.department else "", 18),
            Column(_("Enterprise"), lambda u: u.enterprise.name if u.enterprise else "", 30),
            Column(pgettext("account", "Active"), lambda u: _("Yes") if u.is_active else _("No"), 8),
            Column(_("Last login"), lambda u: u.last_login, 18),
        ]


@login_required
def user_list(request):
    if not request.user.has_role(*services.USER_LIST_READERS):
        raise PermissionDenied
    return UserListPage(request).response(
        {
            "section": "users",
            "manages_users": request.user.has_role(*services.USER_MANAGER_ROLES),
        }
    )


def _apply_errors(form, exc: DomainError) -> None:
    # The service names the password "password"; the form calls it "password1".
    apply_domain_errors(form, exc, fields={"password": "password1"})


@login_required
def user_create(request):
    _require_manager(request)
    form = UserForm(request.POST or None, grantable=services.grantable_roles(request.user))
    error = None
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.create_user(
                    actor=request.user,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                    roles=form.roles_value() or set(),
                    **form.service_fields(),
                )
            except DomainError as exc:
                error = exc
                _apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The account %(username)s was created; it must change its password at the first login.")
                    % {"username": user.username},
                )
                return redirect("accounts:admin_user_edit", pk=user.pk)
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "accounts/admin/user_form.html",
        {"form": form, "creating": True, "section": "users"},
        status=_status(error),
    )


@login_required
def user_edit(request, pk: int):
    _require_manager(request)
    account = _account(request, pk)
    form = UserForm(
        request.POST or None,
        instance=account,
        grantable=services.grantable_roles(request.user),
        roles_editable=services.may_change_roles(request.user, account),
    )
    error = None
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_user(
                    actor=request.user, user=account, roles=form.roles_value(), **form.service_fields()
                )
            except DomainError as exc:
                error = exc
                _apply_errors(form, exc)
                account.refresh_from_db()
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("accounts:admin_user_edit", pk=account.pk)
        messages.error(request, _("Please correct the errors below."))
    return _user_page(request, account, form, status=_status(error))


def _user_page(request, account, form=None, *, status: int = 200):
    if form is None:
        form = UserForm(
            instance=account,
            grantable=services.grantable_roles(request.user),
            roles_editable=services.may_change_roles(request.user, account),
        )
    return render(
        request,
        "accounts/admin/user_form.html",
        {
            "form": form,
            "account": account,
            "events": timeline(account),
            "section": "users",
            "locked_until": security.locked_until(account.username),
            "id_number_masked": mask_id_number(account.id_number),
            "may_reveal": services.may_reveal_id_number(request.user, account),
        },
        status=status,
    )


@login_required
def user_roles(request, pk: int):
    """The security administrator's page: grant and revoke the roles of one account."""
    grantable = services.grantable_roles(request.user)
    if not grantable:
        raise PermissionDenied
    account = _account(request, pk)
    editable = services.may_change_roles(request.user, account)
    form = RolesForm(request.POST or None, instance=account, grantable=grantable, editable=editable)
    error = None
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_user(actor=request.user, user=account, roles=form.roles_value())
            except DomainError as exc:
                error = exc
                apply_domain_errors(form, exc)
                account.refresh_from_db()
                account.forget_cached_roles()
            else:
                messages.success(
                    request,
                    _("The roles of %(username)s were saved; the account was logged out everywhere.")
                    % {"username": account.username},
                )
                return redirect("accounts:admin_user_roles", pk=account.pk)
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "accounts/admin/user_roles.html",
        {
            "form": form,
            "account": account,
            "editable": editable,
            "section": "users",
            "manages_users": request.user.has_role(*services.USER_MANAGER_ROLES),
        },
        status=_status(error),
    )


@login_required
@require_POST
def user_unlock(request, pk: int):
    # The security administrator unlocks too (from its home panel), without the user screens.
    if not request.user.has_role(*services.UNLOCKERS):
        raise PermissionDenied
    # Only accounts within the actor's reach: the district administrator's unlock of an administrator
    # account is 404 (issue 19), as every other action on it.
    account = get_object_or_404(users_managed_by(request.user), pk=pk)
    manages = request.user.has_role(*services.USER_MANAGER_ROLES) and services.may_manage_account(
        request.user, account
    )
    try:
        services.unlock_account(actor=request.user, user=account)
    except DomainError as exc:
        # The manager sees the account again; the security administrator its home panel, as on success.
        page = (lambda: _user_page(request, _account(request, pk))) if manages else (lambda: home(request))
        return refused_button(request, exc, page)
    messages.success(request, _("The account %(username)s was unlocked.") % {"username": account.username})
    if manages:
        return redirect("accounts:admin_user_edit", pk=account.pk)
    return redirect("core:home")


@login_required
@require_POST
def user_set_active(request, pk: int):
    _require_manager(request)
    account = _account(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.update_user(actor=request.user, user=account, is_active=active)
    except DomainError as exc:
        return refused_button(request, exc, lambda: _user_page(request, _account(request, pk)))
    else:
        if active:
            messages.success(
                request, _("The account %(username)s was enabled.") % {"username": account.username}
            )
        else:
            messages.success(
                request,
                _("The account %(username)s was disabled and logged out everywhere.")
                % {"username": account.username},
            )
    return redirect("accounts:admin_user_edit", pk=account.pk)


@login_required
def user_reset_password(request, pk: int):
    _require_manager(request)
    account = _account(request, pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reset_password(
                    actor=request.user, user=account, new_password=form.cleaned_data["new_password1"]
                )
            except DomainError as exc:
                apply_domain_errors(form, exc, fields={"password": "new_password1"})
            else:
                messages.success(
                    request,
                    _("The password of %(username)s was reset; it must be changed at the next login.")
                    % {"username": account.username},
                )
                return redirect("accounts:admin_user_edit", pk=account.pk)
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "accounts/admin/user_reset_password.html",
        {"form": form, "account": account, "section": "users"},
        status=page_status(form),
    )
