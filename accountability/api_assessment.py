"""REST API of the annual assessment (API.md "Assessment", R-ACCT-6): scorecards, the records behind each
item, weights, publishing and adjustments."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accountability import params, selectors
from accountability.assessment import record_ref
from accountability.services import assessment as assessment_services
from core.api import StandardPagination
from core.params import BadParameter
from core.workflow_api import form_serializer


def int_param(request, name, low, high, *, required=True):
    """A number parameter, checked as the pages check it (accountability.params); its error under its name."""
    try:
        value = params.number(request.query_params.get(name), low, high)
    except BadParameter as exc:
        raise ValidationError({name: [str(exc)]}) from None
    if value is None and required:
        raise ValidationError({name: [_("This parameter is required.")]})
    return value


def _kind_param(request):
    try:
        return params.kind(request.query_params.get("kind"))
    except BadParameter as exc:
        raise ValidationError({"kind": [str(exc)]}) from None


class ItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.IntegerField()
    value = serializers.FloatField()
    points = serializers.FloatField()
    records = serializers.CharField(
        help_text="A list URL whose count is the value (a rate: the records of its numerator)."
    )
    records_count = serializers.IntegerField()
    total = serializers.IntegerField(
        allow_null=True, help_text="A rate's denominator (the value is its numerator); null for a count."
    )
    veto = serializers.BooleanField()


class LineSerializer(serializers.Serializer):
    target = serializers.DictField()
    score = serializers.FloatField()
    rank = serializers.IntegerField()
    rating = serializers.CharField()
    vetoed = serializers.BooleanField()
    frozen = serializers.BooleanField()
    items = ItemSerializer(many=True)


def _page_of(name: str, rows: serializers.Serializer):
    """The schema of a StandardPagination answer: the views paginate plain rows by hand, so the schema
    generator cannot see the envelope on its own."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": rows,
        },
    )


PAGE = [OpenApiParameter("page", int, required=False), OpenApiParameter("page_size", int, required=False)]

PERIOD = [
    OpenApiParameter("year", int, required=True),
    OpenApiParameter("kind", enum=["town", "department"], required=False),
    OpenApiParameter(
        "quarter", int, required=False, description="1–4: the year up to the end of that quarter."
    ),
]


def _records_url(request, *, year, kind, unit, item, quarter):
    query = {"year": year, "kind": kind, "unit": unit, "item": item}
    if quarter:
        query["quarter"] = quarter
    return request.build_absolute_uri(reverse("api-assessment-records") + "?" + urlencode(query))


class AssessmentView(APIView):
    """The scorecard: one row per town or department the caller may see, ranked among all (R-ACCT-6)."""

    @extend_schema(
        parameters=[*PERIOD, *PAGE], responses=_page_of("AssessmentPage", LineSerializer(many=True))
    )
    def get(self, request):
        year = int_param(request, "year", *params.YEARS)
        kind = _kind_param(request)
        quarter = int_param(request, "quarter", *params.QUARTERS, required=False)
        _card, lines = selectors.scorecard(request.user, year=year, kind=kind, quarter=quarter)
        rows = [
            {
                "target": {"kind": kind, "id": line.unit_id, "name": str(line.unit)},
                "score": float(line.score),
                "rank": line.rank,
                "rating": line.rating,
                "vetoed": line.vetoed,
                "frozen": line.frozen,
                "items": [
                    {
                        "code": item.key,
                        "label": str(item.label),
                        "weight": item.weight,
                        "value": float(item.value),
                        "points": float(item.points),
                        "records": _records_url(
                            request, year=year, kind=kind, unit=line.unit_id, item=item.key, quarter=quarter
                        ),
                        "records_count": item.record_count,
                        "total": item.total,
                        "veto": item.veto,
                    }
                    for item in line.items
                ],
            }
            for line in lines
        ]
        paginator = StandardPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(page)


class RecordSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    href = serializers.CharField()


class AssessmentRecordsView(APIView):
    """The records behind one item of one unit's score; `count` is the item's value."""

    @extend_schema(
        parameters=[
            *PERIOD,
            OpenApiParameter("unit", int, required=True),
            OpenApiParameter("item", str, required=True),
            *PAGE,
        ],
        responses=_page_of("AssessmentRecordsPage", RecordSerializer(many=True)),
    )
    def get(self, request):
        year = int_param(request, "year", *params.YEARS)
        kind = _kind_param(request)
        quarter = int_param(request, "quarter", *params.QUARTERS, required=False)
        unit = int_param(request, "unit", 1, 2**31)
        _card, line = selectors.scorecard_line(
            request.user, year=year, kind=kind, unit_id=unit, quarter=quarter
        )
        item = selectors.item_of(line, request.query_params.get("item", ""))
        rows = [
            {k: r.get(k, "") for k in ("kind", "id", "title", "href")} for r in map(record_ref, item.records)
        ]
        paginator = StandardPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(page)


class WeightsView(APIView):
    """The district's weights of a year (they add up to 100; otherwise 400)."""

    @extend_schema(
        request=inline_serializer(
            "AssessmentWeights",
            {
                "year": serializers.IntegerField(),
                "kind": serializers.ChoiceField(choices=["town", "department"]),
                "weights": serializers.DictField(child=serializers.IntegerField()),
            },
        ),
        responses=inline_serializer("AssessmentWeightsSaved", {"weights": serializers.DictField()}),
    )
    def post(self, request):
        body = request.data if hasattr(request.data, "get") else {}
        weights = assessment_services.set_weights(
            actor=request.user, year=body.get("year"), kind=body.get("kind"), weights=body.get("weights")
        )
        return Response({"weights": weights})


class PublishView(APIView):
    """Publish and freeze a year's scorecard."""

    @extend_schema(
        request=inline_serializer(
            "AssessmentPublish",
            {
                "year": serializers.IntegerField(),
                "kind": serializers.ChoiceField(choices=["town", "department"]),
                "version": serializers.IntegerField(),
            },
        ),
        responses=inline_serializer(
            "AssessmentPublished", {"state": serializers.CharField(), "version": serializers.IntegerField()}
        ),
    )
    def post(self, request):
        body = request.data if hasattr(request.data, "get") else {}
        card = assessment_services.publish_scorecard(
            actor=request.user, year=body.get("year"), kind=body.get("kind"), version=body.get("version")
        )
        return Response({"state": card.state, "version": card.version})


class AdjustView(APIView):
    """A reasoned change to a published unit's item (the frozen figures stay as they were)."""

    @extend_schema(
        request=form_serializer("AssessmentAdjust", assessment_services.AdjustRequestForm),
        responses=inline_serializer("AssessmentAdjusted", {"id": serializers.IntegerField()}),
    )
    def post(self, request):
        adjustment = assessment_services.adjust_score(actor=request.user, data=request.data)
        return Response({"id": adjustment.pk})
