"""`/api/v1/enterprises/{id}/file/` (R-REG-4): the enterprise's file with its expired items flagged and
offered as hazards. POST adds a row to one of its ledgers; PATCH changes the file's own fields (among them
the accounts of the principal and the safety manager) with the enterprise's `version`. A ledger row is
corrected by PATCH `…/file/rows/` and retired by POST `…/file/retirements/`, each naming the row by `ledger`
and `id` with the row's `version`. Order of checks: 404 (scope), 403 (role), 409 (state, version), 400."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotAllowed
from core.parsers import ObjectJSONParser
from core.scoping import get_visible_or_404
from core.workflow_api import form_serializer
from registry import file, file_services
from registry.file_forms import LEDGER_FORMS, FileForm
from registry.models import Enterprise
from registry.services import may_keep_file


def _body(request) -> dict:
    return request.data if hasattr(request.data, "get") else {}


def _kept_enterprise(request, pk: int) -> Enterprise:
    """The enterprise of the path, visible to the user (404), whose file the user keeps (403)."""
    queryset = Enterprise.objects.select_related("principal_user", "safety_manager_user")
    enterprise = get_visible_or_404(queryset, request.user, pk=pk)
    if not may_keep_file(request.user, enterprise):
        raise NotAllowed()
    return enterprise


def _new_row_request() -> PolymorphicProxySerializer:
    """A new ledger row's body: one shape per ledger (`ledger` the discriminator), typed from the ledger's
    form, so what the schema promises is what `add_ledger_row` accepts."""
    variants = {}
    for ledger, form_class in LEDGER_FORMS.items():
        title = "".join(part.capitalize() for part in ledger.split("_"))
        fields = form_serializer(f"EnterpriseFile{title}Fields", form_class)
        ledger_field = serializers.ChoiceField(choices=[ledger])
        variants[ledger] = type(f"EnterpriseFile{title}Row", (fields,), {"ledger": ledger_field})
    return PolymorphicProxySerializer(
        component_name="EnterpriseFileRow", serializers=variants, resource_type_field_name="ledger"
    )


class EnterpriseFileView(APIView):
    scoped_model = Enterprise  # the id in the path is an enterprise's (scope → 404)
    # JSON bodies, as every action route: a form encoding has no null for an optional date or account.
    parser_classes = [ObjectJSONParser]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        queryset = Enterprise.objects.select_related("principal_user", "safety_manager_user")
        enterprise = get_visible_or_404(queryset, request.user, pk=pk)
        return Response(file.file_of(enterprise))

    @extend_schema(
        request=_new_row_request(),
        responses={
            201: inline_serializer(
                "EnterpriseFileRowAdded",
                {"id": serializers.IntegerField(), "ledger": serializers.CharField()},
            )
        },
    )
    def post(self, request, pk: int):
        enterprise = _kept_enterprise(request, pk)
        data = _body(request)
        row = file_services.add_ledger_row(actor=request.user, enterprise=enterprise, data=data)
        return Response({"id": row.pk, "ledger": data.get("ledger")}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=form_serializer("EnterpriseFileUpdate", FileForm, version=True),
        responses=OpenApiTypes.OBJECT,
        description=(
            "Change the file's own fields: principal_user and safety_manager_user (ids of active accounts "
            "of this enterprise, or null), certificates, standardisation, insurance, work_flags, "
            "full_time_safety_staff, combined_premises. Send the enterprise's `version` from the file."
        ),
    )
    def patch(self, request, pk: int):
        enterprise = _kept_enterprise(request, pk)
        data = _body(request)
        enterprise = file_services.update_file(
            actor=request.user, enterprise=enterprise, data=data, version=data.get("version")
        )
        return Response(file.file_of(enterprise))


class FileRowCorrectionSerializer(serializers.Serializer):
    ledger = serializers.CharField()
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    required_in_patch = ("ledger", "id", "version")

    class Meta:
        ref_name = "EnterpriseFileRowCorrection"


class EnterpriseFileRowsView(APIView):
    scoped_model = Enterprise

    @extend_schema(
        request=FileRowCorrectionSerializer,
        responses=OpenApiTypes.OBJECT,
        description="Correct one ledger row: `ledger`, `id`, the row's `version`, and the fields to change.",
    )
    def patch(self, request, pk: int):
        enterprise = _kept_enterprise(request, pk)
        data = _body(request)
        ledger, row = file_services.row_of(enterprise, data)
        file_services.update_ledger_row(
            actor=request.user, ledger=ledger, row=row, data=data, version=data.get("version")
        )
        return Response(file.file_of(enterprise))


class EnterpriseFileRetirementsView(APIView):
    scoped_model = Enterprise

    @extend_schema(
        request=inline_serializer(
            "EnterpriseFileRowRetirement",
            {
                "ledger": serializers.CharField(),
                "id": serializers.IntegerField(),
                "version": serializers.IntegerField(),
                "reason": serializers.CharField(max_length=200),
            },
        ),
        responses=OpenApiTypes.OBJECT,
        description="Take one ledger row off the file: `ledger`, `id`, the row's `version` and a `reason`.",
    )
    def post(self, request, pk: int):
        enterprise = _kept_enterprise(request, pk)
        data = _body(request)
        ledger, row = file_services.row_of(enterprise, data)
        file_services.retire_ledger_row(
            actor=request.user, ledger=ledger, row=row, version=data.get("version"), reason=data.get("reason")
        )
        return Response(file.file_of(enterprise))
