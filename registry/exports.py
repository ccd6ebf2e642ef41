from django.utils.translation import gettext as _

from audit.services import record
from core.exports import Column, deliver_export
from core.masking import phone_for
from registry.file import file_columns


def enterprise_columns(user) -> list[Column]:
    return [
        Column(_("Enterprise name"), lambda e: e.name, 36),
        Column(_("Unified social credit code"), lambda e: e.credit_code, 22),
        Column(_("Town/street"), lambda e: e.town.name, 12),
        Column(_("Sectors"), lambda e: "、".join(s.name for s in e.sectors.all()), 20),
        Column(_("Address"), lambda e: e.address, 40),
        Column(_("Principal"), lambda e: e.principal_name, 12),
        Column(_("Principal's phone"), lambda e: phone_for(user, e.principal_phone, e.pk), 16),
        Column(_("Safety manager"), lambda e: e.safety_manager_name, 12),
        Column(_("Safety manager's phone"), lambda e: phone_for(user, e.safety_manager_phone, e.pk), 16),
        Column(_("Employees"), lambda e: e.employees, 10),
        Column(_("Operating status"), lambda e: e.get_status_display(), 12),
        Column(_("Risk level"), lambda e: e.get_risk_level_display(), 12),
        # R-REG-4: the file's columns, under the workbook's headers so that an export imports back.
        *file_columns(),
    ]


def ordered(queryset):
    return queryset.select_related("town").prefetch_related("sectors").order_by("name", "id")


def export_queryset(user, queryset, *, request):
    """Every enterprise export goes through here: scoped queryset in, masked columns, audited; a large
    one becomes a background job that rebuilds the list page's queryset (core.exports.deliver_export)."""
    qs = ordered(queryset)
    count = qs.count()
    record(
        None,
        "registry.enterprise.exported",
        actor=user,
        target_type="registry.enterprise",
        data={"count": count},
    )
    return deliver_export(
        request,
        source="registry.views.EnterpriseListPage",
        name="enterprises",
        columns=enterprise_columns(user),
        queryset=qs,
        count=count,
        sheet_title="企业",
        fmt="csv" if request.GET.get("export") == "csv" else "xlsx",
    )
