"""Reads of the accounts app that shape a page."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User


def account_summary(*, now=None) -> dict:
    """The administrators' home panel: what needs looking at among the accounts, in one query.

    "Dormant" follows the periodic account review of MLPS level 3: active accounts unused for 90 days.
    """
    now = now or timezone.now()
    dormant_before = now - timedelta(days=90)
    counts = User.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        disabled=Count("pk", filter=Q(is_active=False)),
        must_change=Count("pk", filter=Q(is_active=True, must_change_password=True)),
        dormant=Count(
            "pk",
            filter=Q(is_active=True)
            & (Q(last_login__lt=dormant_before) | Q(last_login__isnull=True, date_joined__lt=dormant_before)),
        ),
    )
    return {"counts": counts}
