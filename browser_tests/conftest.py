"""Browser tests: a real headless Chromium (Debian's `chromium` package) driven by Playwright through its
executable path — never a downloaded browser. Without a Chromium they skip with a clear message.

Self-contained: the server is pytest-django's `live_server` (real commits, so `transactional_db`), and the
demo district is rebuilt for each test because transactional tests flush the database.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS = {"desktop": {"width": 1366, "height": 800}, "phone": {"width": 390, "height": 844}}
DEMO_PASSWORD = "Redline@2026"


def pytest_configure(config):
    """On SQLite the live server's threads share the test database's one in-memory connection, and a page
    loading several photos at once had two threads use it together ("bad parameter or other API misuse").
    There the server still takes connections in parallel but runs the application one request at a time.
    """
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        from django.test.testcases import LiveServerThread

        LiveServerThread.server_class = _OneRequestAtATimeServer


def _one_request_at_a_time_server():
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer

    class OneRequestAtATimeServer(ThreadedWSGIServer):
        _lock = threading.Lock()

        def set_app(self, application):
            lock = self._lock

            def serial(environ, start_response):
                with lock:
                    result = application(environ, start_response)
                    try:
                        return list(result)  # the body is produced under the lock too
                    finally:
                        close = getattr(result, "close", None)
                        if close is not None:
                            close()

            super().set_app(serial)

    return OneRequestAtATimeServer


_OneRequestAtATimeServer = _one_request_at_a_time_server()


def between_requests():
    """Hold the SQLite live server between two requests while the test itself reads the database: both
    use the one in-memory connection, and a read in the middle of a request's write finds the table locked
    ("database table is locked"). Elsewhere (PostgreSQL) nothing is held."""
    from contextlib import nullcontext

    from django.test.testcases import LiveServerThread

    if LiveServerThread.server_class is _OneRequestAtATimeServer:
        return _OneRequestAtATimeServer._lock
    return nullcontext()


def find_chromium() -> str | None:
    candidates = [os.environ.get("REDLINE_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        pytest.skip(
            "No Chromium found (set REDLINE_CHROMIUM or install Debian's `chromium` package): browser tests skipped."
        )
    return path


def _fontconfig(tmp_dir: Path) -> dict:
    """Let Chromium find the CJK font the project already ships for PDFs (core.pdf), so screenshots show
    Chinese on machines without a system CJK font; the system's own fonts stay available."""
    try:
        from core.pdf import font_path

        font_dir = font_path().parent
    except ImportError:
        return {}
    conf = tmp_dir / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{font_dir}</dir><cachedir>{tmp_dir / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return {"FONTCONFIG_FILE": str(conf)}


@pytest.fixture(scope="module")
def browser(chromium_path, tmp_path_factory):
    """One Chromium per test module. Playwright runs an event loop in this thread while it is up, so
    Django's async-safety check is relaxed for exactly that long (the test's ORM calls are synchronous)
    and restored afterwards, for the tests that run after these and for any subprocess they start."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            env = {**os.environ, **_fontconfig(tmp_path_factory.mktemp("fonts"))}
            env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            browser = playwright.chromium.launch(
                executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS, env=env
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def _server_still_during_flush():
    """Set up before the test database and torn down after its flush: the flush runs while the SQLite
    server's request lock is held, so a request a closed page left in flight (an image, a background
    fetch) cannot hold a table the flush empties ("database table is locked")."""
    held: list = []
    yield held
    for lock in held:
        lock.release()


@pytest.fixture
def site(_server_still_during_flush, live_server, django_db_serialized_rollback, transactional_db, settings):
    """The running site with the demo district; yields its base URL.

    Serialized rollback restores what the migrations seed (sectors, checklist templates…) after the
    previous transactional test's flush, so every module's demo builder finds its reference data.
    """
    from django.test.testcases import LiveServerThread

    from conftest import ensure_district

    # The second factor of the privileged roles has its own tests; here every persona logs in by password.
    settings.REDLINE_DEMO_MFA_EXEMPT = True
    ensure_district()
    ARTIFACTS.mkdir(exist_ok=True)
    yield live_server.url
    if LiveServerThread.server_class is _OneRequestAtATimeServer:
        _OneRequestAtATimeServer._lock.acquire()
        _server_still_during_flush.append(_OneRequestAtATimeServer._lock)


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def contexts(browser):
    """One browser context per viewport and module: its HTTP cache keeps the static files, so only the
    first page of each viewport pays for Bootstrap and the fonts."""
    made: dict = {}
    yield made
    for context in made.values():
        context.close()


@pytest.fixture
def new_page(contexts, browser, viewport):
    """A new page at the test's viewport with no cookies (so no session and the default language)."""
    pages = []
    own: list = []

    def open_context():
        context = browser.new_context(
            viewport=VIEWPORTS[viewport],
            locale="zh-CN",
            device_scale_factor=1,
            is_mobile=viewport == "phone",
            has_touch=viewport == "phone",
        )
        context.set_default_timeout(10_000)
        return context

    def make(fresh: bool = False):
        """fresh: a context of its own, for a second persona after a page that registered the offline
        service worker, whose background fetches could set a new CSRF cookie between the login page and
        its post."""
        context = contexts.get(viewport)
        if fresh:
            context = open_context()
            own.append(context)
        elif context is None:
            context = contexts[viewport] = open_context()
        for page in pages:
            if not page.is_closed():
                page.close()
        context.clear_cookies()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        pages.append(page)
        return page

    yield make
    for page in pages:
        if not page.is_closed():
            page.close()
    for context in own:
        context.close()


def shot(page, viewport: str, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{viewport}-{name}.png"), full_page=True)


def log_in(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Through the real login form, found by its labels."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
