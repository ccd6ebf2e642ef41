"""Campaigns (专项整治): launch, targets from the scope, tasks to towns, departments and inspectors."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from core.choices import Role
from core.errors import Conflict, InvalidInput
from inspections import rules
from inspections.choices import CampaignKind, TaskState
from inspections.models import Campaign, CampaignTarget, ChecklistTemplate, InspectionTask
from inspections.policy import POLICY
from inspections.services.common import add_error, planner_limits, raise_if, safe_id
from notifications.services import notify
from registry.models import Department, Enterprise, Jurisdiction, Sector


def _as_date(value, field: str, errors: dict) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        add_error(errors, field, _("Enter a valid date."))
        return None


def clean_campaign(actor, data: dict) -> dict:
    errors: dict = {}
    name = (data.get("name") or "").strip()
    goal = (data.get("goal") or "").strip()
    if not name:
        add_error(errors, "name", _("This field is required."))
    if not goal:
        add_error(errors, "goal", _("This field is required."))
    sectors = [
        s if isinstance(s, Sector) else Sector.objects.filter(pk=s).first() for s in data.get("sectors") or []
    ]
    towns_raw = data.get("towns") or []
    towns = [
        t if isinstance(t, Jurisdiction) else Jurisdiction.objects.towns().filter(pk=safe_id(t)).first()
        for t in towns_raw
    ]
    if not sectors or None in sectors:
        add_error(errors, "sectors", _("Choose at least one sector."))
    if not towns or None in towns:
        add_error(errors, "towns", _("Choose at least one town or street."))
    limit_towns, limit_sectors = planner_limits(actor)
    if limit_towns is not None and sectors and towns and None not in sectors and None not in towns:
        # A department plans for its sectors, a town for its own territory (CODES: roles).
        sectors_ok = bool(limit_sectors) and {s.pk for s in sectors} <= limit_sectors
        towns_ok = bool(limit_towns) and {t.pk for t in towns} <= limit_towns
        if not (sectors_ok or towns_ok):
            add_error(errors, "towns", _("Plan only for the towns or sectors you supervise."))
    start = _as_date(data.get("start_date"), "start_date", errors)
    end = _as_date(data.get("end_date"), "end_date", errors)
    if start and end and end < start:
        add_error(errors, "end_date", _("The end cannot be before the start."))
    template = data.get("template")
    if not isinstance(template, ChecklistTemplate):
        template = ChecklistTemplate.objects.filter(pk=safe_id(template)).first() if template else None
    if template is None:
        add_error(errors, "template", _("Choose a checklist."))
    lead = data.get("lead_department")
    if lead not in (None, "") and not isinstance(lead, Department):
        lead = Department.objects.filter(pk=safe_id(lead)).first()
        if lead is None:
            add_error(errors, "lead_department", _("Unknown department."))
    participating = []
    for d in data.get("participating_departments") or []:
        dep = d if isinstance(d, Department) else Department.objects.filter(pk=safe_id(d)).first()
        if dep is None:
            add_error(errors, "participating_departments", _("Unknown department."))
        else:
            participating.append(dep)
    raise_if(errors)
    return {
        "name": name[:160],
        "goal": goal,
        "sectors": sectors,
        "towns": towns,
        "start_date": start,
        "end_date": end,
        "template": template,
        "lead_department": lead or None,
        "participating_departments": participating,
    }


def scope_enterprises(actor, campaign: Campaign):
    """The enterprises the campaign's scope covers, as far as the actor can see them."""
    return (
        Enterprise.objects.visible_to(actor)
        .operating()
        .filter(town__in=campaign.towns.all(), sectors__in=campaign.sectors.all())
        .distinct()
    )


@transaction.atomic
def launch_campaign(
    *,
    actor,
    data: dict,
    targets=None,
    kind: str = CampaignKind.CAMPAIGN,
    source_type: str = "",
    source_id=None,
    source_label: str = "",
    match_reasons: dict | None = None,
) -> Campaign:
    """Create a campaign and its target list: generated from the scope, or the given enterprises."""
    POLICY.require(actor, "plan", _("Your role may not launch campaigns."))
    clean = clean_campaign(actor, data)
    campaign = Campaign.objects.create(
        name=clean["name"],
        goal=clean["goal"],
        kind=kind,
        start_date=clean["start_date"],
        end_date=clean["end_date"],
        template=clean["template"],
        lead_department=clean["lead_department"],
        created_by=actor,
        source_type=source_type,
        source_id=source_id,
        source_label=source_label[:200],
    )
    campaign.sectors.set(clean["sectors"])
    campaign.towns.set(clean["towns"])
    campaign.participating_departments.set(clean["participating_departments"])
    if targets is None:
        chosen = list(scope_enterprises(actor, campaign).only("pk", "town_id"))
    else:
        ids = [getattr(t, "pk", t) for t in targets]
        chosen = list(Enterprise.objects.visible_to(actor).filter(pk__in=ids).only("pk", "town_id"))
        if len(chosen) != len(set(ids)):
            raise InvalidInput.field("targets", _("Choose enterprises in your area."))
    reasons = match_reasons or {}
    CampaignTarget.objects.bulk_create(
        CampaignTarget(
            campaign=campaign,
            enterprise_id=e.pk,
            town_id=e.town_id,
            added_by_hand=targets is not None,
            match_reasons=reasons.get(e.pk, []),
        )
        for e in chosen
    )
    record(
        campaign,
        "inspections.campaign.launched",
        actor=actor,
        data={
            "kind": kind,
            "targets": len(chosen),
            "sectors": [s.pk for s in clean["sectors"]],
            "towns": [t.pk for t in clean["towns"]],
            "source": f"{source_type}:{source_id}" if source_type else "",
        },
    )
    return campaign


def _change_list(campaign: Campaign, action: str, *, actor, version, prepare, after=None, notify=None):
    """A change of an active campaign's list: one of CAMPAIGN_FLOW's rows that keep the state, performed
    with the version the client read (the campaign page's; the server's when the API sends none)."""
    return rules.CAMPAIGN_FLOW.perform(
        campaign,
        action,
        actor=actor,
        version=rules.known_version(campaign, version),
        prepare=prepare,
        after=after,
        notify=notify,
    )


def add_targets(*, actor, campaign: Campaign, enterprises, version=None) -> int:
    def prepare(step):
        ids = {getattr(e, "pk", e) for e in enterprises}
        found = list(Enterprise.objects.visible_to(actor).filter(pk__in=ids).only("pk", "town_id"))
        if len(found) != len(ids) or not ids:
            raise InvalidInput.field("enterprises", _("Choose enterprises in your area."))
        existing = set(campaign.targets.values_list("enterprise_id", flat=True))
        new = [e for e in found if e.pk not in existing]
        CampaignTarget.objects.bulk_create(
            CampaignTarget(campaign=campaign, enterprise_id=e.pk, town_id=e.town_id, added_by_hand=True)
            for e in new
        )
        step.audit_data["enterprises"] = [e.pk for e in new]
        step.result = len(new)

    return _change_list(campaign, "add_targets", actor=actor, version=version, prepare=prepare)


def remove_target(*, actor, campaign: Campaign, target: CampaignTarget, version=None) -> None:
    def prepare(step):
        if target.campaign_id != campaign.pk:
            raise InvalidInput.field("target", _("Unknown target."))
        task = campaign.tasks.filter(enterprise_id=target.enterprise_id).first()
        if task is not None:
            # Cancelled through its workflow before it goes: an inspector starting it meanwhile wins the
            # task's conditional UPDATE, and the enterprise stays on the list.
            try:
                rules.TASK_FLOW.perform(task, "cancel", actor=actor, version=task.version)
            except Conflict:
                raise Conflict(
                    _("This enterprise is already being inspected; it stays on the list.")
                ) from None
            task.delete()
        target.delete()
        step.audit_data["enterprise"] = target.enterprise_id

    _change_list(campaign, "remove_target", actor=actor, version=version, prepare=prepare)


def _clean_inspectors(inspectors, errors: dict) -> list:
    users = []
    for value in inspectors or []:
        pk = getattr(value, "pk", value)
        user = (
            get_user_model()
            .objects.filter(pk=pk, is_active=True, role_assignments__role=Role.INSPECTOR)
            .first()
        )
        if user is None:
            add_error(errors, "inspectors", _("Choose active inspectors."))
        else:
            users.append(user)
    return users


def assign_tasks(
    *,
    actor,
    campaign: Campaign,
    deadline,
    town=None,
    department=None,
    inspectors=(),
    only_unassigned: bool = False,
    version=None,
) -> int:
    """Give every target (of one town, if chosen) a task with this deadline, town, department and inspectors.

    Done or running tasks keep their assignment; an open task is reassigned through its own workflow; the
    whole assignment is one audit event on the campaign.
    """
    chosen: list = []  # the inspectors, validated in `prepare`, told in `notify`

    def prepare(step):
        errors: dict = {}
        due = _as_date(deadline, "deadline", errors)
        if due and due < timezone.localdate():
            add_error(errors, "deadline", _("The deadline cannot be in the past."))
        chosen_town = _town_or_none(town, errors)
        chosen_department = _department_or_none(department, errors)
        users = _clean_inspectors(inspectors, errors)
        raise_if(errors)
        changed = _assign_targets(
            actor, campaign, due, chosen_town, chosen_department, users, only_unassigned=only_unassigned
        )
        if not changed:
            raise InvalidInput.field("town", _("No open task matches; nothing was assigned."))
        step.audit_data.update(
            tasks=changed,
            deadline=due,
            town=getattr(chosen_town, "pk", None),
            department=getattr(chosen_department, "pk", None),
            inspectors=[u.pk for u in users],
        )
        step.result = len(changed)
        chosen.extend(users)

    def tell_inspectors(step):
        if chosen:
            notify(
                recipients=chosen,
                kind="inspections.task.assigned",
                title=_("New inspection tasks: %(name)s") % {"name": campaign.name},
                body=_("%(n)d enterprises, due %(date)s")
                % {"n": len(step.audit_data["tasks"]), "date": step.audit_data["deadline"]},
                url=campaign.get_absolute_url(),
                target=campaign,
            )

    return _change_list(
        campaign, "assign", actor=actor, version=version, prepare=prepare, notify=tell_inspectors
    )


def _town_or_none(town, errors: dict):
    if town in (None, "") or isinstance(town, Jurisdiction):
        return town or None
    found = Jurisdiction.objects.towns().filter(pk=safe_id(town)).first()
    if found is None:
        add_error(errors, "town", _("Choose a town or street of the district."))
    return found


def _department_or_none(department, errors: dict):
    if department in (None, "") or isinstance(department, Department):
        return department or None
    found = Department.objects.filter(pk=safe_id(department)).first()
    if found is None:
        add_error(errors, "department", _("Unknown department."))
    return found


def _assign_targets(actor, campaign, due, town, department, users, *, only_unassigned: bool) -> list[int]:
    """A new task for each target without one; each open task reassigned (TASK_FLOW, its version as read
    in this transaction). Answers the ids of the tasks assigned."""
    targets = CampaignTarget.objects.visible_to(actor).filter(campaign=campaign)
    if town:
        targets = targets.filter(town=town)
    tasks = {t.enterprise_id: t for t in campaign.tasks.select_related("campaign")}
    changed = []
    for target in targets.select_related("enterprise"):
        task = tasks.get(target.enterprise_id)
        if task is None:
            task = InspectionTask.objects.create(
                campaign=campaign,
                enterprise_id=target.enterprise_id,
                town_id=target.town_id,
                template=campaign.template,
                created_by=actor,
                deadline=due,
                assigned_town=town or target.enterprise.town,
                assigned_department=department or campaign.lead_department,
            )
        elif task.state != TaskState.OPEN or only_unassigned:
            continue
        else:
            _reassign_with_campaign(task, actor, due, town, department, users)
        if users:
            task.inspectors.set(users)
        changed.append(task.pk)
    return changed


def _reassign_with_campaign(task, actor, due, town, department, users) -> None:
    def prepare(step):
        step.changes.update(
            deadline=due,
            assigned_town=town or task.assigned_town,
            assigned_department=department or task.assigned_department,
        )
        step.audit_data.update(deadline=due, inspectors=[u.pk for u in users], campaign=task.campaign_id)

    rules.TASK_FLOW.perform(task, "reassign", actor=actor, version=task.version, prepare=prepare)


def close_campaign(*, actor, campaign: Campaign, version) -> Campaign:
    def cancel_open_tasks(step):
        """Each open task is cancelled through its workflow (its version as read in this transaction); a
        task started meanwhile wins its conditional UPDATE and the close is refused (409)."""
        open_tasks = InspectionTask.objects.filter(campaign=campaign, state=TaskState.OPEN)
        cancelled = []
        for task in open_tasks.select_related("campaign"):
            rules.TASK_FLOW.perform(task, "cancel", actor=actor, version=task.version)
            cancelled.append(task.pk)
        step.audit_data["cancelled"] = cancelled

    return rules.CAMPAIGN_FLOW.perform(
        campaign, "close", actor=actor, version=version, after=cancel_open_tasks
    )


def reassign_task(*, actor, task: InspectionTask, deadline, inspectors=(), version) -> InspectionTask:
    """Change one open task's deadline and inspectors."""
    chosen: list = []

    def prepare(step):
        errors: dict = {}
        due = _as_date(deadline, "deadline", errors)
        if due and due < timezone.localdate():
            add_error(errors, "deadline", _("The deadline cannot be in the past."))
        users = _clean_inspectors(inspectors, errors)
        if not users:
            add_error(errors, "inspectors", _("Choose active inspectors."))
        raise_if(errors)
        step.changes["deadline"] = due
        chosen.extend(users)
        before = sorted(task.inspectors.values_list("pk", flat=True))
        step.audit_data.update(deadline=due, inspectors=[u.pk for u in users], before=before)

    def after(step):
        task.inspectors.set(chosen)

    return rules.TASK_FLOW.perform(
        task,
        "reassign",
        actor=actor,
        version=version,
        prepare=prepare,
        after=after,
        notify=_tell_new_inspectors,
    )


def _tell_new_inspectors(step) -> None:
    task, before = step.obj, step.audit_data["before"]
    notify(
        recipients=[u for u in task.inspectors.all() if u.pk not in before],
        kind="inspections.task.assigned",
        title=_("New inspection tasks: %(name)s") % {"name": task.enterprise.name},
        body=_("%(n)d enterprises, due %(date)s") % {"n": 1, "date": task.deadline},
        url=task.get_absolute_url(),
        target=task,
    )
