"""`/api/v1/risk-points/` (API.md "Risk"): points with method, factors and the computed score, grade, colour.

Factors arrive as given (number or text) and are checked against the domain tables by the service, so a
value outside a table answers 400 with the field's message, never a rounded or clamped number.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ScopedViewSetMixin, display_field
from core.choices import AccidentType, Role
from core.errors import InvalidInput, NotAllowed
from core.masking import phone_for
from core.scoping import get_visible_or_404
from core.workflow_api import form_serializer
from registry.models import Enterprise
from risk import services
from risk.choices import FactorCategory, Method, PointKind
from risk.filters import RiskPointFilter
from risk.forms import MeasureForm
from risk.models import ControlMeasure, RiskAssessment, RiskPoint
from risk.policy import RISK_EDITORS
from risk.selectors import colour_stats
from risk.tables import FACTOR_TABLES, control_level_is_too_low, plain_number

WRITER_ROLES = RISK_EDITORS | {Role.ENTERPRISE_USER}


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    """A table value or score as a JSON number (6, 0.5, 540, 0.05); null when not assessed."""

    def to_representation(self, value):
        return plain_number(value)

    def to_internal_value(self, data):
        return data


class ControlMeasureSerializer(serializers.ModelSerializer):
    kind_display = display_field("kind")
    level_display = display_field("level")
    level_too_low = serializers.SerializerMethodField()

    class Meta:
        model = ControlMeasure
        fields = [
            "id",
            "kind",
            "kind_display",
            "description",
            "level",
            "level_display",
            "level_too_low",
            "responsible_person",
            "created_at",
        ]

    def get_level_too_low(self, obj) -> bool:
        """R-RISK-4: the measure's level is below what the point's (effective) colour requires."""
        colour = self.context.get("colour") or getattr(getattr(obj, "point", None), "effective_colour", "")
        return control_level_is_too_low(colour, obj.level)


class RiskAssessmentSerializer(serializers.ModelSerializer):
    method_display = display_field("method")
    colour_display = display_field("colour")
    l = NumberField(source="l_value", read_only=True)  # noqa: E741 - the factor's name in the domain
    e = NumberField(source="e_value", read_only=True, allow_null=True)
    c = NumberField(source="c_value", read_only=True, allow_null=True)
    s = serializers.IntegerField(source="s_value", read_only=True, allow_null=True)
    score = NumberField(read_only=True)
    assessed_by_name = serializers.SerializerMethodField()

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "method",
            "method_display",
            "l",
            "e",
            "c",
            "s",
            "score",
            "grade",
            "colour",
            "colour_display",
            "grading_source",
            "note",
            "assessed_at",
            "assessed_by",
            "assessed_by_name",
            "next_review_on",
        ]

    def get_assessed_by_name(self, obj) -> str:
        return obj.assessed_by.display_name if obj.assessed_by else ""


class RiskPointSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    town = serializers.IntegerField(source="enterprise.town_id", read_only=True)
    kind_display = display_field("kind")
    method_display = display_field("method")
    colour_display = display_field("colour")
    effective_colour_display = display_field("effective_colour")
    factor_categories_display = serializers.SerializerMethodField()
    accident_types_display = serializers.SerializerMethodField()
    l = NumberField(source="l_value", read_only=True, allow_null=True)  # noqa: E741 - the factor's name in the domain
    e = NumberField(source="e_value", read_only=True, allow_null=True)
    c = NumberField(source="c_value", read_only=True, allow_null=True)
    s = serializers.IntegerField(source="s_value", read_only=True, allow_null=True)
    score = NumberField(read_only=True, allow_null=True)
    measures = serializers.SerializerMethodField()
    responsible_phone = serializers.SerializerMethodField()

    class Meta:
        model = RiskPoint
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "town",
            "name",
            "kind",
            "kind_display",
            "location",
            "factor_categories",
            "factor_categories_display",
            "hazard_factors",
            "accident_types",
            "accident_types_display",
            "consequences",
            "emergency_measures",
            "responsible_person",
            "responsible_phone",
            "method",
            "method_display",
            "l",
            "e",
            "c",
            "s",
            "score",
            "grade",
            "colour",
            "colour_display",
            "effective_colour",
            "effective_colour_display",
            "effective_reason",
            "assessed_at",
            "assessed_by",
            "next_review_on",
            "measures",
            "is_active",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def get_factor_categories_display(self, obj) -> list[str]:
        return obj.factor_category_labels()

    def get_accident_types_display(self, obj) -> list[str]:
        return obj.accident_type_labels()

    def get_responsible_phone(self, obj) -> str:
        return phone_for(self.context["request"].user, obj.responsible_phone, obj.enterprise_id)

    def get_measures(self, obj) -> list[dict]:
        context = {**self.context, "colour": obj.effective_colour}
        return ControlMeasureSerializer(obj.active_measures, many=True, context=context).data


class PointFieldsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=PointKind.choices, required=False)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    factor_categories = serializers.ListField(child=serializers.ChoiceField(choices=FactorCategory.choices))
    accident_types = serializers.ListField(child=serializers.ChoiceField(choices=AccidentType.choices))
    hazard_factors = serializers.CharField(required=False, allow_blank=True)
    consequences = serializers.CharField(required=False, allow_blank=True)
    emergency_measures = serializers.CharField(required=False, allow_blank=True)
    responsible_person = serializers.CharField(max_length=50, required=False, allow_blank=True)
    responsible_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)


class AssessmentInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Method.choices)
    l = NumberField(required=False, allow_null=True)  # noqa: E741 - the factor's name in the domain
    e = NumberField(required=False, allow_null=True)
    c = NumberField(required=False, allow_null=True)
    s = NumberField(required=False, allow_null=True)
    next_review_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class RiskPointCreateSerializer(PointFieldsSerializer, AssessmentInputSerializer):
    enterprise = serializers.IntegerField()

    def validate_enterprise(self, value):
        if not Enterprise.objects.visible_to(self.context["request"].user).filter(pk=value).exists():
            raise serializers.ValidationError(_("No such enterprise."))
        return value


class PointUpdateSerializer(PointFieldsSerializer):
    version = serializers.IntegerField(min_value=0)
    required_in_patch = ("version",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


class AssessSerializer(AssessmentInputSerializer):
    version = serializers.IntegerField(min_value=0)


def _table_value_field(table: list):
    """A factor as the schema publishes it: a JSON number from its method's table (R-RISK-2, R-RISK-3)."""

    @extend_schema_field({"type": "number", "enum": [plain_number(value) for value, _label in table]})
    class TableValue(NumberField):
        pass

    return TableValue()


def _by_method(base: type, name: str) -> PolymorphicProxySerializer:
    """The request of `base` as one body per method (`method` the discriminator), each with its own
    factors required and limited to their table: what the schema promises is what the service accepts.
    Only the schema reads these; the view validates with `base`."""
    variants = {}
    for key, tables in FACTOR_TABLES.items():
        method = str(key.value)
        fields = {
            "method": serializers.ChoiceField(choices=[method]),
            **{factor: _table_value_field(table) for factor, table in tables.items()},
        }
        variant = type(f"{name}{method.capitalize()}", (base,), fields)
        for factor in ("l", "e", "c", "s"):
            if factor not in tables:
                variant._declared_fields.pop(factor, None)
        variants[method] = variant
    return PolymorphicProxySerializer(
        component_name=name, serializers=variants, resource_type_field_name="method"
    )


class RetireSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    reason = serializers.CharField(max_length=200)


class MeasureInputSerializer(form_serializer("ControlMeasureFields", MeasureForm)):
    """The measure's fields, typed from the form the service validates with (risk.services.FLOW)."""

    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version of the point the client read; a stale one answers 409. When absent, the "
        "version this request reads is used.",
    )


ASSESSMENT_KEYS = ("method", "l", "e", "c", "s", "next_review_on", "note")


def _check_writer(user) -> None:
    """403 before any input is read (API.md order: 404, 403, 409, 400)."""
    if not user.role_codes & WRITER_ROLES:
        raise NotAllowed()


class RiskPointViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Risk points in the caller's scope. Filters `enterprise`, `town`, `sector`, `colour` (API.md)."""

    scoped_model = RiskPoint
    serializer_class = RiskPointSerializer
    filterset_class = RiskPointFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return (
            RiskPoint.objects.select_related("enterprise")
            .prefetch_related(
                Prefetch(
                    "measures",
                    queryset=ControlMeasure.objects.active().order_by("kind", "id"),
                    to_attr="active_measures",
                )
            )
            .order_by("enterprise_id", "name", "id")
        )

    def _point_response(self, point, *, code=status.HTTP_200_OK):
        point = get_visible_or_404(self.base_queryset(), self.request.user, pk=point.pk)
        return Response(self.get_serializer(point).data, status=code)

    @extend_schema(
        request=_by_method(RiskPointCreateSerializer, "RiskPointCreate"), responses={201: RiskPointSerializer}
    )
    def create(self, request):
        _check_writer(request.user)
        serializer = RiskPointCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        enterprise = get_visible_or_404(Enterprise.objects.all(), request.user, pk=data.pop("enterprise"))
        assessment = {k: data.pop(k) for k in ASSESSMENT_KEYS if k in data}
        point = services.create_risk_point(
            actor=request.user, enterprise=enterprise, data=data, assessment=assessment
        )
        return self._point_response(point, code=status.HTTP_201_CREATED)

    @extend_schema(request=PointUpdateSerializer, responses=RiskPointSerializer)
    def partial_update(self, request, pk=None):
        point = self.get_object()
        _check_writer(request.user)
        _check_fresh(point, request.data, actor=request.user, action="update")
        serializer = PointUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        point = services.update_risk_point(actor=request.user, point=point, data=data, version=version)
        return self._point_response(point)

    @extend_schema(request=_by_method(AssessSerializer, "RiskAssess"), responses=RiskPointSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        """Assess or reassess the point; the earlier assessment stays in the history."""
        point = self.get_object()
        _check_writer(request.user)
        _check_fresh(point, request.data, actor=request.user, action="assess")
        serializer = AssessSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        services.assess_risk_point(
            actor=request.user,
            point=point,
            method=data["method"],
            factors={k: data[k] for k in ("l", "e", "c", "s") if k in data},
            version=data["version"],
            next_review_on=data.get("next_review_on"),
            note=data.get("note", ""),
        )
        return self._point_response(point)

    @extend_schema(request=RetireSerializer, responses=RiskPointSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        point = self.get_object()
        _check_writer(request.user)
        _check_fresh(point, request.data, actor=request.user, action="retire")
        serializer = RetireSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        valid = serializer.validated_data
        services.retire_risk_point(
            point, actor=request.user, version=valid["version"], data={"reason": valid["reason"]}
        )
        return self._point_response(point)

    @extend_schema(responses=RiskAssessmentSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def assessments(self, request, pk=None):
        """The point's assessment history, newest first (R-RISK-7)."""
        point = self.get_object()
        rows = (
            RiskAssessment.objects.filter(point=point)
            .select_related("assessed_by")
            .order_by("-assessed_at", "-id")
        )
        return Response(RiskAssessmentSerializer(rows, many=True, context=self.get_serializer_context()).data)

    @extend_schema(methods=["GET"], responses=ControlMeasureSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=MeasureInputSerializer, responses={201: ControlMeasureSerializer(many=True)}
    )
    # No list filters: the route answers one point's measures (its many-row answer is no filtered list).
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def measures(self, request, pk=None):
        """The point's control measures; POST adds one, with a warning when its level is below the point's (R-RISK-4)."""
        point = self.get_object()
        if request.method == "POST":
            _check_writer(request.user)
            data = request.data if hasattr(request.data, "get") else {}
            services.add_control_measure(
                point, actor=request.user, version=data.get("version", point.version), data=request.data
            )
        rows = ControlMeasure.objects.active().filter(point=point).order_by("kind", "id")
        context = {**self.get_serializer_context(), "colour": point.effective_colour}
        code = status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK
        return Response(ControlMeasureSerializer(rows, many=True, context=context).data, status=code)


def _check_fresh(point: RiskPoint, data, *, actor, action: str) -> None:
    """Role and scope (403), a retired point or a stale `version` (409) come before the body's 400 (API.md
    order): the point's workflow checks them, as the service will again in its one transaction."""
    services.check_version(
        point, data.get("version") if hasattr(data, "get") else None, actor=actor, action=action
    )


class RiskStatsView(APIView):
    """`/api/v1/stats/risk/?group_by=town|sector`: enterprises by risk level, scoped to the caller."""

    @extend_schema(
        parameters=[OpenApiParameter("group_by", str, enum=["town", "sector"])],
        responses=inline_serializer(
            name="RiskStatsRow",
            fields={
                "key": serializers.CharField(),
                "name": serializers.CharField(),
                "red": serializers.IntegerField(),
                "orange": serializers.IntegerField(),
                "yellow": serializers.IntegerField(),
                "blue": serializers.IntegerField(),
                "none": serializers.IntegerField(),
                "total": serializers.IntegerField(),
            },
            many=True,
        ),
    )
    def get(self, request):
        group_by = request.query_params.get("group_by", "town")
        if group_by not in ("town", "sector"):
            raise InvalidInput.field("group_by", _("Choose town or sector."))
        stats = colour_stats(request.user)
        rows = stats["towns"] if group_by == "town" else stats["sectors"]
        colours = [c["colour"] for c in stats["colours"]]
        return Response(
            [
                {
                    "key": str(row["key"]),
                    "name": str(row["name"]),
                    **dict(zip(colours, row["levels"], strict=True)),
                    "none": row["none"],
                    "total": row["total"],
                }
                for row in rows
            ]
        )
