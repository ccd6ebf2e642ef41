from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services import issue_api_token
from audit.models import AuditEvent
from audit.services import record


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenView(APIView):
    """`POST /api/v1/auth/token/` → `{"token": …}` (API.md). Bad credentials: 400 with a generic error."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            record(
                None,
                "accounts.login_failed",
                data={"username": serializer.validated_data["username"], "via": "api"},
                outcome=AuditEvent.Outcome.FAILURE,
                target_type="accounts.user",
            )
            return Response(
                {"detail": _("The username or password is not correct.")}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response({"token": issue_api_token(user=user)})


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    town = serializers.IntegerField(allow_null=True)
    department = serializers.IntegerField(allow_null=True)
    enterprise = serializers.IntegerField(allow_null=True)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        return Response(
            {
                "id": user.pk,
                "username": user.username,
                "name": user.name,
                "roles": sorted(user.role_codes),
                "town": user.town_id,
                "department": user.department_id,
                "enterprise": user.enterprise_id,
            }
        )
