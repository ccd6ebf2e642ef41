from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import InvalidInput
from core.exports import xlsx_response
from registry import importer
from registry.exports import export_queryset
from registry.filters import EnterpriseFilter
from registry.models import Enterprise


class ImportTemplateView(APIView):
    @extend_schema(
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY
        }
    )
    def get(self, request):
        return xlsx_response(
            "enterprise-import-template",
            importer.template_columns(),
            importer.template_example_rows(),
            sheet_title="企业导入模板",
        )


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    mode = serializers.ChoiceField(choices=["all_or_nothing", "valid_rows"], default="all_or_nothing")
    dry_run = serializers.BooleanField(default=False)


ImportResultSerializer = inline_serializer(
    "EnterpriseImportResult",
    {
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "errors": serializers.ListField(
            child=inline_serializer(
                "EnterpriseImportError",
                {
                    "row": serializers.IntegerField(),
                    "field": serializers.CharField(),
                    "message": serializers.CharField(),
                },
            )
        ),
        "dry_run": serializers.BooleanField(),
        "rows": serializers.IntegerField(),
    },
)


class ImportView(APIView):
    """Import enterprises (.xlsx or .csv). With errors in all_or_nothing mode nothing is written (400)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        responses={200: ImportResultSerializer, 400: ImportResultSerializer},
    )
    def post(self, request):
        importer.check_can_import(request.user)
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        result = importer.run_import(
            actor=request.user,
            uploaded=upload,
            mode=serializer.validated_data["mode"],
            dry_run=serializer.validated_data["dry_run"],
            source_name=upload.name,
        )
        failed = bool(result.errors) and serializer.validated_data["mode"] == "all_or_nothing"
        body = result.as_dict()
        if failed and not serializer.validated_data["dry_run"]:
            body.update(created=0, updated=0, dry_run=False)  # nothing was written
        return Response(body, status=status.HTTP_400_BAD_REQUEST if failed else status.HTTP_200_OK)


class ExportView(APIView):
    """The scoped, filtered enterprise list as .xlsx (same filters as the list)."""

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in ("town", "sector", "status", "risk_level", "q")],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY
        },
    )
    def get(self, request):
        filterset = EnterpriseFilter(
            request.query_params, queryset=Enterprise.objects.visible_to(request.user), request=request
        )
        if not filterset.is_valid():
            raise InvalidInput(_("The filters are not valid."), errors=dict(filterset.errors))
        return export_queryset(request.user, filterset.qs)
