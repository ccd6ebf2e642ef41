from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "emergency"
    verbose_name = _("Emergency preparedness")

    def ready(self):
        from emergency import events

        # the signed webhooks of warnings issued and lifted, with their payloads' fields
        events.register()
