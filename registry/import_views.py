"""Import in the browser: upload → preview (dry run) → import all, or only the valid rows.

The session keeps the preview job's id, never a file path: the file is staged in the configured storage
(registry.import_jobs), so the preview and the confirmation may reach different app servers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError
from core.exports import xlsx_response
from core.job_views import job_context
from core.models import BackgroundJob
from core.views import domain_error_text, page_status
from registry import import_jobs, importer
from registry.forms import ImportForm

SESSION_KEY = "registry_import_job"


def _preview_job(request):
    job_id = request.session.get(SESSION_KEY)
    if not job_id:
        return None
    return BackgroundJob.objects.filter(pk=job_id, owner=request.user, kind=import_jobs.KIND).first()


def _forget(request) -> None:
    request.session.pop(SESSION_KEY, None)


@login_required
def import_upload(request):
    importer.check_can_import(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    action = request.POST.get("action", "preview")
    preview = _preview_job(request)
    status = page_status(form)  # a refusal below answers 400 or 409 with the page, never 200
    if request.method == "POST" and action == "preview" and form.is_valid():
        import_jobs.discard_preview(preview)
        try:
            preview = import_jobs.start_import(
                actor=request.user, upload=form.cleaned_data["file"], dry_run=True
            )
        except DomainError as exc:  # the file itself was refused; the job keeps the error too
            messages.error(request, domain_error_text(exc))
            _forget(request)
            preview, status = None, exc.status_code
        else:
            request.session[SESSION_KEY] = preview.pk
    elif request.method == "POST" and action in ("all_or_nothing", "valid_rows"):
        outcome = _confirm(request, preview, mode=action)
        if not isinstance(outcome, int):
            return outcome
        status = outcome
        preview = _preview_job(request)  # forgotten when it can no longer be applied
    elif request.method == "POST" and action == "errors":
        result = import_jobs.result_of(preview) if preview else None
        if result is not None:
            errors = [e.as_dict() for e in result.errors]
            return xlsx_response(
                "import-errors", importer.error_columns(errors), errors, sheet_title="errors"
            )
        messages.error(request, _("Upload the file again."))
        status = 409
    return _render(request, form, preview, status=status)


def _confirm(request, preview, *, mode):
    """Apply the previewed file: a redirect when it is applied or running, else the refusal's status."""
    if preview is None or import_jobs.result_of(preview) is None:
        messages.error(request, _("Upload the file again."))
        return 409
    try:
        job = import_jobs.confirm_import(actor=request.user, preview_id=preview.pk, mode=mode)
    except Conflict as exc:  # applied already, or overtaken: this preview is spent
        _forget(request)
        messages.error(request, str(exc.message))
        return 409
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return exc.status_code
    if not job.finished:
        _forget(request)
        return redirect(job.get_absolute_url())  # a large file: its progress, then the list
    result = import_jobs.result_of(job)
    if job.state == BackgroundJob.State.FAILED or result is None:
        messages.error(request, job.error or _("Upload the file again."))
        _forget(request)
        return 409
    if job.summary.get("failed"):
        # Nothing was written; the preview stays usable for "import the valid rows only".
        BackgroundJob.objects.filter(pk=preview.pk).update(consumed_by=None)
        messages.error(
            request, _("Nothing was imported: the file has errors. Fix them, or import only the valid rows.")
        )
        return 400
    messages.success(
        request,
        _("Imported: %(c)d created, %(u)d updated, %(e)d rows refused.")
        % {"c": result.created, "u": result.updated, "e": len(result.errors)},
    )
    if result.ledger_rows:
        messages.success(
            request,
            _("The enterprise files: %(c)d ledger rows added, %(u)d corrected.")
            % {"c": result.ledger_created, "u": result.ledger_updated},
        )
    import_jobs.discard_staged(job)
    _forget(request)
    return redirect("registry:enterprise_list")


def _render(request, form, preview, *, status: int = 200):
    result, progress = None, None
    if preview is not None:
        if preview.state == BackgroundJob.State.FAILED and request.method == "POST":
            messages.error(request, preview.error)
        elif not preview.finished:
            progress = {**job_context(preview), "refresh_when_done": True}
        result = import_jobs.result_of(preview)
        if result is not None and not result.dry_run:
            result = None
    return render(
        request,
        "registry/import.html",
        {
            "form": form,
            "result": result,
            "result_sheets": result is not None and any(e.sheet for e in result.errors),
            "progress": progress,
            "has_file": result is not None,
            "ledger_sheets": importer.ledger_help(),
        },
        status=status,
    )


@login_required
def import_template(request):
    return xlsx_response(
        "enterprise-import-template",
        importer.template_columns(),
        importer.template_example_rows(),
        sheet_title="企业导入模板",
        more_sheets=importer.template_sheets(),
    )
