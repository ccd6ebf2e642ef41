"""Downloads go only through this authorizing view: the storage path is never exposed."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from attachments.models import Attachment


@login_required
@require_GET
def download(request, pk: int):
    attachment = Attachment.objects.visible_to(request.user).filter(pk=pk).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    as_attachment = request.GET.get("download") == "1" or not attachment.is_image
    response = FileResponse(
        handle, as_attachment=as_attachment, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
