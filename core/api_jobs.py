"""Background jobs over the API: a client that got 202 for a large import or export follows the job here.

Only the owner sees a job (404 for anyone else); cancelling a finished job is 409."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core import background
from core.exports import job_payload
from core.job_views import own_job
from core.models import BackgroundJob

JobSerializer = inline_serializer(
    "BackgroundJob",
    {
        "id": serializers.IntegerField(),
        "kind": serializers.CharField(),
        "state": serializers.ChoiceField(choices=BackgroundJob.State.choices),
        "phase": serializers.CharField(),
        "done": serializers.IntegerField(),
        "total": serializers.IntegerField(),
        "error": serializers.CharField(),
        "summary": serializers.DictField(),
        "url": serializers.CharField(),
        "result_url": serializers.CharField(allow_null=True),
        "created_at": serializers.DateTimeField(allow_null=True),
        "finished_at": serializers.DateTimeField(allow_null=True),
        "expires_at": serializers.DateTimeField(allow_null=True),
    },
)


class JobView(APIView):
    """One of the caller's background jobs: state, rows done / total, phase, error, result summary."""

    @extend_schema(responses={200: JobSerializer})
    def get(self, request, pk: int):
        job = own_job(request.user, pk)
        job.done, job.total, job.phase = background.live_progress(job)
        return Response(job_payload(job))


class JobCancelView(APIView):
    @extend_schema(request=None, responses={200: JobSerializer})
    def post(self, request, pk: int):
        return Response(job_payload(background.cancel_job(actor=request.user, job_id=pk)))


class JobResultView(APIView):
    """The job's result file (an export's workbook or CSV), while it is kept."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        job = own_job(request.user, pk)
        if job.state != BackgroundJob.State.DONE or not job.result_file:
            raise Http404
        return FileResponse(background.open_result(job), as_attachment=True, filename=job.result_name)
