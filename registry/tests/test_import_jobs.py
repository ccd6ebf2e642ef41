"""The import as background jobs (issue 17): a large file is staged and previewed by a job, confirmed once,
and gives the same result as the direct path; the session holds a job id, never a path."""

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from core import background
from core.errors import Conflict
from core.models import BackgroundJob
from registry import import_jobs
from registry.importer import run_import
from registry.models import Enterprise
from registry.tests.test_import import bad_rows, counts, csv_file, english, row, xlsx_file  # noqa: F401

PAGE = "registry:enterprise_import"


def test_a_confirmed_preview_imports_once_and_a_second_confirmation_is_409(persona):
    duruan = persona("duruan")
    rows = [row(), row()]
    preview = import_jobs.start_import(actor=duruan, upload=xlsx_file(rows), dry_run=True)
    assert preview.state == "done" and preview.summary["created"] == 2
    before = counts()
    first = import_jobs.confirm_import(actor=duruan, preview_id=preview.pk, mode="all_or_nothing")
    assert first.state == "done" and first.summary["created"] == 2
    with pytest.raises(Conflict):
        import_jobs.confirm_import(actor=duruan, preview_id=preview.pk, mode="all_or_nothing")
    assert counts()[0] == before[0] + 2
    assert BackgroundJob.objects.filter(kind="registry.import", params__dry_run=False).count() == 1


def test_another_users_preview_cannot_be_confirmed(persona):
    from django.http import Http404

    preview = import_jobs.start_import(actor=persona("duruan"), upload=xlsx_file([row()]), dry_run=True)
    with pytest.raises(Http404):
        import_jobs.confirm_import(actor=persona("admin"), preview_id=preview.pk, mode="all_or_nothing")


def test_the_page_confirmed_twice_imports_once(ui_en):
    client = ui_en("duruan")
    rows = [row()]
    client.post(reverse(PAGE), {"file": xlsx_file(rows), "action": "preview"})
    preview_id = client.session["registry_import_job"]
    assert client.post(reverse(PAGE), {"action": "all_or_nothing"}).status_code == 302
    # A second tab still holding the preview (its session id put back) confirms again: nothing changes.
    session = client.session
    session["registry_import_job"] = preview_id
    session.save()
    before = counts()
    again = client.post(reverse(PAGE), {"action": "all_or_nothing"})
    assert again.status_code == 409 and counts() == before  # the import page, saying it was applied
    assert Enterprise.objects.filter(credit_code=rows[0]["统一社会信用代码"]).count() == 1


@override_settings(IMPORT_DIRECT_BYTES=100)
def test_a_large_file_is_previewed_and_imported_by_jobs_with_the_direct_paths_result(ui_en, persona):
    rows = [row() for _ in range(30)] + bad_rows()
    direct = run_import(actor=persona("duruan"), uploaded=csv_file(rows), dry_run=True).as_dict()
    client = ui_en("duruan")
    page = client.post(reverse(PAGE), {"file": csv_file(rows), "action": "preview"})
    assert page.status_code == 200 and page.context["result"] is None
    assert 'hx-trigger="every 2s"' in page.content.decode()  # the progress bar, polled
    job = BackgroundJob.objects.get(pk=client.session["registry_import_job"])
    assert job.state == "queued" and default_storage.exists(job.staged_file)
    assert background.run_queued() == ["done"]
    shown = client.get(reverse(PAGE)).context["result"]
    assert shown.as_dict() == direct and direct["errors"] and direct["created"] >= 30

    before = Enterprise.objects.count()
    confirm = client.post(reverse(PAGE), {"action": "valid_rows"})
    apply_job = BackgroundJob.objects.filter(kind="registry.import", params__dry_run=False).latest("pk")
    assert confirm.status_code == 302 and confirm["Location"] == reverse("core:job", args=[apply_job.pk])
    assert Enterprise.objects.count() == before
    assert background.run_queued() == ["done"]
    apply_job.refresh_from_db()
    assert apply_job.summary["created"] == direct["created"]
    assert Enterprise.objects.count() == before + direct["created"]


def _with_entity_in_workbook(upload) -> bytes:
    """The same workbook, its workbook part carrying an internal entity (what an XML bomb is built from)."""
    import io
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(upload.read())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE workbook [<!ENTITY a "b">]>' + data.split(b"?>", 1)[-1]
            target.writestr(info.filename, data)
    return out.getvalue()


def test_a_workbook_with_an_entity_is_refused_as_input_before_the_cells_are_counted(api_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = _with_entity_in_workbook(xlsx_file([row()]))
    before = counts()
    response = api_as("duruan").post(
        "/api/v1/enterprises/import/", {"file": SimpleUploadedFile("e.xlsx", content)}, format="multipart"
    )
    assert response.status_code == 400 and "file" in response.json(), response.content
    assert counts() == before
