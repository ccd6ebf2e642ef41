"""Registry writes. Validation happens before any write; each call is one transaction with one audit event."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import diff, record
from core.choices import Role
from core.errors import Conflict, InvalidInput, NotAllowed
from core.scoping import scope_of
from core.workflow import Transition, Workflow
from registry import basemap, boundaries
from registry.choices import TOWN_KINDS, EnterpriseScale, EnterpriseStatus, SubSector
from registry.forms import StatusForm
from registry.models import BaseMap, Department, Enterprise, EnterpriseStatusChange, Jurisdiction, Sector
from registry.policy import POLICY, REGISTRY_EDITORS
from registry.validators import credit_code_error, normalise_credit_code, phone_error

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


def check_can_register(actor) -> None:
    """The role check of a registration, before any input is read (API.md: 403 before 400)."""
    POLICY.require(actor, "register")


def check_can_update(actor, enterprise: Enterprise, fields) -> None:
    """May the actor change these fields of this (visible) enterprise where it stands now? (403)"""
    _check_can_edit(
        actor, town=enterprise.town, sectors=enterprise.sectors.all(), enterprise=enterprise, fields=fields
    )


def _may_edit(user, enterprise: Enterprise) -> bool:
    try:
        check_can_update(user, enterprise, ())
    except NotAllowed:
        return False
    return True


def may_keep_file(user, enterprise: Enterprise) -> bool:
    """Who keeps the enterprise's file (R-REG-4): the registry's editors in their scope (the workflow's scope
    check), and the enterprise's own users for their own enterprise."""
    if user.role_codes & REGISTRY_EDITORS:
        return True
    return Role.ENTERPRISE_USER in user.role_codes and user.enterprise_id == enterprise.pk


# The enterprise's workflow (core/workflow.py): every write to a registered enterprise is a transition of
# this table, performed with the version the client read and a conditional UPDATE. Its state is the
# operating status; a correction keeps it, a status change moves it to the status the input names.
_ALL_STATUSES = tuple(EnterpriseStatus.values)
FLOW = Workflow(
    model=Enterprise,
    name="registry.enterprise",
    state_field="status",
    transitions=[
        Transition(
            "update",
            _ALL_STATUSES,
            None,
            REGISTRY_EDITORS | {Role.ENTERPRISE_USER},
            guard=_may_edit,
            verb="updated",
        ),
        Transition(
            "change_status",
            _ALL_STATUSES,
            None,
            REGISTRY_EDITORS,
            guard=_may_edit,
            label=gettext_lazy("Change status"),
            form=StatusForm,
            verb="status_changed",
            path="status",
            button=False,
        ),
        # R-REG-4 / R-HAZ-10…12: the file's own fields, among them the accounts of the principal and the
        # safety manager, who accept the enterprise's own general hazards and sign its statistics tables.
        Transition(
            "update_file",
            _ALL_STATUSES,
            None,
            REGISTRY_EDITORS | {Role.ENTERPRISE_USER},
            guard=may_keep_file,
            verb="file_updated",
        ),
    ],
)


def check_version(enterprise: Enterprise, version, *, actor, action: str = "update") -> None:
    """The API's early check: role (403), then a stale version (409), before the input (400)."""
    FLOW.check(enterprise, action, actor=actor, version=version)


@transaction.atomic
def register_enterprise(*, actor, data: dict) -> Enterprise:
    check_can_register(actor)
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


def update_enterprise(*, actor, enterprise: Enterprise, data: dict, version: int) -> Enterprise:
    # API.md's order of checks: role (403; which fields an enterprise may change is part of it), version
    # (409), then the input (400).
    check_can_update(actor, enterprise, data.keys())

    def prepare(step):
        step.before = _snapshot(enterprise)
        cleaned = _clean_update(actor, enterprise, data)
        step.audit_data["sectors"] = cleaned.pop("sectors", None)
        step.changes.update({k: v for k, v in cleaned.items() if k in EDITABLE_FIELDS})

    def after(step):
        sectors = step.audit_data.pop("sectors")
        if sectors is not None:
            enterprise.sectors.set(sectors)
        step.audit_data["changes"] = diff(step.before, _snapshot(enterprise))

    return FLOW.perform(enterprise, "update", actor=actor, version=version, prepare=prepare, after=after)


def _clean_update(actor, enterprise: Enterprise, data: dict) -> dict:
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(errors={f: [_("This field cannot be changed here.")] for f in sorted(unknown)})
    cleaned = clean_enterprise_data(data, instance=enterprise)
    if "town" in cleaned or "sectors" in cleaned:
        # Moving it: the new place must be inside the actor's jurisdiction too.
        _check_can_edit(
            actor,
            town=cleaned.get("town", enterprise.town),
            sectors=cleaned.get("sectors", enterprise.sectors.all()),
            enterprise=enterprise,
            fields=data.keys(),
        )
    return cleaned


def change_enterprise_status(enterprise: Enterprise, *, actor, version, data) -> Enterprise:
    """The operating status moves, with its history row (the reason is the record's evidence). `data`: the
    status and the reason (the transition's form)."""

    def prepare(step):
        status, reason = step.data["status"], step.data["reason"]
        if status == step.from_state:
            raise Conflict(_("The enterprise already has this status."))
        step.changes["status"] = status
        step.audit_data.update(to_state=status, changes={"status": [step.from_state, status]}, reason=reason)

    def after(step):
        EnterpriseStatusChange.objects.create(
            enterprise=enterprise,
            from_status=step.from_state,
            to_status=step.data["status"],
            reason=step.data["reason"],
            changed_by=actor,
        )

    return FLOW.perform(
        enterprise, "change_status", actor=actor, version=version, data=data, prepare=prepare, after=after
    )


# --- Configuration: the jurisdiction tree and the departments -------------------------------------------
# Reference data that every scope hangs on, kept by CONFIGURATION_MANAGERS (registry.policy).

# Statistical division codes (统计用区划代码): 6 digits for a district, 9 for a town or street, 12 for a
# village or community; each code starts with its parent's.
JURISDICTION_CODE_LENGTHS = {"district": 6, "town": 9, "street": 9, "village": 12, "community": 12}
JURISDICTION_PARENT_KINDS = {
    "district": (),
    "town": ("district",),
    "street": ("district",),
    "village": ("town", "street"),
    "community": ("town", "street"),
}


def _check_configuration_manager(actor) -> None:
    POLICY.require(actor, "configure")


def _clean_names(data: dict, errors: dict) -> dict:
    cleaned = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors.setdefault("name", []).append(str(_("This field is required.")))
    elif len(name) > 50:
        errors.setdefault("name", []).append(str(_("Use at most 50 characters.")))
    cleaned["name"] = name
    name_en = (data.get("name_en") or "").strip()
    if len(name_en) > 80:
        errors.setdefault("name_en", []).append(str(_("Use at most 80 characters.")))
    cleaned["name_en"] = name_en
    return cleaned


def _clean_coordinates(data: dict, errors: dict) -> dict:
    cleaned = {}
    for field, low, high in (("lat", -90, 90), ("lng", -180, 180)):
        value = data.get(field)
        if value in (None, ""):
            cleaned[field] = None
            continue
        try:
            number = Decimal(str(value))
            if not (low <= number <= high):
                raise InvalidOperation
            cleaned[field] = number.quantize(Decimal("0.000001"))
        except (InvalidOperation, ValueError):
            errors.setdefault(field, []).append(str(_("Enter a valid coordinate.")))
    return cleaned


@transaction.atomic
def create_jurisdiction(*, actor, data: dict) -> Jurisdiction:
    """Add a district, town/street or village/community to the tree."""
    _check_configuration_manager(actor)
    errors: dict[str, list[str]] = {}
    cleaned = _clean_names(data, errors) | _clean_coordinates(data, errors)
    kind = data.get("kind") or ""
    parent = data.get("parent")
    code = (data.get("code") or "").strip()
    if kind not in JURISDICTION_CODE_LENGTHS:
        errors.setdefault("kind", []).append(str(_("Choose a kind.")))
    else:
        parent_kinds = JURISDICTION_PARENT_KINDS[kind]
        if not parent_kinds and parent is not None:
            errors.setdefault("parent", []).append(str(_("A district has no parent.")))
        elif not parent_kinds and Jurisdiction.objects.filter(kind="district").exists():
            errors.setdefault("kind", []).append(str(_("The district already exists.")))
        elif parent_kinds and (not isinstance(parent, Jurisdiction) or parent.kind not in parent_kinds):
            if kind in ("town", "street"):
                message = _("A town or street belongs to the district.")
            else:
                message = _("A village or community belongs to a town or street.")
            errors.setdefault("parent", []).append(str(message))
        elif parent is not None and not parent.is_active:
            errors.setdefault("parent", []).append(str(_("The parent is deactivated.")))
        if not (code.isascii() and code.isdigit() and len(code) == JURISDICTION_CODE_LENGTHS[kind]):
            errors.setdefault("code", []).append(
                str(
                    _("Enter the %(n)s-digit statistical division code.")
                    % {"n": JURISDICTION_CODE_LENGTHS[kind]}
                )
            )
        elif isinstance(parent, Jurisdiction) and not code.startswith(parent.code):
            errors.setdefault("code", []).append(
                str(_("The code must start with the parent's code %(code)s.") % {"code": parent.code})
            )
        elif Jurisdiction.objects.filter(code=code).exists():
            errors.setdefault("code", []).append(str(_("This code is already used.")))
    if (
        cleaned["name"]
        and isinstance(parent, Jurisdiction)
        and Jurisdiction.objects.filter(parent=parent, name=cleaned["name"]).exists()
    ):
        errors.setdefault("name", []).append(str(_("The parent already has a place of this name.")))
    if errors:
        raise InvalidInput(errors=errors)
    jurisdiction = Jurisdiction.objects.create(code=code, kind=kind, parent=parent, **cleaned)
    record(
        jurisdiction,
        "registry.jurisdiction.created",
        actor=actor,
        data={"code": code, "kind": kind, "parent": getattr(parent, "code", None)},
    )
    return jurisdiction


# Places and departments are the district's configuration. Every change to one is a transition of these
# tables (core/workflow.py), performed with the version the manager read and a conditional UPDATE; their
# state is whether they are active. The configuration is district-wide: the role is the whole scope.
def _configuration_flow(model, name: str, already: str) -> Workflow:
    configure = POLICY.roles("configure")
    return Workflow(
        model=model,
        name=name,
        state_field="is_active",
        in_scope=lambda user, obj: True,
        state_message=lambda obj: str(already),
        transitions=[
            Transition("update", (True, False), None, configure, verb="updated"),
            Transition("deactivate", (True,), False, configure, verb="deactivated"),
            Transition("activate", (False,), True, configure, verb="activated"),
        ],
    )


PLACE_FLOW = _configuration_flow(
    Jurisdiction, "registry.jurisdiction", _("The place already has this state.")
)
DEPARTMENT_FLOW = _configuration_flow(
    Department, "registry.department", _("The department already has this state.")
)


def _refuse_unknown(data: dict, allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise InvalidInput(errors={f: [_("This field cannot be changed here.")] for f in sorted(unknown)})


def update_jurisdiction(*, actor, jurisdiction: Jurisdiction, data: dict, version) -> Jurisdiction:
    """Rename or move the map point of a jurisdiction. Its code, kind and parent are fixed once created:
    enterprises, users and every record refer to it, and the code is the statistical one."""

    def prepare(step):
        _refuse_unknown(data, {"name", "name_en", "lat", "lng"})
        cleaned = _clean_place_edit(step.obj, data)
        step.changes.update(cleaned)
        step.audit_data["changes"] = diff({k: getattr(step.obj, k) for k in cleaned}, cleaned)

    return PLACE_FLOW.perform(jurisdiction, "update", actor=actor, version=version, prepare=prepare)


def _clean_place_edit(jurisdiction: Jurisdiction, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned = _clean_names(data, errors) | _clean_coordinates(data, errors)
    if (
        cleaned["name"]
        and jurisdiction.parent_id
        and Jurisdiction.objects.filter(parent_id=jurisdiction.parent_id, name=cleaned["name"])
        .exclude(pk=jurisdiction.pk)
        .exists()
    ):
        errors.setdefault("name", []).append(str(_("The parent already has a place of this name.")))
    if errors:
        raise InvalidInput(errors=errors)
    return cleaned


def set_jurisdiction_active(*, actor, jurisdiction: Jurisdiction, active: bool, version) -> Jurisdiction:
    """Deactivate (or reactivate) a place. A place that still holds enterprises, active users or active
    villages cannot be deactivated: they would fall out of every town's scope."""
    action = "activate" if active else "deactivate"
    check = _may_reactivate_place if active else _may_deactivate_place
    return PLACE_FLOW.perform(
        jurisdiction, action, actor=actor, version=version, prepare=lambda step: check(step.obj)
    )


def _may_deactivate_place(jurisdiction: Jurisdiction) -> None:
    from django.contrib.auth import get_user_model

    User = get_user_model()  # noqa: N806 (accounts is one layer above)

    if jurisdiction.kind == "district":
        raise InvalidInput.field("is_active", _("The district cannot be deactivated."))
    holders = Enterprise.objects.filter(Q(town=jurisdiction) | Q(village=jurisdiction)).exclude(
        status=EnterpriseStatus.CLOSED
    )
    users = User.objects.filter(town=jurisdiction, is_active=True)
    children = jurisdiction.children.filter(is_active=True)
    counts = {"e": holders.count(), "u": users.count(), "c": children.count()}
    if any(counts.values()):
        raise InvalidInput.field(
            "is_active",
            _(
                "Still in use: %(e)s enterprises, %(u)s active users and %(c)s active villages or "
                "communities belong here. Move or close them first."
            )
            % counts,
        )


def _may_reactivate_place(jurisdiction: Jurisdiction) -> None:
    if jurisdiction.parent_id and not jurisdiction.parent.is_active:
        raise InvalidInput.field("is_active", _("Reactivate the parent first."))


@transaction.atomic
def import_town_boundaries(*, actor, raw: bytes | str, source_name: str = "") -> list[Jurisdiction]:
    """Replace the boundaries of the towns and streets a GeoJSON file names (registry.boundaries): every
    feature is checked first, so a bad file changes nothing; one audit event lists the towns changed."""
    _check_configuration_manager(actor)
    data = boundaries.load_json(raw)
    towns = {t.code: t for t in Jurisdiction.objects.towns().select_for_update().order_by("code")}
    shapes = boundaries.parse_boundaries(data, set(towns))
    changed = []
    for code, boundary in shapes.items():
        town = towns[code]
        if town.boundary != boundary:
            town.boundary = boundary
            town.save(update_fields=["boundary"])
            changed.append(town)
    district = Jurisdiction.objects.filter(kind="district").order_by("code").first()
    record(
        district,
        "registry.jurisdiction.boundaries_imported",
        actor=actor,
        data={"file": source_name, "towns": sorted(shapes), "changed": [t.code for t in changed]},
    )
    return changed


@transaction.atomic
def import_base_map(*, actor, raw: bytes, source_name: str = "") -> BaseMap:
    """Keep the district's base map (registry.basemap) for every map page; checked whole first, so a bad file
    changes nothing. The file is stored under its hash, so a cached copy is never mistaken for another."""
    _check_configuration_manager(actor)
    kept, features, sha256 = basemap.parse_base_map(raw)
    base_map = BaseMap(sha256=sha256, features=features, source_name=source_name[:200], uploaded_by=actor)
    base_map.file.save(f"{sha256[:16]}.geojson", ContentFile(kept), save=False)
    base_map.save()
    record(
        base_map,
        "registry.basemap.imported",
        actor=actor,
        data={"file": source_name, "features": features, "sha256": sha256},
    )
    return base_map


def _abbreviation(data: dict, errors: dict) -> str:
    value = str(data.get("document_abbreviation") or "").strip()
    if len(value) > 12 or any(c.isspace() or c in "〔〕[]号" for c in value):
        errors.setdefault("document_abbreviation", []).append(
            str(_("Up to 12 characters without spaces, brackets or 号, e.g. 蓬住建."))
        )
    return value


def _clean_department(data: dict, *, instance=None) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned = _clean_names(data, errors)
    if instance is None:
        code = (data.get("code") or "").strip().lower()
        if not code or not all(c.isascii() and (c.isalnum() or c == "_") for c in code) or len(code) > 32:
            errors.setdefault("code", []).append(
                str(_("Use up to 32 lower-case letters, digits and underscores."))
            )
        elif Department.objects.filter(code=code).exists():
            errors.setdefault("code", []).append(str(_("This code is already used.")))
        cleaned["code"] = code
    if (
        cleaned["name"]
        and Department.objects.filter(name=cleaned["name"]).exclude(pk=getattr(instance, "pk", None)).exists()
    ):
        errors.setdefault("name", []).append(str(_("A department of this name exists.")))
    phone = (data.get("phone") or "").strip()
    error = phone_error(phone) if phone else None
    if error:
        errors.setdefault("phone", []).append(str(error))
    cleaned["phone"] = phone
    cleaned["document_abbreviation"] = _abbreviation(data, errors)
    sectors = list(data.get("sectors") or [])
    if any(not isinstance(s, Sector) for s in sectors):
        errors.setdefault("sectors", []).append(str(_("Unknown sector.")))
    cleaned["sectors"] = sectors
    if errors:
        raise InvalidInput(errors=errors)
    return cleaned


@transaction.atomic
def create_department(*, actor, data: dict) -> Department:
    _check_configuration_manager(actor)
    cleaned = _clean_department(data)
    sectors = cleaned.pop("sectors")
    department = Department.objects.create(**cleaned)
    department.sectors.set(sectors)
    record(
        department,
        "registry.department.created",
        actor=actor,
        data={"code": department.code, "sectors": sorted(s.code for s in sectors)},
    )
    return department


def update_department(*, actor, department: Department, data: dict, version) -> Department:
    """Rename a department or change the sectors it supervises. The sectors are its officers' scope
    (R-ACCT-2), so a change takes effect on their next request and is recorded with before and after."""
    sectors: list = []

    def prepare(step):
        _refuse_unknown(data, {"name", "name_en", "phone", "document_abbreviation", "sectors"})
        cleaned = _clean_department(data, instance=step.obj)
        sectors.extend(cleaned.pop("sectors"))
        before = {k: getattr(step.obj, k) for k in cleaned}
        before["sectors"] = sorted(step.obj.sectors.values_list("code", flat=True))
        step.changes.update(cleaned)
        step.audit_data["changes"] = diff(before, {**cleaned, "sectors": sorted(s.code for s in sectors)})

    return DEPARTMENT_FLOW.perform(
        department,
        "update",
        actor=actor,
        version=version,
        prepare=prepare,
        after=lambda step: step.obj.sectors.set(sectors),
    )


def set_department_active(*, actor, department: Department, active: bool, version) -> Department:
    """Deactivate (or reactivate) a department; one with active users cannot be deactivated."""

    def prepare(step):
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(department=step.obj, is_active=True).count()
        if not active and users:
            raise InvalidInput.field(
                "is_active",
                _("%(n)s active users belong to this department. Move or disable them first.") % {"n": users},
            )

    action = "activate" if active else "deactivate"
    return DEPARTMENT_FLOW.perform(department, action, actor=actor, version=version, prepare=prepare)
