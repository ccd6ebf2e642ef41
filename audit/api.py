"""`GET /api/v1/audit-events/` (read only): the audit trail for the audit administrator; everyone else 403."""

from rest_framework import permissions, serializers, viewsets

from audit.filters import AuditEventFilter
from audit.models import AuditEvent
from audit.views import AUDIT_READERS
from core.api import display_field


class IsAuditReader(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_role(*AUDIT_READERS))


class AuditEventSerializer(serializers.ModelSerializer):
    outcome_display = display_field("outcome")
    actor = serializers.IntegerField(source="actor_id", read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_name",
            "actor_roles",
            "action",
            "outcome",
            "outcome_display",
            "target_type",
            "target_id",
            "target_repr",
            "data",
            "ip",
            "request_id",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEventSerializer
    permission_classes = [IsAuditReader]
    filterset_class = AuditEventFilter
    queryset = AuditEvent.objects.order_by("-id")
