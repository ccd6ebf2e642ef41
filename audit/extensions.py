import datetime as dt

from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.extensions import NavItem, nav_items
from core.jobs import periodic_job


def _reads_audit(user) -> bool:
    return user.has_role(Role.AUDIT_ADMIN)


nav_items.register(
    NavItem("audit", _("Audit records"), "audit:event_list", 95, "journal-check", _reads_audit)
)


@periodic_job("audit.archive", every=dt.timedelta(days=1))
def archive_audit(*, now):
    from audit.integrity import archive_expired

    return archive_expired(now=now)
