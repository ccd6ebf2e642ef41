"""`manage.py import_enterprises`: the operator's import runs the import page's service, with its modes,
its scope and its audit event, as the named actor."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from audit.models import AuditEvent
from registry.models import Enterprise
from registry.tests.conftest import fresh_credit_code

HEADERS = ["企业名称", "统一社会信用代码", "所属镇街", "行业领域", "地址"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return str(path)


def good_row(n: int, town: str = "杜阮镇"):
    return [f"江门市命令导入{n}号有限公司", fresh_credit_code("91440703CM"), town, "工贸", f"示例路{n}号"]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_enterprises", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_the_file_as_the_actor_with_one_audit_event(tmp_path, district):
    rows = [good_row(1), good_row(2)]
    out, _err = run(write_csv(tmp_path / "e.csv", rows), "--actor", "admin")
    assert "2 created, 0 updated, 0 refused" in out
    assert Enterprise.objects.filter(credit_code__in=[r[1] for r in rows]).count() == 2
    event = AuditEvent.objects.filter(action="registry.enterprise.imported").latest("id")
    assert (event.actor.username, event.data["created"], event.data["file"]) == ("admin", 2, "e.csv")


def test_a_file_with_an_error_imports_nothing_by_default(tmp_path, district):
    rows = [good_row(1), ["江门市坏行有限公司", "not-a-code", "杜阮镇", "工贸", ""]]
    before = Enterprise.objects.count(), AuditEvent.objects.count()
    with pytest.raises(CommandError, match="Nothing imported"):
        run(write_csv(tmp_path / "e.csv", rows), "--actor", "admin")
    assert (Enterprise.objects.count(), AuditEvent.objects.count()) == before


def test_valid_rows_only_imports_the_good_rows_and_lists_the_refused(tmp_path, district):
    rows = [good_row(1), ["江门市坏行有限公司", "not-a-code", "杜阮镇", "工贸", ""]]
    out, err = run(write_csv(tmp_path / "e.csv", rows), "--actor", "admin", "--valid-rows-only")
    assert "1 created, 0 updated, 1 refused" in out
    assert err.startswith("row 3 · 统一社会信用代码:")
    assert Enterprise.objects.filter(credit_code=rows[0][1]).exists()


def test_a_dry_run_writes_nothing(tmp_path, district):
    rows = [good_row(1)]
    out, _err = run(write_csv(tmp_path / "e.csv", rows), "--actor", "admin", "--dry-run")
    assert out.startswith("Dry run, nothing written: 1 rows: 1 created")
    assert not Enterprise.objects.filter(credit_code=rows[0][1]).exists()


def test_the_actor_scope_applies_as_on_the_import_page(tmp_path, district):
    rows = [good_row(1, town="白沙街道")]
    with pytest.raises(CommandError, match="Nothing imported"):
        run(write_csv(tmp_path / "e.csv", rows), "--actor", "duruan")
    assert not Enterprise.objects.filter(credit_code=rows[0][1]).exists()


def test_an_actor_who_may_not_import_is_refused(tmp_path, district):
    with pytest.raises(CommandError, match="Your role may not do this"):
        run(write_csv(tmp_path / "e.csv", [good_row(1)]), "--actor", "ent_duruan")


def test_an_unknown_actor_or_file_is_a_clear_error(tmp_path, district):
    with pytest.raises(CommandError, match="No active user 'nobody'"):
        run(write_csv(tmp_path / "e.csv", [good_row(1)]), "--actor", "nobody")
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.csv"), "--actor", "admin")
