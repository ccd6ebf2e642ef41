"""A user's background job: its page, the progress fragment the page polls, cancel and download.

Only the owner sees a job; anyone else gets 404, as for data outside their scope."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core import background
from core.errors import Conflict
from core.models import BackgroundJob


def own_job(user, pk: int) -> BackgroundJob:
    return get_object_or_404(BackgroundJob, pk=pk, owner=user)


def job_context(job) -> dict:
    done, total, phase = background.live_progress(job)
    return {
        "job": job,
        "title": background.kind_title(job.kind),
        "done": done,
        "total": total,
        "phase": phase,
        "percent": min(100, done * 100 // total) if total else None,
        "next_url": job.params.get("next_url", ""),
    }


@login_required
def job_page(request, pk: int):
    return render(request, "core/job.html", job_context(own_job(request.user, pk)))


@login_required
def job_progress(request, pk: int):
    """The fragment the page swaps in every two seconds while the job runs (HTMX)."""
    job = own_job(request.user, pk)
    response = render(request, "core/includes/job_progress.html", job_context(job))
    if job.finished and request.headers.get("HX-Request") and request.GET.get("refresh_when_done"):
        response["HX-Refresh"] = "true"  # the page shows the finished job's result (an import's preview)
    return response


@login_required
@require_POST
def job_cancel(request, pk: int):
    try:
        job = background.cancel_job(actor=request.user, job_id=pk)
    except Conflict as exc:
        return HttpResponse(str(exc.message), status=409)
    if request.headers.get("HX-Request"):
        return render(request, "core/includes/job_progress.html", job_context(job))
    return redirect(job.get_absolute_url())


@login_required
def job_download(request, pk: int):
    job = own_job(request.user, pk)
    if job.state != BackgroundJob.State.DONE or not job.result_file:
        raise Http404
    return FileResponse(background.open_result(job), as_attachment=True, filename=job.result_name)
