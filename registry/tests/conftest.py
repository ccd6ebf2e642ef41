"""Registry test helpers: enterprises placed exactly where a test needs them, and .xlsx readers."""

import io
import itertools

import pytest
from openpyxl import load_workbook

from registry.models import Enterprise, Sector
from registry.validators import credit_check_char

_serial = itertools.count(1)


def fresh_credit_code(prefix: str = "91440703TE") -> str:
    """A valid credit code (R-REG-1) that no demo enterprise has (the demo uses 91440703MA…)."""
    body = f"{prefix}{next(_serial):07d}"[:17]
    return body + credit_check_char(body)


@pytest.fixture
def make_enterprise(district):
    """Create an enterprise directly (no service, no audit): a fixture, not the behaviour under test."""

    def make(town: str, sectors: list[str], name: str | None = None, **fields) -> Enterprise:
        code = fields.pop("credit_code", None) or fresh_credit_code()
        enterprise = Enterprise.objects.create(
            name=name or f"测试企业{code[-6:]}有限公司", credit_code=code, town=district[town], **fields
        )
        enterprise.sectors.set(Sector.objects.filter(code__in=sectors))
        return enterprise

    return make


def workbook_rows(response) -> list[tuple]:
    """All rows (header first) of the first sheet of an .xlsx response."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    wb = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [tuple(row) for row in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def workbook_column(response, header_index: int = 1) -> set:
    """The values of one column of an .xlsx response (credit codes are column 2 of the export)."""
    return {row[header_index] for row in workbook_rows(response)[1:]}


@pytest.fixture
def api_en(api_as):
    """`api_as` asking for English (Accept-Language: en), for tests that compare exact messages."""

    def make(username: str):
        client = api_as(username)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


@pytest.fixture
def ui_en(as_user):
    """`as_user` with the browser asking for English."""

    def make(username: str):
        client = as_user(username)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make
