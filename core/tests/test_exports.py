"""Exports (core.exports): formula injection neutralised in .xlsx and .csv, and the importer reads back the
exact text (issue 2 §7)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.exports import FORMULA_TRIGGERS, Column, csv_response, is_formula_like, write_xlsx
from core.tabular import read_table

TRIGGER_CELLS = [
    "=1+2",
    '=HYPERLINK("http://x.invalid","点我")',
    "+SUM(A1:A9)",
    "-2+3",
    "@cmd",
    "\tx",
    "=",
    "-",
]
COLUMNS = [Column("text", lambda v: v)]


def xlsx_cells(values) -> list:
    """The data cells (not the header) of a workbook written by write_xlsx, fully loaded (with types)."""
    buffer = io.BytesIO()
    write_xlsx(buffer, COLUMNS, values)
    buffer.seek(0)
    return [row[0] for row in load_workbook(buffer).active.iter_rows(min_row=2)]


def xlsx_read_back(values) -> list[str]:
    buffer = io.BytesIO()
    write_xlsx(buffer, [Column("名称", lambda v: v)], values)
    _header, rows = read_table(SimpleUploadedFile("x.xlsx", buffer.getvalue()))
    return [r.values.get("名称", "") for r in rows]


def csv_read_back(values) -> list[str]:
    response = csv_response("x", [Column("名称", lambda v: v)], values)
    _header, rows = read_table(SimpleUploadedFile("x.csv", b"".join(response.streaming_content)))
    return [r.values.get("名称", "") for r in rows]


@pytest.mark.parametrize("text", TRIGGER_CELLS)
def test_formula_like_text_is_written_as_a_string_cell_with_the_exact_text(text):
    (cell,) = xlsx_cells([text])
    assert cell.data_type == "s"
    assert cell.value == text


def test_a_leading_carriage_return_stays_text_not_a_formula():
    """XML normalises a carriage return to a line feed; the cell is still a plain string."""
    (cell,) = xlsx_cells(["\r=1+2"])
    assert cell.data_type == "s"
    assert cell.value in ("\r=1+2", "\n=1+2")


def test_no_cell_of_an_export_is_a_formula():
    cells = xlsx_cells([*TRIGGER_CELLS, "普通文本", 12, 3.5, None, "#N/A", "#DIV/0!"])
    assert all(cell.data_type != "f" for cell in cells)
    assert [c.data_type for c in cells[-2:]] == ["s", "s"]  # error-looking text stays text


def test_ordinary_values_keep_their_types():
    cells = xlsx_cells(["江门市", 42, 2.5, None])
    assert [(c.value, c.data_type) for c in cells[:3]] == [("江门市", "s"), (42, "n"), (2.5, "n")]
    assert cells[3].value is None


def test_control_characters_that_xml_cannot_hold_are_dropped_not_a_crash():
    (cell,) = xlsx_cells(["江门\x00市\x01五金\x1f厂"])
    assert cell.value == "江门市五金厂"


@pytest.mark.parametrize("text", TRIGGER_CELLS)
def test_csv_cells_get_an_apostrophe_and_the_importer_removes_it(text):
    response = csv_response("x", COLUMNS, [text])
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[1].lstrip('"').startswith("'")
    assert csv_read_back([text]) == [text.strip() if not text.startswith(FORMULA_TRIGGERS) else text]


def test_csv_export_opens_in_excel_as_utf8():
    response = csv_response("x", COLUMNS, ["杜阮镇"])
    assert b"".join(response.streaming_content).startswith("\ufeff".encode())
    assert response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize("text", [*TRIGGER_CELLS, "普通", "'已有引号"])
def test_the_importer_reads_an_exported_workbook_back_exactly(text):
    assert xlsx_read_back([text]) == [text.strip()]


# Text as people type it into a cell: anything printable, possibly starting with a trigger character.
cell_text = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from(["", *FORMULA_TRIGGERS, "'", "#"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30).map(str.strip),
).filter(lambda t: t and t == t.rstrip() and not t.startswith((" ", "\u3000")))


@settings(max_examples=100, deadline=None)
@given(cell_text)
def test_any_text_is_a_string_cell_reading_back_as_written(text):
    (cell,) = xlsx_cells([text])
    assert cell.data_type == "s"
    # A formula-like cell is written as an explicit string and keeps a leading carriage return exactly;
    # elsewhere the XML reader folds a carriage return into a line feed.
    assert cell.value == (text if is_formula_like(text) else text.replace("\r", "\n"))


@settings(max_examples=100, deadline=None)
@given(cell_text)
def test_any_text_round_trips_through_the_csv_export_and_the_importer(text):
    expected = text if text.startswith(FORMULA_TRIGGERS) else text.strip()
    assert csv_read_back([text]) == [expected]


@pytest.mark.parametrize(
    ("text", "kept"), [("=\ud800", "="), ("=1\ufffe", "=1"), ("#N/A\uffff", "#N/A"), ("+\x00\x1f2", "+2")]
)
def test_formula_like_text_with_characters_xml_cannot_hold_exports(text, kept):
    (cell,) = xlsx_cells([text])
    assert cell.data_type != "f" and cell.value == kept


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_text_at_all_exports_without_an_error(text):
    (cell,) = xlsx_cells([text])
    assert cell.data_type != "f"
    response = csv_response("x", COLUMNS, [text])
    assert response.status_code == 200


def test_the_enterprise_export_neutralises_a_formula_in_a_name(api_as, make_enterprise_here):
    enterprise = make_enterprise_here('=HYPERLINK("http://x.invalid")有限公司')
    response = api_as("admin").get("/api/v1/enterprises/export/", {"q": "HYPERLINK"})
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    (row,) = list(wb.active.iter_rows(min_row=2))
    assert row[0].data_type == "s"
    assert row[0].value == enterprise.name
    assert all(c.data_type != "f" for c in row)


@pytest.fixture
def make_enterprise_here(district):
    from registry.models import Enterprise
    from registry.tests.conftest import fresh_credit_code

    def make(name):
        enterprise = Enterprise.objects.create(
            name=name, credit_code=fresh_credit_code(), town=district["duruan"]
        )
        enterprise.sectors.set(["industry_trade"])
        return enterprise

    return make
