"""Production static files: collectstatic into a manifest, served by WhiteNoise under hashed names with a
year's cache, with DEBUG off (issue 17: every /static/… answered 404 without it)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SERVE_ONE = """
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
call_command("collectstatic", "--noinput", "-v", "0")
from django.test import Client
url = static("redline/redline.css")
response = Client().get(url, secure=True, HTTP_HOST="localhost")
print(json.dumps({
    "storage": settings.STORAGES["staticfiles"]["BACKEND"],
    "url": url,
    "status": response.status_code,
    "cache": response.headers.get("Cache-Control", ""),
    "plain": Client().get("/static/redline/redline.css", secure=True, HTTP_HOST="localhost").status_code,
}))
"""


def test_debug_off_serves_hashed_static_files_with_a_long_cache(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "DEBUG", "DATABASE_URL"))},
        "DJANGO_SETTINGS_MODULE": "redline.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "REDLINE_VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "-c", SERVE_ONE],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["storage"] == "core.staticfiles.ManifestStaticStorage"
    assert (
        answer["url"].startswith("/static/redline/redline.")
        and answer["url"] != "/static/redline/redline.css"
    )
    assert answer["status"] == 200
    assert "max-age=315360000" in answer["cache"] and "immutable" in answer["cache"]
    assert answer["plain"] == 200  # the unhashed name still answers, with a short cache
    assert (tmp_path / "static" / "staticfiles.json").exists()
