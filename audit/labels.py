"""What a timeline shows for an audit event: a Chinese verb and the person's real name, never the event's code
(`accidents.accident.recorded`) or a login name. One place for every record's timeline (hazards, accidents,
cases, warning-education sessions, campaigns, inspections, risk points, enterprises)."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import DateTimeField, Field
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import ScopedQuerySet
from core.workflow import REGISTRY

ACTION_LABELS = {
    "hazards.hazard.reported": _("Hazard registered"),
    "hazards.hazard.assigned": _("Rectification assigned"),
    "hazards.hazard.plan_saved": _("Treatment plan saved"),
    "hazards.hazard.submitted": _("Submitted for acceptance"),
    "hazards.hazard.accepted": _("Accepted"),
    "hazards.hazard.rejected": _("Rejected"),
    "hazards.hazard.closed": pgettext_lazy("hazard", "Closed"),
    "hazards.hazard.cancelled": pgettext_lazy("hazard", "Cancelled"),
    "hazards.hazard.supervised": _("Put under listed supervision"),
    "hazards.hazard.progress_noted": _("Monthly progress noted"),
    "hazards.hazard.delay_explained": _("Delay explained"),
    "hazards.hazard.extension_requested": _("Extension requested"),
    "hazards.hazard.extension_approved": _("Extension approved"),
    "hazards.hazard.extension_refused": _("Extension refused"),
    "accidents.accident.recorded": _("Accident recorded"),
    "accidents.accident.updated": _("Accident details changed"),
    "accidents.accident.supplemented": _("Casualties supplemented"),
    "accidents.accident.closed": _("Accident closed"),
    "accidents.report.initial": _("Initial report made"),
    "accidents.report.follow_up": _("Follow-up report made"),
    "accidents.report.supplementary": _("Supplementary report made"),
    "accidents.report.final": _("Final report made"),
    "accidents.deadline.done": _("Report to the next level made"),
    "accidents.deadline.late": _("Report to the next level made late"),
    "accidents.investigation.opened": _("Investigation opened"),
    "accidents.accident.investigation_opened": _("Investigation opened"),
    "accidents.investigation.updated": _("Investigation changed"),
    "accidents.investigation.extended": _("Investigation extended"),
    "accidents.investigation.report_attached": _("Investigation report attached"),
    "accidents.finding.added": _("Finding added"),
    "accidents.measure.added": _("Measure added"),
    "accidents.measure.to_hazard": _("Measure registered as a hazard"),
    "accidents.case.created": _("Case created"),
    "accidents.case.updated": _("Case changed"),
    "accidents.session.recorded": _("Session recorded"),
    "inspections.campaign.launched": _("Campaign launched"),
    "inspections.campaign.closed": _("Campaign closed"),
    "inspections.campaign.targets_added": _("Enterprises added"),
    "inspections.campaign.target_removed": _("Enterprise removed"),
    "inspections.campaign.tasks_assigned": _("Tasks assigned"),
    "inspections.task.assigned": _("Task assigned"),
    "inspections.task.reassigned": _("Task reassigned"),
    "inspections.task.overdue": _("Task overdue"),
    "inspections.inspection.started": _("Inspection started"),
    "inspections.inspection.photo_added": _("Photo added"),
    "inspections.inspection.hazard_registered": _("Hazard registered from a failed item"),
    "inspections.inspection.finished": _("Inspection finished"),
    "inspections.checklist.created": _("Checklist created"),
    "inspections.checklist.revised": _("Checklist revised"),
    "inspections.draw.made": _("Draw made"),
    "inspections.draw.published": _("Results published"),
    "risk.riskpoint.created": _("Risk point created"),
    "risk.riskpoint.updated": _("Risk point changed"),
    "risk.riskpoint.assessed": _("Risk assessed"),
    "risk.riskpoint.retired": _("Risk point retired"),
    "risk.controlmeasure.added": _("Control measure added"),
    "risk.controlmeasure.removed": _("Control measure removed"),
    "registry.enterprise.created": _("Enterprise created"),
    "registry.enterprise.updated": _("Enterprise details changed"),
    "registry.enterprise.imported": _("Enterprise imported"),
    "registry.enterprise.status_changed": _("Operating status changed"),
    "attachments.attachment.uploaded": _("File uploaded"),
    "accountability.case.created": _("Case filed"),
    "accountability.case.inquiry_added": _("Record of inquiry added"),
    "accidents.chain.recorded": _("Notification or report step recorded"),
    "accidents.reporting_finding.recorded": _("Late, omitted, false or concealed reporting found"),
    "accidents.thresholds.updated": _("Accident level thresholds changed"),
    "accountability.measure.commitment_added": _("Commitment added"),
    "accountability.measure.commitment_done": _("Commitment fulfilled"),
    "accountability.plan.created": _("Enforcement plan created"),
    "accountability.plan.entry_added": _("Plan entry added"),
    "accountability.plan.saved": _("Enforcement plan saved"),
    "accountability.position.changed": _("Responsibility position changed"),
    "accountability.position.created": _("Responsibility position created"),
    "accountability.position.holder_assigned": _("Position holder assigned"),
    "accountability.position.letter_recorded": _("Responsibility letter recorded"),
    "accountability.scorecard.adjusted": _("Score adjusted"),
    "accountability.scorecard.weights_set": _("Assessment weights set"),
    "accountability.staff.recorded": _("Enterprise safety staff recorded"),
    "accountability.template.saved": _("Duty template saved"),
    "accounts.login": _("Signed in"),
    "accounts.login_failed": _("Sign-in failed"),
    "accounts.logout": _("Signed out"),
    "accounts.token.expired": _("API token expired"),
    "accounts.token.issued": _("API token issued"),
    "accounts.token.revoked": _("API token revoked"),
    "accounts.user.created": _("Account created"),
    "accounts.user.disabled_dormant": _("Dormant account disabled"),
    "accounts.user.id_number_revealed": _("ID number shown in full"),
    "accounts.user.imported": _("Accounts imported"),
    "accounts.user.locked": _("Account locked"),
    "accounts.user.mfa_enrolled": _("Authenticator enrolled"),
    "accounts.user.mfa_enrolment_failed": _("Authenticator enrolment failed"),
    "accounts.user.mfa_failed": _("Second-factor check failed"),
    "accounts.user.mfa_removed": _("Authenticator removed"),
    "accounts.user.mfa_verified": _("Second factor verified"),
    "accounts.user.password_changed": _("Password changed"),
    "accounts.user.password_reset": _("Password reset by an administrator"),
    "accounts.user.password_reset_by_link": _("Password reset by link"),
    "accounts.user.password_reset_requested": _("Password reset requested"),
    "accounts.user.step_up": _("Identity confirmed again"),
    "accounts.user.step_up_failed": _("Identity confirmation failed"),
    "accounts.user.step_up_required": _("Identity confirmation required"),
    "accounts.user.unlocked": _("Account unlocked"),
    "accounts.user.updated": _("Account changed"),
    "accounts.user.viewed": _("Account viewed"),
    "attachments.attachment.original_fetched": _("Original file fetched"),
    "attachments.attachment.original_refused": _("Original file refused"),
    "audit.archive.created": _("Audit archive created"),
    "audit.auditevent.exported": _("Audit records exported"),
    "cockpit.reporttemplate.updated": _("Report template changed"),
    "cockpit.walldisplay.created": _("Wall display added"),
    "cockpit.walldisplay.paired": _("Wall display paired"),
    "core.keys.rotated": _("Encryption keys rotated"),
    "core.setting.changed": _("Setting changed"),
    "core.setting.reset": _("Setting reset to its default"),
    "duty.absence.recorded": _("Leave recorded"),
    "duty.log.added": _("Duty log entry added"),
    "duty.report.submitted": _("Information report submitted"),
    "duty.roster.created": _("Roster created"),
    "duty.roster.shift_added": _("Shift added"),
    "duty.shift.handover_signed": _("Handover signed"),
    "duty.shift.handover_written": _("Handover written"),
    "duty.swap.requested": _("Swap requested"),
    "emergency.improvementaction.hazard_raised": _("Registered as a hazard"),
    "emergency.movement.in": _("Supplies received"),
    "emergency.movement.out": _("Supplies issued"),
    "emergency.movement.transfer": _("Supplies transferred"),
    "emergency.movement.return": _("Supplies returned"),
    "emergency.movement.count": _("Stock adjusted after a count"),
    "emergency.norm.changed": _("Reserve norm changed"),
    "emergency.norm.set": _("Reserve norm set"),
    "emergency.shelter.changed": _("Shelter changed"),
    "emergency.stocktake.counted": _("Stock counted"),
    "emergency.teammember.changed": _("Team member changed"),
    "emergency.transferentry.changed": _("Transfer entry changed"),
    "emergency.warehouse.created": _("Warehouse created"),
    "emergency.waterloggingpoint.changed": _("Waterlogging point changed"),
    "hazards.criterion.created": _("Criterion added"),
    "hazards.criterion.updated": _("Criterion changed"),
    "hazards.criterionsource.created": _("Criteria edition added"),
    "hazards.criterionsource.updated": _("Criteria edition corrected"),
    "hazards.deadlinepolicy.updated": _("Rectification deadlines changed"),
    "hazards.hazard.exported": _("Hazards exported"),
    "hazards.hazard.recheck_selected": _("Selected for a re-check"),
    "hazards.hazard.rechecked": _("Re-checked"),
    "hazards.hazard.resumption_applied": _("Resumption of production applied for"),
    "hazards.hazard.resumption_reviewed": _("Resumption of production reviewed"),
    "inspections.conflict.recorded": _("Conflict of interest recorded"),
    "inspections.draw_setting.changed": _("Draw settings changed"),
    "inspections.inspection.answered": _("Checklist item answered"),
    "inspections.inspection.updated": _("Inspection record changed"),
    "inspections.task.cancelled": _("Task cancelled"),
    "inspections.task.done": _("Task completed"),
    "inspections.task.started": _("Task started"),
    "notifications.webhook.created": _("Webhook registered"),
    "notifications.webhook.activated": _("Webhook switched on"),
    "notifications.webhook.deactivated": _("Webhook switched off"),
    "registry.department.created": _("Department created"),
    "registry.department.updated": _("Department changed"),
    "registry.department.deactivated": _("Department deactivated"),
    "registry.department.activated": _("Department reactivated"),
    "registry.enterprise.exported": _("Enterprises exported"),
    "registry.enterprise.file_updated": _("Enterprise file changed"),
    "registry.file.installation_added": _("Major hazard installation added"),
    "registry.file.licence_added": _("Licence added"),
    "registry.file.rented_out_added": _("Rented-out premises added"),
    "registry.file.special_operator_added": _("Special operator added"),
    "registry.jurisdiction.boundaries_imported": _("Boundaries imported"),
    "registry.basemap.imported": _("Offline base map imported"),
    "registry.jurisdiction.created": _("Area created"),
    "registry.jurisdiction.updated": _("Area changed"),
    "registry.jurisdiction.deactivated": _("Area deactivated"),
    "registry.jurisdiction.activated": _("Area reactivated"),
    "registry.licence.updated": _("Licence changed"),
    "registry.licence.retired": _("Licence cancelled"),
    "registry.majorhazardinstallation.updated": _("Major hazard installation changed"),
    "registry.majorhazardinstallation.retired": _("Major hazard installation written off"),
    "registry.rentedpremises.updated": _("Rented-out premises changed"),
    "registry.rentedpremises.retired": _("Rented-out premises removed"),
    "registry.specialoperator.updated": _("Special operator changed"),
    "registry.specialoperator.retired": _("Special operator removed"),
    "risk.enterprise.level_derived": _("Enterprise risk level derived"),
    "accounts.session_expired": _("Session expired"),
    "security.permission_denied": _("Access refused"),
}
# A changed link to a record the viewer may not see (another town's enterprise).
NOT_SHOWN = _("(outside your scope)")
# An action not listed above still reads as a verb, from its last part.
VERB_LABELS = {
    "created": _("Created"),
    "updated": _("Changed"),
    "recorded": _("Recorded"),
    "closed": _("Closed"),
    "added": _("Added"),
    "removed": _("Removed"),
    "assigned": _("Assigned"),
    "published": _("Published"),
}


def action_label(action: str) -> str:
    """The Chinese words for an event: its own label, else the words of the workflow button that wrote it,
    else the record's name and a verb (a record created through `core.workflow.record_created`)."""
    label = ACTION_LABELS.get(action) or _transition_label(action) or _composed_label(action)
    return str(label) if label else str(_("Recorded"))


def has_label(action: str) -> bool:
    """Whether an event reads as words of its own rather than the generic 登记 (checked for every action the
    code writes, audit/tests/test_action_labels.py)."""
    return bool(ACTION_LABELS.get(action) or _transition_label(action) or _composed_label(action))


def _transition_label(action: str):
    """The label of the workflow step that wrote the event (an enforcement case's 开始调查取证): the words of
    the button the user pressed, already in each app's catalogue, for an event with no label of its own."""
    name, _dot, verb = action.rpartition(".")
    flow = REGISTRY.get(name)
    if flow is None:
        return None
    return next((t.label for t in flow if t.audit_verb == verb and t.label), None)


def _composed_label(action: str):
    name, _dot, verb = action.rpartition(".")
    model = _model(name) if verb in VERB_LABELS else None
    if model is None:
        return None
    return _("%(record)s: %(verb)s") % {"record": model._meta.verbose_name, "verb": VERB_LABELS[verb]}


def actor_label(event) -> str:
    """The person's name as the system knows it (display name), the login name only when the account is
    gone, and "system" for jobs."""
    if event.actor_id and event.actor is not None:
        return event.actor.display_name
    return event.actor_name or str(_("system"))


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _models_of(event) -> list:
    """The models whose fields an event's changes may name, most likely first: the one its action names (an
    investigation's change is recorded on its accident: `accidents.investigation.updated`), the target's,
    then the records the target has one of (the accident's investigation)."""
    found = [_model(".".join(event.action.split(".")[:2])), _model(event.target_type)]
    target = found[1]
    if target is not None:
        found += [
            f.related_model
            for f in target._meta.get_fields()
            if f.is_relation and f.one_to_one and f.related_model is not None
        ]
    return list(dict.fromkeys(m for m in found if m is not None))


def _field(models: list, name: str) -> Field | None:
    """The model field called `name` (or stored as `name`: `town_id`) on the first model that has one."""
    for model in models:
        for field in model._meta.get_fields():
            if isinstance(field, Field) and name in (field.name, field.attname):
                return field
    return None


def _related_label(field: Field, value, viewer) -> str:
    """The related record's name. A scoped record (an enterprise, a hazard) is named only to a viewer who
    may see it: the timeline of a record in scope must not reveal the one it was moved away from."""
    model = field.related_model
    key = field.target_field.attname if field.many_to_one or field.one_to_one else "pk"
    queryset = model._default_manager.all()
    scoped = isinstance(queryset, ScopedQuerySet)
    if scoped:
        queryset = queryset.visible_to(viewer) if viewer is not None else queryset.none()
    try:
        related = queryset.filter(**{key: value}).first()
    except (ValueError, TypeError, ValidationError):
        related = None
    if related is not None:
        return str(related)
    return str(NOT_SHOWN) if scoped else str(value)


def value_label(field: Field | None, value, viewer=None) -> str:
    """What a user reads for a stored value: the choice's label, the related record's name, 是/否, a local
    time; never the code, the id or an ISO timestamp."""
    if value is None or value == "":
        return ""
    if isinstance(value, list):
        return "、".join(label for label in (value_label(field, v, viewer) for v in value) if label)
    if field is None:
        return str(value)
    choices = {str(code): label for code, label in field.flatchoices}
    if str(value) in choices:
        return str(choices[str(value)])
    if field.is_relation and field.related_model is not None:
        return _related_label(field, value, viewer)
    if isinstance(value, bool):
        return yesno(value)
    if isinstance(field, DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return date_format(timezone.localtime(moment), "Y-m-d H:i")
    return str(value)


def _change(models: list, name: str, pair, viewer) -> tuple[str, str, str]:
    field = _field(models, name)
    label = str(field.verbose_name) if field is not None else name
    return (label, value_label(field, pair[0], viewer), value_label(field, pair[1], viewer))


def describe(event, viewer=None) -> dict:
    """One timeline entry: when, who (real name), what (a verb), the reason or note, the changed fields by
    their models' names and their values as a user reads them (records out of the viewer's scope unnamed)."""
    data = event.data if isinstance(event.data, dict) else {}
    changes = data.get("changes") if isinstance(data.get("changes"), dict) else {}
    models = _models_of(event) if changes else []
    return {
        "at": event.at,
        "actor": actor_label(event),
        "label": action_label(event.action),
        "detail": next((str(data[k]) for k in ("reason", "note", "text") if data.get(k)), ""),
        "changes": [
            _change(models, name, pair, viewer)
            for name, pair in changes.items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ],
    }
