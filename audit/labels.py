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
    label = (
        ACTION_LABELS.get(action) or VERB_LABELS.get(action.rsplit(".", 1)[-1]) or _transition_label(action)
    )
    return str(label) if label else str(_("Recorded"))


def _transition_label(action: str):
    """The label of the workflow step that wrote the event (an enforcement case's 开始调查取证): the words of
    the button the user pressed, already in each app's catalogue, for an event with no label of its own."""
    name, _dot, verb = action.rpartition(".")
    flow = REGISTRY.get(name)
    if flow is None:
        return None
    return next((t.label for t in flow if t.audit_verb == verb and t.label), None)


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
