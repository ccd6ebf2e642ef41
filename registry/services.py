"""Registry writes. Validation happens before any write; each call is one transaction with one audit event."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import diff, record
from core.choices import Role
from core.errors import Conflict, InvalidInput, NotAllowed
from core.scoping import scope_of
from registry.choices import TOWN_KINDS, EnterpriseScale, EnterpriseStatus, SubSector
from registry.models import Enterprise, EnterpriseStatusChange, Jurisdiction, Sector
from registry.validators import credit_code_error, normalise_credit_code, phone_error

REGISTRY_EDITORS = {Role.DISTRICT_ADMIN, Role.TOWN_OFFICER, Role.DEPARTMENT_OFFICER}
# What an enterprise's own users may keep up to date about themselves.
SELF_SERVICE_FIELDS = {
    "address",
    "employees",
    "principal_name",
    "principal_phone",
    "safety_manager_name",
    "safety_manager_phone",
    "business_scope",
    "lat",
    "lng",
    "legal_representative",
}
EDITABLE_FIELDS = SELF_SERVICE_FIELDS | {
    "name",
    "credit_code",
    "town",
    "village",
    "sectors",
    "sub_sector",
    "scale",
    "established_on",
}


def clean_enterprise_data(data: dict, *, instance: Enterprise | None = None) -> dict:
    """Validate and normalise enterprise fields; raise InvalidInput with every field error at once."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)

    def add(field, message):
        errors.setdefault(field, []).append(str(message))

    if "name" in data or instance is None:
        name = (data.get("name") or "").strip()
        if not name:
            add("name", _("This field is required."))
        cleaned["name"] = name
    if "credit_code" in data or instance is None:
        code = normalise_credit_code(data.get("credit_code") or "")
        if not code:
            add("credit_code", _("This field is required."))
        else:
            error = credit_code_error(code)
            if error:
                add("credit_code", error)
            elif (
                Enterprise.objects.filter(credit_code=code).exclude(pk=getattr(instance, "pk", None)).exists()
            ):
                add("credit_code", _("An enterprise with this credit code is already registered."))
        cleaned["credit_code"] = code
    if "town" in data or instance is None:
        town = data.get("town")
        if not isinstance(town, Jurisdiction) or town.kind not in TOWN_KINDS:
            add("town", _("Choose a town or street of the district."))
    if data.get("village") is not None:
        village = data["village"]
        town = data.get("town") or getattr(instance, "town", None)
        if not isinstance(village, Jurisdiction) or village.parent_id != getattr(town, "pk", None):
            add("village", _("The village or community must belong to the chosen town."))
    if "sectors" in data or instance is None:
        sectors = list(data.get("sectors") or [])
        if not sectors:
            add("sectors", _("Choose at least one sector."))
        elif any(not isinstance(s, Sector) for s in sectors):
            add("sectors", _("Unknown sector."))
        cleaned["sectors"] = sectors
    for field in ("principal_phone", "safety_manager_phone"):
        if field in data:
            value = (data.get(field) or "").strip()
            error = phone_error(value)
            if error:
                add(field, error)
            cleaned[field] = value
    if data.get("sub_sector") and data["sub_sector"] not in SubSector.values:
        add("sub_sector", _("Unknown sub-sector."))
    if data.get("scale") and data["scale"] not in EnterpriseScale.values:
        add("scale", _("Unknown scale."))
    if data.get("employees") not in (None, ""):
        try:
            employees = int(data["employees"])
            if employees < 0 or employees > 1_000_000:
                raise ValueError
            cleaned["employees"] = employees
        except (TypeError, ValueError):
            add("employees", _("Enter a whole number of employees."))
    for field, low, high in (("lat", -90, 90), ("lng", -180, 180)):
        if data.get(field) not in (None, ""):
            try:
                value = Decimal(str(data[field]))
                if not (low <= value <= high):
                    raise InvalidOperation
                cleaned[field] = value.quantize(Decimal("0.000001"))
            except (InvalidOperation, ValueError):
                add(field, _("Enter a valid coordinate."))
    if errors:
        raise InvalidInput(errors=errors)
    return cleaned


def _check_can_edit(actor, *, town=None, sectors=(), enterprise: Enterprise | None = None, fields=()) -> None:
    roles = actor.role_codes
    if enterprise is not None and Role.ENTERPRISE_USER in roles and actor.enterprise_id == enterprise.pk:
        if roles & REGISTRY_EDITORS:
            pass
        elif set(fields) - SELF_SERVICE_FIELDS:
            raise NotAllowed(_("An enterprise may update only its own contact and profile details."))
        else:
            return
    if not roles & REGISTRY_EDITORS:
        raise NotAllowed()
    scope = scope_of(actor)
    if scope.district:
        return
    # A town or department may only place an enterprise inside its own territory or sectors.
    codes = {s.code for s in sectors}
    in_scope = (town is not None and town.pk in scope.town_ids) or bool(codes & scope.sector_codes)
    if not in_scope:
        raise NotAllowed(_("The enterprise would be outside your jurisdiction."))


@transaction.atomic
def register_enterprise(*, actor, data: dict) -> Enterprise:
    cleaned = clean_enterprise_data(data)
    _check_can_edit(actor, town=cleaned.get("town"), sectors=cleaned.get("sectors", []))
    sectors = cleaned.pop("sectors")
    fields = {k: v for k, v in cleaned.items() if k in EDITABLE_FIELDS}
    enterprise = Enterprise(**fields)
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:
        raise InvalidInput.field(
            "credit_code", _("An enterprise with this credit code is already registered.")
        )
    enterprise.sectors.set(sectors)
    EnterpriseStatusChange.objects.create(
        enterprise=enterprise,
        from_status="",
        to_status=enterprise.status,
        changed_by=actor,
        reason=_("Registered"),
    )
    record(
        enterprise,
        "registry.enterprise.created",
        actor=actor,
        data={"credit_code": enterprise.credit_code, "sectors": [s.code for s in sectors]},
    )
    return enterprise


def _snapshot(enterprise: Enterprise) -> dict:
    data = {f: getattr(enterprise, f) for f in EDITABLE_FIELDS if f != "sectors"}
    data["town"] = enterprise.town_id
    data["village"] = enterprise.village_id
    data["sectors"] = sorted(enterprise.sectors.values_list("code", flat=True))
    return data


@transaction.atomic
def update_enterprise(*, actor, enterprise: Enterprise, data: dict, version: int | None = None) -> Enterprise:
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(errors={f: [_("This field cannot be changed here.")] for f in sorted(unknown)})
    cleaned = clean_enterprise_data(data, instance=enterprise)
    _check_can_edit(
        actor,
        town=cleaned.get("town", enterprise.town),
        sectors=cleaned.get("sectors", enterprise.sectors.all()),
        enterprise=enterprise,
        fields=data.keys(),
    )
    before = _snapshot(enterprise)
    sectors = cleaned.pop("sectors", None)
    current = version if version is not None else enterprise.version
    fields = {k: v for k, v in cleaned.items() if k in EDITABLE_FIELDS}
    updated = Enterprise.objects.filter(pk=enterprise.pk, version=current).update(
        **fields, version=current + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise Conflict()
    enterprise.refresh_from_db()
    if sectors is not None:
        enterprise.sectors.set(sectors)
    changes = diff(before, _snapshot(enterprise))
    record(enterprise, "registry.enterprise.updated", actor=actor, data={"changes": changes})
    return enterprise


@transaction.atomic
def change_enterprise_status(*, actor, enterprise: Enterprise, status: str, reason: str) -> Enterprise:
    if status not in EnterpriseStatus.values:
        raise InvalidInput.field("status", _("Unknown operating status."))
    if not (reason or "").strip():
        raise InvalidInput.field("reason", _("Give a reason for the change."))
    _check_can_edit(actor, town=enterprise.town, sectors=enterprise.sectors.all())
    if status == enterprise.status:
        raise Conflict(_("The enterprise already has this status."))
    old = enterprise.status
    Enterprise.objects.filter(pk=enterprise.pk).update(status=status, version=enterprise.version + 1)
    EnterpriseStatusChange.objects.create(
        enterprise=enterprise, from_status=old, to_status=status, reason=reason.strip(), changed_by=actor
    )
    enterprise.refresh_from_db()
    record(
        enterprise,
        "registry.enterprise.status_changed",
        actor=actor,
        data={"changes": {"status": [old, status]}, "reason": reason.strip()},
    )
    return enterprise
