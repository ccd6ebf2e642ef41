from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_jobs import JobSerializer
from core.errors import InvalidInput
from core.exports import job_payload, xlsx_response
from registry import import_jobs, importer
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
            more_sheets=importer.template_sheets(),
        )


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    mode = serializers.ChoiceField(choices=["all_or_nothing", "valid_rows"], default="all_or_nothing")
    dry_run = serializers.BooleanField(default=False)
    background = serializers.BooleanField(
        default=False,
        help_text="Run as a background job even when the file is small (a large file always is).",
    )


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
                    "sheet": serializers.CharField(
                        required=False,
                        help_text="The ledger sheet of the row; absent for the enterprises' sheet.",
                    ),
                },
            )
        ),
        "dry_run": serializers.BooleanField(),
        "rows": serializers.IntegerField(),
        "ledger_rows": serializers.IntegerField(help_text="Rows of the file's ledger sheets."),
        "ledger_created": serializers.IntegerField(help_text="Ledger rows added to an enterprise's file."),
        "ledger_updated": serializers.IntegerField(
            help_text="Ledger rows corrected in an enterprise's file."
        ),
    },
)


class ImportView(APIView):
    """Import enterprises (.xlsx or .csv). With errors in all_or_nothing mode nothing is written (400).

    A workbook may carry, after the enterprises' sheet, the enterprise file's ledgers as the export writes
    them (sheets 重大危险源, 许可证, 特种作业人员, 出租厂房; first columns 统一社会信用代码 and 企业名称): each row is
    added to, or corrects, the file of the enterprise its credit code names; its errors name the `sheet`.

    A file of at most IMPORT_DIRECT_BYTES (256 KiB by default) holding at most IMPORT_DIRECT_CELLS cells
    (20,000 by default, counted before the parse) is imported in the request and answered as above. Any
    other file, or any file with `background=true`, is staged and imported by a background job:
    the answer is 202 with the job (`Location` names it); `GET /api/v1/jobs/{id}/` then gives its state,
    rows done / total, and, once done, this operation's result in `summary`."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        responses={200: ImportResultSerializer, 202: JobSerializer, 400: ImportResultSerializer},
    )
    def post(self, request):
        importer.check_can_import(request.user)
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = import_jobs.start_import(
            actor=request.user,
            upload=data["file"],
            mode=data["mode"],
            dry_run=data["dry_run"],
            inline=False if data["background"] else None,
        )
        if not job.finished:
            body = job_payload(job)
            return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})
        import_jobs.discard_staged(job)
        body = {k: v for k, v in job.summary.items() if k != "failed"}
        failed = job.summary.get("failed", False)
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
        return export_queryset(request.user, filterset.qs, request=request)
