"""The safe table readers (core.tabular): encodings as Excel in China saves them, row numbers as people
see them, and files that must be refused."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook

from core.errors import InvalidInput, TooLarge
from core.tabular import read_table

HEADER = "企业名称,所属镇街\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rows_of(content: bytes, name="t.csv"):
    header, rows = read_table(SimpleUploadedFile(name, content))
    return header, [(r.number, r.values) for r in rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_each_encoding_reads_the_same(encoding):
    text = HEADER + "江门市甲厂,杜阮镇\n江门市乙厂,白沙街道\n"
    header, rows = rows_of(text.encode(encoding))
    assert header == ["企业名称", "所属镇街"]
    assert rows == [
        (2, {"企业名称": "江门市甲厂", "所属镇街": "杜阮镇"}),
        (3, {"企业名称": "江门市乙厂", "所属镇街": "白沙街道"}),
    ]


def test_a_utf8_character_cut_at_the_sample_boundary_is_still_utf8():
    # The encoding is guessed from the first 64 KiB; a three-byte character straddling that edge must
    # not make the whole file look like GBK.
    filler = "a" * (64 * 1024 - len(HEADER.encode()) - 1)
    text = HEADER + filler + "镇,杜阮镇\n"
    _header, rows = rows_of(text.encode("utf-8"))
    assert rows[0][1]["企业名称"].endswith("镇")


def test_blank_lines_are_skipped_but_row_numbers_stay_true():
    _header, rows = rows_of((HEADER + "甲,杜阮镇\n,\n\n乙,棠下镇\n").encode())
    assert [number for number, _values in rows] == [2, 5]


def test_cells_are_trimmed_and_extra_cells_without_a_header_ignored():
    _header, rows = rows_of((HEADER + "  甲  , 杜阮镇 ,多余\n").encode())
    assert rows == [(2, {"企业名称": "甲", "所属镇街": "杜阮镇"})]


def test_xlsx_numbers_read_as_people_typed_them():
    wb = Workbook()
    ws = wb.active
    ws.append(["从业人数", "电话", "经度"])
    ws.append([56.0, 13800138000, 113.05])
    buffer = io.BytesIO()
    wb.save(buffer)
    _header, rows = rows_of(buffer.getvalue(), "t.xlsx")
    assert rows == [(2, {"从业人数": "56", "电话": "13800138000", "经度": "113.05"})]


def test_xlsx_formulas_are_read_as_text_never_evaluated():
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称"])
    ws.append(["=1+1"])
    buffer = io.BytesIO()
    wb.save(buffer)
    _header, rows = rows_of(buffer.getvalue(), "t.xlsx")
    assert rows == [(2, {"企业名称": "=1+1"})]


def test_the_reader_judges_by_content_not_by_name():
    wb = Workbook()
    wb.active.append(["企业名称"])
    wb.active.append(["甲"])
    buffer = io.BytesIO()
    wb.save(buffer)
    _header, rows = rows_of(buffer.getvalue(), "named-like-a.csv")
    assert rows == [(2, {"企业名称": "甲"})]


def test_rows_are_yielded_one_at_a_time():
    header, rows = read_table(SimpleUploadedFile("t.csv", (HEADER + "甲,杜阮镇\n" * 1000).encode()))
    assert next(rows).number == 2  # a generator: nothing more is read until asked


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\xff\xfe\x00\x01" * 20 + b"\x81", "The file is neither UTF-8 nor GBK text."),
    ],
    ids=["empty", "undecodable"],
)
def test_unreadable_csv_is_a_clear_error(content, message):
    with pytest.raises(InvalidInput) as info:
        header, rows = read_table(SimpleUploadedFile("t.csv", content))
        list(rows)
    assert info.value.errors == {"file": [message]}


def test_a_workbook_with_too_many_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(250):
            archive.writestr(f"xl/part{n}.xml", "<x/>")
    with pytest.raises(InvalidInput) as info:
        read_table(SimpleUploadedFile("t.xlsx", buffer.getvalue()))
    assert info.value.errors == {"file": ["The workbook has too many parts."]}


def test_a_file_over_the_limit_is_too_large():
    with override_settings(IMPORT_MAX_BYTES=10), pytest.raises(TooLarge):
        read_table(SimpleUploadedFile("t.csv", (HEADER * 3).encode()))
