"""Every audit event reads as words (issue 20, point 2): the timelines and the audit administrator's log name
what happened (签发接口令牌, 填写检查项结果), never the event's code, a role's code or a model's label, and
never the generic 登记 for an action the code writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from audit.labels import action_label, has_label
from core.workflow import REGISTRY

ROOT = Path(settings.BASE_DIR)
# The second argument of the calls that write an event: record(obj, "a.b.c", …), record_event, audit, edit.
WRITES = re.compile(
    r"\b(?:record|record_event|audit|edit)\(\s*[\w.\[\]]+,\s*\"([a-z_]+(?:\.[a-z_]+)+)\"", re.S
)
# Events whose code is built at run time, with every value the code builds it from.
BUILT = [
    *(f"accidents.report.{kind}" for kind in ("initial", "follow_up", "supplementary", "final")),
    *(f"emergency.movement.{kind}" for kind in ("in", "out", "transfer", "return", "count")),
    *(
        f"registry.file.{ledger}_added"
        for ledger in ("installation", "licence", "rented_out", "special_operator")
    ),
]


def _written_codes() -> set[str]:
    apps_dirs = {Path(app.path) for app in apps.get_app_configs() if Path(app.path).is_relative_to(ROOT)}
    codes = set()
    for directory in apps_dirs:
        for path in directory.rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            codes |= set(WRITES.findall(path.read_text(encoding="utf-8")))
    return codes


def _workflow_codes() -> set[str]:
    import redline.urls  # noqa: F401 - every module's flows are declared by the time its pages are routed

    return {flow.event_name(t) for flow in REGISTRY.values() for t in flow}


def test_the_scan_finds_the_events_the_code_writes():
    codes = _written_codes()
    assert {"accounts.user.locked", "accounts.token.issued", "accounts.login"} <= codes
    assert "inspections.inspection.answered" in _workflow_codes()
    assert len(codes | _workflow_codes()) > 150  # events move from record() calls into workflows


@pytest.mark.parametrize("code", sorted(_written_codes() | _workflow_codes() | set(BUILT)))
def test_every_event_the_code_writes_reads_as_its_own_words(code):
    assert has_label(code), f"{code} has no words of its own: add it to audit.labels.ACTION_LABELS"
    with translation.override("zh-hans"):
        words = action_label(code)
    assert re.search(r"[\u4e00-\u9fff]", words), f"{code} reads {words!r} in Chinese"
    assert "." not in words and "_" not in words


def test_a_created_record_without_its_own_label_reads_as_the_record_and_the_verb():
    with translation.override("zh-hans"):
        assert action_label("emergency.rescueteam.created") == "救援队伍：已创建"
        assert action_label("no.such.event") == "登记"


def test_the_audit_log_shows_words_role_names_and_record_kinds(as_user, persona):
    from audit.services import record

    record(persona("duruan"), "accounts.token.issued", actor=persona("admin"))
    with translation.override("zh-hans"):
        page = as_user("auditadmin").get(
            "/audit/", {"action": "accounts.token"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        detail = as_user("auditadmin").get(f"/audit/{page.context['object_list'][0].pk}/")
    html = page.content.decode()
    assert "签发接口令牌" in html and "区级管理员" in html and ">用户 #" in html.replace("\n", "")
    assert "district_admin" not in html and "accounts.user #" not in html
    assert "签发接口令牌" in detail.content.decode()
