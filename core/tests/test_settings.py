"""Settings come from the environment; production mode (DEBUG off) refuses a missing or weak SECRET_KEY."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

STRONG_KEY = "k3Jq9x-2vLw8Zr5Tn0Yp7Hs4Fm1Bd6Gc_Qe8Ua3Wo9Ri2Ly5Nt7Vk0Xj4Mh6Pg1"
PRINT_SETTINGS = (
    "import json, redline.settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'tz': s.TIME_ZONE, 'hosts': s.ALLOWED_HOSTS, "
    "'db': str(s.DATABASES['default']['ENGINE']), 'proxies': s.TRUSTED_PROXY_COUNT}))"
)


def load_settings(tmp_path, **env) -> subprocess.CompletedProcess:
    """Import redline.settings in a fresh interpreter with exactly this environment."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "REDLINE_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    clean.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (None, "must be set"),
        ("", "must be set"),
        ("short-key", "too weak"),
        ("django-insecure-" + "x" * 50, "too weak"),
        ("insecure-development-key-only-for-debug-0000000", "too weak"),
        ("changeme" + "y" * 40, "too weak"),
    ],
    ids=["missing", "empty", "short", "django-insecure", "insecure", "changeme"],
)
def test_production_refuses_a_missing_or_weak_secret_key(key, reason, tmp_path):
    result = load_settings(tmp_path, DEBUG="false", SECRET_KEY=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert reason in result.stderr


def test_production_starts_with_a_strong_key(tmp_path):
    result = load_settings(tmp_path, DEBUG="false", SECRET_KEY=STRONG_KEY)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["tz"] == "Asia/Shanghai"
    assert values["hosts"] == ["127.0.0.1", "localhost"]
    assert values["db"].endswith("sqlite3")
    assert values["proxies"] == 0


def test_the_key_may_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(STRONG_KEY + "\n", encoding="utf-8")
    assert load_settings(tmp_path, DEBUG="false", SECRET_KEY_FILE=str(key_file)).returncode == 0
    key_file.write_text("weak\n", encoding="utf-8")
    assert load_settings(tmp_path, DEBUG="false", SECRET_KEY_FILE=str(key_file)).returncode != 0


def test_an_unreadable_key_file_is_named(tmp_path):
    result = load_settings(tmp_path, DEBUG="false", SECRET_KEY_FILE=str(tmp_path / "missing"))
    assert result.returncode != 0
    assert "SECRET_KEY_FILE" in result.stderr


def test_development_mode_runs_without_a_key(tmp_path):
    result = load_settings(tmp_path, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is True


def test_environment_values_are_read_strictly(tmp_path):
    result = load_settings(
        tmp_path,
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        TIME_ZONE="UTC",
        ALLOWED_HOSTS="redline.example.gov.cn, 10.0.0.5",
        TRUSTED_PROXY_COUNT="1",
        DATABASE_URL="postgres://redline@db.invalid:5432/redline",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["tz"] == "UTC"
    assert values["hosts"] == ["redline.example.gov.cn", "10.0.0.5"]
    assert values["db"].endswith("postgresql")
    assert values["proxies"] == 1


@pytest.mark.parametrize(("name", "value"), [("DEBUG", "maybe"), ("TRUSTED_PROXY_COUNT", "one")])
def test_a_malformed_value_is_refused_with_its_name(name, value, tmp_path):
    env = {"DEBUG": "false", "SECRET_KEY": STRONG_KEY, name: value}
    result = load_settings(tmp_path, **env)
    assert result.returncode != 0
    assert name in result.stderr
