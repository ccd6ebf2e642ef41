"""Writes to the enterprise's file (R-REG-4), by the people who keep it (registry.services.may_keep_file).

- The file's own fields (the accounts of the principal and the safety manager, their certificates,
  standardisation, insurance, cross-industry work) change through the enterprise's workflow
  (`registry.services.FLOW`, action "update_file"): the enterprise's version, a conditional UPDATE and one
  audit event with the fields changed. The principal and the safety manager accept and close the
  enterprise's own general hazards and the principal signs its statistics tables (R-HAZ-10, R-HAZ-12), so
  only active accounts of the enterprise itself can be named.
- Ledger rows (licences, special operators, major hazard installations, rented-out premises) are added,
  corrected with the version the keeper read, and retired with a reason when they no longer apply: a
  retired row leaves the file and its expiry counts, and its history stays in the audit trail.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from audit.services import diff, record
from core.choices import Role
from core.errors import InvalidInput, NotAllowed
from core.forms import MAX_ID, bind
from core.scoping import object_in_scope
from core.workflow import Transition, Workflow
from registry.choices import LicenceKind
from registry.file import _date, _text
from registry.models import Enterprise, Licence, MajorHazardInstallation, RentedPremises, SpecialOperator
from registry.policy import REGISTRY_EDITORS
from registry.services import FLOW, may_keep_file

# ---------------------------------------------------------------- the file's own fields

HEADS = ("principal_user", "safety_manager_user")


def enterprise_accounts(enterprise: Enterprise):
    """The accounts that may be named principal or safety manager: the enterprise's own active users."""
    return (
        get_user_model()
        .objects.filter(enterprise=enterprise, is_active=True, role_assignments__role=Role.ENTERPRISE_USER)
        .distinct()
        .order_by("name", "username")
    )


def _file_values(enterprise: Enterprise, fields) -> dict:
    """The stored values of these fields, accounts by id (what the audit event compares)."""
    return {f: getattr(enterprise, f"{f}_id" if f in HEADS else f) for f in fields}


def update_file(*, actor, enterprise: Enterprise, data, version, partial: bool = True) -> Enterprise:
    """Change the file's own fields. `partial` (the API's PATCH): only the fields sent change; otherwise (the
    page's form, which sends every field) an absent checkbox means "no"."""
    from registry.file_forms import FileForm

    def prepare(step):
        sent = set(data) - {"version"}
        unknown = sent - set(FileForm.base_fields)
        if unknown:
            raise InvalidInput(errors={f: [_("This field cannot be changed here.")] for f in sorted(unknown)})
        form = bind(FileForm, data, enterprise=enterprise)
        if not form.is_valid():
            raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
        fields = [f for f in FileForm.base_fields if f in sent] if partial else list(FileForm.base_fields)
        before = _file_values(enterprise, fields)
        step.changes.update({f: form.cleaned_data[f] for f in fields})
        after = {f: getattr(v, "pk", v) for f, v in step.changes.items()}
        step.audit_data["changes"] = diff(before, after)

    return FLOW.perform(enterprise, "update_file", actor=actor, version=version, prepare=prepare)


# ---------------------------------------------------------------- the ledgers

LEDGER_MODELS = {
    "licence": Licence,
    "special_operator": SpecialOperator,
    "installation": MajorHazardInstallation,
    "rented_out": RentedPremises,
}
LEDGERS = tuple(LEDGER_MODELS)
REASON_LENGTH = 200  # why a row was retired
LEDGER_FIELDS = {
    "licence": ("kind", "number", "expires_on"),
    "special_operator": ("name", "operation", "certificate_no", "expires_on", "review_due"),
    "installation": ("name", "grade", "filed_on"),
    "rented_out": ("location", "tenant", "tenant_credit_code", "lease_ends_on"),
}


def ledger_of(data) -> str:
    """The ledger the input names, one of LEDGERS."""
    ledger = data.get("ledger") if hasattr(data, "get") else None
    if ledger not in LEDGERS:
        raise InvalidInput.field("ledger", _("Choose a ledger of the enterprise file."))
    return ledger


def clean_row(ledger: str, data) -> dict:
    """One ledger row's fields, validated; InvalidInput names every field in error."""
    errors: dict = {}
    if ledger == "licence":
        kind = data.get("kind")
        if kind not in LicenceKind.values:
            errors["kind"] = [_("Choose a licence.")]
        cleaned = {
            "kind": kind or "",
            "number": _text(errors, data, "number", 60),
            "expires_on": _date(errors, "expires_on", data.get("expires_on"), required=True),
        }
    elif ledger == "special_operator":
        cleaned = {
            "name": _text(errors, data, "name", 50),
            "operation": _text(errors, data, "operation", 60),
            "certificate_no": _text(errors, data, "certificate_no", 40),
            "expires_on": _date(errors, "expires_on", data.get("expires_on"), required=True),
            "review_due": _date(errors, "review_due", data.get("review_due"), required=False),
        }
    elif ledger == "installation":
        cleaned = {
            "name": _text(errors, data, "name", 120),
            "grade": _grade(errors, data.get("grade")),
            "filed_on": _date(errors, "filed_on", data.get("filed_on"), required=False),
        }
    else:
        cleaned = {
            "location": _text(errors, data, "location", 200),
            "tenant": _text(errors, data, "tenant", 120),
            "tenant_credit_code": _text(errors, data, "tenant_credit_code", 18, required=False),
            "lease_ends_on": _date(errors, "lease_ends_on", data.get("lease_ends_on"), required=False),
        }
    if errors:
        raise InvalidInput(errors=errors)
    return cleaned


def _grade(errors: dict, value) -> int:
    try:
        grade = int(value)
    except (TypeError, ValueError):
        grade = 0
    if grade not in (1, 2, 3, 4) or isinstance(value, bool):
        errors["grade"] = [_("A major hazard installation is of grade one to four (GB 18218-2018).")]
    return grade


@transaction.atomic
def add_ledger_row(*, actor, enterprise: Enterprise, data):
    """Add one row to a ledger of the file. Callers gate visibility (404); the keeper is checked here too, so
    no caller adds a row to a file the actor does not keep."""
    if not _keeps_file(actor, enterprise):
        raise NotAllowed()
    ledger = ledger_of(data)
    row = LEDGER_MODELS[ledger](enterprise=enterprise, **clean_row(ledger, data))
    row.save()
    record(enterprise, f"registry.file.{ledger}_added", actor=actor, data={"row": row.pk})
    return row


def _keeps_file(user, enterprise: Enterprise) -> bool:
    # The role and the scope together, as the workflow checks them for a correction or a retirement.
    return may_keep_file(user, enterprise) and object_in_scope(user, enterprise)


def _row_flow(model) -> Workflow:
    keepers = REGISTRY_EDITORS | {Role.ENTERPRISE_USER}
    return Workflow(
        model=model,
        name=f"registry.{model._meta.model_name}",
        state_field="is_active",
        # Ledger rows have no scope of their own: a row is in scope, and kept, with its enterprise.
        in_scope=lambda user, row: object_in_scope(user, row.enterprise),
        state_message=lambda row: str(_("This row has been removed from the file.")),
        transitions=[
            Transition("update", (True,), None, keepers, guard=_keeps_row, verb="updated"),
            Transition("retire", (True,), False, keepers, guard=_keeps_row, verb="retired"),
        ],
    )


def _keeps_row(user, row) -> bool:
    return may_keep_file(user, row.enterprise)


ROW_FLOWS = {ledger: _row_flow(model) for ledger, model in LEDGER_MODELS.items()}


def row_of(enterprise: Enterprise, data):
    """The ledger row the input names, among this enterprise's rows (another enterprise's row: 404)."""
    ledger = ledger_of(data)
    try:
        pk = int(data.get("id"))
    except (TypeError, ValueError):
        pk = 0
    if not 0 < pk <= MAX_ID:  # beyond the database's integer a lookup fails (500), not "no such row"
        raise InvalidInput.field("id", _("Name the row by its id."))
    row = LEDGER_MODELS[ledger].objects.filter(enterprise=enterprise, pk=pk).first()
    if row is None:
        raise Http404
    return ledger, row


def update_ledger_row(*, actor, ledger: str, row, data, version):
    """Correct a row (a renewed licence gets its new number and expiry); fields not sent keep their value."""
    fields = LEDGER_FIELDS[ledger]

    def prepare(step):
        unknown = set(data) - set(fields) - {"ledger", "id", "version"}
        if unknown:
            raise InvalidInput(errors={f: [_("This field cannot be changed here.")] for f in sorted(unknown)})
        before = {f: getattr(row, f) for f in fields}
        cleaned = clean_row(ledger, {**before, **{f: data[f] for f in fields if f in data}})
        step.changes.update(cleaned)
        step.audit_data.update(enterprise=row.enterprise_id, changes=diff(before, cleaned))

    return ROW_FLOWS[ledger].perform(row, "update", actor=actor, version=version, prepare=prepare)


def retire_ledger_row(*, actor, ledger: str, row, version, reason: str):
    """Take a row off the file (licence given up, lease ended, operator left): it no longer counts, and
    its history stays."""

    def prepare(step):
        text = reason.strip() if isinstance(reason, str) else ""
        if not text:
            raise InvalidInput.field("reason", _("Give a reason."))
        if len(text) > REASON_LENGTH:  # refused, not cut: the audit trail keeps what the keeper wrote
            raise InvalidInput.field("reason", _("At most %(n)d characters.") % {"n": REASON_LENGTH})
        step.audit_data.update(enterprise=row.enterprise_id, reason=text)

    return ROW_FLOWS[ledger].perform(row, "retire", actor=actor, version=version, prepare=prepare)
