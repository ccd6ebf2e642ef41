"""REST API: accidents exactly as API.md fixes them, cases, warning-education sessions, statistics."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accidents import library, services
from accidents.choices import AudienceKind, ReportingFindingKind, ReportKind, Step
from accidents.filters import AccidentFilter, CaseFilter, SessionFilter
from accidents.models import (
    Accident,
    AccidentReport,
    Case,
    EducationSession,
    Finding,
    Investigation,
    Measure,
    ReportDeadline,
)
from accidents.selectors import GROUPS, accident_stats
from accidents.services import chain
from core.api import GroupKeyField, ScopedViewSetMixin, display_field
from core.choices import AccidentType
from core.masking import phone_for
from core.scoping import get_visible_or_404
from registry.models import Department, Enterprise, Jurisdiction, Sector

_dt = serializers.DateTimeField()


class AccidentSerializer(serializers.ModelSerializer):
    town = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.towns())
    town_name = serializers.CharField(source="town.display_name", read_only=True)
    # A plain id: the service answers an unknown and an out-of-scope enterprise alike.
    enterprise = serializers.IntegerField(
        source="enterprise_id", allow_null=True, required=False, min_value=1
    )
    enterprise_name = serializers.CharField(
        source="enterprise.name", read_only=True, default=None, allow_null=True
    )
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all())
    sector_name = serializers.CharField(source="sector.display_name", read_only=True)
    accident_type = serializers.ChoiceField(choices=AccidentType.choices)
    accident_type_display = display_field("accident_type")
    level_display = display_field("level")
    state_display = display_field("state")
    deaths = serializers.IntegerField(min_value=0, max_value=100000, required=False, default=0)
    missing = serializers.IntegerField(min_value=0, max_value=100000, required=False, default=0)
    serious_injuries = serializers.IntegerField(min_value=0, max_value=100000, required=False, default=0)
    minor_injuries = serializers.IntegerField(min_value=0, max_value=100000, required=False, default=0)
    direct_loss = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, default=0
    )
    report_deadlines = serializers.SerializerMethodField()
    # R-ACC-8 / R-ACC-9 / R-ACC-7: the chain around the reports.
    unit_informed_at = serializers.DateTimeField(required=False, allow_null=True)
    larger_near_miss = serializers.BooleanField(required=False)
    chain_steps = serializers.SerializerMethodField()
    reporting_findings = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="On PATCH: the version the client read; a stale one answers 409. Optional (API.md fixes "
        "PATCH of the casualty numbers without it): when absent, the version this request reads is used.",
    )
    note = serializers.CharField(required=False, write_only=True, allow_blank=True, max_length=200)

    class Meta:
        model = Accident
        fields = [
            "id",
            "title",
            "occurred_at",
            "town",
            "town_name",
            "address",
            "lat",
            "lng",
            "enterprise",
            "enterprise_name",
            "sector",
            "sector_name",
            "accident_type",
            "accident_type_display",
            "standard",
            "deaths",
            "missing",
            "serious_injuries",
            "minor_injuries",
            "direct_loss",
            "narrative",
            "measures_taken",
            "reporter_name",
            "reporter_phone",
            "level",
            "level_display",
            "state",
            "state_display",
            "report_deadlines",
            "unit_informed_at",
            "unit_informed_assumed",
            "bypass_reported_to",
            "bypass_reported_at",
            "larger_near_miss",
            "near_miss_reason",
            "chain_steps",
            "reporting_findings",
            "reported_at",
            "express_number",
            "closed_at",
            "version",
            "note",
        ]
        read_only_fields = [
            "title",
            "standard",
            "level",
            "state",
            "reported_at",
            "express_number",
            "closed_at",
            "unit_informed_assumed",
        ]

    def get_chain_steps(self, obj) -> list[dict]:
        now = self.context.get("now") or timezone.now()
        return [
            {
                "step": c.step,
                "step_display": c.get_step_display(),
                "due_at": _dt.to_representation(c.due_at) if c.due_at else None,
                "done_at": _dt.to_representation(c.done_at) if c.done_at else None,
                "overdue": c.is_overdue(now),
                "note": c.note,
            }
            for c in obj.chain_steps.all()
        ]

    def get_reporting_findings(self, obj) -> list[dict]:
        return [
            {
                "kind": f.kind,
                "kind_display": f.get_kind_display(),
                "note": f.note,
                "recorded_at": f.recorded_at,
            }
            for f in obj.reporting_findings.all()
        ]

    def get_report_deadlines(self, obj) -> list[dict]:
        now = self.context.get("now") or timezone.now()
        return [
            {
                "step": d.step,
                "due_at": _dt.to_representation(d.due_at),
                "done_at": _dt.to_representation(d.done_at) if d.done_at else None,
                "overdue": d.is_overdue(now),
            }
            for d in obj.deadlines.all()
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["reporter_phone"] = phone_for(
            self.context["request"].user, data["reporter_phone"], instance.enterprise_id
        )
        return data


def _service_data(validated: dict) -> dict:
    data = dict(validated)
    if "enterprise_id" in data:
        data["enterprise"] = data.pop("enterprise_id")
    return data


class AccidentUpdateSerializer(AccidentSerializer):
    """PATCH: only what is sent changes; casualty numbers go through supplementary reporting (R-ACC-3)."""

    deaths = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    missing = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    serious_injuries = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    minor_injuries = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    direct_loss = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False)


class StepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=Step.choices)
    at = serializers.DateTimeField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ChainStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=sorted(chain.RECORDABLE))
    at = serializers.DateTimeField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ReportingFindingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportingFindingKind.choices)
    note = serializers.CharField(max_length=500)


class ReportSerializer(serializers.ModelSerializer):
    # Only follow-up and final reports are posted; the service refuses the others (400).
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    kind_display = display_field("kind")
    text = serializers.CharField()

    class Meta:
        model = AccidentReport
        fields = ["id", "kind", "kind_display", "submitted_at", "text", "numbers"]
        read_only_fields = ["submitted_at", "numbers"]


class AccidentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Accidents in the caller's scope (API.md). Filters `town`, `sector`, `accident_type`, `level`,
    `state`, `year`, `enterprise`, `q`. `level` is computed (R-ACC-1); `report_deadlines` are the clocks."""

    scoped_model = Accident
    serializer_class = AccidentSerializer
    filterset_class = AccidentFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return (
            Accident.objects.for_list()
            .prefetch_related(
                Prefetch("deadlines", queryset=ReportDeadline.objects.order_by("due_at", "id")),
                "chain_steps",
                "reporting_findings",
            )
            .order_by("-occurred_at", "-id")
        )

    def get_serializer_class(self):
        return AccidentUpdateSerializer if self.action == "partial_update" else AccidentSerializer

    def create(self, request, *args, **kwargs):
        services.require(request.user, "record_accident")  # API.md: the role (403) before the input (400)
        return super().create(request, *args, **kwargs)

    def partial_update(self, request, *args, **kwargs):
        self.get_object()
        services.require(request.user, "update_accident")
        return super().partial_update(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = _service_data(serializer.validated_data)
        data.pop("version", None)
        data.pop("note", None)
        accident = services.record_accident(actor=self.request.user, data=data)
        serializer.instance = self.base_queryset().get(pk=accident.pk)

    def perform_update(self, serializer):
        data = _service_data(serializer.validated_data)
        # API.md fixes PATCH without a version (documented optional): absent, the version read here is used.
        version = data.pop("version", serializer.instance.version)
        accident = services.update_accident(
            actor=self.request.user, accident=serializer.instance, data=data, version=version
        )
        serializer.instance = self.base_queryset().get(pk=accident.pk)

    @extend_schema(request=StepSerializer, responses=AccidentSerializer)
    @action(detail=True, methods=["post"], url_path="report-steps")
    def report_steps(self, request, pk=None):
        """Mark a due report (R-ACC-2) as made."""
        accident = self.get_object()
        services.require(
            request.user,
            "mark_unit_step" if request.data.get("step") == Step.UNIT_TO_DISTRICT else "mark_escalation_step",
        )
        serializer = StepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.mark_step_done(actor=request.user, accident=accident, **serializer.validated_data)
        return Response(self.get_serializer(self.base_queryset().get(pk=accident.pk)).data)

    @extend_schema(request=ChainStepSerializer, responses=AccidentSerializer)
    @action(detail=True, methods=["post"], url_path="chain-steps")
    def chain_steps(self, request, pk=None):
        """Record a step of the chain (R-ACC-8): a notification, the report to the district government, the
        government's receipt of the investigation report and its reply, the rectification evaluation."""
        accident = self.get_object()
        # The role first (403 before 400): the duty room records notifications, investigators the rest;
        # the service then checks the role of the step itself.
        if not (
            services.can(request.user, "mark_escalation_step") or services.can(request.user, "investigate")
        ):
            services.require(request.user, "investigate")
        serializer = ChainStepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        chain.record_chain_step(actor=request.user, accident=accident, **serializer.validated_data)
        return Response(self.get_serializer(self.base_queryset().get(pk=accident.pk)).data)

    @extend_schema(request=ReportingFindingSerializer, responses=AccidentSerializer)
    @action(detail=True, methods=["post"], url_path="reporting-findings")
    def reporting_findings(self, request, pk=None):
        """R-ACC-7: omitted, false or concealed reporting, as an investigator finds it."""
        accident = self.get_object()
        services.require(request.user, "investigate")
        serializer = ReportingFindingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        chain.record_reporting_finding(actor=request.user, accident=accident, **serializer.validated_data)
        return Response(self.get_serializer(self.base_queryset().get(pk=accident.pk)).data)

    @extend_schema(methods=["GET"], responses=ReportSerializer(many=True))
    @extend_schema(methods=["POST"], request=ReportSerializer, responses={201: ReportSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def reports(self, request, pk=None):
        """The initial, follow-up, supplementary and final reports; POST a follow-up or the final report."""
        accident = self.get_object()
        if request.method == "POST":
            services.require(request.user, "submit_report")
            serializer = ReportSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            report = services.submit_report(
                actor=request.user, accident=accident, **serializer.validated_data
            )
            return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)
        return Response(ReportSerializer(accident.reports.order_by("submitted_at", "id"), many=True).data)


class FindingSerializer(serializers.ModelSerializer):
    responsibility_display = display_field("responsibility")
    measure_display = display_field("measure")

    class Meta:
        model = Finding
        fields = [
            "id",
            "party",
            "position",
            "responsibility",
            "responsibility_display",
            "measure",
            "measure_display",
            "note",
        ]


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "text", "enterprise", "hazard_id", "created_at"]


class InvestigationSerializer(serializers.ModelSerializer):
    findings = FindingSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)
    report_attachments = serializers.SerializerMethodField()

    class Meta:
        model = Investigation
        fields = [
            "id",
            "lead_unit",
            "team",
            "opened_at",
            "deadline",
            "extended",
            "extension_reason",
            "direct_causes",
            "indirect_causes",
            "lessons",
            "closed_at",
            "findings",
            "measures",
            "report_attachments",
        ]

    def get_report_attachments(self, obj) -> list[int]:
        return list(services.report_documents(obj).values_list("pk", flat=True))


class CaseSerializer(serializers.ModelSerializer):
    origin_display = display_field("origin")
    level_display = display_field("level")
    accident_type = serializers.ChoiceField(choices=AccidentType.choices, required=False, allow_blank=True)
    accident_type_display = display_field("accident_type")
    sector = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), required=False, allow_null=True
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=20), required=False, max_length=12)
    deaths = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    serious_injuries = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    direct_loss = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False)
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="On PATCH: the version the client read; a stale one answers 409. When absent, the version "
        "this request reads is used.",
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "origin",
            "origin_display",
            "accident",
            "title",
            "occurred_on",
            "place",
            "town",
            "sector",
            "accident_type",
            "accident_type_display",
            "standard",
            "level",
            "level_display",
            "deaths",
            "serious_injuries",
            "direct_loss",
            "summary",
            "causes",
            "lessons",
            "tags",
            "source",
            "created_at",
            "version",
        ]
        read_only_fields = ["origin", "accident", "town", "standard", "level", "created_at"]


class AccidentInvestigationView(APIView):
    """The investigation of an accident (R-ACC-5): team, deadline, causes, findings, measures, report."""

    @extend_schema(responses=InvestigationSerializer)
    def get(self, request, pk):
        accident = get_visible_or_404(Accident.objects.all(), request.user, pk=pk)
        investigation = get_object_or_404(
            Investigation.objects.prefetch_related("findings", "measures"), accident=accident
        )
        return Response(InvestigationSerializer(investigation).data)


class CaseViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The case library. Filters `sector`, `accident_type`, `level`, `origin`, `tag`; `q` searches Chinese
    text (word segmentation) over title, summary, causes, lessons and tags. POST adds an external case."""

    scoped_model = Case
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return Case.objects.select_related("sector").order_by("-occurred_on", "-id")

    def create(self, request, *args, **kwargs):
        services.require(request.user, "edit_case")
        return super().create(request, *args, **kwargs)

    def partial_update(self, request, *args, **kwargs):
        self.get_object()
        services.require(request.user, "edit_case")
        return super().partial_update(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)  # a new case starts at 1
        serializer.instance = library.add_external_case(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        # Optional, as on an accident's PATCH: when absent, the version this request read is used.
        version = data.pop("version", serializer.instance.version)
        serializer.instance = library.update_case(
            actor=self.request.user, case=serializer.instance, data=data, version=version
        )


class SessionSerializer(serializers.ModelSerializer):
    organiser_kind_display = display_field("organiser_kind")
    organiser_kind = serializers.ChoiceField(choices=AudienceKind.choices, required=False, allow_blank=True)
    town = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.towns(), required=False, allow_null=True
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )
    sector = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), required=False, allow_null=True
    )
    audience_towns = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.towns(), many=True, required=False
    )
    audience_departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), many=True, required=False
    )
    audience_enterprises = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), many=True, required=False
    )
    cases = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all(), many=True)
    attendee_names = serializers.CharField(required=False, allow_blank=True)
    attendee_count = serializers.IntegerField(required=False, min_value=0)
    attachments = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        write_only=True,
        help_text="Ids of uploaded materials (POST /api/v1/attachments/).",
    )
    materials_attachments = serializers.SerializerMethodField()

    def get_materials_attachments(self, obj) -> list[int]:
        known = self.context.get("materials_by_session")
        if known is not None:
            return known.get(obj.pk, [])
        return [a.pk for a in library.session_materials(obj)]

    class Meta:
        model = EducationSession
        fields = [
            "id",
            "held_on",
            "title",
            "organiser_kind",
            "organiser_kind_display",
            "town",
            "department",
            "enterprise",
            "sector",
            "audience_towns",
            "audience_departments",
            "audience_enterprises",
            "cases",
            "attendee_names",
            "attendee_count",
            "materials",
            "attachments",
            "materials_attachments",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class SessionViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Warning-education sessions (警示教育) of the caller's towns, departments or enterprise."""

    scoped_model = EducationSession
    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def base_queryset(self):
        return (
            EducationSession.objects.select_related("sector")
            .prefetch_related("audience_towns", "audience_departments", "audience_enterprises", "cases")
            .order_by("-held_on", "-id")
        )

    def create(self, request, *args, **kwargs):
        services.require(request.user, "record_session")
        return super().create(request, *args, **kwargs)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            # One query for the whole page's materials (a generic link cannot be prefetched).
            from attachments.models import Attachment

            found: dict[int, list[int]] = {}
            rows = Attachment.objects.filter(
                owner_type=EducationSession._meta.label_lower,
                owner_id__in=[s.pk for s in page],
                purpose=library.MATERIALS,
            ).values_list("owner_id", "pk")
            for owner_id, pk in rows.order_by("id"):
                found.setdefault(owner_id, []).append(pk)
            self.materials_by_session = found
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "materials_by_session"):
            context["materials_by_session"] = self.materials_by_session
        return context

    def perform_create(self, serializer):
        session = library.record_session(actor=self.request.user, data=dict(serializer.validated_data))
        serializer.instance = self.base_queryset().get(pk=session.pk)


class StatsSerializer(serializers.Serializer):
    key = GroupKeyField()
    name = serializers.CharField()
    accidents = serializers.IntegerField()
    deaths = serializers.IntegerField()
    serious_injuries = serializers.IntegerField()
    direct_loss = serializers.CharField()


class AccidentStatsView(APIView):
    """Accident counts and casualties grouped by month, type, sector, town or level, scoped to the caller."""

    @extend_schema(
        parameters=[
            OpenApiParameter("group_by", enum=list(GROUPS), required=True),
            OpenApiParameter("year", int, required=False),
        ],
        responses=StatsSerializer(many=True),
    )
    def get(self, request):
        group_by = request.query_params.get("group_by", "")
        if group_by not in GROUPS:
            raise ValidationError(
                {"group_by": [_("Choose one of: %(groups)s.") % {"groups": ", ".join(GROUPS)}]}
            )
        year = request.query_params.get("year")
        if year is not None and not (year.isdigit() and 1990 <= int(year) <= 2200):
            raise ValidationError({"year": [_("Enter a year.")]})
        return Response(accident_stats(request.user, group_by=group_by, year=int(year) if year else None))
