"""REST API: supplies and plans/drills exactly as API.md fixes them, and the registers of preparedness."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core import calendar
from core.api import ScopedViewSetMixin, display_field
from core.masking import phone_for
from core.params import ID_MAX
from core.scoping import scope_of
from core.workflow_api import add_workflow_actions, form_serializer, serializer_field
from emergency import rules, selectors, services
from emergency.choices import MemberRole, PlanVersionState
from emergency.forms import (
    DeclarationForm,
    DrillRecordForm,
    MovementForm,
    PlanForm,
    PointForm,
    ShelterForm,
    TeamMemberCreateForm,
    TeamMemberForm,
    WarehouseForm,
    WarningForm,
)
from emergency.models import (
    Declaration,
    Drill,
    Movement,
    Plan,
    PlanVersion,
    RescueTeam,
    Shelter,
    StockBatch,
    SupplyItem,
    TeamMember,
    Warehouse,
    WaterloggingPoint,
    WeatherWarning,
    last_drill_of,
)
from emergency.rules import grade_of
from emergency.towns import visible_towns


def request_body(form_class, name: str):
    """The typed request body of a create operation, generated from the form the service validates with."""
    attrs = {field_name: serializer_field(f) for field_name, f in form_class.base_fields.items()}
    return type(name, (serializers.Serializer,), attrs)


def _int_param(request, name):
    """An id filter: a whole number the database's key can hold, else 400 (an overflowing one gave 500)."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 0 < value <= ID_MAX:
        raise ValidationError({name: [_("Enter a whole number.")]})
    return value


def edit_arguments(obj, form_class, body) -> dict:
    """A PATCH body as an edit service's `version` and `data`: the form's fields the body leaves out keep the
    record's values, so the service validates the whole record as the page form sends it."""
    if not isinstance(body, Mapping):
        return {"version": None, "data": body}  # the service refuses it as invalid input (400)
    data = {name: getattr(obj, obj._meta.get_field(name).attname) for name in form_class.base_fields}
    data.update((key, value) for key, value in body.items() if key in form_class.base_fields)
    return {"version": body.get("version"), "data": data}


# --- Supplies ------------------------------------------------------------------------------------


class WarehouseSerializer(serializers.ModelSerializer):
    level_display = display_field("level")

    class Meta:
        model = Warehouse
        fields = [
            "id",
            "name",
            "level",
            "level_display",
            "town",
            "enterprise",
            "location",
            "lat",
            "lng",
            "keeper",
            "phone",
            "is_active",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["phone"] = phone_for(self.context["request"].user, instance.phone, instance.enterprise_id)
        return data


class WarehouseViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    scoped_model = Warehouse
    serializer_class = WarehouseSerializer

    def base_queryset(self):
        return Warehouse.objects.order_by("pk")

    @extend_schema(
        request=request_body(WarehouseForm, "WarehouseCreateRequest"), responses=WarehouseSerializer
    )
    def create(self, request, *args, **kwargs):
        warehouse = services.create_warehouse(actor=request.user, data=request.data)
        return Response(self.get_serializer(warehouse).data, status=status.HTTP_201_CREATED)


class SupplyItemSerializer(serializers.ModelSerializer):
    category_display = display_field("category")
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = SupplyItem
        fields = [
            "id",
            "code",
            "name",
            "category",
            "category_display",
            "unit",
            "shelf_life_days",
            "default_norm",
        ]


class SupplyItemViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The catalogue is reference data: every signed-in user with a business scope reads it; the three
    administrator roles (whose scope is empty) see no business data, so none of it either."""

    serializer_class = SupplyItemSerializer

    def get_queryset(self):
        if scope_of(self.request.user).is_empty:
            return SupplyItem.objects.none()
        return SupplyItem.objects.order_by("category", "code")


class StockRowSerializer(serializers.Serializer):
    warehouse = serializers.IntegerField()
    item = serializers.IntegerField()
    quantity = serializers.IntegerField()


class StockViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = StockRowSerializer
    queryset = StockBatch.objects.none()  # rows are sums over batches; this only names the model

    @extend_schema(
        parameters=[OpenApiParameter("warehouse", int), OpenApiParameter("item", int)],
        responses=StockRowSerializer(many=True),
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        request = self.request
        return selectors.stock_rows(
            request.user, warehouse=_int_param(request, "warehouse"), item=_int_param(request, "item")
        )


class MovementSerializer(serializers.ModelSerializer):
    kind_display = display_field("kind")
    lines = serializers.SerializerMethodField()

    class Meta:
        model = Movement
        fields = [
            "id",
            "kind",
            "kind_display",
            "warehouse",
            "to_warehouse",
            "item",
            "quantity",
            "reason",
            "person",
            "at",
            "accident",
            "info_report",
            "info_report_ref",
            "expired_confirmed",
            "lines",
        ]

    def get_lines(self, obj) -> list[dict]:
        return [{"batch": line.batch_id, "delta": line.delta} for line in obj.lines.all()]


class MovementViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    scoped_model = Movement
    serializer_class = MovementSerializer

    def base_queryset(self):
        return Movement.objects.prefetch_related("lines").order_by("-at", "-pk")

    @extend_schema(request=request_body(MovementForm, "MovementCreateRequest"), responses=MovementSerializer)
    def create(self, request, *args, **kwargs):
        movement = services.record_movement(actor=request.user, data=request.data)
        return Response(self.get_serializer(movement).data, status=status.HTTP_201_CREATED)


class ShortfallSerializer(serializers.Serializer):
    town = serializers.IntegerField(source="town.pk")
    warehouse = serializers.IntegerField(
        source="warehouse_id",
        allow_null=True,
        help_text="the warehouse of a warehouse norm; null for the town's norm over its own reserves",
    )
    item = serializers.IntegerField(source="item.pk")
    norm = serializers.IntegerField()
    quantity = serializers.IntegerField()
    shortfall = serializers.IntegerField()


class ShortfallViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ShortfallSerializer
    queryset = SupplyItem.objects.none()  # rows are computed; this only names the model for the schema

    @extend_schema(
        parameters=[
            OpenApiParameter("town", int),
            OpenApiParameter("short", bool, description="only items below the norm"),
        ],
        responses=ShortfallSerializer(many=True),
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        towns = visible_towns(self.request.user)
        town = _int_param(self.request, "town")
        if town is not None:
            towns = towns.filter(pk=town)
        return selectors.shortfalls(towns, only_short=self.request.query_params.get("short") == "true")


# --- Plans and drills ----------------------------------------------------------------------------


class PlanVersionSerializer(serializers.ModelSerializer):
    state_display = display_field("state")

    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "plan",
            "number",
            "state",
            "state_display",
            "published_on",
            "filing_due",
            "filed_on",
            "filing_number",
            "check_due",
            "checked_on",
            "check_note",
            "version",
        ]


class PlanSerializer(serializers.ModelSerializer):
    type_display = display_field("type")
    owner_kind_display = display_field("owner_kind")
    revision_trigger_display = display_field("revision_trigger")
    versions = PlanVersionSerializer(many=True, read_only=True)
    state = serializers.SerializerMethodField()
    state_display = serializers.SerializerMethodField()
    published_on = serializers.SerializerMethodField()
    filing_due = serializers.SerializerMethodField()
    review_due = serializers.SerializerMethodField()
    next_drill_due = serializers.SerializerMethodField()
    last_drill = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "owner_kind",
            "owner_kind_display",
            "owner_enterprise",
            "owner_department",
            "owner_town",
            "town",
            "type",
            "type_display",
            "title",
            "hazard_types",
            "crowded_place",
            "state",
            "state_display",
            "published_on",
            "filing_due",
            "review_due",
            "last_evaluated_on",
            "revision_trigger",
            "revision_trigger_display",
            "revision_reason",
            "last_drill",
            "next_drill_due",
            "versions",
            "version",
        ]

    def _status(self, obj):
        cache = self.context.setdefault("_status", {})
        if obj.pk not in cache:
            # A listed plan carries its last drill (the list's annotation); one just written reads it.
            last = getattr(obj, "last_drill_on", selectors.UNREAD)
            cache[obj.pk] = selectors.plan_status(obj, today=timezone.localdate(), last_drill=last)
        return cache[obj.pk]

    def get_state(self, obj) -> str | None:
        current = self._status(obj).current
        return current.state if current else "draft"

    def get_state_display(self, obj) -> str:
        """The label of `state`: the current version's state, or a draft while none is published."""
        current = self._status(obj).current
        return str(PlanVersionState(current.state).label if current else PlanVersionState.DRAFT.label)

    def get_published_on(self, obj) -> str | None:
        current = self._status(obj).current
        return current.published_on.isoformat() if current and current.published_on else None

    def get_filing_due(self, obj) -> str | None:
        current = self._status(obj).current
        return current.filing_due.isoformat() if current and current.filing_due else None

    def get_review_due(self, obj) -> str | None:
        value = self._status(obj).review_due
        return value.isoformat() if value else None

    def get_next_drill_due(self, obj) -> str | None:
        value = self._status(obj).next_drill_due
        return value.isoformat() if value else None

    def get_last_drill(self, obj) -> str | None:
        value = self._status(obj).last_drill
        return value.isoformat() if value else None


class PlanViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    scoped_model = Plan
    serializer_class = PlanSerializer

    def base_queryset(self):
        return (
            Plan.objects.select_related("owner_enterprise")
            .prefetch_related("versions", "owner_enterprise__sectors")
            .annotate(last_drill_on=last_drill_of(OuterRef("pk")))
            .order_by("-pk")
        )

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list" and self.request.query_params.get("behind") == "true":
            behind = [s.plan.pk for s in selectors.plan_statuses(qs) if s.behind]
            qs = qs.filter(pk__in=behind)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "behind", bool, description="only plans with a filing, check, evaluation or drill overdue"
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        with calendar.remembered():  # each row's filing deadline in working days: one reading for the page
            return super().list(request, *args, **kwargs)

    @extend_schema(request=request_body(PlanForm, "PlanCreateRequest"), responses=PlanSerializer)
    def create(self, request, *args, **kwargs):
        plan = services.create_plan(actor=request.user, data=request.data)
        plan = self.base_queryset().get(pk=plan.pk)
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)


add_workflow_actions(
    PlanViewSet,
    services.PLAN_FLOW,
    services={"evaluate": services.record_evaluation, "record_trigger": services.record_revision_trigger},
)


class PlanVersionViewSet(ScopedViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    scoped_model = PlanVersion
    serializer_class = PlanVersionSerializer


add_workflow_actions(
    PlanVersionViewSet,
    services.VERSION_FLOW,
    services={
        "publish": services.publish_plan_version,
        "file": services.file_plan_version,
        "check_filing": services.check_plan_filing,
    },
)


class DrillSerializer(serializers.ModelSerializer):
    form_display = display_field("form")
    state_display = display_field("state")

    class Meta:
        model = Drill
        fields = [
            "id",
            "plan",
            "other_plans",
            "held_on",
            "form",
            "form_display",
            "participants",
            "scenario",
            "evaluation",
            "state",
            "state_display",
            "version",
        ]


class DrillViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    scoped_model = Drill
    serializer_class = DrillSerializer

    def base_queryset(self):
        return Drill.objects.order_by("-held_on", "-pk")

    @extend_schema(request=request_body(DrillRecordForm, "DrillCreateRequest"), responses=DrillSerializer)
    def create(self, request, *args, **kwargs):
        drill = services.record_drill(actor=request.user, data=request.data)
        return Response(self.get_serializer(drill).data, status=status.HTTP_201_CREATED)


add_workflow_actions(DrillViewSet, services.DRILL_FLOW, services={"evaluate": services.evaluate_drill})


# --- Teams and the three preventions --------------------------------------------------------------


class TeamSerializer(serializers.ModelSerializer):
    kind_display = display_field("kind")
    below_norm = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    certified_members = serializers.SerializerMethodField()
    expiring_certificates = serializers.SerializerMethodField()

    class Meta:
        model = RescueTeam
        fields = [
            "id",
            "kind",
            "kind_display",
            "name",
            "town",
            "enterprise",
            "leader",
            "phone",
            "members",
            "certified_members",
            "expiring_certificates",
            "equipment",
            "base",
            "lat",
            "lng",
            "duty_24h",
            "response_minutes",
            "below_norm",
        ]

    def get_below_norm(self, obj) -> list[str]:
        return selectors.team_flags([obj])[0][1]

    def get_members(self, obj) -> int:
        """Members besides the head, counted from the member records (R-EMG-6)."""
        return sum(1 for p in obj.people.all() if p.role != MemberRole.HEAD)

    def get_certified_members(self, obj) -> int:
        today = timezone.localdate()
        return sum(
            1
            for p in obj.people.all()
            if p.certificate_type and rules.certificate_state(p.certificate_expires, today) != "expired"
        )

    def get_expiring_certificates(self, obj) -> int:
        return selectors.expiring_certificates([obj])[obj.pk]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["phone"] = phone_for(self.context["request"].user, instance.phone, instance.enterprise_id)
        return data


class TeamViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    scoped_model = RescueTeam
    serializer_class = TeamSerializer

    def base_queryset(self):
        return RescueTeam.objects.prefetch_related("people").order_by("pk")


class TeamMemberSerializer(serializers.ModelSerializer):
    role_display = display_field("role")
    certificate_type_display = display_field("certificate_type")
    certificate_state = serializers.SerializerMethodField()

    class Meta:
        model = TeamMember
        fields = [
            "id",
            "team",
            "name",
            "role",
            "role_display",
            "phone",
            "certificate_type",
            "certificate_type_display",
            "certificate_number",
            "certificate_expires",
            "certificate_state",
            "version",
        ]

    def get_certificate_state(self, obj) -> str:
        """`expired`, `expiring` (within 30 days) or empty."""
        return rules.certificate_state(obj.certificate_expires, timezone.localdate())

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["phone"] = phone_for(self.context["request"].user, instance.phone, instance.team.enterprise_id)
        return data


class TeamMemberUpdateRequest(request_body(TeamMemberForm, "TeamMemberFields")):
    version = serializers.IntegerField(help_text="the version read")


class TeamMemberViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Heads and members of the rescue teams in scope with their certificates; `?team=` narrows to one."""

    scoped_model = TeamMember
    serializer_class = TeamMemberSerializer

    def base_queryset(self):
        return TeamMember.objects.select_related("team").order_by("team_id", "role", "pk")

    def get_queryset(self):
        qs = super().get_queryset()
        team = _int_param(self.request, "team") if self.action == "list" else None
        return qs.filter(team_id=team) if team is not None else qs

    @extend_schema(parameters=[OpenApiParameter("team", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=request_body(TeamMemberCreateForm, "TeamMemberCreateRequest"), responses=TeamMemberSerializer
    )
    def create(self, request, *args, **kwargs):
        member = services.add_team_member(actor=request.user, data=request.data)
        return Response(self.get_serializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TeamMemberUpdateRequest, responses=TeamMemberSerializer)
    def update(self, request, *args, **kwargs):
        """The whole record again with the `version` read; a stale version is 409."""
        member = self.get_object()
        data = request.data if isinstance(request.data, dict) else {}
        member = services.update_team_member(
            member, actor=request.user, version=data.get("version"), data=request.data
        )
        return Response(self.get_serializer(member).data)


class PointSerializer(serializers.ModelSerializer):
    class Meta:
        model = WaterloggingPoint
        fields = [
            "id",
            "town",
            "name",
            "lat",
            "lng",
            "depth_history",
            "max_depth_cm",
            "pumps",
            "barriers",
            "responsible",
            "phone",
            "version",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["phone"] = phone_for(self.context["request"].user, instance.phone)
        return data


class PointViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    scoped_model = WaterloggingPoint
    serializer_class = PointSerializer

    def base_queryset(self):
        return WaterloggingPoint.objects.order_by("pk")

    @extend_schema(
        request=form_serializer("WaterloggingPointUpdate", PointForm, version=True), responses=PointSerializer
    )
    def partial_update(self, request, *args, **kwargs):
        """Change a point on the `version` read (required; a stale one is 409); fields left out keep their
        values."""
        point = self.get_object()
        point = services.update_point(
            point, actor=request.user, **edit_arguments(point, PointForm, request.data)
        )
        return Response(self.get_serializer(point).data)


class ShelterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shelter
        fields = ["id", "town", "name", "address", "capacity", "lat", "lng", "version"]


class ShelterViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    scoped_model = Shelter
    serializer_class = ShelterSerializer

    def base_queryset(self):
        return Shelter.objects.order_by("pk")

    @extend_schema(
        request=form_serializer("ShelterUpdate", ShelterForm, version=True), responses=ShelterSerializer
    )
    def partial_update(self, request, *args, **kwargs):
        """Change a shelter on the `version` read (required; a stale one is 409); fields left out keep their
        values. Its capacity never drops below the persons assigned to it."""
        shelter = self.get_object()
        shelter = services.update_shelter(
            shelter, actor=request.user, **edit_arguments(shelter, ShelterForm, request.data)
        )
        return Response(self.get_serializer(shelter).data)


class WarningSerializer(serializers.ModelSerializer):
    hazard_display = display_field("hazard")
    signal_display = display_field("signal")
    state_display = display_field("state")
    grade = serializers.SerializerMethodField()

    class Meta:
        model = WeatherWarning
        fields = [
            "id",
            "hazard",
            "hazard_display",
            "signal",
            "signal_display",
            "grade",
            "area",
            "valid_from",
            "valid_until",
            "note",
            "state",
            "state_display",
            "version",
        ]

    def get_grade(self, obj) -> str:
        return grade_of(obj.signal)


class WarningViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    scoped_model = WeatherWarning
    serializer_class = WarningSerializer

    def base_queryset(self):
        return WeatherWarning.objects.order_by("-valid_from", "-pk")

    @extend_schema(request=request_body(WarningForm, "WarningCreateRequest"), responses=WarningSerializer)
    def create(self, request, *args, **kwargs):
        warning = services.issue_warning(actor=request.user, data=request.data)
        return Response(self.get_serializer(warning).data, status=status.HTTP_201_CREATED)


class DeclarationSerializer(serializers.ModelSerializer):
    level_display = display_field("level")
    hazard_display = display_field("hazard")
    state_display = display_field("state")
    confirmations = serializers.SerializerMethodField()

    class Meta:
        model = Declaration
        fields = [
            "id",
            "level",
            "level_display",
            "hazard",
            "hazard_display",
            "declared_at",
            "note",
            "state",
            "state_display",
            "confirmations",
            "version",
        ]

    def get_confirmations(self, obj) -> list[dict]:
        return [
            {
                "town": c.town_id,
                "state": c.state,
                "confirmed_by": c.confirmed_by_id,
                "confirmed_at": c.confirmed_at,
            }
            for c in obj.confirmations.all()
        ]


class DeclarationViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    scoped_model = Declaration
    serializer_class = DeclarationSerializer

    def base_queryset(self):
        return Declaration.objects.prefetch_related("confirmations").order_by("-declared_at", "-pk")

    @extend_schema(
        request=request_body(DeclarationForm, "DeclarationCreateRequest"), responses=DeclarationSerializer
    )
    def create(self, request, *args, **kwargs):
        declaration = services.declare_response(actor=request.user, data=request.data)
        return Response(self.get_serializer(declaration).data, status=status.HTTP_201_CREATED)
