from django.contrib.auth import authenticate
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import security, services, totp
from accounts.models import User
from accounts.services import issue_api_token
from core.middleware import client_ip


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        help_text="Six-digit code of the authenticator app; required for accounts with two-factor authentication.",
    )


class TokenView(APIView):
    """`POST /api/v1/auth/token/` → `{"token": …}` (API.md). Bad credentials, a missing or wrong code and
    a locked account all answer 400 with one generic message; an address that tries many accounts gets 429.
    Every failure counts towards the same lock as the web login."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        ip = client_ip(request)
        try:
            security.check_allowed(username, ip)
        except security.LoginRefused as refused:
            security.record_failed_login(
                username, via="api", reason="throttled" if refused.throttled else "locked"
            )
            return self._refused(refused)
        user = authenticate(request, username=username, password=serializer.validated_data["password"])
        if user is None:
            security.note_failure(username, ip, kind="token")
            security.record_failed_login(username, via="api", reason="credentials")
            return self._generic_failure()
        if security.mfa_required(user):
            code = serializer.validated_data.get("otp", "")
            if not code:
                # The password was right: say so only by asking for the code, and count nothing.
                return Response(
                    {"otp": [_("Enter the six-digit code of your authenticator app.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            try:
                verified = totp.verify_login_code(user=user, code=code, ip=ip)
            except security.LoginRefused as refused:
                return self._refused(refused)
            if not verified:
                return self._generic_failure()
        if not user.role_codes:
            return Response({"detail": str(security.NO_ROLE_YET)}, status=status.HTTP_403_FORBIDDEN)
        if security.must_change_password(user):
            return Response({"detail": str(security.CHANGE_PASSWORD_FIRST)}, status=status.HTTP_403_FORBIDDEN)
        security.note_success(username, ip, kind="token")
        return Response({"token": issue_api_token(user=user)})

    @staticmethod
    def _generic_failure():
        return Response({"detail": str(security.GENERIC_FAILURE)}, status=status.HTTP_400_BAD_REQUEST)

    def _refused(self, refused):
        if not refused.throttled:
            return self._generic_failure()
        response = Response({"detail": str(refused.message)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        response["Retry-After"] = str(refused.retry_after)
        return response


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


class RevealIdNumberSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class RevealIdNumberView(APIView):
    """`POST /api/v1/users/{id}/id-number/reveal/` `{"reason": …}` → `{"id_number": …}`: the full resident
    ID number for those who must identify the person (R-REG-3); the reason is audited. Others: 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=RevealIdNumberSerializer,
        responses={200: inline_serializer("RevealedIdNumber", {"id_number": serializers.CharField()})},
    )
    def post(self, request, pk: int):
        user = User.objects.filter(pk=pk).first()
        if user is None or not services.may_reveal_id_number(request.user, user):
            raise Http404
        serializer = RevealIdNumberSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        number = services.reveal_id_number(
            actor=request.user, user=user, reason=serializer.validated_data["reason"]
        )
        response = Response({"id_number": number})
        response["Cache-Control"] = "no-store"
        return response


class PingView(APIView):
    """`GET /api/v1/ping/` → `{"ok": true}`: the cheapest authenticated answer, through the same middleware
    and authentication as every endpoint (the benchmark's baseline, issue 7)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=inline_serializer("Ping", {"ok": serializers.BooleanField()}))
    def get(self, request):
        return Response({"ok": True})
