"""API tokens on the web: the owner's list (create with step-up, revoke) and the security administrator's
list of every token (revoke). Someone else's token is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import security, stepup, tokens
from accounts.models import ApiToken
from core.errors import DomainError


def _rows(queryset):
    return [{"token": token, "expires_at": tokens.expires_at(token)} for token in queryset]


@login_required
@never_cache
def token_list(request):
    """GET lists the user's own tokens; POST creates one, shown once (step-up first)."""
    key, status = "", 200
    if request.method == "POST":
        if not stepup.is_fresh(request):
            return stepup.refuse(request, "token_create")
        if security.must_change_password(request.user):  # the gate stops this page earlier; kept here too
            raise PermissionDenied
        try:
            key = tokens.issue_token(actor=request.user, via=ApiToken.Via.WEB)
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.status_code
    response = render(
        request,
        "accounts/token_list.html",
        {"rows": _rows(tokens.tokens_visible_to(request.user).filter(user=request.user)), "new_key": key},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = tokens.tokens_visible_to(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    tokens.revoke_token(actor=request.user, token=token)
    messages.success(request, _("The token %(prefix)s… was revoked.") % {"prefix": token.prefix or "?"})
    if token.user_id != request.user.pk:
        return redirect("accounts:admin_token_list")
    return redirect("accounts:token_list")


@login_required
@never_cache
def admin_token_list(request):
    if not request.user.has_role(*tokens.TOKEN_ADMIN_ROLES):
        raise PermissionDenied
    return render(
        request,
        "accounts/admin/token_list.html",
        {"rows": _rows(tokens.tokens_visible_to(request.user)[:500]), "section": "tokens"},
    )
