"""Where an import runs is decided by the cells a file holds, counted before anything parses it, and not
only by its bytes (issue 17): a small, highly compressible workbook of hundreds of thousands of cells
would otherwise be parsed and applied inside the request."""

import io
import random
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from core import background, tabular
from registry import import_jobs
from registry.tests.test_import import row, xlsx_file
from security_tests.test_import_cells import CONTENT_TYPES, NS, RELS, WORKBOOK, WORKBOOK_RELS

HEADER = list(row())


def compressible_workbook(rows: int) -> bytes:
    """The import's header, then rows of four short shared strings without cell references: about 21 bytes
    per cell that deflate to well under one, inside the workbook's expansion bound."""
    pick = random.Random(17).randrange
    width = len(HEADER)
    body = [f'<c t="s"><v>{i}</v></c>' for i in range(width)]
    sheet = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData><row>', *body, "</row>"]
    for _ in range(rows):
        sheet.append("<row>" + "".join(f'<c t="s"><v>{width + pick(4)}</v></c>' for _ in range(width)))
        sheet.append("</row>")
    sheet.append("</sheetData></worksheet>")
    strings = "".join(f"<si><t>{s}</t></si>" for s in [*HEADER, *(f"v{n}" for n in range(4))])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", "".join(sheet))
        archive.writestr(
            "xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>{strings}</sst>'
        )
    return buffer.getvalue()


def compressible_csv(rows: int) -> bytes:
    return ("\ufeff" + ",".join(HEADER) + "\n" + "x,,,,,,\n" * rows).encode("utf-8")


@pytest.fixture
def no_parse_in_the_request(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the file was parsed inside the request")

    monkeypatch.setattr(tabular, "read_xlsx", refuse)
    monkeypatch.setattr(tabular, "read_csv", refuse)


@pytest.fixture(scope="module")
def many_cells() -> dict[str, bytes]:
    """Each a file under IMPORT_DIRECT_BYTES holding at least 200,000 cells."""
    return {
        "cells.xlsx": compressible_workbook(300_000 // len(HEADER)),
        "cells.csv": compressible_csv(200_000 // len(HEADER)),
    }


@pytest.mark.parametrize("name", ["cells.xlsx", "cells.csv"])
def test_a_small_file_of_many_cells_is_imported_by_a_job(persona, no_parse_in_the_request, many_cells, name):
    content = many_cells[name]
    assert len(content) < settings.IMPORT_DIRECT_BYTES  # its bytes alone would have kept it in the request
    if name.endswith(".xlsx"):
        tabular.check_xlsx_container(io.BytesIO(content))  # a workbook the import accepts, not a zip bomb
    upload = SimpleUploadedFile(name, content)
    assert tabular.count_cells(upload, stop_after=10**7) >= 200_000
    job = import_jobs.start_import(actor=persona("duruan"), upload=upload, dry_run=True)
    assert job.state == "queued" and not job.params["quiet"]  # the page polls; a runner parses it


def test_the_count_stops_past_its_bound_and_an_unreadable_file_counts_nothing(many_cells):
    upload = SimpleUploadedFile("cells.xlsx", many_cells["cells.xlsx"])
    # Counted a block (1 MiB of the sheet) at a time: past the bound after the first, not at the end.
    assert 1_000 < tabular.count_cells(upload, stop_after=1_000) < 100_000
    assert upload.file.tell() == 0  # the import reads it from the start
    assert tabular.count_cells(SimpleUploadedFile("bad.xlsx", b"PK\x03\x04 not a zip"), stop_after=10) == 0


@override_settings(IMPORT_DIRECT_CELLS=30)
def test_the_confirmation_is_routed_by_the_staged_files_cells_too(persona):
    duruan = persona("duruan")
    few = import_jobs.start_import(actor=duruan, upload=xlsx_file([row(), row()]), dry_run=True)  # 21 cells
    assert few.state == "done" and few.params["quiet"]
    assert import_jobs.confirm_import(actor=duruan, preview_id=few.pk, mode="all_or_nothing").state == "done"

    many = import_jobs.start_import(actor=duruan, upload=xlsx_file([row() for _ in range(10)]), dry_run=True)
    assert many.state == "queued"
    assert background.run_queued() == ["done"]
    confirmation = import_jobs.confirm_import(actor=duruan, preview_id=many.pk, mode="all_or_nothing")
    assert confirmation.state == "queued" and not confirmation.params["quiet"]
    assert background.run_queued() == ["done"]
    confirmation.refresh_from_db()
    assert confirmation.summary["created"] == 10
