"""Shared REST API pieces: pagination, errors, schema access, scoped viewsets."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError
from core.middleware import current_request_meta
from core.ports import DENIED, record_event

log = logging.getLogger(__name__)


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        # A page number that is not a number is invalid input (400), not a 404 or a 500.
        raw = request.query_params.get(self.page_query_param) or 1
        if raw in self.last_page_strings:
            return raw
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise exceptions.ValidationError({"page": [_("Enter a whole number.")]})
        if number < 1:
            raise exceptions.ValidationError({"page": [_("Enter a whole number.")]})
        return number

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise exceptions.ValidationError({"page_size": [_("Enter a whole number.")]})
        if size < 1:
            raise exceptions.ValidationError({"page_size": [_("Enter a whole number.")]})
        return min(size, self.max_page_size)


def exception_handler(exc, context):
    """400/403/404/409/413 as API.md fixes them; anything unexpected is a generic 500 with a request id."""
    if isinstance(exc, DomainError):
        if exc.status_code == status.HTTP_403_FORBIDDEN:
            record_denial(context.get("request"), reason=str(exc.message))
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_403_FORBIDDEN:
        record_denial(context.get("request"), reason=str(getattr(exc, "detail", "")))
    if response is None:
        request_id = current_request_meta().get("request_id", "")
        log.exception("Unhandled API error", exc_info=exc)
        return Response(
            {"detail": _("An internal error occurred."), "request_id": request_id},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return response


def record_denial(request, *, reason: str = "") -> None:
    """MLPS 8.1.4.3: every permission denial is an audit event (API and pages alike)."""
    if request is None:
        return
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    record_event(
        None,
        "security.permission_denied",
        actor=user,
        outcome=DENIED,
        data={
            "method": request.method,
            "path": request.path[:300],
            "view": getattr(match, "view_name", "") or "",
            "reason": reason[:200],
        },
        target_repr=request.path[:200],
    )


class SchemaAccessPermission(permissions.BasePermission):
    """API.md: schema and docs answer any signed-in user, and anonymous visitors only outside production."""

    def has_permission(self, request, view):
        return bool(settings.DEBUG or (request.user and request.user.is_authenticated))


class ScopedViewSetMixin:
    """Every viewset reads through the model's `visible_to` gate; an id outside it is 404."""

    scoped_model = None

    def base_queryset(self):
        return self.scoped_model.objects.all()

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user)


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class GroupKeyField(serializers.Field):
    """A statistics row's key: the id of a town or department, or the code of a sector, type or level."""

    def to_representation(self, value):
        return value


def display_field(source: str) -> serializers.CharField:
    """`<field>_display`: the localized label of a choice field (API.md conventions)."""
    return serializers.CharField(source=f"get_{source}_display", read_only=True)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
