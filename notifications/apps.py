from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from core import ports
        from notifications.services import notify, unread_count

        ports.plug(ports.NOTIFY, notify)
        ports.plug(ports.UNREAD_COUNT, unread_count)
