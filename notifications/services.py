"""`notify()`: in-app notifications (and email when SMTP is configured), idempotent by dedup key."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import NotAllowed
from notifications.models import Notification


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    target=None,
    dedup_key: str | None = None,
) -> list[Notification]:
    """Create one notification per recipient; a (recipient, dedup_key) already sent is skipped."""
    created: list[Notification] = []
    for user in recipients:
        if dedup_key and Notification.objects.filter(recipient=user, dedup_key=dedup_key).exists():
            continue
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    title=str(title)[:200],
                    body=str(body),
                    url=url,
                    target_type=target._meta.label_lower if target is not None else "",
                    target_id=target.pk if target is not None else None,
                    dedup_key=dedup_key,
                )
        except IntegrityError:  # a concurrent run sent it first
            continue
        created.append(note)
    if created and settings.EMAIL_HOST:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: _email(ids))
    return created


def _email(ids: list[int]) -> None:
    for note in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("recipient"):
        if note.recipient.email:
            send_mail(
                note.title, f"{note.body}\n\n{note.url}", None, [note.recipient.email], fail_silently=True
            )
            Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def mark_read(*, actor, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, all) of the actor's own notifications read."""
    qs = Notification.objects.for_user(actor).unread()
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
        if not qs.exists() and not Notification.objects.filter(pk=notification_id, recipient=actor).exists():
            raise NotAllowed()
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    """The number on the bell of the page shell (plugged into core.ports)."""
    return Notification.objects.for_user(user).unread().count()
