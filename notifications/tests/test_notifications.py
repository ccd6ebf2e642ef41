"""In-app notifications (issue 2 foundation): idempotent `notify`, each user sees only its own, read state,
the unread count in the header, and who an audience means."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from notifications.recipients import Audience, resolve
from notifications.services import mark_read, notify


def titles(notes) -> list[str]:
    return sorted(n.title for n in notes)


@pytest.fixture
def inbox(persona):
    """Two notifications for duruan (one read), one for baisha (what the demo district sent is cleared)."""
    duruan, baisha = persona("duruan"), persona("baisha")
    Notification.objects.filter(recipient__in=[duruan, baisha]).delete()
    first = notify(recipients=[duruan], kind="test.one", title="杜阮一", url="/registry/enterprises/")[0]
    second = notify(recipients=[duruan], kind="test.two", title="杜阮二")[0]
    other = notify(recipients=[baisha], kind="test.one", title="白沙一")[0]
    mark_read(actor=duruan, notification_id=second.pk)
    return {"first": first, "second": second, "other": other}


def test_notify_is_idempotent_per_dedup_key(persona):
    duruan, baisha = persona("duruan"), persona("baisha")
    sent = notify(
        recipients=[duruan, baisha], kind="hazards.overdue", title="隐患逾期", dedup_key="hazard:1:overdue"
    )
    again = notify(
        recipients=[duruan, baisha], kind="hazards.overdue", title="隐患逾期", dedup_key="hazard:1:overdue"
    )
    assert len(sent) == 2
    assert again == []
    assert Notification.objects.filter(dedup_key="hazard:1:overdue").count() == 2


def test_a_dedup_key_already_sent_to_one_still_reaches_a_new_recipient(persona):
    notify(recipients=[persona("duruan")], kind="k", title="t", dedup_key="step:1")
    later = notify(recipients=[persona("duruan"), persona("yjj")], kind="k", title="t", dedup_key="step:1")
    assert [n.recipient.username for n in later] == ["yjj"]


def test_without_a_dedup_key_each_call_notifies(persona):
    notify(recipients=[persona("duruan")], kind="k", title="一")
    notify(recipients=[persona("duruan")], kind="k", title="一")
    assert Notification.objects.filter(recipient=persona("duruan"), title="一").count() == 2


def test_notify_names_its_target(persona, enterprise_in):
    enterprise = enterprise_in("duruan")
    (note,) = notify(recipients=[persona("duruan")], kind="k", title="t", target=enterprise)
    assert (note.target_type, note.target_id) == ("registry.enterprise", enterprise.pk)


def test_a_long_title_is_cut_to_fit(persona):
    (note,) = notify(recipients=[persona("duruan")], kind="k", title="长" * 500)
    assert len(Notification.objects.get(pk=note.pk).title) == 200


def test_email_is_sent_after_commit_when_smtp_is_configured(
    persona, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = "smtp.example.invalid"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = persona("duruan")
    user.email = "duruan@example.invalid"
    user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = notify(recipients=[user], kind="k", title="邮件通知", body="正文", url="/x/")
    assert [m.subject for m in mail.outbox] == ["邮件通知"]
    assert mail.outbox[0].to == ["duruan@example.invalid"]
    assert Notification.objects.get(pk=note.pk).emailed_at is not None


def test_no_email_without_smtp(persona, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipients=[persona("duruan")], kind="k", title="t")
    assert callbacks == []


# --- Each user sees only its own --------------------------------------------------------------------


def test_the_list_page_shows_only_the_users_own(as_user, inbox):
    response = as_user("duruan").get(reverse("notifications:list"))
    assert titles(response.context["page_obj"]) == ["杜阮一", "杜阮二"]
    assert "白沙一" not in response.content.decode()


def test_the_list_page_filters_unread(as_user, inbox):
    response = as_user("duruan").get(reverse("notifications:list"), {"unread": 1})
    assert titles(response.context["page_obj"]) == ["杜阮一"]


def test_the_api_lists_only_the_users_own(api_as, inbox):
    body = api_as("duruan").get("/api/v1/notifications/").json()
    assert body["count"] == 2
    assert sorted(n["title"] for n in body["results"]) == ["杜阮一", "杜阮二"]
    unread = api_as("duruan").get("/api/v1/notifications/", {"unread": "true"}).json()
    assert [n["title"] for n in unread["results"]] == ["杜阮一"]
    assert set(body["results"][0]) == {
        "id",
        "kind",
        "title",
        "body",
        "url",
        "target_type",
        "target_id",
        "created_at",
        "read_at",
    }


def test_someone_elses_notification_is_not_found(api_as, as_user, inbox):
    other = inbox["other"]
    assert api_as("duruan").get(f"/api/v1/notifications/{other.pk}/").status_code == 404
    assert api_as("duruan").post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
    assert as_user("duruan").post(reverse("notifications:read", args=[other.pk])).status_code == 404
    assert Notification.objects.get(pk=other.pk).read_at is None


# --- Read state ---------------------------------------------------------------------------------------


def test_marking_one_read_through_the_api(api_as, inbox):
    response = api_as("duruan").post(f"/api/v1/notifications/{inbox['first'].pk}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert Notification.objects.get(pk=inbox["first"].pk).read_at is not None


def test_marking_one_read_in_the_browser_follows_its_link(as_user, inbox):
    response = as_user("duruan").post(
        reverse("notifications:read", args=[inbox["first"].pk]), {"next": "/registry/enterprises/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/registry/enterprises/"
    assert Notification.objects.get(pk=inbox["first"].pk).read_at is not None


def test_a_link_to_another_site_is_not_followed(as_user, inbox):
    response = as_user("duruan").post(
        reverse("notifications:read", args=[inbox["first"].pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("notifications:list")


def test_marking_all_read_touches_only_the_users_own(as_user, api_as, inbox, persona):
    notify(recipients=[persona("duruan")], kind="k", title="杜阮三")
    response = as_user("duruan").post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.for_user(persona("duruan")).unread().exists()
    assert Notification.objects.get(pk=inbox["other"].pk).read_at is None


def test_marking_all_read_through_the_api(api_as, inbox, persona):
    notify(recipients=[persona("duruan")], kind="k", title="杜阮三")
    response = api_as("duruan").post("/api/v1/notifications/read-all/")
    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    assert not Notification.objects.for_user(persona("duruan")).unread().exists()
    assert Notification.objects.get(pk=inbox["other"].pk).read_at is None


def test_reading_an_already_read_notification_keeps_its_time(inbox, persona):
    second = inbox["second"]
    assert mark_read(actor=persona("duruan"), notification_id=second.pk) == 0
    assert (
        Notification.objects.get(pk=second.pk).read_at == second.__class__.objects.get(pk=second.pk).read_at
    )


def test_the_header_shows_the_unread_count(as_user, inbox, persona):
    notify(recipients=[persona("duruan")], kind="k", title="杜阮三")
    response = as_user("duruan").get(reverse("notifications:list"))
    assert response.context["unread_notifications"] == 2
    html = response.content.decode()
    badge = html.split('data-testid="unread-count">', 1)[1]
    assert badge.startswith("2")


def test_no_unread_badge_when_all_are_read(as_user, inbox, persona):
    mark_read(actor=persona("duruan"))
    response = as_user("duruan").get(reverse("notifications:list"))
    assert response.context["unread_notifications"] == 0
    assert 'data-testid="unread-count"' not in response.content.decode()


def test_the_list_query_count_does_not_grow_with_the_inbox(api_as, persona, django_assert_max_num_queries):
    user = persona("duruan")
    Notification.objects.filter(recipient=user).delete()
    api = api_as("duruan")
    notify(recipients=[user], kind="k", title="一")
    api.get("/api/v1/notifications/")
    with django_assert_max_num_queries(4):
        api.get("/api/v1/notifications/")
    for n in range(30):
        notify(recipients=[user], kind="k", title=f"批量{n}")
    with django_assert_max_num_queries(4):
        assert api.get("/api/v1/notifications/", {"page_size": 50}).json()["count"] == 31


# --- Audiences ----------------------------------------------------------------------------------------


def test_audiences_resolve_to_the_right_accounts(district, persona, enterprise_in):
    enterprise = persona("ent_duruan").enterprise
    usernames = lambda users: sorted(u.username for u in users)  # noqa: E731
    assert usernames(resolve([Audience.TOWN], town_id=district["duruan"].pk)) == ["duruan"]
    assert usernames(resolve([Audience.DEPARTMENT], sector_codes=["road_traffic"])) == ["jtj"]
    assert usernames(resolve([Audience.DEPARTMENT], sector_codes=["confined_space"])) == ["yjj"]
    assert usernames(resolve([Audience.ENTERPRISE], enterprise_id=enterprise.pk)) == [
        "ent_duruan",
        "ent_duruan_head",
    ]
    assert usernames(resolve([Audience.DISTRICT, Audience.LEADERS, Audience.DUTY])) == [
        "admin",
        "duty",
        "leader",
    ]
    assert resolve([Audience.TOWN]) == []  # no town named, nobody


def test_an_inactive_account_is_not_told(district, persona):
    user = persona("duruan")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert resolve([Audience.TOWN], town_id=district["duruan"].pk) == []
