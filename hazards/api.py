"""REST API of the loop (API.md "Hazards"): list/create/detail, actions with `version`, the timeline,
the statistics. Viewsets parse input, pass the gate and call one service; rules live in the services."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from attachments.models import Attachment
from audit.services import timeline
from core.api import GroupKeyField, ScopedViewSetMixin, display_field
from core.errors import InvalidInput, NotAllowed
from core.masking import phone_for
from core.parsers import ObjectJSONParser
from core.workflow_api import add_workflow_actions, form_serializer
from hazards import services
from hazards.api_list import DeferredRows, HazardPagination, shape_rows
from hazards.filters import HazardFilter
from hazards.models import Hazard
from hazards.policy import POLICY
from hazards.rules import FLOW
from hazards.selectors import hazard_stats


class SupervisionSerializer(serializers.ModelSerializer):
    authority = serializers.CharField(source="listing_authority")
    document_number = serializers.CharField(source="listing_document")
    due_date = serializers.DateField(source="listing_due_date")
    supervising_department = serializers.CharField(source="supervising_department.display_name", default=None)

    class Meta:
        model = Hazard
        fields = ["authority", "document_number", "due_date", "listed_at", "supervising_department"]


class HazardSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    town_name = serializers.CharField(source="town.display_name", read_only=True)
    sector_name = serializers.CharField(source="sector.display_name", read_only=True)
    category_display = display_field("category")
    level_display = display_field("level")
    source_display = display_field("source")
    state_display = display_field("state")
    overdue = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()
    listed_supervision = serializers.BooleanField(source="listed", read_only=True)
    supervision = serializers.SerializerMethodField()
    criterion_text = serializers.CharField(
        source="criterion.text", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = Hazard
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "town",
            "town_name",
            "sector",
            "sector_name",
            "category",
            "category_display",
            "level",
            "level_display",
            "source",
            "source_display",
            "title",
            "description",
            "location",
            "area",
            "equipment",
            "process",
            "state",
            "state_display",
            "deadline",
            "days_left",
            "discovered_at",
            "discoverer",
            "criterion",
            "criterion_text",
            "legal_basis",
            "risk_point",
            "origin_type",
            "origin_id",
            "reported_at",
            "measures",
            "responsible_person",
            "funds",
            "contingency_plan",
            "overdue",
            "listed_supervision",
            "supervision",
            "version",
        ]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()

    def get_days_left(self, obj) -> int | None:
        return obj.days_left()

    def get_supervision(self, obj) -> dict | None:
        return SupervisionSerializer(obj).data if obj.listed else None


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    uploaded_by = serializers.CharField(source="uploaded_by.display_name", default=None)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "size",
            "content_type",
            "purpose",
            "uploaded_at",
            "uploaded_by",
            "lat",
            "lng",
            "url",
        ]

    def get_url(self, obj) -> str:
        return reverse("attachments:download", args=[obj.pk])


class HazardDetailSerializer(HazardSerializer):
    responsible_phone = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()
    progress_notes = serializers.SerializerMethodField()

    class Meta(HazardSerializer.Meta):
        fields = [
            *HazardSerializer.Meta.fields,
            "responsible_phone",
            "original_deadline",
            "plan_goal",
            "plan_methods",
            "plan_resources",
            "plan_organisation",
            "plan_schedule",
            "plan_safety",
            "rectification_note",
            "cost",
            "submitted_at",
            "reject_reason",
            "accepted_at",
            "acceptance_note",
            "closed_at",
            "close_note",
            "cancel_reason",
            "overdue_explanation",
            "notice_serial",
            "acceptance_serial",
            "attachments",
            "extensions",
            "progress_notes",
        ]

    def get_responsible_phone(self, obj) -> str:
        # R-REG-2: masked for roles without the need, like every personal number in responses.
        request = self.context.get("request")
        return phone_for(getattr(request, "user", None), obj.responsible_phone, obj.enterprise_id)

    def get_attachments(self, obj) -> list:
        qs = Attachment.objects.for_owner(obj).select_related("uploaded_by")
        return EvidenceSerializer(qs, many=True).data

    def get_extensions(self, obj) -> list:
        return [
            {
                "old_deadline": e.old_deadline,
                "new_deadline": e.new_deadline,
                "reason": e.reason,
                "state": e.state,
                "state_display": e.get_state_display(),
                "requested_at": e.requested_at,
                "decided_at": e.decided_at,
                "decision_note": e.decision_note,
            }
            for e in obj.extensions.all()
        ]

    def get_progress_notes(self, obj) -> list:
        return [
            {"month": n.month.strftime("%Y-%m"), "text": n.text, "written_at": n.written_at}
            for n in obj.progress_notes.all()
        ]


class HazardCreateSerializer(serializers.Serializer):
    """Parsing only; the service validates (scope, roles, codes)."""

    enterprise = serializers.IntegerField()
    sector = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    title = serializers.CharField(allow_blank=True, max_length=200)
    category = serializers.CharField()
    level = serializers.CharField(required=False, default="general")
    source = serializers.CharField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    area = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    equipment = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    process = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    discovered_at = serializers.DateTimeField(required=False, allow_null=True)
    discoverer = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    criterion = serializers.IntegerField(required=False, allow_null=True)
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    risk_point = serializers.IntegerField(required=False, allow_null=True)
    attachments = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class HazardViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Hazards in the caller's scope; out of scope is 404 (API.md)."""

    scoped_model = Hazard
    filter_backends = [DjangoFilterBackend]
    filterset_class = HazardFilter
    pagination_class = HazardPagination

    def base_queryset(self):
        return Hazard.objects.for_list().order_by("-reported_at", "-id")

    @extend_schema(responses=HazardSerializer(many=True))
    def list(self, request, *args, **kwargs):
        # HazardSerializer's fields, shaped from plain rows (issue 7; hazards/api_list.py).
        page = self.paginate_queryset(DeferredRows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(shape_rows(page))

    def get_serializer_class(self):
        if self.action == "retrieve" or self.action in ACTIONS:
            return HazardDetailSerializer
        if self.action == "create":
            return HazardCreateSerializer
        return HazardSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("extensions", "progress_notes")
        return qs

    @extend_schema(request=HazardCreateSerializer, responses={201: HazardDetailSerializer})
    def create(self, request):
        if not POLICY.can(request.user, "report"):  # API.md: the role (403) before the input (400)
            raise NotAllowed(_("Your role may not register hazards."))
        form = HazardCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        hazard = services.report_hazard(actor=request.user, **form.validated_data)
        return Response(self._detail(hazard), status=status.HTTP_201_CREATED)

    def _detail(self, hazard: Hazard) -> dict:
        hazard = Hazard.objects.for_list().prefetch_related("extensions", "progress_notes").get(pk=hazard.pk)
        return HazardDetailSerializer(hazard, context=self.get_serializer_context()).data

    @extend_schema(request=form_serializer("HazardProgress", FLOW["progress"].form))
    @action(detail=True, methods=["post"], url_path="progress-notes", parser_classes=[ObjectJSONParser])
    def progress(self, request, pk=None):
        """R-HAZ-8: a monthly progress note of a listed hazard (`month` as YYYY-MM-DD). A note does not
        change the hazard's version, so none is sent."""
        hazard = self.get_object()
        services.add_progress_note(actor=request.user, hazard=hazard, data=_body(request))
        return Response(self._detail(hazard))

    @extend_schema(
        responses=inline_serializer(
            name="HazardEvent",
            fields={
                "at": serializers.DateTimeField(),
                "actor": serializers.CharField(),
                "action": serializers.CharField(),
                "from_state": serializers.CharField(),
                "to_state": serializers.CharField(),
                "data": serializers.DictField(),
            },
            many=True,
        )
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, pk=None):
        hazard = self.get_object()
        return Response(event_rows(hazard))


ACTIONS = {
    "assign",
    "submit",
    "accept",
    "reject",
    "close",
    "cancel",
    "supervise",
    "plan",
    "request_extension",
    "decide_extension",
    "progress",
}


def event_rows(hazard: Hazard) -> list[dict]:
    rows = []
    for event in timeline(hazard):
        data = dict(event.data or {})
        rows.append(
            {
                "at": serializers.DateTimeField().to_representation(event.at),
                "actor": event.actor.display_name if event.actor else event.actor_name,
                "action": event.action,
                "from_state": data.pop("from_state", ""),
                "to_state": data.pop("to_state", ""),
                "data": data,
            }
        )
    return rows


def _body(request) -> dict:
    return {k: v for k, v in request.data.items() if k != "version"} if hasattr(request.data, "items") else {}


def _on_hazard(service):
    """The workflow route's call `(hazard, actor=, version=, data=)` → the hazard service's keywords."""

    def call(hazard, *, actor, version, data):
        service(actor=actor, hazard=hazard, version=version, data=data)
        return hazard

    return call


# API.md "Hazards": each action is `POST /hazards/{id}/<action>/` with `version`, answering the updated
# hazard; its body is typed from the action's form in hazards.rules.FLOW (the one the service validates).
add_workflow_actions(
    HazardViewSet,
    FLOW,
    services={
        "assign": _on_hazard(services.assign_rectification),
        "submit": _on_hazard(services.submit_rectification),
        "accept": _on_hazard(services.accept_rectification),
        "reject": _on_hazard(services.reject_rectification),
        "close": _on_hazard(services.close_hazard),
        "cancel": _on_hazard(services.cancel_hazard),
        "supervise": _on_hazard(services.supervise_hazard),
        "plan": _on_hazard(services.save_treatment_plan),
        "request_extension": _on_hazard(services.request_extension),
        "decide_extension": _on_hazard(services.decide_extension),
    },
    response=lambda view, hazard: view._detail(hazard),
    response_serializer=HazardDetailSerializer,
)


class HazardStatsView(APIView):
    """API.md: `/api/v1/stats/hazards/?group_by=town|sector|department`, scoped to the caller."""

    @extend_schema(
        parameters=[
            OpenApiParameter("group_by", str, enum=["town", "sector", "department"]),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="registered on or after"),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="registered on or before"),
        ],
        responses=inline_serializer(
            name="HazardStatsRow",
            fields={
                "key": GroupKeyField(),
                "name": serializers.CharField(),
                "found": serializers.IntegerField(),
                "open": serializers.IntegerField(),
                "rectified": serializers.IntegerField(),
                "overdue": serializers.IntegerField(),
                "major_open": serializers.IntegerField(),
                "rectification_rate": serializers.FloatField(),
                "on_time_rate": serializers.FloatField(),
            },
            many=True,
        ),
    )
    def get(self, request):
        group_by = request.query_params.get("group_by", "town")
        if group_by not in ("town", "sector", "department"):
            raise InvalidInput.field("group_by", _("Choose town, sector or department."))
        period = {}
        for key in ("date_from", "date_to"):
            raw = request.query_params.get(key)
            if raw:
                try:
                    period[key] = dt.date.fromisoformat(raw)
                except ValueError:
                    raise InvalidInput.field(key, _("Enter a date as YYYY-MM-DD."))
        return Response(hazard_stats(request.user, group_by, **period))
