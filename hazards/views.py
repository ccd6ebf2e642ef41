"""Hazard pages: list, register, detail, one form per action, documents, statistics."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from hazards.selectors import get_hazard_for_user


@login_required
def hazard_detail(request, pk: int):
    hazard = get_hazard_for_user(request.user, pk)
    return render(request, "hazards/hazard_detail.html", {"hazard": hazard})
