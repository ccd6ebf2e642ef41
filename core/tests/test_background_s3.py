"""Staged files in object storage (issue 17): with S3 as the default storage (moto in-process, no
network), an import preview staged on one app server is confirmed from another, an export result written
by a job is downloaded from another, and expiry deletes both from the bucket. Nothing is kept on a local
disk or as a local path in the session."""

import datetime as dt
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from moto import mock_aws

from core import background
from core.models import BackgroundJob
from core.tests.test_background import LIST, body, rows_of, start_export
from registry.models import Enterprise
from registry.tests.test_import import row, xlsx_file

BUCKET = "redline-test"
IMPORT_PAGE = "registry:enterprise_import"


@pytest.fixture
def bucket(monkeypatch):
    """The production settings' S3 storage (settings.py, S3_BUCKET) on a moto bucket."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
        s3.create_bucket(Bucket=BUCKET)
        storages = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "access_key": "k",
                    "secret_key": "s",
                    "region_name": "us-east-1",
                    "default_acl": None,
                    "querystring_auth": True,
                },
            },
        }
        with override_settings(STORAGES=storages):
            assert default_storage.bucket_name == BUCKET  # the S3 backend, not the test's file system
            yield s3


def objects(s3) -> set[str]:
    return {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def on_another_server(client: Client) -> Client:
    """A fresh client carrying only the session cookie: what a second app server receives."""
    other = Client()
    other.cookies = client.cookies
    return other


def test_a_preview_staged_in_object_storage_is_confirmed_from_another_request(as_user, bucket):
    server_a = as_user("duruan")
    rows = [row(), row()]
    with override_settings(IMPORT_DIRECT_CELLS=5):  # a job, as a large file would be
        page = server_a.post(reverse(IMPORT_PAGE), {"file": xlsx_file(rows), "action": "preview"})
        assert page.status_code == 200
        preview = BackgroundJob.objects.get(pk=server_a.session["registry_import_job"])
        assert preview.staged_file in objects(bucket)
        assert not (Path(settings.MEDIA_ROOT) / preview.staged_file).exists()  # not on this server's disk
        assert background.run_queued() == ["done"]

        server_b = on_another_server(server_a)
        before = Enterprise.objects.count()
        confirm = server_b.post(reverse(IMPORT_PAGE), {"action": "all_or_nothing"})
        assert confirm.status_code == 302
        assert background.run_queued() == ["done"]
    applied = BackgroundJob.objects.get(kind="registry.import", params__preview=preview.pk)
    assert applied.summary["created"] == 2 and Enterprise.objects.count() == before + 2


def test_an_export_result_saved_in_object_storage_is_downloaded_from_another_request(as_user, bucket):
    server_a = as_user("admin")
    direct = server_a.get(LIST + "?export=xlsx&town=")
    job = start_export(server_a)
    assert background.run_queued() == ["done"]
    job.refresh_from_db()
    assert job.result_file in objects(bucket)

    download = on_another_server(server_a).get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert rows_of(body(download)) == rows_of(body(direct))

    background.expire_job_results(now=timezone.now() + dt.timedelta(hours=settings.JOB_RESULT_HOURS + 1))
    assert job.result_file not in objects(bucket)
