"""Audit record screens: readable by the audit administrator only (MLPS 8.1.4.2 d, 8.1.4.3)."""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.filters import AuditEventFilter
from audit.labels import action_label
from audit.models import AuditEvent
from core.choices import Role
from core.exports import Column
from core.views import ListPage

AUDIT_READERS = frozenset({Role.AUDIT_ADMIN})


def require_audit_reader(user) -> None:
    if not user.has_role(*AUDIT_READERS):
        raise PermissionDenied


def _local(value):
    return timezone.localtime(value).isoformat(timespec="seconds")


class AuditEventListPage(ListPage):
    template_name = "audit/event_list.html"
    rows_template = "audit/_event_rows.html"
    filterset_class = AuditEventFilter
    sort_fields = {"at": "at", "action": "action", "user": "actor_name"}
    default_sort = "-id"
    page_size = 50
    export_name = "audit-events"

    def queryset(self):
        return AuditEvent.objects.all()

    def export_columns(self):
        return [
            Column(_("Id"), lambda e: e.pk, 10),
            Column(_("Time"), lambda e: _local(e.at), 26),
            Column(_("User"), lambda e: e.actor_name, 16),
            Column(_("Roles"), lambda e: ", ".join(e.actor_roles), 20),
            Column(_("Source IP"), lambda e: e.ip, 16),
            Column(_("Action"), lambda e: action_label(e.action), 24),
            Column(_("Action code"), lambda e: e.action, 30),
            Column(_("Outcome"), lambda e: e.get_outcome_display(), 10),
            Column(_("Object type"), lambda e: e.target_type, 20),
            Column(_("Object id"), lambda e: e.target_id, 10),
            Column(_("Object"), lambda e: e.target_repr, 30),
            Column(_("Details"), lambda e: json.dumps(e.data, ensure_ascii=False), 50),
            Column(_("Request id"), lambda e: e.request_id, 34),
            Column(_("Hash"), lambda e: e.hash, 66),
        ]


@login_required
def event_list(request):
    require_audit_reader(request.user)
    page = AuditEventListPage(request)
    return page.response({"outcomes": AuditEvent.Outcome})


@login_required
def event_detail(request, pk: int):
    require_audit_reader(request.user)
    event = get_object_or_404(AuditEvent, pk=pk)
    return render(
        request,
        "audit/event_detail.html",
        {"event": event, "data": json.dumps(event.data, ensure_ascii=False, indent=2)},
    )


@login_required
def chain_verify(request):
    """The audit administrator checks the hash chain and the archives from the browser (read only)."""
    from audit.integrity import verify

    require_audit_reader(request.user)
    report = verify(archives=True)
    return render(request, "audit/verify.html", {"report": report})
