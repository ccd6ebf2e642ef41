"""Fixtures of the security suite, and the leak scan over everything it shows a role without the need.

Every response the Django or DRF test client produces during these tests for a user without access to
personal data (district_leader, R-REG-2) is kept, as is every log line; `leak_scan` finds demo phone
numbers and resident ID numbers that appear unmasked in them.
"""

from __future__ import annotations

import contextlib
import logging
import re

import pytest

MOBILE = re.compile(rb"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(rb"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


class LeakCollector:
    def __init__(self):
        self.bodies: list[tuple[str, bytes]] = []
        self.logs: list[str] = []

    def add(self, label: str, body: bytes) -> None:
        self.bodies.append((label, body))


COLLECTOR = LeakCollector()


def _without_need(user) -> bool:
    from core.masking import can_see_personal_data

    # An enterprise user sees its own enterprise's numbers (R-REG-2) and no other enterprise at all; the
    # system administrator edits user accounts, contact phone included.
    if not getattr(user, "is_authenticated", False) or user.has_role("enterprise_user", "system_admin"):
        return False
    return not can_see_personal_data(user)


class _LogKeeper(logging.Handler):
    def emit(self, record):
        # A log line that cannot be formatted is not a leak.
        with contextlib.suppress(Exception):
            COLLECTOR.logs.append(self.format(record))


@pytest.fixture(autouse=True)
def _collect_for_leak_scan(monkeypatch):
    """Keep every non-streaming response body shown to a user without the need, and every log line."""
    from django.test.client import ClientHandler

    original = ClientHandler.get_response

    def get_response(self, request):
        response = original(self, request)
        user = getattr(request, "_force_auth_user", None) or getattr(request, "user", None)
        if not getattr(response, "streaming", False) and _without_need(user):
            COLLECTOR.add(f"{request.method} {request.path} as {user}", bytes(response.content))
        return response

    monkeypatch.setattr(ClientHandler, "get_response", get_response)
    handler = _LogKeeper()
    root = logging.getLogger()
    root.addHandler(handler)
    yield COLLECTOR
    root.removeHandler(handler)


def demo_personal_numbers() -> tuple[set[bytes], set[bytes]]:
    """The demo data's mobile numbers and resident ID numbers, as bytes."""
    from accidents.models import Accident
    from accounts.models import User
    from hazards.models import Hazard
    from registry.models import Enterprise
    from risk.models import RiskPoint

    phones: set[str] = set()
    for model, fields in (
        (User, ["phone"]),
        (Enterprise, ["principal_phone", "safety_manager_phone"]),
        (Hazard, ["responsible_phone"]),
        (RiskPoint, ["responsible_phone"]),
        (Accident, ["reporter_phone"]),
    ):
        for row in model.objects.values_list(*fields):
            phones.update(v for v in row if v)
    ids = {u.id_number for u in User.objects.exclude(id_number_digest="") if u.id_number}
    mobiles = {p.encode() for p in phones if MOBILE.fullmatch(p.encode())}
    return mobiles, {i.encode() for i in ids}


def leak_scan(bodies, logs, mobiles: set[bytes], ids: set[bytes]) -> list[str]:
    """Each place a known full number appears; phone-shaped strings that are not demo data are ignored."""
    leaks = []
    for label, body in bodies:
        for match in MOBILE.findall(body):
            if match in mobiles:
                leaks.append(f"{label}: phone {match.decode()}")
        for match in ID_NUMBER.findall(body):
            if match in ids:
                leaks.append(f"{label}: ID number")
    for line in logs:
        raw = line.encode()
        if any(m in raw for m in MOBILE.findall(raw) if m in mobiles) or any(
            m in ids for m in ID_NUMBER.findall(raw)
        ):
            leaks.append(f"log: {line[:80]}")
    return leaks
