"""What a timeline shows for an audit event: a Chinese verb and the person's real name, never the event's code
(`accidents.accident.recorded`) or a login name. One place for every record's timeline (hazards, accidents,
cases, warning-education sessions, campaigns, inspections, risk points, enterprises)."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
}
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
    label = ACTION_LABELS.get(action) or VERB_LABELS.get(action.rsplit(".", 1)[-1])
    return str(label) if label is not None else str(_("Recorded"))


def actor_label(event) -> str:
    """The person's name as the system knows it (display name), the login name only when the account is
    gone, and "system" for jobs."""
    if event.actor_id and event.actor is not None:
        return event.actor.display_name
    return event.actor_name or str(_("system"))


def _field_label(target_type: str, field: str) -> str:
    try:
        model = apps.get_model(target_type)
        return str(model._meta.get_field(field).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return field


def describe(event) -> dict:
    """One timeline entry: when, who (real name), what (a verb), the reason or note, the changed fields."""
    data = event.data if isinstance(event.data, dict) else {}
    changes = data.get("changes") if isinstance(data.get("changes"), dict) else {}
    return {
        "at": event.at,
        "actor": actor_label(event),
        "label": action_label(event.action),
        "detail": next((str(data[k]) for k in ("reason", "note", "text") if data.get(k)), ""),
        "changes": [
            (_field_label(event.target_type, name), pair[0], pair[1])
            for name, pair in changes.items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ],
    }
