"""API of the enterprise's duties around the loop (R-HAZ-10…12): sample re-checks, the hazard statistics
tables, resumption after a major hazard stopped production."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ScopedViewSetMixin
from core.scoping import get_visible_or_404
from core.workflow_api import add_workflow_actions
from hazards.models import Hazard, HazardRecheck, HazardStatement, Resumption
from hazards.policy import POLICY
from hazards.rules import STATEMENT_FLOW
from hazards.services import duties, statements
from registry.models import Enterprise


class RecheckSerializer(serializers.ModelSerializer):
    enterprise = serializers.IntegerField(source="hazard.enterprise_id", read_only=True)
    title = serializers.CharField(source="hazard.title", read_only=True)

    class Meta:
        model = HazardRecheck
        fields = ["id", "hazard", "enterprise", "title", "selected_at", "opinion", "passed", "rechecked_at"]


class RecheckViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The sampled hazards (R-HAZ-12); `?pending=true` for those still waiting for their re-check."""

    scoped_model = HazardRecheck
    serializer_class = RecheckSerializer

    def base_queryset(self):
        qs = HazardRecheck.objects.select_related("hazard")
        if self.request.query_params.get("pending") == "true":
            qs = qs.filter(rechecked_at__isnull=True)
        return qs


class RecheckInput(serializers.Serializer):
    opinion = serializers.CharField(allow_blank=True)
    passed = serializers.BooleanField(allow_null=True, required=False, default=None)


class RecheckView(APIView):
    scoped_model = Hazard  # the id in the path is a hazard's (scope → 404)

    @extend_schema(request=RecheckInput, responses=RecheckSerializer)
    def post(self, request, pk: int):
        hazard = get_visible_or_404(Hazard.objects.all(), request.user, pk=pk)
        POLICY.require(request.user, "recheck")  # the role (403) before the input (400)
        data = RecheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        recheck = duties.recheck_hazard(actor=request.user, hazard=hazard, **data.validated_data)
        return Response(RecheckSerializer(recheck).data)


class StatementSerializer(serializers.ModelSerializer):
    late = serializers.BooleanField(
        read_only=True, help_text="Signed after the due date, or still unsigned once it has passed."
    )
    submitted_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the principal signed; null while awaiting signature."
    )
    signed_by_name = serializers.CharField(
        read_only=True, help_text="The principal who signed; empty before."
    )

    class Meta:
        model = HazardStatement
        fields = [
            "id",
            "enterprise",
            "year",
            "quarter",
            "due_on",
            "figures",
            "state",
            "version",
            "signed_by_name",
            "submitted_at",
            "generated_at",
            "late",
        ]
        read_only_fields = ["due_on", "figures", "state", "version", "generated_at"]


class StatementInput(serializers.Serializer):
    enterprise = serializers.IntegerField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField(required=False, allow_null=True, default=None)


class StatementViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """R-HAZ-10: the enterprise's quarterly and annual hazard statistics tables, filled from the hazard
    ledger once the period has ended (`state` `to_sign`), then signed by the principal (`signed`, with
    `signed_by_name` and `submitted_at`); `late` when signed after the due date or unsigned past it.
    `POST /{id}/sign/` signs a table with the `version` read; POST on the list signs by period (the
    table is filled first when it has not been yet)."""

    scoped_model = HazardStatement
    serializer_class = StatementSerializer

    def base_queryset(self):
        qs = HazardStatement.objects.select_related("enterprise")
        enterprise = self.request.query_params.get("enterprise")
        if enterprise and enterprise.isdigit():
            qs = qs.filter(enterprise_id=int(enterprise))
        return qs

    @extend_schema(request=StatementInput, responses={201: StatementSerializer})
    def create(self, request, *args, **kwargs):
        POLICY.require(request.user, "file_statement")  # the role (403) before the input (400)
        data = StatementInput(data=request.data)
        data.is_valid(raise_exception=True)
        enterprise = get_visible_or_404(
            Enterprise.objects.all(), request.user, pk=data.validated_data["enterprise"]
        )
        statement = statements.file_statement(
            actor=request.user,
            enterprise=enterprise,
            year=data.validated_data["year"],
            quarter=data.validated_data["quarter"],
        )
        return Response(StatementSerializer(statement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "enterprise",
                int,
                description="The enterprise (required for officials; an enterprise's users: their own).",
            )
        ],
        responses={
            200: inline_serializer(
                "MissingStatement",
                {
                    "year": serializers.IntegerField(),
                    "quarter": serializers.IntegerField(allow_null=True),
                    "due_on": serializers.DateField(),
                },
                many=True,
            ),
            404: OpenApiResponse(description="The enterprise is unknown or outside the caller's scope."),
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def missing(self, request):
        """The tables past their due date and not filed (flagged late), for `?enterprise=` (an enterprise's
        own users: their enterprise)."""
        from core.errors import InvalidInput, NotAllowed
        from core.scoping import scope_of

        if scope_of(request.user).is_empty:
            raise NotAllowed()
        wanted = request.query_params.get("enterprise") or request.user.enterprise_id
        wanted = str(wanted or "")
        if not (wanted.isascii() and wanted.isdigit()) or not 0 < int(wanted) < 2**31:
            raise InvalidInput.field("enterprise", _("Choose an enterprise."))
        enterprise = get_visible_or_404(Enterprise.objects.all(), request.user, pk=int(wanted))
        return Response(statements.missing_statements(enterprise.pk))


add_workflow_actions(
    StatementViewSet,
    STATEMENT_FLOW,
    services={"sign": statements.sign_statement},
    response_serializer=StatementSerializer,
)


class ResumptionSerializer(serializers.ModelSerializer):
    review_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Resumption
        fields = [
            "id",
            "hazard",
            "stopped_on",
            "application",
            "applied_at",
            "review_due",
            "decision",
            "opinion",
            "reviewed_at",
            "review_late",
        ]


class ResumptionInput(serializers.Serializer):
    stopped_on = serializers.DateField()
    application = serializers.CharField(allow_blank=True)


class ReviewInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Resumption.Decision.choices)
    opinion = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()


class ResumptionView(APIView):
    """R-HAZ-11: GET the applications of a hazard; POST the unit's written application."""

    scoped_model = Hazard  # the id in the path is a hazard's (scope → 404)

    @extend_schema(responses=ResumptionSerializer(many=True))
    def get(self, request, pk: int):
        hazard = get_visible_or_404(Hazard.objects.all(), request.user, pk=pk)
        return Response(ResumptionSerializer(hazard.resumptions.all(), many=True).data)

    @extend_schema(request=ResumptionInput, responses={201: ResumptionSerializer})
    def post(self, request, pk: int):
        hazard = get_visible_or_404(Hazard.objects.all(), request.user, pk=pk)
        POLICY.require(request.user, "apply_resumption")  # the role (403) before the input (400)
        data = ResumptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        resumption = duties.apply_resumption(actor=request.user, hazard=hazard, **data.validated_data)
        return Response(ResumptionSerializer(resumption).data, status=status.HTTP_201_CREATED)


class ResumptionReviewView(APIView):
    scoped_model = Hazard  # the id in the path is a hazard's (scope → 404)

    @extend_schema(request=ReviewInput, responses=ResumptionSerializer)
    def post(self, request, pk: int):
        hazard = get_visible_or_404(Hazard.objects.all(), request.user, pk=pk)
        from core.errors import Conflict

        POLICY.require(request.user, "review_resumption")  # the role (403) before the input (400)
        resumption = hazard.resumptions.filter(reviewed_at__isnull=True).first()
        if resumption is None:
            raise Conflict()
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = duties.review_resumption(actor=request.user, resumption=resumption, **data.validated_data)
        return Response(ResumptionSerializer(done).data)
