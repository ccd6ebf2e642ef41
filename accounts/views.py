from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import LoginForm, PasswordChangeForm
from audit.models import AuditEvent
from audit.services import record
from core.errors import DomainError


def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            login(request, user)  # rotates the session key
            record(user, "accounts.login", actor=user)
            return redirect(request.GET.get("next") if _safe_next(request) else "core:home")
        record(
            None,
            "accounts.login_failed",
            data={"username": request.POST.get("username", "")[:150]},
            outcome=AuditEvent.Outcome.FAILURE,
            target_type="accounts.user",
        )
    return render(request, "accounts/login.html", {"form": form})


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.GET.get("next")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record(request.user, "accounts.logout", actor=request.user)
    logout(request)
    return redirect("accounts:login")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_own_password(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except DomainError as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else "new_password1", error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})
