"""REST API of the accountability module (API.md "Accountability", "Assessment")."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accountability import params, selectors
from accountability.api_assessment import int_param
from accountability.choices import CaseMeasure, Measure, RemedyOutcome, UnitKind
from accountability.models import (
    EnforcementCase,
    EnforcementPlan,
    MeasureRecord,
    PositionHolder,
    Proposal,
    ResponsibilityLetter,
    ResponsibilityPosition,
)
from accountability.services import enforcement, responsibility
from accountability.services import proposals as proposal_services
from core.api import ScopedViewSetMixin, display_field
from core.workflow_api import add_workflow_actions, form_serializer


@extend_schema_field(
    {
        "type": "object",
        "properties": {"kind": {"type": "string"}, "id": {"type": "integer"}, "name": {"type": "string"}},
    }
)
class TargetField(serializers.Field):
    def to_representation(self, obj):
        target = obj.target
        return {"kind": obj.target_kind, "id": obj.target_id, "name": str(target) if target else ""}


class ProposalSerializer(serializers.ModelSerializer):
    target = TargetField(source="*", read_only=True)
    trigger_display = display_field("trigger")
    measure_display = display_field("measure")
    state_display = display_field("state")
    decided_measure_display = display_field("decided_measure")
    # Empty until decided (a read-only model field would be documented without the blank value).
    decided_measure = serializers.ChoiceField(choices=Measure.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "trigger",
            "trigger_display",
            "target",
            "measure",
            "measure_display",
            "facts",
            "reason",
            "state",
            "state_display",
            "decision",
            "decided_measure",
            "decided_measure_display",
            "decision_note",
            "decided_at",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class ProposalViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Accountability proposals in the caller's scope; filters `state`, `trigger`, `target_kind`."""

    scoped_model = Proposal
    serializer_class = ProposalSerializer
    filterset_fields = ["state", "trigger", "target_kind"]

    def base_queryset(self):
        return Proposal.objects.select_related("town", "department", "enterprise").order_by(
            "-created_at", "-id"
        )


add_workflow_actions(
    ProposalViewSet, proposal_services.PROPOSAL_FLOW, services={"decide": proposal_services.decide_proposal}
)


class CommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    due_on = serializers.DateField()
    done_on = serializers.DateField(allow_null=True)
    follow_up_note = serializers.CharField()


class MeasureRecordSerializer(serializers.ModelSerializer):
    target = TargetField(source="*", read_only=True)
    measure_display = display_field("measure")
    state_display = display_field("state")
    commitments = CommitmentSerializer(many=True, read_only=True)

    class Meta:
        model = MeasureRecord
        fields = [
            "id",
            "proposal",
            "target",
            "measure",
            "measure_display",
            "state",
            "state_display",
            "document_number",
            "held_on",
            "participants",
            "minutes",
            "closing_note",
            "commitments",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class MeasureViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Decided measures (interviews, circulars, referrals …) with their commitments, in the caller's scope."""

    scoped_model = MeasureRecord
    serializer_class = MeasureRecordSerializer
    filterset_fields = ["state", "measure", "target_kind"]

    def base_queryset(self):
        return MeasureRecord.objects.select_related("town", "department", "enterprise").prefetch_related(
            "commitments"
        )


add_workflow_actions(
    MeasureViewSet,
    proposal_services.MEASURE_FLOW,
    services={"record": proposal_services.record_measure, "close": proposal_services.close_measure},
)


# --- assessment ---------------------------------------------------------------------------------------


# --- enforcement --------------------------------------------------------------------------------------


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    number = serializers.CharField()
    issued_at = serializers.DateTimeField()


class EnforcementCaseSerializer(serializers.ModelSerializer):
    state_display = display_field("state")
    measure_display = display_field("measure")
    documents = DocumentSerializer(many=True, read_only=True)
    flags = serializers.SerializerMethodField()
    # Empty until the reconsideration or lawsuit is decided: the schema must say "" is an answer too.
    remedy_outcome = serializers.ChoiceField(choices=RemedyOutcome.choices, allow_blank=True, read_only=True)
    total_fine = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, coerce_to_string=False
    )
    # Empty until the prior notice names it.
    measure = serializers.ChoiceField(choices=CaseMeasure.choices, allow_blank=True, read_only=True)

    class Meta:
        model = EnforcementCase
        fields = [
            "id",
            "department",
            "enterprise",
            "town",
            "sector",
            "origin",
            "origin_id",
            "title",
            "facts",
            "state",
            "state_display",
            "filed_on",
            "decision_due",
            "notice_served_on",
            "hearing_request_due",
            "hearing_requested",
            "measure",
            "measure_display",
            "article",
            "fine",
            "daily_days",
            "total_fine",
            "decided_on",
            "delivered_on",
            "payment_due",
            "paid_on",
            "paid_amount",
            "surcharge",
            "reconsideration_due",
            "lawsuit_due",
            "remedy_applied_on",
            "remedy_outcome_due",
            "remedy_outcome",
            "remedy_decided_on",
            "remedy_note",
            "closed_on",
            "documents",
            "flags",
            "version",
        ]
        read_only_fields = fields

    def get_flags(self, obj) -> list[str]:
        return selectors.case_flags(obj)


class CaseViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Enforcement cases (R-ACCT-5) in the caller's scope; POST files one (officers)."""

    scoped_model = EnforcementCase
    serializer_class = EnforcementCaseSerializer
    filterset_fields = ["state", "department", "measure"]

    def base_queryset(self):
        return EnforcementCase.objects.prefetch_related("documents").order_by("-filed_on", "-id")

    @extend_schema(
        request=inline_serializer(
            "CaseFiling",
            {
                "enterprise": serializers.IntegerField(),
                "sector": serializers.CharField(),
                "origin": serializers.CharField(),
                "origin_id": serializers.IntegerField(required=False),
                "title": serializers.CharField(),
                "facts": serializers.CharField(),
                "department": serializers.IntegerField(required=False),
                "number": serializers.CharField(required=False),
            },
        ),
        responses=EnforcementCaseSerializer,
    )
    def create(self, request):
        body = request.data if hasattr(request.data, "get") else {}
        case = enforcement.file_case(actor=request.user, data=body)
        return Response(self.get_serializer(case).data, status=201)

    @extend_schema(
        request=inline_serializer(
            "CaseInquiry",
            {
                "person": serializers.CharField(),
                "asked_on": serializers.DateField(),
                "content": serializers.CharField(
                    required=False,
                    help_text="The questions and answers as free text; optional when `exchanges` is given.",
                ),
                "exchanges": serializers.ListField(
                    child=inline_serializer(
                        "CaseInquiryExchange",
                        {
                            "question": serializers.CharField(max_length=2000),
                            "answer": serializers.CharField(max_length=10000),
                        },
                    ),
                    required=False,
                    max_length=200,
                    help_text="Each question and its answer, in the order asked; printed on the record of "
                    "inquiry as 问/答 pairs.",
                ),
                "attachments": serializers.ListField(child=serializers.IntegerField(), required=False),
            },
        ),
        responses={201: inline_serializer("CaseInquiryRecorded", {"id": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"], url_path="inquiries")
    def inquiries(self, request, pk=None):
        """A record of inquiry during the investigation, with evidence from the caller's uploads."""
        case = self.get_object()
        body = request.data if hasattr(request.data, "get") else {}
        attachments = body.get("attachments") or []
        if not isinstance(attachments, list):
            attachments = [attachments]
        inquiry = enforcement.add_inquiry(actor=request.user, case=case, data=body, attachments=attachments)
        return Response({"id": inquiry.pk}, status=201)


add_workflow_actions(CaseViewSet, enforcement.CASE_FLOW, services=enforcement.CASE_SERVICES)


class PlanEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="entry.id")
    enterprise = serializers.IntegerField(source="entry.enterprise_id")
    enterprise_name = serializers.CharField(source="entry.enterprise.name")
    month = serializers.IntegerField(source="entry.month")
    inspectors = serializers.CharField(source="entry.inspectors")
    drawn = serializers.BooleanField(help_text="A double-random draw of the year picked the enterprise.")
    inspected = serializers.BooleanField(help_text="Another inspection of the year by the department.")
    done = serializers.BooleanField()


class PlanProgressSerializer(serializers.Serializer):
    planned = serializers.IntegerField()
    done = serializers.IntegerField(help_text="Draws plus other inspections of the year.")
    draws = serializers.IntegerField()
    inspections = serializers.IntegerField()
    entries = serializers.IntegerField()
    entries_done = serializers.IntegerField()


class EnforcementPlanSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    progress = serializers.SerializerMethodField()
    entries = serializers.SerializerMethodField()

    class Meta:
        model = EnforcementPlan
        fields = [
            "id",
            "department",
            "department_name",
            "year",
            "planned_inspections",
            "note",
            "progress",
            "entries",
        ]
        read_only_fields = fields

    @extend_schema_field(PlanProgressSerializer)
    def get_progress(self, obj):
        return PlanProgressSerializer(selectors.plan_progress(obj)).data

    @extend_schema_field(PlanEntrySerializer(many=True))
    def get_entries(self, obj):
        return PlanEntrySerializer(selectors.plan_entries(obj), many=True).data


class PlanViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Annual enforcement plans per department (R-ACCT-5) with planned against done; the double-random draws
    count towards them. A department officer saves the own department's plan and adds its entries."""

    scoped_model = EnforcementPlan
    serializer_class = EnforcementPlanSerializer
    filterset_fields = ["year", "department"]

    def base_queryset(self):
        return EnforcementPlan.objects.select_related("department").order_by("-year", "department__code")

    @extend_schema(
        request=inline_serializer(
            "PlanSaving",
            {
                "year": serializers.IntegerField(min_value=2000, max_value=2100),
                "planned_inspections": serializers.IntegerField(min_value=0, max_value=100000),
                "note": serializers.CharField(required=False),
            },
        ),
        responses={201: EnforcementPlanSerializer},
    )
    def create(self, request):
        """Create or update the caller's department's plan of a year."""
        body = request.data if hasattr(request.data, "get") else {}
        plan = enforcement.save_plan(actor=request.user, data=body)
        return Response(self.get_serializer(plan).data, status=201)

    @extend_schema(
        request=inline_serializer(
            "PlanEntryAdding",
            {
                "enterprise": serializers.IntegerField(),
                "month": serializers.IntegerField(min_value=1, max_value=12),
                "inspectors": serializers.CharField(max_length=200),
            },
        ),
        responses={201: EnforcementPlanSerializer},
    )
    @action(detail=True, methods=["post"], url_path="entries")
    def entries(self, request, pk=None):
        """An enterprise inspected in a month and by whom; an enterprise already in the plan answers 409."""
        plan = self.get_object()
        body = request.data if hasattr(request.data, "get") else {}
        enforcement.add_plan_entry(actor=request.user, plan=plan, data=body)
        return Response(self.get_serializer(plan).data, status=201)


class StatsView(APIView):
    """Cases, measures, fines and overdue steps per department for a year."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=True)],
        responses=inline_serializer(
            "EnforcementStats",
            {
                "department": serializers.IntegerField(),
                "cases": serializers.IntegerField(),
                "measures": serializers.DictField(
                    child=serializers.IntegerField(), help_text="Cases by measure code."
                ),
                "fines": serializers.FloatField(),
                "overdue": serializers.IntegerField(
                    help_text="Steps whose clock ran out (waiting or done late): the sum of overdue_steps."
                ),
                "overdue_steps": serializers.DictField(
                    child=serializers.IntegerField(),
                    help_text="Overdue steps by step code: decision, payment, remedy.",
                ),
            },
            many=True,
        ),
    )
    def get(self, request):
        year = int_param(request, "year", *params.YEARS)
        return Response(
            [
                {**row, "department": row["department"].pk, "fines": float(row["fines"])}
                for row in selectors.case_statistics(request.user, year)
            ]
        )


# --- responsibility lists -----------------------------------------------------------------------------


class PositionSerializer(serializers.ModelSerializer):
    unit_kind_display = display_field("unit_kind")
    holder = serializers.SerializerMethodField()

    class Meta:
        model = ResponsibilityPosition
        fields = [
            "id",
            "unit_kind",
            "unit_kind_display",
            "town",
            "department",
            "enterprise",
            "portfolio",
            "position",
            "duties",
            "first_responsible",
            "holder",
        ]
        read_only_fields = fields

    def get_holder(self, obj) -> str | None:
        holder = obj.holder
        return holder.name if holder else None


class HolderSerializer(serializers.ModelSerializer):
    class Meta:
        model = PositionHolder
        fields = ["id", "name", "phone", "start_on", "end_on"]
        read_only_fields = fields


class LetterSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResponsibilityLetter
        fields = ["id", "year", "signed_on", "signed_by"]
        read_only_fields = fields


class PositionDetailSerializer(PositionSerializer):
    """A position with its holders over time (the history) and its signed letters by year."""

    holders = HolderSerializer(many=True, read_only=True)
    letters = LetterSerializer(many=True, read_only=True)

    class Meta(PositionSerializer.Meta):
        fields = [*PositionSerializer.Meta.fields, "holders", "letters"]
        read_only_fields = fields


def _body(request):
    return request.data if hasattr(request.data, "get") else {}


class PositionViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Responsibility positions with their current holder, in the caller's scope."""

    scoped_model = ResponsibilityPosition
    serializer_class = PositionSerializer
    filterset_fields = ["unit_kind", "town", "department", "enterprise"]

    def base_queryset(self):
        return ResponsibilityPosition.objects.prefetch_related("holders", "letters").order_by(
            "unit_kind", "id"
        )

    def get_serializer_class(self):
        return PositionSerializer if self.action == "list" else PositionDetailSerializer

    def _answer(self, position, status=200):
        position = self.base_queryset().get(pk=position.pk)
        return Response(PositionDetailSerializer(position).data, status=status)

    @extend_schema(
        request=inline_serializer(
            "PositionCreation",
            {
                "unit_kind": serializers.ChoiceField(choices=UnitKind.choices),
                "unit": serializers.IntegerField(
                    required=False,
                    help_text="The town, department or enterprise; none for a district leader.",
                ),
                "portfolio": serializers.CharField(required=False, max_length=200),
                "position": serializers.CharField(max_length=100),
                "duties": serializers.CharField(
                    required=False,
                    help_text="Empty: the district's template for the kind of unit and position.",
                ),
                "first_responsible": serializers.BooleanField(required=False),
            },
        ),
        responses={201: PositionDetailSerializer},
    )
    def create(self, request):
        """A position of a unit's responsibility list (the district, or the unit's own officers)."""
        return self._answer(responsibility.create_position(actor=request.user, data=_body(request)), 201)

    @extend_schema(
        request=inline_serializer(
            "PositionChange",
            {
                "portfolio": serializers.CharField(required=False, max_length=200),
                "position": serializers.CharField(max_length=100),
                "duties": serializers.CharField(),
                "first_responsible": serializers.BooleanField(required=False),
            },
        ),
        responses=PositionDetailSerializer,
    )
    @action(detail=True, methods=["post"], url_path="change")
    def change(self, request, pk=None):
        """Change the position's name, portfolio, duties or first-responsible mark."""
        position = self.get_object()
        return self._answer(
            responsibility.change_position(actor=request.user, position=position, data=_body(request))
        )

    @extend_schema(
        request=form_serializer("PositionHolderAssignment", responsibility.HolderForm),
        responses={201: PositionDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path="holders")
    def holders(self, request, pk=None):
        """A new holder from a date; the current holder's term ends the day before (history kept)."""
        position = self.get_object()
        responsibility.assign_holder(actor=request.user, position=position, data=_body(request))
        return self._answer(position, 201)

    @extend_schema(
        request=inline_serializer(
            "ResponsibilityLetterRecording",
            {
                "year": serializers.IntegerField(min_value=2000, max_value=2100),
                "signed_on": serializers.DateField(),
                "signed_by": serializers.CharField(max_length=50),
                "attachments": serializers.ListField(child=serializers.IntegerField(), required=False),
            },
        ),
        responses={201: PositionDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path="letters")
    def letters(self, request, pk=None):
        """The year's signed responsibility letter, its scan from the caller's uploads; once a year (409)."""
        position = self.get_object()
        body = _body(request)
        attachments = body.get("attachments") or []
        if not isinstance(attachments, list):
            attachments = [attachments]
        responsibility.record_letter(
            actor=request.user, position=position, data=body, attachments=attachments
        )
        return self._answer(position, 201)
