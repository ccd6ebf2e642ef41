"""Import in the browser: upload → preview (dry run) → import all, or only the valid rows."""

import os
import shutil
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.exports import xlsx_response
from registry import importer
from registry.forms import ImportForm

SESSION_KEY = "registry_import_file"


def _stored_upload(request):
    info = request.session.get(SESSION_KEY)
    if not info or not os.path.exists(info["path"]):
        return None
    handle = open(info["path"], "rb")  # noqa: SIM115 - closed by the caller
    return UploadedFile(handle, name=info["name"], size=os.path.getsize(info["path"]))


def _discard_stored(request) -> None:
    """Forget the previewed file and delete it (each preview made its own temporary directory)."""
    info = request.session.pop(SESSION_KEY, None)
    if info:
        directory = os.path.dirname(info["path"])
        if os.path.basename(directory).startswith("redline-import-"):
            shutil.rmtree(directory, ignore_errors=True)


@login_required
def import_upload(request):
    importer.check_can_import(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    action = request.POST.get("action", "preview")
    if request.method == "POST" and action == "preview" and form.is_valid():
        upload = form.cleaned_data["file"]
        _discard_stored(request)
        directory = tempfile.mkdtemp(prefix="redline-import-")
        path = os.path.join(directory, "upload")
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        request.session[SESSION_KEY] = {"path": path, "name": upload.name}
        result = _run(request, dry_run=True)
    elif request.method == "POST" and action in ("all_or_nothing", "valid_rows"):
        result = _run(request, dry_run=False, mode=action)
        if result is not None and not result.dry_run:
            messages.success(
                request,
                _("Imported: %(c)d created, %(u)d updated, %(e)d rows refused.")
                % {"c": result.created, "u": result.updated, "e": len(result.errors)},
            )
            _discard_stored(request)
            return redirect("registry:enterprise_list")
        if result is not None:
            messages.error(
                request,
                _("Nothing was imported: the file has errors. Fix them, or import only the valid rows."),
            )
    elif request.method == "POST" and action == "errors":
        result = _run(request, dry_run=True)
        if result is not None:
            return xlsx_response(
                "import-errors",
                importer.error_columns(),
                [e.as_dict() for e in result.errors],
                sheet_title="errors",
            )
    return render(
        request,
        "registry/import.html",
        {"form": form, "result": result, "has_file": bool(request.session.get(SESSION_KEY))},
    )


def _run(request, *, dry_run: bool, mode: str = "all_or_nothing"):
    upload = _stored_upload(request)
    if upload is None:
        messages.error(request, _("Upload the file again."))
        return None
    try:
        with upload:
            return importer.run_import(
                actor=request.user, uploaded=upload, mode=mode, dry_run=dry_run, source_name=upload.name
            )
    except DomainError as exc:
        messages.error(
            request, "; ".join(str(m) for msgs in exc.errors.values() for m in msgs) or str(exc.message)
        )
        return None


@login_required
def import_template(request):
    return xlsx_response(
        "enterprise-import-template",
        importer.template_columns(),
        importer.template_example_rows(),
        sheet_title="企业导入模板",
    )
