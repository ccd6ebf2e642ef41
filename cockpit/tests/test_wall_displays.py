"""Paired wall displays (大屏终端): the cockpit on the duty room's wall keeps showing without a login session,
for its owner's scope only, until it is stopped — and the screen's cookie opens nothing else."""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.models import UserRole
from audit.models import AuditEvent
from cockpit import kiosk
from cockpit.figures import all_figures
from cockpit.models import WallDisplay
from core.choices import Role

pytestmark = pytest.mark.django_db

NAME = "区应急局值班室大屏"
STOPPED = "此大屏已停用"


def create(client, name: str = NAME) -> tuple[WallDisplay, str]:
    """Create a display on the management page; answer it and the path of its pairing link."""
    page = client.post("/cockpit/displays/", {"name": name})
    assert page.status_code == 200, page.content[:500]
    pairing = page.context["pairing"]
    return pairing["display"], urlsplit(pairing["link"]).path


def pair(path: str) -> Client:
    """A browser with no session opens the link (the page posts itself) and lands on the wall."""
    screen = Client()
    assert screen.get(path).status_code == 200
    answer = screen.post(path)
    assert answer.status_code == 302 and answer["Location"] == "/cockpit/kiosk/"
    return screen


def paired(as_user, username: str = "leader") -> tuple[WallDisplay, Client]:
    display, path = create(as_user(username))
    return display, pair(path)


def shown_figures(html: str, user) -> dict:
    return {code: f'data-code="{code}" data-value="{value}"' in html for code, value in _values(user).items()}


def _values(user) -> dict:
    return {f["code"]: f["value"] for f in all_figures(user)}


def test_a_paired_display_still_shows_the_wall_13_hours_later_without_a_session(as_user, persona):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        leader = as_user("leader")
        assert leader.get("/cockpit/wall/").status_code == 200  # the login session's wall, for comparison
        display, screen = paired(as_user)
    with time_machine.travel(start + dt.timedelta(hours=13), tick=False):
        # The login session is over (absolute lifetime of 12 hours): its wall falls to the login page …
        expired = leader.get("/cockpit/wall/")
        assert expired.status_code == 302 and expired["Location"].startswith("/accounts/login/")
        # … the paired screen, which has no session at all, still shows the leader's cockpit.
        assert "sessionid" not in screen.cookies
        for url in ("/cockpit/kiosk/", "/cockpit/kiosk/live/"):
            page = screen.get(url)
            assert page.status_code == 200, url
            assert all(shown_figures(page.content.decode(), persona("leader")).values()), url
        wall = screen.get("/cockpit/kiosk/").content.decode()
        assert NAME in wall and 'hx-get="/cockpit/kiosk/live/"' in wall and 'hx-trigger="every 60s"' in wall
        assert "csrf" not in wall.lower()  # nothing to post from the screen
    display.refresh_from_db()
    assert display.last_seen_at == start + dt.timedelta(hours=13)


def test_the_screen_gets_a_strict_long_lived_cookie_for_the_kiosk_paths_only(as_user):
    _display, path = create(as_user("leader"))
    screen = Client()
    screen.get(path)
    cookie = screen.post(path).cookies[kiosk.COOKIE_NAME]
    assert cookie["path"] == "/cockpit/kiosk/"
    assert cookie["httponly"] is True and cookie["samesite"] == "Strict"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    assert cookie["secure"] == ""  # plain HTTP in tests; settings.SESSION_COOKIE_SECURE in production


def test_the_cookie_is_secure_in_production(as_user, settings):
    settings.SESSION_COOKIE_SECURE = True
    _display, path = create(as_user("leader"))
    screen = Client()
    screen.get(path)
    assert screen.post(path).cookies[kiosk.COOKIE_NAME]["secure"] is True


def test_the_pairing_link_works_once(as_user):
    display, path = create(as_user("leader"))
    first = pair(path)
    again = Client()
    assert again.get(path).status_code == 404
    refused = again.post(path)
    assert refused.status_code == 404 and kiosk.COOKIE_NAME not in refused.cookies
    assert first.get("/cockpit/kiosk/").status_code == 200
    assert again.get("/cockpit/kiosk/").status_code == 403
    assert AuditEvent.objects.filter(action="cockpit.walldisplay.paired", target_id=display.pk).count() == 1


def test_a_pairing_link_expires_after_a_day(as_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _display, path = create(as_user("leader"))
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        assert Client().get(path).status_code == 404
        assert Client().post(path).status_code == 404


def test_a_wrong_code_in_the_link_is_404(as_user):
    display, path = create(as_user("leader"))
    wrong = f"/cockpit/kiosk/pair/{display.pk}/{'A' * 43}/"
    assert Client().get(wrong).status_code == 404
    assert Client().post(wrong).status_code == 404
    assert Client().get(path).status_code == 200  # the real link is still unspent


def test_a_stopped_display_says_so_at_its_next_refresh(as_user):
    display, screen = paired(as_user)
    leader = as_user("leader")
    stopped = leader.post(f"/cockpit/displays/{display.pk}/revoke/", {"version": display.version + 1})
    assert stopped.status_code == 302
    live = screen.get("/cockpit/kiosk/live/")
    assert live.status_code == 403
    html = live.content.decode()
    assert STOPPED in html and 'id="cockpit-live"' in html
    assert "hx-trigger" not in html and "data-code=" not in html  # no figures, no further polling
    page = screen.get("/cockpit/kiosk/")
    assert page.status_code == 403 and STOPPED in page.content.decode()
    event = AuditEvent.objects.get(action="cockpit.walldisplay.revoked", target_id=display.pk)
    assert event.actor.username == "leader" and event.data["to_state"] == "revoked"


@pytest.mark.parametrize("change", ["deactivated", "lost the cockpit role"])
def test_a_display_stops_when_its_owner_may_no_longer_open_the_cockpit(as_user, persona, change):
    display, screen = paired(as_user, "duruan")
    assert screen.get("/cockpit/kiosk/live/").status_code == 200
    owner = persona("duruan")
    if change == "deactivated":
        type(owner).objects.filter(pk=owner.pk).update(is_active=False)
    else:
        UserRole.objects.filter(user=owner, role=Role.TOWN_OFFICER).delete()
    live = screen.get("/cockpit/kiosk/live/")
    assert live.status_code == 403 and STOPPED in live.content.decode()


def test_a_town_officers_display_shows_only_that_town(as_user, persona, district):
    _display, screen = paired(as_user, "duruan")
    page = screen.get("/cockpit/kiosk/")
    html = page.content.decode()
    town, whole = persona("duruan"), persona("leader")
    assert all(shown_figures(html, town).values())
    assert _values(whole)["hazards_open"] > _values(town)["hazards_open"]
    assert f'data-code="hazards_open" data-value="{_values(whole)["hazards_open"]}"' not in html
    context = page.context
    assert context["overdue_by_town"] == []  # one town: no line per town
    assert [r["url"] for r in context["readiness"]] == [f"/emergency/?town={district['duruan'].pk}"]
    assert len(context["on_duty"]) == 1  # its own duty room
    assert "cockpit-overdue-towns" not in html


@pytest.mark.parametrize("value", ["", "garbage", "1", "1:", ":secret", "99999999:secret", "9" * 30 + ":x"])
def test_a_missing_or_malformed_cookie_is_403_and_recorded(as_user, value):
    paired(as_user)
    screen = Client()
    if value:
        screen.cookies[kiosk.COOKIE_NAME] = value
    for url in ("/cockpit/kiosk/", "/cockpit/kiosk/live/"):
        answer = screen.get(url)
        assert answer.status_code == 403, (value, url)
        assert "data-code=" not in answer.content.decode()
    assert AuditEvent.objects.filter(
        action="security.permission_denied", data__view="cockpit:kiosk_live"
    ).exists()


def test_the_right_display_with_a_wrong_secret_is_refused(as_user):
    display, screen = paired(as_user)
    real = screen.cookies[kiosk.COOKIE_NAME].value
    assert real.startswith(f"{display.pk}:")
    forged = Client()
    forged.cookies[kiosk.COOKIE_NAME] = f"{display.pk}:{real.split(':', 1)[1][:-1]}x"
    answer = forged.get("/cockpit/kiosk/")
    assert answer.status_code == 403 and STOPPED not in answer.content.decode()


def test_only_digests_of_the_code_and_the_secret_are_kept(as_user):
    display, path = create(as_user("leader"))
    code = path.rstrip("/").rsplit("/", 1)[1]
    screen = pair(path)
    secret = screen.cookies[kiosk.COOKIE_NAME].value.split(":", 1)[1]
    display.refresh_from_db()
    row = str(WallDisplay.objects.filter(pk=display.pk).values().get())
    assert code not in row and secret not in row
    assert display.secret_digest == hashlib.sha256(secret.encode()).hexdigest()
    assert display.pairing_digest == ""  # spent
    trail = str(list(AuditEvent.objects.filter(target_id=display.pk).values("data", "target_repr")))
    assert code not in trail and secret not in trail


def test_the_last_seen_time_is_written_at_most_once_a_minute(as_user, django_assert_num_queries):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        display, screen = paired(as_user)
    for seconds, moved in ((20, False), (59, False), (61, True)):
        with time_machine.travel(start + dt.timedelta(seconds=seconds), tick=False):
            answer = screen.get("/cockpit/kiosk/live/")
            assert answer.status_code == 200
            assert (kiosk.COOKIE_NAME in answer.cookies) is moved  # renewed with the heartbeat
        display.refresh_from_db()
        assert (display.last_seen_at == start + dt.timedelta(seconds=seconds)) is moved, seconds
        if not moved:
            assert display.last_seen_at == start


def test_the_screen_can_only_read_the_wall(as_user):
    _display, screen = paired(as_user)
    for url in ("/cockpit/kiosk/", "/cockpit/kiosk/live/"):
        assert screen.post(url).status_code == 405
        assert screen.put(url).status_code == 405
        assert screen.delete(url).status_code == 405


def test_every_other_url_ignores_the_screens_cookie(as_user):
    """The test client sends a cookie to every path: each page and API answers the screen exactly as it
    answers a visitor without it (mostly: the login page), whatever its path."""
    from security_tests.probing import api_endpoints, fill, fill_route, url_patterns

    _display, screen = paired(as_user)
    bare = Client()
    own = {"cockpit:kiosk", "cockpit:kiosk_live", "cockpit:kiosk_pair"}
    differ = []
    for name, route in url_patterns():
        if name in own:
            continue
        url = "/" + fill_route(route, 1)
        with_cookie, without = screen.get(url), bare.get(url)
        if (with_cookie.status_code, with_cookie.get("Location")) != (
            without.status_code,
            without.get("Location"),
        ):
            differ.append(f"{name}: {with_cookie.status_code} with the cookie, {without.status_code} without")
    for method, path, _view in api_endpoints():
        if method == "GET":
            url = fill(path, 1)
            if screen.get(url).status_code != bare.get(url).status_code:
                differ.append(f"{method} {path}")
    assert differ == []
    assert screen.get("/api/v1/cockpit/").status_code in (401, 403)
    assert screen.get("/cockpit/live/?wall=1").status_code == 302


def test_displays_are_kept_by_their_owner_and_the_district_administrator(as_user):
    display, _path = create(as_user("leader"))
    detail, rename, revoke = (f"/cockpit/displays/{display.pk}/{part}" for part in ("", "rename/", "revoke/"))
    for username in ("duruan", "yjj", "duty"):
        other = as_user(username)
        assert other.get(detail).status_code == 404
        assert other.post(rename, {"name": "x", "version": display.version}).status_code == 404
        assert other.post(revoke, {"version": display.version}).status_code == 404
        assert f'data-testid="display-{display.pk}"' not in other.get("/cockpit/displays/").content.decode()
    for username in ("ent_duruan", "inspector_duruan", "sysadmin"):
        assert as_user(username).get("/cockpit/displays/").status_code == 403
        assert as_user(username).get(detail).status_code == 404
    admin = as_user("admin")
    assert f'data-testid="display-{display.pk}"' in admin.get("/cockpit/displays/").content.decode()
    assert admin.get(detail).status_code == 200
    assert admin.post(revoke, {"version": display.version}).status_code == 302
    display.refresh_from_db()
    assert display.state == "revoked" and display.revoked_by.username == "admin"


def test_a_display_is_renamed_through_its_workflow_and_bad_input_changes_nothing(as_user):
    leader = as_user("leader")
    display, _path = create(leader)
    url = f"/cockpit/displays/{display.pk}/rename/"
    blank = leader.post(url, {"name": "  ", "version": display.version})
    assert blank.status_code == 400 and blank.context["rename_form"].errors["name"]
    long = leader.post(url, {"name": "大" * 61, "version": display.version})
    assert long.status_code == 400
    stale = leader.post(url, {"name": "新名称", "version": display.version + 5})
    assert stale.status_code == 409
    display.refresh_from_db()
    assert display.name == NAME
    assert leader.post(url, {"name": "镇值班室大屏", "version": display.version}).status_code == 302
    display.refresh_from_db()
    assert display.name == "镇值班室大屏" and display.version == 2
    event = AuditEvent.objects.get(action="cockpit.walldisplay.renamed", target_id=display.pk)
    assert event.data["changes"] == {"name": [NAME, "镇值班室大屏"]}
    assert leader.get("/cockpit/displays/x/rename/").status_code == 404
    assert leader.get(url).status_code == 405


def test_a_stopped_display_cannot_be_stopped_or_renamed_again(as_user):
    leader = as_user("leader")
    display, _path = create(leader)
    leader.post(f"/cockpit/displays/{display.pk}/revoke/", {"version": display.version})
    again = leader.post(f"/cockpit/displays/{display.pk}/revoke/", {"version": display.version + 1})
    assert again.status_code == 409  # the page offers no button; the workflow refuses the state
    display.refresh_from_db()
    assert display.state == "revoked"


def test_creating_a_display_checks_the_name_and_audits(as_user):
    leader = as_user("leader")
    refused = leader.post("/cockpit/displays/", {"name": ""})
    assert refused.status_code == 400 and refused.context["form"].errors["name"]
    assert refused.context["pairing"] is None
    assert not WallDisplay.objects.exists()
    display, _path = create(leader)
    event = AuditEvent.objects.get(action="cockpit.walldisplay.created", target_id=display.pk)
    assert event.actor.username == "leader" and event.data == {"name": NAME}
    assert display.owner.username == "leader" and display.state == "pending"


def test_creating_a_display_needs_a_fresh_proof(as_user):
    from accounts.stepup import SESSION_STEP_UP_AT_KEY

    leader = as_user("leader")
    session = leader.session
    session[SESSION_STEP_UP_AT_KEY] = 0
    session.save()
    answer = leader.post("/cockpit/displays/", {"name": NAME})
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/step-up/")
    assert not WallDisplay.objects.exists()


def test_the_management_page_is_reachable_from_the_cockpit_in_chinese(as_user):
    leader = as_user("leader")
    assert 'href="/cockpit/displays/"' in leader.get("/cockpit/").content.decode()
    display, _path = create(leader)
    html = leader.get("/cockpit/displays/").content.decode()
    assert "大屏终端" in html and NAME in html and "等待配对" in html
    page = leader.post("/cockpit/displays/", {"name": "第二块大屏"})
    assert 'data-testid="pairing-qr"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]
