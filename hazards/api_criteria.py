"""`/api/v1/hazard-criteria/` (API.md "Major-hazard criteria", R-HAZ-9): the library for every official,
searchable in Chinese; its .xlsx export and import for district administrators."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exports import xlsx_response
from hazards import criteria_io
from hazards.models import MajorHazardCriterion
from hazards.services.library import _district_admin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CriterionSerializer(serializers.ModelSerializer):
    sector = serializers.CharField(source="sector_id", read_only=True)
    item = serializers.CharField(source="clause", read_only=True)
    code = serializers.CharField(source="item", read_only=True)
    edition = serializers.CharField(source="source_document.code", default=None, read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = MajorHazardCriterion
        fields = [
            "id",
            "sector",
            "source",
            "article",
            "item",
            "text",
            "verified",
            "active",
            "code",
            "edition",
            "scope",
            "note",
        ]


FILTERS = [
    OpenApiParameter("sector", str, description="sector code"),
    OpenApiParameter("q", str, description="words of the text, scope, source or article"),
    OpenApiParameter("active", bool),
    OpenApiParameter("edition", str, description="the code of a source edition (as `edition` in the rows)"),
]


@extend_schema(parameters=FILTERS)
class CriterionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Reference data for every official (the administrator roles touch no business data)."""

    serializer_class = CriterionSerializer

    def list(self, request, *args, **kwargs):
        from core.errors import NotAllowed
        from core.scoping import scope_of

        if scope_of(request.user).is_empty:
            raise NotAllowed()
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return criteria_io.filtered(self.request.query_params)


class CriterionExportView(APIView):
    @extend_schema(parameters=FILTERS, responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request):
        _district_admin(request.user)
        return xlsx_response(
            "major-hazard-criteria",
            criteria_io.export_columns(),
            criteria_io.filtered(request.query_params),
            sheet_title="重大事故隐患判定标准",
        )


class CriterionImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class CriterionImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": CriterionImportSerializer},
        responses={
            200: inline_serializer(
                "CriterionImportResult",
                {"created": serializers.IntegerField(), "updated": serializers.IntegerField()},
            )
        },
    )
    def post(self, request):
        _district_admin(request.user)
        serializer = CriterionImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(
            criteria_io.import_criteria(actor=request.user, uploaded=serializer.validated_data["file"])
        )
