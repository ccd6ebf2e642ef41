"""The page of one transition, generated from the workflow table: its form, its button, its errors.

`transition_page(FLOW, queryset=…, services={...})` gives a view for a URL pattern taking `pk` and
`action` (the transition's `url_path`). GET shows the transition's form to those the table lets act on
the object now; POST calls the service. A refused role or guard answers 403 (on GET as on POST: the form
of an action the user may not take is never shown), an out-of-scope object 404, a stale version or illegal
state 409 and invalid input 400 — each with the form, the user's input kept and the message on the page.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.scoping import get_visible_or_404
from core.views import apply_domain_errors, refuse_to_page
from core.workflow import Workflow


class _Empty(forms.Form):
    pass


def transition_page(
    workflow: Workflow,
    *,
    queryset: Callable[[], object] | None = None,
    services: dict[str, Callable],
    template=None,
    page_forms: dict | None = None,
    receive: Callable | None = None,
    inline: dict[str, str] | None = None,
    success: dict | None = None,
    get_object: Callable | None = None,
):
    """`page_forms` gives an action a page form of its own (one with a file field, say); `receive(request,
    action, data)` turns what the page posted into the service's input (files stored, their ids added) and
    may refuse it with a DomainError, shown like the service's. `inline` names, per action, the form of the
    object's own page that posts it (`{"close": "close_form"}`): such an action has no page of its own
    (POST only), and a refusal draws the object's page again with that form as posted
    (`core.views.refuse_to_page`; the page reads it with `posted_or_blank`). `success`: the message per
    action, when "Done: <label>" says too little (or a function that says it, `_tell_done`). `get_object(request, pk)`: the object when the URL's `pk`
    is not its own (an accident's investigation is reached by the accident's id), gated as
    `get_visible_or_404` gates. The URL's other parts join the input under their own
    names (the measure a measure-to-hazard action names), after what was posted, so a post cannot override
    them."""
    by_path = {workflow[a].url_path: a for a in services}

    @login_required
    def view(request, pk, action, **url_kwargs):
        name = by_path.get(action)
        if name is None:
            raise Http404
        if name in (inline or {}) and request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        transition = workflow[name]
        if get_object is not None:
            obj = get_object(request, pk)
        else:
            obj = get_visible_or_404(queryset(), request.user, pk=pk)
        form_class = (page_forms or {}).get(name) or transition.form or _Empty
        status = 200
        if request.method == "POST":
            form = form_class(data=request.POST, files=request.FILES)
            try:
                result = _perform(
                    request,
                    services[name],
                    obj,
                    receive and (lambda d: receive(request, name, d)),
                    url_kwargs,
                )
            except DomainError as exc:
                if name in (inline or {}):
                    return refuse_to_page(request, exc, obj.get_absolute_url(), inline[name])
                form.is_valid()  # bind the field values so they render again
                apply_domain_errors(form, exc)
                status = exc.status_code
            else:
                _tell_done(request, transition, (success or {}).get(name), obj, result)
                return redirect(obj.get_absolute_url())
        else:
            form, status = _form_for_get(workflow, name, obj, request, form_class)
        context = {"object": obj, "transition": transition, "form": form, "version": obj.version}
        return render(request, template or "core/workflow/transition.html", context, status=status)

    return view


def _tell_done(request, transition, done, obj, result) -> None:
    """The success message: the action's own, or a function of the request, the object and what the
    service returned that says it (a measure added below the level its point requires is a warning)."""
    if callable(done):
        done(request, obj, result)
        return
    messages.success(
        request, str(done or _("Done: %(action)s.") % {"action": transition.label or transition.action})
    )


@transaction.atomic
def _perform(request, service, obj, receive, url_kwargs: dict):
    """What the page posted, received (files stored) and handed to the service in one transaction: a
    refusal leaves no stored file behind as an upload of the user's."""
    data = {k: v for k, v in request.POST.lists() if k not in ("version", "csrfmiddlewaretoken")}
    data = {k: (v if len(v) > 1 else v[0]) for k, v in data.items()} | url_kwargs
    if receive is not None:
        data = receive(data)
    return service(obj, actor=request.user, version=request.POST.get("version"), data=data)


def _form_for_get(workflow: Workflow, name: str, obj, request, form_class):
    """The same role, scope and guard as the service (403), and the state (409), before a form is offered."""
    if not workflow.may(request.user, name, obj):
        raise PermissionDenied(_("Your role may not do this here."))
    if not workflow.state_allows(name, workflow.state_of(obj)):
        messages.error(request, workflow.refusal(obj))
        return form_class(), 409
    return form_class(), 200
