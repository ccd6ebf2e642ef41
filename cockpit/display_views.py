"""Wall displays (大屏终端): the owner's pages that create, rename and stop them, the one-time pairing link,
and the kiosk — the wall and its live part served to a paired screen without a login session.

The kiosk views read the display's cookie and nothing else (kiosk.admit); they answer GET only and draw
the owner's cockpit, read through the same scoping as the owner's own page. Every other view ignores the
cookie, and the cookie is sent only to the kiosk's paths.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import stepup
from cockpit import kiosk
from cockpit.forms import WallDisplayForm
from cockpit.models import WallDisplay
from cockpit.policy import may_open_cockpit
from cockpit.qr import qr_svg
from cockpit.rules import FLOW
from cockpit.services import (
    create_wall_display,
    pair_wall_display,
    pairable,
    pairing_expires_at,
    rename_wall_display,
    revoke_wall_display,
)
from cockpit.views import cockpit_context
from core.api import record_denial
from core.errors import DomainError
from core.scoping import get_visible_or_404
from core.views import apply_domain_errors, page_status, posted_or_blank, refuse_to_page

# --- the owner's pages ----------------------------------------------------------------------------------


@login_required
@never_cache
def display_list(request):
    """GET lists the displays the user keeps; POST creates one and shows its pairing link, once."""
    if not may_open_cockpit(request.user):
        raise PermissionDenied
    form, pairing = WallDisplayForm(), None
    if request.method == "POST":
        # A display is a standing credential for the owner's figures: created only after a fresh proof,
        # as an API token is.
        if not stepup.is_fresh(request):
            return stepup.refuse(request, "wall_display_create")
        form = WallDisplayForm(data=request.POST)
        try:
            display, code = create_wall_display(actor=request.user, data=request.POST)
        except DomainError as exc:
            form.is_valid()
            apply_domain_errors(form, exc)
        else:
            pairing = _pairing(request, display, code)
            form = WallDisplayForm()
    displays = WallDisplay.objects.visible_to(request.user).select_related("owner")[:200]
    # never_cache: the pairing link is on this page once, and must not come back from a cache
    context = {"displays": displays, "form": form, "pairing": pairing}
    return render(request, "cockpit/display_list.html", context, status=page_status(form))


def _pairing(request, display: WallDisplay, code: str) -> dict:
    link = request.build_absolute_uri(reverse("cockpit:kiosk_pair", args=[display.pk, code]))
    return {
        "display": display,
        "link": link,
        "qr": qr_svg(link, label=_("Pairing link of %(name)s") % {"name": display.name}),
        "expires_at": pairing_expires_at(display),
    }


@login_required
def display_detail(request, pk: int):
    display = get_visible_or_404(
        WallDisplay.objects.select_related("owner", "revoked_by"), request.user, pk=pk
    )
    user = request.user
    rename = FLOW.may(user, "rename", display) and FLOW.state_allows("rename", display.state)
    revoke = FLOW.may(user, "revoke", display) and FLOW.state_allows("revoke", display.state)
    context = {
        "display": display,
        "rename_form": posted_or_blank(request, "rename", WallDisplayForm, initial={"name": display.name})
        if rename
        else None,
        "can_revoke": revoke,
        "pairing_expires_at": pairing_expires_at(display),
    }
    return render(request, "cockpit/display_detail.html", context)


@login_required
@require_POST
def display_rename(request, pk: int):
    display = get_visible_or_404(WallDisplay.objects, request.user, pk=pk)
    try:
        rename_wall_display(
            display, actor=request.user, version=request.POST.get("version"), data=request.POST
        )
    except DomainError as exc:
        return refuse_to_page(request, exc, reverse("cockpit:display_detail", args=[pk]), "rename")
    messages.success(request, _("The display is renamed."))
    return redirect("cockpit:display_detail", pk=pk)


@login_required
@require_POST
def display_revoke(request, pk: int):
    display = get_visible_or_404(WallDisplay.objects, request.user, pk=pk)
    try:
        revoke_wall_display(display, actor=request.user, version=request.POST.get("version"))
    except DomainError as exc:
        return refuse_to_page(request, exc, reverse("cockpit:display_detail", args=[pk]))
    messages.success(
        request, _("%(name)s is stopped: its screen says so at its next refresh.") % {"name": display.name}
    )
    return redirect("cockpit:display_list")


# --- the pairing link -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
def kiosk_pair(request, pk: int, code: str):
    """GET shows what is about to be paired and posts itself at once (a link preview that fetches the URL
    spends nothing); POST spends the code, gives the screen its cookie and opens the wall. A used, expired
    or unknown link is 404 either way."""
    # Unscoped on purpose: nobody is signed in here; the one-time code is the credential.
    display = WallDisplay.objects.select_related("owner").filter(pk=pk).first()
    if display is None or not pairable(display, code):
        return _link_refused(request)
    if request.method == "GET":
        return render(request, "cockpit/kiosk_pair.html", {"display": display})
    try:
        secret = pair_wall_display(display, code=code)
    except DomainError:  # a second screen raced it with the same link, or the owner just lost the role
        return _link_refused(request)
    response = redirect("cockpit:kiosk")
    kiosk.set_cookie(response, display, secret)
    return response


def _link_refused(request):
    context = {
        "title": _("This pairing link does not work"),
        "hint": _("It has been used, has expired, or its display was stopped. Create a new wall display."),
    }
    return render(request, "cockpit/kiosk_refused.html", context, status=404)


# --- the kiosk: the wall of a paired screen -------------------------------------------------------------


@require_GET
@never_cache
def kiosk_wall(request):
    display, refusal = kiosk.admit(request.COOKIES.get(kiosk.COOKIE_NAME, ""))
    if refusal:
        return _kiosk_refused(request, refusal, "cockpit/kiosk_refused.html")
    response = render(request, "cockpit/wall.html", _kiosk_context(request, display))
    kiosk.seen(display, request, response)
    return response


@require_GET
@never_cache
def kiosk_live(request):
    """The part that refreshes every minute. Once the display may no longer show, it answers 403 with a
    part that says so and polls no more (cockpit/kiosk.js swaps it in rather than keep stale figures)."""
    display, refusal = kiosk.admit(request.COOKIES.get(kiosk.COOKIE_NAME, ""))
    if refusal:
        return _kiosk_refused(request, refusal, "cockpit/_kiosk_refused.html")
    response = render(request, "cockpit/_live.html", _kiosk_context(request, display))
    kiosk.seen(display, request, response)
    return response


def _kiosk_context(request, display: WallDisplay) -> dict:
    # The owner's cockpit through the one scoping layer: the panels read `request.user`, so they get a copy
    # of the request that carries the owner. The response itself is rendered for the anonymous screen (no
    # menu, no CSRF token: there is nothing it could post).
    as_owner = copy.copy(request)
    as_owner.user = display.owner
    return {
        **cockpit_context(as_owner),
        "wall": True,
        "kiosk": True,
        "display": display,
        "live_url": reverse("cockpit:kiosk_live"),
    }


def _kiosk_refused(request, refusal: str, template: str):
    record_denial(request, reason=f"wall display {refusal}")
    if refusal == kiosk.STOPPED:
        title = _("This wall display has been stopped")
        hint = _("Its owner may pair the screen again from the cockpit (Wall displays).")
    else:
        title = _("This screen is not paired as a wall display")
        hint = _(
            "Create a wall display in the cockpit (Wall displays) and open its pairing link on this screen."
        )
    context = {"refusal": refusal, "title": title, "hint": hint}
    return render(request, template, context, status=403)
