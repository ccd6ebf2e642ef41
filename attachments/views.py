"""Downloads go only through these authorizing views: the storage path is never exposed."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.http import require_GET

from attachments.models import Attachment
from attachments.services import EvidenceTampered, fetch_original
from core.errors import NotAllowed


def _visible_attachment(request, pk: int) -> Attachment:
    attachment = Attachment.objects.visible_to(request.user).filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


def _safe_headers(response, cache_control: str):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = cache_control
    return response


@login_required
@require_GET
def download(request, pk: int):
    """The served copy: a photo without its metadata, a PDF as uploaded."""
    attachment = _visible_attachment(request, pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    as_attachment = request.GET.get("download") == "1" or not attachment.is_image
    response = FileResponse(
        handle, as_attachment=as_attachment, filename=attachment.name, content_type=attachment.content_type
    )
    return _safe_headers(response, "private, max-age=3600")


@login_required
@require_GET
def original(request, pk: int):
    """The uploaded bytes (a photo's EXIF and GPS included), hash-checked, for the permitted roles only."""
    attachment = _visible_attachment(request, pk)
    try:
        handle = fetch_original(actor=request.user, attachment=attachment)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc.message))
    except EvidenceTampered as exc:
        response = HttpResponse(
            str(exc.message), status=exc.status_code, content_type="text/plain; charset=utf-8"
        )
        return _safe_headers(response, "no-store")
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    # It can hold a position: never kept by a shared cache or the browser.
    return _safe_headers(response, "private, no-store")
