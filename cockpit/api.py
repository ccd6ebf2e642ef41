"""`GET /api/v1/cockpit/` (API.md "Cockpit"): every figure with the API list whose count it is."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from cockpit.figures import all_figures
from cockpit.policy import may_open_cockpit


class CockpitFigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    group = serializers.CharField()
    value = serializers.IntegerField()
    href = serializers.CharField(help_text="An API list URL whose `count` equals `value`.")
    page = serializers.CharField(help_text="The same records as a page of the web application.")


class CockpitView(APIView):
    @extend_schema(
        responses=inline_serializer(name="Cockpit", fields={"figures": CockpitFigureSerializer(many=True)})
    )
    def get(self, request):
        if not may_open_cockpit(request.user):
            raise PermissionDenied()
        return Response({"figures": all_figures(request.user)})
