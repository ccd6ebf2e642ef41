"""REST API: checklists, campaigns, tasks, inspections with item results, and the draws of API.md."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSetMixin, display_field
from core.scoping import get_visible_or_404
from core.workflow_api import add_workflow_actions
from inspections import services
from inspections.choices import CampaignKind, CampaignState, InspectionState, TaskState
from inspections.models import (
    Campaign,
    CampaignTarget,
    ChecklistItem,
    ChecklistTemplate,
    Draw,
    DrawAssignment,
    Inspection,
    InspectionTask,
    ItemResult,
)
from inspections.policy import POLICY
from inspections.rules import DRAW_FLOW
from inspections.selectors import campaign_progress
from inspections.services.common import safe_id
from inspections.services.draws import stored_pairs
from registry.models import Enterprise


class ChecklistItemSerializer(serializers.ModelSerializer):
    category_display = display_field("category")
    level_display = display_field("level")

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "number",
            "requirement",
            "requirement_en",
            "legal_basis",
            "category",
            "category_display",
            "level",
            "level_display",
            "is_key",
            "criterion",
        ]


class ChecklistSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = [
            "id",
            "family",
            "version",
            "is_current",
            "name",
            "name_en",
            "sector",
            "topic",
            "topic_en",
            "source_type",
            "source_id",
            "created_at",
            "items",
        ]


class ChecklistViewSet(viewsets.ReadOnlyModelViewSet):
    """Checklist templates (reference data for every official). `?all=true` lists old versions too."""

    serializer_class = ChecklistSerializer

    def get_queryset(self):
        qs = ChecklistTemplate.objects.prefetch_related(
            "items"
        )  # criterion: the FK id (API.md, R-INSP-5).order_by("family", "-version")
        if self.request.query_params.get("all") != "true" and self.action == "list":
            qs = qs.filter(is_current=True)
        return qs


class CampaignFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=CampaignState.choices)
    kind = django_filters.ChoiceFilter(choices=CampaignKind.choices)
    q = django_filters.CharFilter(method="search")

    class Meta:
        model = Campaign
        fields = ["state", "kind", "q"]

    def search(self, queryset, name, value):
        return (
            queryset.filter(Q(name__icontains=value) | Q(goal__icontains=value))
            if value.strip()
            else queryset
        )


class CampaignSerializer(serializers.ModelSerializer):
    kind_display = display_field("kind")
    state_display = display_field("state")
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    towns = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    participating_departments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "goal",
            "sectors",
            "towns",
            "start_date",
            "end_date",
            "lead_department",
            "participating_departments",
            "template",
            "state",
            "state_display",
            "source_type",
            "source_id",
            "source_label",
            "created_at",
            "version",
        ]


class CampaignWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=160)
    goal = serializers.CharField()
    sectors = serializers.ListField(child=serializers.CharField(), allow_empty=False)
    towns = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    template = serializers.IntegerField()
    lead_department = serializers.IntegerField(required=False, allow_null=True)
    participating_departments = serializers.ListField(child=serializers.IntegerField(), required=False)


class AssignSerializer(serializers.Serializer):
    deadline = serializers.DateField(help_text="Not before today.")
    town = serializers.IntegerField(
        required=False, allow_null=True, help_text="A town or street of the district; null: none."
    )
    department = serializers.IntegerField(
        required=False, allow_null=True, help_text="A department of the district; null: none."
    )
    inspectors = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Ids of active inspectors who may inspect the campaign's enterprises.",
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The campaign's `version` as read; stale → 409 and nothing changes. Left out: the "
        "current one.",
    )


class CampaignViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Campaigns (专项整治) and follow-ups (举一反三) in the caller's scope. Filters `state`, `kind`, `q`."""

    scoped_model = Campaign
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter

    def base_queryset(self):
        return Campaign.objects.prefetch_related("sectors", "towns", "participating_departments").order_by(
            "-start_date", "-id"
        )

    @extend_schema(request=CampaignWriteSerializer, responses=CampaignSerializer)
    def create(self, request, *args, **kwargs):
        # API.md: the role (403) before the input (400); the services check it again.
        POLICY.require(request.user, "plan", _("Your role may not launch campaigns."))
        data = CampaignWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.launch_campaign(actor=request.user, data=dict(data.validated_data))
        return Response(self.get_serializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AssignSerializer,
        responses=inline_serializer("Assigned", {"tasks": serializers.IntegerField()}),
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        campaign = self.get_object()
        POLICY.require(request.user, "plan", _("Your role may not change campaigns."))
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = {
            name: value for name, value in data.validated_data.items() if value is not None
        }  # null: none
        n = services.assign_tasks(actor=request.user, campaign=campaign, **given)
        return Response({"tasks": n})

    @extend_schema(responses=inline_serializer("CampaignProgress", {"total": serializers.DictField()}))
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """Targets, inspected, coverage (0–1), items checked, failures, hazards found and closed, overdue."""
        campaign = self.get_object()
        return Response(campaign_progress(request.user, campaign).as_dict())


ID_MAX = 2**63 - 1


class TaskFilter(django_filters.FilterSet):
    # An id outside the database's integer range is invalid input (400), never a crash.
    campaign = django_filters.NumberFilter(min_value=1, max_value=ID_MAX)
    state = django_filters.ChoiceFilter(choices=TaskState.choices)
    town = django_filters.NumberFilter(min_value=1, max_value=ID_MAX)
    mine = django_filters.BooleanFilter(method="filter_mine")
    q = django_filters.CharFilter(field_name="enterprise__name", lookup_expr="icontains")

    class Meta:
        model = InspectionTask
        fields = ["campaign", "state", "town", "mine", "q"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(inspectors=self.request.user) if value else queryset


class TaskSerializer(serializers.ModelSerializer):
    state_display = display_field("state")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    inspectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    inspection = serializers.SerializerMethodField()

    class Meta:
        model = InspectionTask
        fields = [
            "id",
            "campaign",
            "draw_pair",
            "enterprise",
            "enterprise_name",
            "town",
            "template",
            "assigned_town",
            "assigned_department",
            "inspectors",
            "deadline",
            "state",
            "state_display",
            "inspection",
            "version",
        ]

    def get_inspection(self, obj) -> int | None:
        inspection = getattr(obj, "inspection", None)
        return inspection.pk if inspection else None


class TaskAssignSerializer(serializers.Serializer):
    deadline = serializers.DateField(help_text="Not before today.")
    inspectors = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        min_length=1,
        help_text="Ids of active inspectors who may inspect the task's enterprise.",
    )
    version = serializers.IntegerField(min_value=0)


class TaskViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Inspection tasks: the caller's scope plus the tasks assigned to the caller. `?mine=true`."""

    scoped_model = InspectionTask
    serializer_class = TaskSerializer
    filterset_class = TaskFilter

    def base_queryset(self):
        return (
            InspectionTask.objects.select_related("enterprise", "inspection")
            .prefetch_related("inspectors")
            .order_by("deadline", "id")
        )

    @extend_schema(request=TaskAssignSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Change an open task's deadline and inspectors; `version` as read (stale → 409)."""
        task = self.get_object()
        POLICY.require(request.user, "plan", _("Your role may not change campaigns."))
        data = TaskAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.reassign_task(actor=request.user, task=task, **data.validated_data)
        return Response(TaskSerializer(self.get_queryset().get(pk=task.pk)).data)


class ItemResultSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="item.number", read_only=True)
    requirement = serializers.CharField(source="item.requirement", read_only=True)
    result_display = display_field("result")
    hazard = serializers.IntegerField(source="hazard_id", read_only=True, allow_null=True)

    class Meta:
        model = ItemResult
        fields = [
            "id",
            "item",
            "number",
            "requirement",
            "result",
            "result_display",
            "note",
            "hazard",
            "updated_at",
        ]


class InspectionSerializer(serializers.ModelSerializer):
    state_display = display_field("state")
    outcome_display = display_field("outcome")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    template_version = serializers.IntegerField(source="template.version", read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "task",
            "enterprise",
            "enterprise_name",
            "town",
            "template",
            "template_version",
            "state",
            "state_display",
            "inspector",
            "co_inspectors",
            "place",
            "people_present",
            "summary",
            "outcome",
            "outcome_display",
            "started_at",
            "finished_at",
            "record_serial",
            "order_serial",
            "version",
        ]


class InspectionDetailSerializer(InspectionSerializer):
    results = ItemResultSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "results"]


class StartSerializer(serializers.Serializer):
    task = serializers.IntegerField(required=False)
    enterprise = serializers.IntegerField(required=False)
    template = serializers.IntegerField(required=False)


class ResultWriteSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    result = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    based_on = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The item's `updated_at` the answer was based on (an answer captured offline). When the "
        "server's answer changed since and differs, nothing is saved: 409 with the server's answer in "
        "`current`. Left out: the last save wins.",
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The inspection's `version` as read; stale → 409 and nothing changes. Left out: the "
        "current one.",
    )


class DetailsSerializer(serializers.Serializer):
    place = serializers.CharField(required=False, allow_blank=True, default="")
    people_present = serializers.CharField(required=False, allow_blank=True, default="")
    co_inspectors = serializers.CharField(required=False, allow_blank=True, default="")
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The inspection's `version` as read; stale → 409 and nothing changes. Left out: the "
        "current one.",
    )


class FinishSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    not_operating = serializers.BooleanField(required=False, default=False)


class InspectionFilter(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(min_value=1, max_value=ID_MAX)
    state = django_filters.ChoiceFilter(choices=InspectionState.choices)
    town = django_filters.NumberFilter(min_value=1, max_value=ID_MAX)
    campaign = django_filters.NumberFilter(field_name="task__campaign", min_value=1, max_value=ID_MAX)
    q = django_filters.CharFilter(method="search")

    class Meta:
        model = Inspection
        fields = ["enterprise", "state", "town", "campaign", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(record_serial__icontains=value))


class InspectionViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Field inspections with their item results; drafts are saved item by item (`results`)."""

    scoped_model = Inspection
    filterset_class = InspectionFilter

    def get_serializer_class(self):
        return InspectionDetailSerializer if self.action != "list" else InspectionSerializer

    def base_queryset(self):
        qs = Inspection.objects.select_related("enterprise", "template").order_by("-started_at", "-id")
        if self.action != "list":
            qs = qs.prefetch_related(Prefetch("results", ItemResult.objects.select_related("item")))
        return qs

    def _detail(self, inspection, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=inspection.pk)
        return Response(
            InspectionDetailSerializer(fresh, context={"request": self.request}).data, status=code
        )

    @extend_schema(request=StartSerializer, responses=InspectionDetailSerializer)
    def create(self, request, *args, **kwargs):
        """Start (or resume) the inspection of a task, or an unplanned one of an enterprise."""
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values.get("task"):
            task = get_visible_or_404(InspectionTask.objects.all(), request.user, pk=values["task"])
            inspection = services.start_inspection(actor=request.user, task=task)
        else:
            enterprise = (
                Enterprise.objects.visible_to(request.user)
                .filter(pk=safe_id(values.get("enterprise")))
                .first()
            )
            template = ChecklistTemplate.objects.current().filter(pk=safe_id(values.get("template"))).first()
            inspection = services.start_inspection(
                actor=request.user, enterprise=enterprise, template=template
            )
        return self._detail(inspection, status.HTTP_201_CREATED)

    @extend_schema(request=ResultWriteSerializer, responses=ItemResultSerializer)
    @action(detail=True, methods=["post"])
    def results(self, request, pk=None):
        inspection = self.get_object()
        POLICY.require(request.user, "inspect", _("Your role may not inspect."))
        data = ResultWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.save_item_result(
            actor=request.user,
            inspection=inspection,
            item_id=data.validated_data["item"],
            result=data.validated_data["result"],
            note=data.validated_data["note"],
            based_on=data.validated_data["based_on"],
            version=data.validated_data.get("version"),
        )
        row = ItemResult.objects.select_related("item").get(pk=row.pk)
        return Response(ItemResultSerializer(row).data)

    @extend_schema(request=DetailsSerializer, responses=InspectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def details(self, request, pk=None):
        inspection = self.get_object()
        data = DetailsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.update_inspection_details(actor=request.user, inspection=inspection, **data.validated_data)
        return self._detail(inspection)

    @extend_schema(request=FinishSerializer, responses=InspectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        """Finish: every failed item becomes one hazard (prefilled from the item)."""
        inspection = self.get_object()
        POLICY.require(request.user, "inspect", _("Your role may not inspect."))
        data = FinishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.finish_inspection(actor=request.user, inspection=inspection, **data.validated_data)
        return self._detail(inspection)


# --- Draws: exactly API.md -----------------------------------------------------------------------


class DrawSerializer(serializers.ModelSerializer):
    pairs = serializers.SerializerMethodField()
    pool = serializers.SerializerMethodField()
    inspector_pool = serializers.SerializerMethodField()

    class Meta:
        model = Draw
        fields = [
            "id",
            "seed",
            "created_at",
            "count",
            "inspectors_per_entity",
            "pool",
            "inspector_pool",
            "pairs",
            "state",
            "version",
            "undo_reason",
        ]

    def get_pairs(self, obj) -> list[dict]:
        return [{"enterprise": e, "inspectors": i} for e, i in stored_pairs(obj)]

    def get_pool(self, obj) -> dict:
        return {"town": obj.town_id, "sector": obj.sector_id}

    def get_inspector_pool(self, obj) -> dict:
        return {"town": obj.inspector_town_id, "department": obj.inspector_department_id}


class DrawListSerializer(DrawSerializer):
    def get_pairs(self, obj) -> list[dict]:
        pairs = []
        for pair in obj.pairs.all():
            inspectors = sorted(pair.assignments.all(), key=lambda a: a.position)
            pairs.append(
                {"enterprise": pair.enterprise_id, "inspectors": [a.inspector_id for a in inspectors]}
            )
        return pairs


class DrawWriteSerializer(serializers.Serializer):
    pool = serializers.DictField(required=False)
    inspector_pool = serializers.DictField(required=False)
    count = serializers.IntegerField()
    inspectors_per_entity = serializers.IntegerField(required=False, default=2)
    seed = serializers.IntegerField(required=False, allow_null=True)
    template = serializers.IntegerField(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)


class DrawViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Double-random draws (R-INSP-1): immutable once made; `verify` re-runs one from its stored seed."""

    scoped_model = Draw
    serializer_class = DrawListSerializer

    def base_queryset(self):
        return Draw.objects.prefetch_related(
            "pairs", Prefetch("pairs__assignments", DrawAssignment.objects.order_by("position"))
        ).order_by("-created_at", "-id")

    @extend_schema(request=DrawWriteSerializer, responses=DrawSerializer)
    def create(self, request, *args, **kwargs):
        POLICY.require(request.user, "plan", _("Your role may not make draws."))
        data = DrawWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        draw = services.make_draw(
            actor=request.user,
            pool=values.get("pool"),
            inspector_pool=values.get("inspector_pool"),
            count=values["count"],
            inspectors_per_entity=values.get("inspectors_per_entity", 2),
            seed=values.get("seed"),
            template=values.get("template"),
            deadline=values.get("deadline"),
        )
        return Response(DrawSerializer(draw).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=inline_serializer("DrawVerification", {"matches": serializers.BooleanField()}))
    @action(detail=True, methods=["get"])
    def verify(self, request, pk=None):
        draw = self.get_object()
        return Response({"matches": services.verify_draw(draw)})


# `POST /draws/{id}/undo/` {"version", "reason"}: before any task started (409 after), by its author or a
# district administrator; its tasks are withdrawn.
add_workflow_actions(
    DrawViewSet,
    DRAW_FLOW,
    services={"undo": services.undo_draw},
    response=lambda view, draw: DrawSerializer(draw).data,
    response_serializer=DrawSerializer,
)


# --- Campaign targets and learn-from-one-case ----------------------------------------------------


class TargetSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = CampaignTarget
        fields = ["id", "enterprise", "enterprise_name", "town", "added_by_hand", "match_reasons"]


class TargetsWriteSerializer(serializers.Serializer):
    enterprises = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False)
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The campaign's `version` as read; stale → 409 and nothing changes. Left out: the "
        "current one.",
    )


class CampaignTargetViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The target list of one campaign (`/campaigns/{id}/targets/`), scoped; POST adds enterprises."""

    scoped_model = CampaignTarget
    serializer_class = TargetSerializer

    def _campaign(self):
        return get_visible_or_404(Campaign.objects.all(), self.request.user, pk=self.kwargs["campaign_pk"])

    def base_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no campaign
            return CampaignTarget.objects.none()
        return (
            CampaignTarget.objects.filter(campaign=self._campaign())
            .select_related("enterprise")
            .order_by("town__code", "enterprise__name", "id")
        )

    @extend_schema(
        request=TargetsWriteSerializer,
        responses=inline_serializer("TargetsAdded", {"added": serializers.IntegerField()}),
    )
    def create(self, request, *args, **kwargs):
        campaign = self._campaign()
        POLICY.require(request.user, "plan", _("Your role may not change campaigns."))
        data = TargetsWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added = services.add_targets(
            actor=request.user,
            campaign=campaign,
            enterprises=data.validated_data["enterprises"],
            version=data.validated_data.get("version"),
        )
        return Response({"added": added}, status=status.HTTP_201_CREATED)


class MatchSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="enterprise.pk")
    name = serializers.CharField(source="enterprise.name")
    town = serializers.IntegerField(source="enterprise.town_id")
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class FollowupSerializer(serializers.Serializer):
    hazard = serializers.IntegerField(required=False, min_value=1)
    accident = serializers.IntegerField(required=False, min_value=1)
    enterprises = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=160)
    deadline = serializers.DateField(required=False, allow_null=True)


class LearnViewSet(viewsets.GenericViewSet):
    """Learn from one case (举一反三): `GET ?hazard=<id>` or `?accident=<id>` ranks the enterprises in the
    caller's scope with the same exposure, each with its reasons (paginated, best first, at most 200);
    `POST` launches the follow-up campaign."""

    serializer_class = MatchSerializer

    def get_queryset(self):
        return Campaign.objects.none()  # the ranking is computed, not a queryset (schema only)

    @extend_schema(responses=MatchSerializer(many=True))
    def list(self, request):
        from inspections.similarity import load_source, rank_similar

        source = load_source(
            request.user,
            accident=request.query_params.get("accident"),
            hazard=request.query_params.get("hazard"),
        )
        matches = rank_similar(request.user, source, limit=200)
        page = self.paginate_queryset(matches)
        return self.get_paginated_response(MatchSerializer(page, many=True).data)

    @extend_schema(request=FollowupSerializer, responses=CampaignSerializer)
    def create(self, request):
        from inspections.similarity import load_source

        data = FollowupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        source = load_source(request.user, accident=values.get("accident"), hazard=values.get("hazard"))
        campaign = services.launch_followup(
            actor=request.user,
            source=source,
            enterprise_ids=values["enterprises"],
            name=values["name"],
            deadline=values.get("deadline"),
        )
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)
