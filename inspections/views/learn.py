"""Learn from one case (举一反三): the ranking with reasons, and the one action that launches the follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.views import apply_domain_errors, page_status
from inspections import services
from inspections.forms import FollowupForm
from inspections.models import Campaign
from inspections.similarity import load_source, rank_similar
from inspections.views.common import can_plan

SHOWN = 60


@login_required
def learn(request):
    """`?accident=<id>` or `?hazard=<id>` (the accidents and hazards modules link here)."""
    params = request.POST if request.method == "POST" else request.GET
    source = load_source(request.user, accident=params.get("accident"), hazard=params.get("hazard"))
    form = FollowupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.launch_followup(
                actor=request.user,
                source=source,
                enterprise_ids=request.POST.getlist("enterprise"),
                name=form.cleaned_data["name"],
                deadline=form.cleaned_data["deadline"],
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The follow-up campaign was launched with its own checklist."))
            return redirect(campaign)
    matches = rank_similar(request.user, source, limit=SHOWN)
    earlier = Campaign.objects.visible_to(request.user).filter(source_type=source.type, source_id=source.id)
    preselected = {m.enterprise.pk for m in matches[:10]}
    if request.method == "POST":  # a refused launch keeps the enterprises the official ticked
        preselected = {int(pk) for pk in request.POST.getlist("enterprise") if pk.isdigit()}
    return render(
        request,
        "inspections/learn.html",
        {
            "source": source,
            "matches": matches,
            "preselected": preselected,
            "form": form,
            "earlier": earlier,
            "can_plan": can_plan(request.user),
            "param": "hazard" if source.type == "hazards.hazard" else "accident",
        },
        status=page_status(form),
    )
