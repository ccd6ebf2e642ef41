from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = _("Duty")

    def ready(self):
        from duty import events

        # the signed webhooks of information reports and published rosters, with their payloads' fields
        events.register()
