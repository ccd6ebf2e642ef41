"""`/api/v1/enterprises/{id}/file/` (R-REG-4): the enterprise's file with its expired items flagged and
offered as hazards; POST adds a row to one of its ledgers."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotAllowed
from core.scoping import get_visible_or_404
from registry import file
from registry.models import Enterprise


class EnterpriseFileView(APIView):
    scoped_model = Enterprise  # the id in the path is an enterprise's (scope → 404)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        enterprise = get_visible_or_404(Enterprise.objects.all(), request.user, pk=pk)
        return Response(file.file_of(enterprise))

    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        enterprise = get_visible_or_404(Enterprise.objects.all(), request.user, pk=pk)
        if not file.may_keep(request.user, enterprise):
            raise NotAllowed()
        data = request.data if hasattr(request.data, "get") else {}
        row = file.add_ledger_row(actor=request.user, enterprise=enterprise, data=data)
        return Response({"id": row.pk, "ledger": data.get("ledger")}, status=status.HTTP_201_CREATED)
