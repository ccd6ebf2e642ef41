"""Request context (IP, request id) for audit records and log lines."""

import contextvars
import logging
import uuid

_request_meta: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "redline_request_meta", default=None
)


def current_request_meta() -> dict:
    return _request_meta.get() or {}


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the address the
    outermost of them saw. Earlier X-Forwarded-For entries are written by the client and never trusted
    (they would forge the audit trail's IP and slip past the login throttle)."""
    from django.conf import settings

    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if incoming and len(incoming) <= 64 and incoming.isalnum() else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_meta.set({"ip": client_ip(request), "request_id": request_id})
        try:
            response = self.get_response(request)
        finally:
            _request_meta.reset(token)
        response["X-Request-ID"] = request_id
        return response

    def process_exception(self, request, exception):
        # A service's NotAllowed that a view did not handle is a 403 page (recorded there), not a 500.
        from core.errors import NotAllowed

        if isinstance(exception, NotAllowed):
            from core.views import error_403

            return error_403(request, exception)
        return None


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_meta().get("request_id", "-")
        return True
