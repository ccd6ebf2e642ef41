"""REST API of the duty module exactly as API.md fixes it ("Duty", "Information reports"), and the rest
of the module's routes designed the same way."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSetMixin, display_field
from core.api_jobs import JobSerializer
from core.errors import InvalidInput
from core.exports import job_payload
from core.masking import can_see_personal_data, phone_for
from core.workflow_api import add_workflow_actions, serializer_field
from duty import selectors, services
from duty.forms import FollowUpForm, MonthForm, ReportForm, RosterCreateForm, ShiftForm, SwapRequestForm
from duty.models import Contact, DutyRoom, InfoReport, ReportDeadline, ReportUpdate, Roster, Shift, Swap
from duty.policy import POLICY


def form_serializer(name: str, form_class, extra: dict | None = None):
    """A request body documented from the same form the service validates with."""
    attrs = {field: serializer_field(f) for field, f in form_class.base_fields.items()}
    attrs.update(extra or {})
    return type(name, (serializers.Serializer,), attrs)


# --- rooms ---------------------------------------------------------------------------------------------


class ShiftPatternSerializer(serializers.Serializer):
    """The pattern the room's next generated months follow (R-DUTY-2): its own, or the district setting
    for each part it leaves empty."""

    start = serializers.CharField(help_text="HH:MM, when the first shift of each duty day starts.")
    hours = serializers.IntegerField(help_text="The length of a shift in hours (a number that divides 24).")
    shifts_per_day = serializers.IntegerField()
    own = serializers.BooleanField(help_text="Whether the room sets a part of it (false: the district's).")
    description = serializers.CharField()


class DutyRoomSerializer(serializers.ModelSerializer):
    leaders = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    officers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    phone = serializers.SerializerMethodField()
    shift_start = serializers.SerializerMethodField()
    shift_pattern = serializers.SerializerMethodField()

    class Meta:
        model = DutyRoom
        fields = [
            "id",
            "name",
            "town",
            "leaders",
            "officers",
            "phone",
            "shift_start",
            "shift_hours",
            "shift_pattern",
            "version",
        ]
        read_only_fields = ["shift_hours", "version"]
        extra_kwargs = {
            "shift_hours": {"help_text": "The room's own shift length in hours; null: the district setting."},
            "version": {"help_text": "The version to send with `POST …/pattern/`."},
        }

    def get_phone(self, room) -> str:
        return room.phone  # a duty room's phone is an office line, staffed for the public

    @extend_schema_field(
        serializers.CharField(
            allow_null=True, help_text="The room's own shift start (HH:MM); null: the district setting."
        )
    )
    def get_shift_start(self, room):
        return f"{room.shift_start:%H:%M}" if room.shift_start is not None else None

    @extend_schema_field(ShiftPatternSerializer)
    def get_shift_pattern(self, room) -> dict:
        pattern = room.shift_pattern
        return {
            "start": f"{pattern.start:%H:%M}",
            "hours": pattern.hours,
            "shifts_per_day": pattern.per_day,
            "own": pattern.own,
            "description": pattern.describe(),
        }


class RoomViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Duty rooms in the caller's scope: the district's room (town null) and one per town/street."""

    scoped_model = DutyRoom
    serializer_class = DutyRoomSerializer

    def base_queryset(self):
        return DutyRoom.objects.prefetch_related("leaders", "officers").order_by("town__code", "id")


# `POST /api/v1/duty/rooms/{id}/pattern/` with the `version` read: the room's own shift start ("HH:MM") and
# length (hours dividing 24), each null or absent for the district setting; months generated afterwards
# follow it, rosters already made keep theirs.
add_workflow_actions(
    RoomViewSet,
    services.ROOM_FLOW,
    services={"set_pattern": services.set_room_pattern},
    response=lambda view, room: DutyRoomSerializer(view.base_queryset().get(pk=room.pk)).data,
    response_serializer=DutyRoomSerializer,
)


# --- rosters -------------------------------------------------------------------------------------------


class ShiftSerializer(serializers.ModelSerializer):
    role_display = display_field("role")
    person_name = serializers.CharField(source="person.display_name", read_only=True)
    state_display = display_field("state")

    class Meta:
        model = Shift
        fields = [
            "id",
            "person",
            "person_name",
            "role",
            "role_display",
            "start",
            "end",
            "state",
            "state_display",
        ]


class RosterSerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField()
    state_display = display_field("state")
    shifts = ShiftSerializer(many=True, read_only=True)

    class Meta:
        model = Roster
        fields = [
            "id",
            "room",
            "month",
            "state",
            "state_display",
            "version",
            "uneven_note",
            "published_at",
            "shifts",
        ]

    def get_month(self, roster) -> str:
        return f"{roster.month:%Y-%m}"


class CoverageGapSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    missing = serializers.ChoiceField(choices=["leader", "officer"])
    needed = serializers.IntegerField()
    present = serializers.IntegerField()


class DoubleBookingSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    shifts = serializers.ListField(child=serializers.IntegerField())


class CoverageSerializer(serializers.Serializer):
    gaps = CoverageGapSerializer(many=True)
    double_bookings = DoubleBookingSerializer(many=True)


class RosterViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Month rosters of the duty rooms. `POST` with `room` and `month` ("2027-01") creates a draft."""

    scoped_model = Roster
    serializer_class = RosterSerializer

    def base_queryset(self):
        return Roster.objects.select_related("room").prefetch_related(
            Prefetch("shifts", queryset=Shift.objects.select_related("person").order_by("start", "role"))
        )

    @extend_schema(
        request=form_serializer("RosterCreateRequest", RosterCreateForm), responses=RosterSerializer
    )
    def create(self, request, *args, **kwargs):
        roster = services.create_roster(actor=request.user, data=_body(request))
        return Response(
            RosterSerializer(self.base_queryset().get(pk=roster.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=form_serializer("ShiftCreateRequest", ShiftForm), responses={201: ShiftSerializer})
    @action(detail=True, methods=["post"])
    def shifts(self, request, pk=None):
        """Add a shift to a draft roster; a shift that breaks a rest rule is refused (400) naming it."""
        shift = services.add_shift(self.get_object(), actor=request.user, data=_body(request))
        return Response(ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=form_serializer("MonthPrepareRequest", MonthForm), responses={202: JobSerializer})
    @action(detail=False, methods=["post"], url_path="prepare-month")
    def prepare_month(self, request):
        """Every room of the caller's: the month's draft made and generated, and published when `publish`
        is true and its coverage is complete. Answers 202 with the job to follow (`GET /api/v1/jobs/{id}/`);
        its summary names each room's roster, state, gaps and what kept it a draft."""
        job = services.prepare_month(actor=request.user, data=_body(request))
        payload = job_payload(job)
        return Response(payload, status=status.HTTP_202_ACCEPTED, headers={"Location": payload["url"]})

    @extend_schema(responses=CoverageSerializer)
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        """Every minute of the month: a leader and the officers the day needs; gaps and double bookings."""
        return Response(CoverageSerializer(services.check_coverage(self.get_object())).data)


add_workflow_actions(
    RosterViewSet,
    services.ROSTER_FLOW,
    services={"generate": services.generate_roster, "publish": services.publish_roster},
    response=lambda view, roster: RosterSerializer(view.base_queryset().get(pk=roster.pk)).data,
    response_serializer=RosterSerializer,
)


# --- swaps --------------------------------------------------------------------------------------------


class SwapSerializer(serializers.ModelSerializer):
    state_display = display_field("state")

    class Meta:
        model = Swap
        fields = ["id", "shift", "requested_by", "counterpart", "reason", "state", "state_display", "version"]


class SwapViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Swaps of published shifts: requested, accepted by the one taking over, approved by the keeper."""

    scoped_model = Swap
    serializer_class = SwapSerializer

    def base_queryset(self):
        return Swap.objects.select_related("shift")

    @extend_schema(
        request=form_serializer("SwapCreateRequest", SwapRequestForm, {"shift": serializers.IntegerField()}),
        responses={201: SwapSerializer},
    )
    def create(self, request, *args, **kwargs):
        POLICY.require(request.user, "stand_duty")
        body = _body(request)
        raw = str(body.get("shift", ""))
        shifts = Shift.objects.visible_to(request.user).select_related("roster__room")
        shift = shifts.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 10 else None
        if shift is None:
            raise InvalidInput.field("shift", _("Choose a shift you can see."))
        swap = services.request_swap(shift, actor=request.user, data=body)
        return Response(SwapSerializer(swap).data, status=status.HTTP_201_CREATED)


add_workflow_actions(
    SwapViewSet,
    services.SWAP_FLOW,
    services={
        "accept": services.accept_swap,
        "approve": services.approve_swap,
        "reject": services.reject_swap,
    },
)


# --- information reports ----------------------------------------------------------------------------


class InfoReportDeadlineSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ReportDeadline
        fields = ["step", "due_at", "done_at", "overdue"]

    def get_overdue(self, deadline) -> bool:
        return deadline.is_overdue()


class InfoReportUpdateSerializer(serializers.ModelSerializer):
    kind_display = display_field("kind")
    late = serializers.BooleanField(read_only=True)  # filed after its follow-up was due (R-ACC-4)

    class Meta:
        model = ReportUpdate
        fields = [
            "kind",
            "kind_display",
            "submitted_at",
            "submitted_by",
            "text",
            "facts",
            "changes",
            "due_at",
            "late",
        ]


class InfoReportSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField()
    event_type_display = display_field("event_type")
    state_display = display_field("state")
    deadlines = InfoReportDeadlineSerializer(many=True, read_only=True)
    updates = InfoReportUpdateSerializer(many=True, read_only=True)
    contact_phone = serializers.SerializerMethodField()
    next_follow_up_due = serializers.SerializerMethodField()
    follow_up_overdue = serializers.SerializerMethodField()

    class Meta:
        model = InfoReport
        fields = [
            "id",
            "kind",
            "town",
            "enterprise",
            "department",
            "reporter",
            "title",
            "event_type",
            "event_type_display",
            "occurred_at",
            "known_at",
            "place",
            "deaths",
            "missing",
            "serious_injuries",
            "description",
            "measures",
            "request",
            "contact_name",
            "contact_phone",
            "larger_event",
            "larger_near_miss",
            "by_phone",
            "accident",
            "state",
            "state_display",
            "version",
            "submitted_at",
            "pending_request",
            "escalated_at",
            "late",
            "deadlines",
            "next_follow_up_due",
            "follow_up_overdue",
            "updates",
        ]

    def get_kind(self, report) -> str:
        """The latest report's kind: `initial` until a follow-up or the final report arrives."""
        updates = [u for u in report.updates.all() if u.kind != "answer"]
        return updates[-1].kind if updates else "initial"

    def get_contact_phone(self, report) -> str:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return phone_for(user, report.contact_phone, report.enterprise_id)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_follow_up_due(self, report):
        due = selectors.next_follow_up_due(report)
        return serializers.DateTimeField().to_representation(due) if due else None

    def get_follow_up_overdue(self, report) -> bool:
        """R-ACC-4: the next follow-up report is past its due time."""
        return report.follow_up_overdue()


class ReportViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Information reports (信息报送) in the caller's scope, with their clocks counted from `known_at`.
    Filters `town`, `state`, `late` (true|false)."""

    scoped_model = InfoReport
    serializer_class = InfoReportSerializer

    def base_queryset(self):
        return InfoReport.objects.prefetch_related(
            Prefetch("deadlines", queryset=ReportDeadline.objects.order_by("due_at", "id")),
            Prefetch("updates", queryset=ReportUpdate.objects.order_by("submitted_at", "id")),
        ).order_by("-known_at", "-id")

    def get_queryset(self):
        qs = super().get_queryset()
        params = self.request.query_params
        if params.get("town", "").isdigit():
            qs = qs.filter(town_id=int(params["town"]))
        if params.get("state") == "open":
            qs = qs.open()
        elif params.get("state"):
            qs = qs.filter(state=params["state"])
        if params.get("late") in ("true", "false"):
            qs = qs.filter(late=params["late"] == "true")
        if params.get("q"):
            qs = qs.filter(title__icontains=params["q"][:100])
        return qs

    def _answer(self, report, code=status.HTTP_200_OK):
        fresh = self.base_queryset().get(pk=report.pk)
        return Response(InfoReportSerializer(fresh, context={"request": self.request}).data, status=code)

    @extend_schema(
        request=form_serializer("InfoReportCreateRequest", ReportForm), responses={201: InfoReportSerializer}
    )
    def create(self, request, *args, **kwargs):
        report = services.submit_report(actor=request.user, data=_body(request))
        return self._answer(report, status.HTTP_201_CREATED)

    @extend_schema(
        request=form_serializer(
            "InfoReportFollowUpRequest", FollowUpForm, {"version": serializers.IntegerField(required=False)}
        ),
        responses=InfoReportSerializer,
    )
    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_ups(self, request, pk=None):
        """A follow-up report (R-ACC-4); on a closed report 409."""
        body = _body(request)
        report = services.REPORT_SERVICES["follow_up"](
            self.get_object(), actor=request.user, version=body.pop("version", None), data=body
        )
        return self._answer(report)

    @extend_schema(
        request=form_serializer(
            "InfoReportFinalRequest", FollowUpForm, {"version": serializers.IntegerField(required=False)}
        ),
        responses=InfoReportSerializer,
    )
    @action(detail=True, methods=["post"])
    def final(self, request, pk=None):
        """The final report when the event ends; it closes the report."""
        body = _body(request)
        report = services.REPORT_SERVICES["final"](
            self.get_object(), actor=request.user, version=body.pop("version", None), data=body
        )
        return self._answer(report)


add_workflow_actions(
    ReportViewSet,
    services.REPORT_FLOW,
    services={k: v for k, v in services.REPORT_SERVICES.items() if k not in ("follow_up", "final")},
    response=lambda view, report: InfoReportSerializer(
        view.base_queryset().get(pk=report.pk), context={"request": view.request}
    ).data,
    response_serializer=InfoReportSerializer,
)


# --- contacts ----------------------------------------------------------------------------------------


class DutyContactSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = ["id", "name", "unit", "title", "phone", "office_phone", "town"]

    def get_phone(self, contact) -> str:
        request = self.context.get("request")
        return phone_for(getattr(request, "user", None), contact.phone)


class ContactViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The contact directory of officials and units; `?q=` searches name, unit, position and numbers (mobile
    numbers only for roles that see them unmasked). Mobile numbers are masked for roles that need not see
    them."""

    scoped_model = Contact
    serializer_class = DutyContactSerializer

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .search(
                self.request.query_params.get("q", ""),
                full_numbers=can_see_personal_data(self.request.user),
            )
        )


def _body(request) -> dict:
    data = request.data if hasattr(request.data, "get") else {}
    return dict(data.items())
