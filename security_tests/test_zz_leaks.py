"""Leak scan: nothing shown to a role without the need carries a full demo phone or ID number (R-REG-2).

Runs after the other security tests (file order), so it also scans every response they produced for such
roles and every log line (collected by `security_tests/conftest.py`).
"""

import io

import pytest
from openpyxl import load_workbook

from security_tests.conftest import COLLECTOR, demo_personal_numbers, leak_scan
from security_tests.probing import api_endpoints, fill, visible

PAGES = [
    "/",
    "/registry/enterprises/",
    "/hazards/",
    "/risk/points/",
    "/inspections/",
    "/inspections/records/",
    "/accidents/",
    "/accidents/cases/",
    "/risk/map/data.json",
]
EXPORTS = ["/registry/enterprises/?export=xlsx", "/hazards/?export=xlsx", "/risk/points/?export=xlsx"]


def _body(response) -> bytes:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    if data[:4] == b"PK\x03\x04":  # a workbook: scan its cell text
        book = load_workbook(io.BytesIO(data), read_only=True)
        cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
        book.close()
        return "\n".join(cells).encode()
    return data


@pytest.mark.security
def test_no_unmasked_number_reaches_a_role_without_the_need(as_user, api_as, persona, security_figures):
    leader = persona("leader")
    web, api = as_user("leader"), api_as("leader")
    mobiles, ids = demo_personal_numbers()
    assert mobiles, "the demo data has mobile numbers to look for"
    scanned = []
    for url in PAGES + EXPORTS:
        scanned.append((f"GET {url}", _body(web.get(url))))
    for method, path, view in api_endpoints():
        if method != "GET" or "{" in path and not getattr(view, "scoped_model", None):
            continue
        if "{" in path:
            target = visible(view.scoped_model, leader).order_by("pk").first()
            if target is None:
                continue
            path = fill(path, target.pk)
        scanned.append((f"GET {path}", _body(api.get(path))))
    for model_label, url in (
        ("registry.Enterprise", "/registry/enterprises/{}/"),
        ("hazards.Hazard", "/hazards/{}/"),
    ):
        from django.apps import apps

        for obj in visible(apps.get_model(model_label), leader).order_by("pk")[:5]:
            scanned.append((f"GET {url.format(obj.pk)}", _body(web.get(url.format(obj.pk)))))

    leaks = leak_scan(scanned + COLLECTOR.bodies, COLLECTOR.logs, mobiles, ids)
    security_figures["masking_leaks"] = {
        "responses_scanned": len(scanned) + len(COLLECTOR.bodies),
        "log_lines_scanned": len(COLLECTOR.logs),
        "leaks": len(leaks),
        "goal": "0 unmasked phone or ID numbers",
        "met": not leaks,
    }
    assert leaks == []


def test_the_scan_finds_a_planted_number():
    """The scanner itself works: a known number in a body or a log line is found."""
    leaks = leak_scan(
        [("page", b"call 13812345678 now")],
        ["id 44070319900101123X"],
        {b"13812345678"},
        {b"44070319900101123X"},
    )
    assert len(leaks) == 2
    assert leak_scan([("page", b"call 138****5678")], [], {b"13812345678"}, set()) == []
