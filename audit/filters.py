import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    """Time range, user, action, outcome and object (MLPS 8.1.4.3: the records must be searchable)."""

    start = django_filters.DateTimeFilter(
        label=_("From"), field_name="at", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = django_filters.DateTimeFilter(
        label=_("Before"), field_name="at", lookup_expr="lt", widget=forms.DateInput(attrs={"type": "date"})
    )
    user = django_filters.CharFilter(label=_("User"), field_name="actor_name", lookup_expr="iexact")
    action = django_filters.CharFilter(label=_("Action"), field_name="action", lookup_expr="startswith")
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=AuditEvent.Outcome.choices)
    object_type = django_filters.CharFilter(label=_("Object type"), field_name="target_type")
    object_id = django_filters.NumberFilter(label=_("Object id"), field_name="target_id")
    ip = django_filters.CharFilter(label=_("Source IP"), field_name="ip")
    request_id = django_filters.CharFilter(label=_("Request id"), field_name="request_id")

    class Meta:
        model = AuditEvent
        fields = ["start", "end", "user", "action", "outcome", "object_type", "object_id", "ip", "request_id"]
