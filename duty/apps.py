from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = _("Duty")

    def ready(self):
        from notifications import webhooks

        # the signed webhook of every submitted information report (services.reports._tell_duty_room)
        webhooks.register_event("duty.report.submitted", _("Information report submitted"))
