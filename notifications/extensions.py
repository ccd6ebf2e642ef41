from core.extensions import HomePanel, home_panels

LATEST = 5


def _unread_panel(request) -> dict:
    from notifications.models import Notification

    unread = Notification.objects.for_user(request.user).unread()
    return {"latest": list(unread[:LATEST]), "count": unread.count()}


home_panels.register(HomePanel("notifications_unread", 90, "notifications/panels/unread.html", _unread_panel))

from notifications import webhooks  # noqa: E402,F401  (registers the delivery job)
