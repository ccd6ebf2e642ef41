"""Login (with lock, throttle and second factor), logout, password change and reset, own ID number."""

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import security, services, stepup, totp
from accounts.forms import (
    LoginForm,
    OtpForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    RevealReasonForm,
    SetPasswordForm,
    StepUpForm,
)
from accounts.models import TotpDevice, User
from audit.services import record
from core.errors import DomainError
from core.middleware import client_ip
from core.views import apply_domain_errors, page_status

SESSION_NEXT_KEY = "redline_next"


def _safe_next(request, target: str | None) -> str | None:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request, data=request.POST or None)
    status = 200
    if request.method == "POST":
        username = request.POST.get("username", "")
        ip = client_ip(request)
        try:
            security.check_allowed(username, ip)
        except security.LoginRefused as refused:
            security.record_failed_login(
                username, via="web", reason="throttled" if refused.throttled else "locked"
            )
            form = LoginForm.refused(request, refused.message, username[:150])
            response = render(
                request, "accounts/login.html", {"form": form}, status=429 if refused.throttled else 200
            )
            if refused.throttled:
                response["Retry-After"] = str(refused.retry_after)
            return response
        if form.is_valid():
            return _complete_password_step(request, form.get_user(), ip)
        if username:
            security.note_failure(username, ip, kind="password")
            security.record_failed_login(username, via="web", reason="credentials")
    elif request.GET.get("expired"):
        messages.info(request, _("Your session ended after a period without activity. Log in again."))
    return render(request, "accounts/login.html", {"form": form}, status=status)


def _complete_password_step(request, user: User, ip: str):
    login(request, user)  # rotates the session key; the signal indexes the session
    needs_second_factor = security.mfa_required(user)
    if not needs_second_factor:
        # Only a complete login clears the failure count: a right password followed by wrong codes must
        # still reach the lock.
        security.note_success(user.username, ip, kind="password")
        request.session[security.SESSION_MFA_KEY] = True
        stepup.mark_fresh(request.session)  # the password was just entered: the proof of a no-factor user
    record(
        user, "accounts.login", actor=user, data={"second_factor": "pending" if needs_second_factor else "no"}
    )
    target = _safe_next(request, request.GET.get("next"))
    if needs_second_factor:
        if target:
            request.session[SESSION_NEXT_KEY] = target
        return redirect(
            "accounts:mfa_verify" if security.has_confirmed_device(user) else "accounts:mfa_setup"
        )
    return redirect(target or "core:home")


def _second_factor_done(request):
    """Mark the session verified and rotate its key (a privilege change), keeping the session index."""
    old_key = request.session.session_key
    request.session.cycle_key()
    security.drop_session(old_key)
    security.index_session(request.user, request.session.session_key)
    request.session[security.SESSION_MFA_KEY] = True
    stepup.mark_fresh(request.session)  # a code was just entered
    target = _safe_next(request, request.session.pop(SESSION_NEXT_KEY, None))
    return redirect(target or "core:home")


@login_required
@never_cache
def mfa_verify(request):
    if request.session.get(security.SESSION_MFA_KEY):
        return redirect("core:home")
    if not security.has_confirmed_device(request.user):
        return redirect("accounts:mfa_setup")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            verified = totp.verify_login_code(
                user=user, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except security.LoginRefused as refused:
            verified = False
            if refused.throttled:
                logout(request)
                return render(
                    request, "accounts/login.html", {"form": _refused_form(request, refused)}, status=429
                )
        if verified:
            return _second_factor_done(request)
        if security.locked_until(user.username):
            logout(request)
            return render(request, "accounts/login.html", {"form": _refused_form(request, None)})
        form.add_error("code", _("The code is not correct, or it was already used. Wait for the next code."))
    return render(request, "accounts/mfa_verify.html", {"form": form})


def _refused_form(request, refused):
    return LoginForm.refused(request, refused.message if refused else security.GENERIC_FAILURE)


@login_required
@never_cache
def mfa_setup(request):
    """Enrol an authenticator app: start (POST), then confirm with a first code (POST)."""
    user = request.user
    device = TotpDevice.objects.filter(user=user).first()
    form = OtpForm(request.POST or None) if request.POST.get("action") == "confirm" else OtpForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                device = totp.start_enrolment(actor=user)
            elif action == "confirm" and form.is_valid():
                totp.confirm_enrolment(actor=user, code=form.cleaned_data["code"])
                messages.success(request, _("Two-factor authentication is on."))
                return _second_factor_done(request)
            elif action == "remove":
                # Step-up (finding: a password-only session removed the factor): a fully authenticated
                # session and a fresh code of the factor being removed.
                if not stepup.is_fresh(request):
                    return stepup.refuse(request, "mfa_remove")
                totp.remove_second_factor(actor=user, user=user)
                logout(request)
                messages.success(request, _("Two-factor authentication was removed. Log in again."))
                return redirect("accounts:login")
        except DomainError as exc:
            apply_domain_errors(form, exc)
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "device": device,
            "secret": totp.grouped_secret(device) if device and not device.confirmed else "",
            "uri": totp.provisioning_uri(device) if device and not device.confirmed else "",
            "required": user.has_role(*security.mfa_roles()),
        },
        # A refused start (no form posted) still answers its status: the form carries it unbound.
        status=max(page_status(form), getattr(form, "domain_status", 0)),
    )


@require_POST
def logout_view(request):
    """Logging out ends every session and API token of the user, not only this browser's."""
    user = request.user
    if user.is_authenticated:
        record(user, "accounts.logout", actor=user)
        logout(request)
        services.end_sessions(user)
    else:
        logout(request)
    response = redirect("accounts:login")
    # The field app's offline copies (pages, queued captures) leave the device with the user.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@stepup.step_up_required("password_change")
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_own_password(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                keep_session_key=request.session.session_key,
            )
        except DomainError as exc:
            apply_domain_errors(form, exc, fallback="new_password1")
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("core:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "expired": security.password_expired(request.user)},
        status=page_status(form),
    )


@never_cache
def password_reset(request):
    """Ask for a reset link by username. The answer is the same whether or not the account exists."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if security.is_throttled(ip):
            return render(
                request, "accounts/password_reset.html", {"form": form, "throttled": True}, status=429
            )
        username = form.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username, is_active=True).exclude(email="").first()
        if user is not None:
            _send_reset_link(request, user)
        else:
            # Counted like a failed login, so the address throttle stops enumeration through this form.
            security.note_failure(username, ip, kind="password")
        return render(request, "accounts/password_reset.html", {"form": None, "sent": True})
    return render(request, "accounts/password_reset.html", {"form": form})


def _send_reset_link(request, user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = request.build_absolute_uri(reverse("accounts:password_reset_confirm", args=[uid, token]))
    context = {"user": user, "link": link, "minutes": _reset_minutes()}
    send_mail(
        subject=render_to_string("accounts/email/password_reset_subject.txt", context).strip(),
        message=render_to_string("accounts/email/password_reset.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    record(user, "accounts.user.password_reset_requested", actor=None)


def _reset_minutes() -> int:
    from django.conf import settings

    return settings.PASSWORD_RESET_TIMEOUT // 60


def _user_for_link(uidb64: str, token: str) -> User | None:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        return None
    # The token mixes in the password hash and the last login: it stops working once used.
    return user if default_token_generator.check_token(user, token) else None


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
def password_reset_confirm(request, uidb64: str, token: str):
    user = _user_for_link(uidb64, token)
    if user is None:
        return render(request, "accounts/password_reset_confirm.html", {"invalid": True}, status=400)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_password_reset(user=user, new_password=form.cleaned_data["new_password1"])
        except DomainError as exc:
            apply_domain_errors(form, exc, fallback="new_password1")
        else:
            messages.success(request, _("Your password was set. Log in with it now."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form}, status=page_status(form))


@login_required
def id_number(request, pk: int):
    """The masked number, and the explicit "show full number" action (reason required, audited)."""
    user = User.objects.filter(pk=pk).first()
    if user is None or not services.may_reveal_id_number(request.user, user):
        raise Http404
    form = RevealReasonForm(request.POST or None)
    revealed = ""
    if request.method == "POST" and form.is_valid():
        try:
            revealed = services.reveal_id_number(
                actor=request.user, user=user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
    response = render(
        request,
        "accounts/id_number.html",
        {"subject": user, "form": form, "revealed": revealed},
        status=page_status(form),
    )
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters("proof")
@login_required
@never_cache
def step_up(request):
    """Enter a fresh code (or the password, for a user without a second factor) before a sensitive
    change; then back to it. Only a fully authenticated session gets here (the second-factor gate)."""
    factor = stepup.factor_of(request.user)
    form = StepUpForm(request.POST or None, factor=factor)
    target = _safe_next(request, request.POST.get("next") or request.GET.get("next")) or reverse("core:home")
    if request.method == "POST" and form.is_valid():
        try:
            passed = stepup.verify(user=request.user, proof=form.cleaned_data["proof"], ip=client_ip(request))
        except security.LoginRefused as refused:
            logout(request)
            return render(
                request,
                "accounts/login.html",
                {"form": _refused_form(request, refused)},
                status=429 if refused.throttled else 200,
            )
        if passed:
            stepup.mark_fresh(request.session)
            return redirect(target)
        if security.locked_until(request.user.username):
            logout(request)
            return render(request, "accounts/login.html", {"form": _refused_form(request, None)})
        form.add_error("proof", form.failure_message)
    return render(request, "accounts/step_up.html", {"form": form, "factor": factor, "next": target})
