"""A list exported by a background job is the same file as its direct download (issue 17), for a page
whose export reads related rows: the risk register's "Control measures" column."""

import csv
import io

import pytest
from django.test import override_settings
from django.urls import reverse

from core import background
from core.models import BackgroundJob
from core.tests.test_background import body, rows_of
from risk.models import RiskPoint

REGISTER = "/risk/points/"


def _by_job(client, query: str) -> bytes:
    # Below the number of points, so the same request is answered with a job instead of the file.
    with override_settings(EXPORT_DIRECT_ROWS=1):
        response = client.get(REGISTER + query)
    assert response.status_code == 302, response.status_code
    job = BackgroundJob.objects.latest("pk")
    assert background.run_queued() == ["done"]
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200
    return body(download)


def _rows(content: bytes, fmt: str) -> list[tuple]:
    if fmt == "xlsx":
        return rows_of(content)
    return [tuple(row) for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))]


def _measures_column(rows: list[tuple]) -> list:
    header = list(rows[0])
    index = header.index("管控措施") if "管控措施" in header else header.index("Control measures")
    return [row[index] for row in rows[1:]]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_risk_registers_job_file_is_the_direct_file_with_its_control_measures(as_user, fmt):
    client = as_user("admin")
    assert RiskPoint.objects.active().filter(measures__isnull=False).exists()
    direct = client.get(f"{REGISTER}?export={fmt}")
    assert direct.status_code == 200
    direct_body = body(direct)
    job_body = _by_job(client, f"?export={fmt}")
    assert _rows(job_body, fmt) == _rows(direct_body, fmt)
    if fmt == "csv":
        assert job_body == direct_body  # byte for byte: CSV carries no timestamps of its own
    assert any(_measures_column(_rows(job_body, fmt)))  # the column the job once wrote empty
