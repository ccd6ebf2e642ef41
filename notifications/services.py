"""`notify()`: in-app notifications (and email when SMTP is configured), idempotent by dedup key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Role
from core.errors import InvalidInput, NotAllowed
from core.forms import bind
from core.policy import Policy
from core.ports import record_event
from core.workflow import Transition, Workflow
from notifications.models import Notification, Webhook


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


@dataclass(frozen=True)
class Message:
    """One notification to one user, for `notify_many`."""

    recipient: object
    kind: str
    title: str
    body: str = ""
    url: str = ""
    target: object = None
    dedup_key: str | None = None


def notify_many(messages: Iterable[Message]) -> list[Message]:
    """`notify` for a batch of a periodic job: one query for what was already sent, one bulk insert.

    Same dedup rule as `notify` ((recipient, dedup_key) sent once); returns the messages sent now. A
    concurrent run inserting the same pair first is ignored by the unique constraint."""
    messages = list(messages)
    keys = {m.dedup_key for m in messages if m.dedup_key}
    sent = set(
        Notification.objects.filter(dedup_key__in=keys).values_list("recipient_id", "dedup_key")
        if keys
        else ()
    )
    fresh: list[Message] = []
    for message in messages:
        pair = (message.recipient.pk, message.dedup_key)
        if message.dedup_key and pair in sent:
            continue
        sent.add(pair)
        fresh.append(message)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=m.recipient,
                kind=m.kind,
                title=str(m.title)[:200],
                body=str(m.body),
                url=m.url,
                target_type=m.target._meta.label_lower if m.target is not None else "",
                target_id=m.target.pk if m.target is not None else None,
                dedup_key=m.dedup_key,
            )
            for m in fresh
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    if fresh and settings.EMAIL_HOST:
        ids = list(
            Notification.objects.filter(
                dedup_key__in={m.dedup_key for m in fresh}, emailed_at__isnull=True
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: _email(ids))
    return fresh


def unread_count(user) -> int:
    """The number on the bell of the page shell (plugged into core.ports)."""
    return Notification.objects.for_user(user).unread().count()


# --- outgoing webhooks ------------------------------------------------------------------------------------

# The district administrator registers the systems told of events: the events carry business data (an
# information report's casualties), which the system administrator does not touch (三权分立).
WEBHOOK_POLICY = Policy("notifications", {"manage_webhooks": {Role.DISTRICT_ADMIN}})

# A webhook's state is whether it is active; switching it is a transition performed with the version the
# page read. Webhooks are district-wide configuration: the role is the whole scope.
WEBHOOK_FLOW = Workflow(
    model=Webhook,
    name="notifications.webhook",
    state_field="is_active",
    in_scope=lambda user, hook: True,
    state_message=lambda hook: str(_("The webhook is already in that state.")),
    transitions=[
        Transition("deactivate", (True,), False, WEBHOOK_POLICY.roles("manage_webhooks"), verb="deactivated"),
        Transition("activate", (False,), True, WEBHOOK_POLICY.roles("manage_webhooks"), verb="activated"),
    ],
)


@transaction.atomic
def register_webhook(*, actor, data) -> Webhook:
    from notifications.forms import WebhookForm

    WEBHOOK_POLICY.require(actor, "manage_webhooks")
    form = bind(WebhookForm, data)
    if not form.is_valid():
        raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
    _require_https(form.cleaned_data["url"])
    hook = Webhook.objects.create(**form.cleaned_data)
    record_event(hook, "notifications.webhook.created", actor=actor, data=_webhook_facts(hook))
    return hook


def _require_https(url: str) -> None:
    """The events carry personal data (an information report's casualties and contacts): never in clear."""
    if not url.lower().startswith("https://"):
        raise InvalidInput.field("url", _("Use an HTTPS address: the events carry personal data."))


def set_webhook_active(webhook: Webhook, *, actor, active: bool, version) -> Webhook:
    def facts(step) -> None:
        step.audit_data.update(_webhook_facts(step.obj))

    action = "activate" if active else "deactivate"
    return WEBHOOK_FLOW.perform(webhook, action, actor=actor, version=version, prepare=facts)


def _webhook_facts(hook: Webhook) -> dict:
    # the secret never enters the audit trail
    return {"name": hook.name, "url": hook.url, "events": hook.events}
