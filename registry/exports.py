from django.utils.translation import gettext as _

from audit.services import record
from core.exports import Column, Sheet, deliver_export
from core.masking import phone_for
from registry.file_services import LEDGER_MODELS
from registry.workbook import SHEETS, file_columns, ledger_columns


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


def ledger_sheets(user, queryset) -> list[Sheet]:
    """R-REG-4: one sheet per ledger of the file, with the rows still in the file of the enterprises exported
    (`queryset`, scoped and filtered: no other enterprise's rows), grouped by enterprise as the 企业 sheet
    orders them. The rows are read only when the workbook is written."""
    enterprises = queryset.order_by().values("pk")
    sheets = []
    for sheet in SHEETS:
        rows = (
            LEDGER_MODELS[sheet.ledger]
            .objects.filter(enterprise__in=enterprises, is_active=True)
            .select_related("enterprise")
            .order_by("enterprise__name", "enterprise_id", "id")
        )
        sheets.append(Sheet(sheet.title, ledger_columns(user, sheet), _lazy(rows)))
    return sheets


def _lazy(queryset):
    # A generator: the query runs when the sheet is written, never for a CSV or a queued job.
    yield from queryset.iterator(chunk_size=2000)


def ordered(queryset):
    return (
        queryset.select_related("town", "principal_user", "safety_manager_user")
        .prefetch_related("sectors")
        .order_by("name", "id")
    )


def export_queryset(user, queryset, *, request):
    """Every enterprise export goes through here: scoped queryset in, masked columns, audited; a large
    one becomes a background job that rebuilds the list page's queryset (core.exports.deliver_export)."""
    qs = ordered(queryset)
    count = qs.count()
    csv = request.GET.get("export") == "csv"
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
        fmt="csv" if csv else "xlsx",
        more_sheets=() if csv else ledger_sheets(user, qs),
    )
