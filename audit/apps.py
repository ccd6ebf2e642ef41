from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        # The ground declares the port; the audit trail is what answers it (core/ports.py).
        from audit.services import record
        from core import ports

        ports.plug(ports.AUDIT_RECORD, record)
