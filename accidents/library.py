"""Case library and warning-education writes (same rules as `accidents.services`: role · validate · audit)."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accidents import rules
from accidents.choices import AudienceKind, CaseOrigin
from accidents.models import Accident, Case, EducationSession
from accidents.policy import POLICY
from accidents.search import segment
from accidents.services import clean_numbers, require
from attachments.services import link_attachments, store_attachment
from audit.services import diff, record
from core.choices import AccidentType, Role
from core.errors import InvalidInput
from core.workflow import Transition, Workflow
from registry.choices import TOWN_KINDS
from registry.models import Department, Enterprise, Jurisdiction, Sector

MATERIALS = "materials"


def session_materials(session: EducationSession):
    from attachments.models import Attachment

    return Attachment.objects.for_owner(session, MATERIALS)


# R-REG-2 spirit: personal numbers never reach the teaching material.
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# A surname-and-name right before a victim word ("工人张三死亡" → "工人某某死亡") is a personal name.
NAMED_PERSON_RE = re.compile(
    r"(工人|员工|司机|驾驶员|伤者|死者|遇难者|操作工|作业人员|职工|电工|焊工)[\u4e00-\u9fa5]{2,3}(?=[，,。、（(\s]|死亡|受伤|失踪|重伤|轻伤|被|在|从|于)"
)


def anonymise(text: str, *, names: tuple[str, ...] = ()) -> str:
    if not text:
        return ""
    out = ID_RE.sub("[证件号已隐去]", text)
    out = MOBILE_RE.sub("[电话已隐去]", out)
    out = LANDLINE_RE.sub("[电话已隐去]", out)
    for name in names:
        if name and len(name.strip()) >= 2:
            out = out.replace(name.strip(), "某某")
    return NAMED_PERSON_RE.sub(lambda m: f"{m.group(1)}某某", out)


def generalised_party(accident: Accident) -> str:
    """The enterprise as teaching material names it: its town, scale and sector, never its name
    (e.g. 杜阮镇某小型工贸企业); without an enterprise, the town alone."""
    town = accident.town.name
    enterprise = accident.enterprise if accident.enterprise_id else None
    if enterprise is None:
        return f"{town}某地"
    scale = str(enterprise.get_scale_display()) if enterprise.scale else ""
    sector = accident.sector.name if accident.sector_id else ""
    return f"{town}某{scale}{sector}企业"


def identifying_strings(accident: Accident) -> tuple[str, ...]:
    """What would identify the unit or place: the enterprise's name, short name and address, the accident's
    exact address; longest first, so a name is replaced before a part of it."""
    found = [accident.address]
    if accident.enterprise_id:
        enterprise = accident.enterprise
        found += [enterprise.name, enterprise.address]
    return tuple(sorted({s.strip() for s in found if s and len(s.strip()) >= 2}, key=len, reverse=True))


def anonymise_case_text(text: str, accident: Accident, *, names: tuple[str, ...] = ()) -> str:
    """People (names, ID and phone numbers) and the unit (name, exact address) out of a case's text."""
    party = generalised_party(accident)
    for value in identifying_strings(accident):
        text = (text or "").replace(value, party)
    return anonymise(text, names=names)


def case_title(accident: Accident) -> str:
    when = timezone.localtime(accident.occurred_at).strftime("%Y-%m-%d")
    return f"{when} {generalised_party(accident)} {accident.get_accident_type_display()}"[:200]


def _index(case: Case) -> None:
    case.search_text = segment(case.title, case.summary, case.causes, case.lessons, " ".join(case.tags))
    case.tag_index = ("|" + "|".join(case.tags) + "|")[:400] if case.tags else ""


def clean_tags(raw) -> list[str]:
    if isinstance(raw, str):
        raw = re.split(r"[,，、;；\s]+", raw)
    tags = []
    for tag in raw or []:
        tag = str(tag).strip()[:20]
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:12]


def case_from_accident(*, actor, accident: Accident) -> Case:
    """A closed accident becomes a case, anonymised: no reporter, victims' names or phone numbers, and the
    enterprise generalised to its town, scale and sector, without its name or exact address (the original
    stays on the accident record only)."""
    existing = Case.objects.filter(accident=accident).first()
    if existing is not None:
        return existing
    investigation = getattr(accident, "investigation", None)
    names = (accident.reporter_name,)
    causes = ""
    lessons = ""
    if investigation is not None:
        parts = [p for p in (investigation.direct_causes, investigation.indirect_causes) if p.strip()]
        causes = "\n".join(parts)
        lessons = investigation.lessons
        names += tuple(f.party for f in investigation.findings.all() if len(f.party) <= 4)
    with translation.override("zh-hans"):  # the library's text is Chinese whatever the actor's language
        tags = [accident.sector.name, str(accident.get_accident_type_display())]
        source = _("Investigation of accident no. %(id)s") % {"id": accident.pk}
        title = case_title(accident)
    case = Case(
        origin=CaseOrigin.LOCAL,
        accident=accident,
        title=title,
        occurred_on=timezone.localtime(accident.occurred_at).date(),
        place=accident.town.name,
        town=accident.town,
        sector=accident.sector,
        accident_type=accident.accident_type,
        standard=accident.standard,
        level=accident.level,
        deaths=accident.deaths,
        serious_injuries=accident.serious_injuries,
        direct_loss=accident.direct_loss,
        summary=anonymise_case_text(accident.narrative, accident, names=names) or title,
        causes=anonymise_case_text(causes, accident, names=names),
        lessons=anonymise_case_text(lessons, accident, names=names),
        tags=tags,
        source=source,
        created_by=actor,
    )
    _index(case)
    case.save()
    record(case, "accidents.case.created", actor=actor, data={"accident": accident.pk})
    return case


CASE_FIELDS = (
    "title",
    "occurred_on",
    "place",
    "sector",
    "accident_type",
    "summary",
    "causes",
    "lessons",
    "tags",
    "source",
    "deaths",
    "serious_injuries",
    "direct_loss",
)


def _clean_case(data: dict, *, instance: Case | None) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}

    def given(field):
        return field in data or instance is None

    for field, limit, required in (("title", 200, True), ("place", 120, False), ("source", 200, False)):
        if given(field):
            value = (data.get(field) or "").strip()
            if required and not value:
                errors[field] = [_("This field is required.")]
            elif len(value) > limit:
                errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
            cleaned[field] = value
    for field in ("summary", "causes", "lessons"):
        if given(field):
            cleaned[field] = (data.get(field) or "").strip()
    if given("summary") and not cleaned.get("summary"):
        errors["summary"] = [_("This field is required.")]
    if given("occurred_on"):
        value = data.get("occurred_on")
        if value is not None and not isinstance(value, dt.date):
            errors["occurred_on"] = [_("Enter a date.")]
        elif value and value > timezone.localdate():
            errors["occurred_on"] = [_("The date cannot be in the future.")]
        cleaned["occurred_on"] = value
    if given("sector"):
        sector = data.get("sector")
        if isinstance(sector, str):
            sector = Sector.objects.filter(pk=sector).first() if sector else None
        if sector is not None and not isinstance(sector, Sector):
            errors["sector"] = [_("Choose a sector.")]
        cleaned["sector"] = sector
    if given("accident_type"):
        value = data.get("accident_type") or ""
        if value and value not in AccidentType.values:
            errors["accident_type"] = [_("Choose an accident type of GB 6441-1986.")]
        cleaned["accident_type"] = value
    if given("tags"):
        cleaned["tags"] = clean_tags(data.get("tags"))
    numbers = {k: data[k] for k in ("deaths", "serious_injuries", "direct_loss") if k in data}
    try:
        base = (
            None
            if instance is None
            else {
                "deaths": instance.deaths,
                "missing": 0,
                "serious_injuries": instance.serious_injuries,
                "minor_injuries": 0,
                "direct_loss": instance.direct_loss,
            }
        )
        parsed = clean_numbers(numbers, base=base)
    except InvalidInput as exc:
        errors.update(exc.errors)
        parsed = {}
    if errors:
        raise InvalidInput(errors=errors)
    for key in ("deaths", "serious_injuries", "direct_loss"):
        if key in parsed and (key in numbers or instance is None):
            cleaned[key] = parsed[key]
    return cleaned


@transaction.atomic
def add_external_case(*, actor, data: dict) -> Case:
    """A case from another district or a national bulletin, added by hand; level computed (R-ACC-1)."""
    require(actor, "edit_case")
    cleaned = _clean_case(data, instance=None)
    case = Case(origin=CaseOrigin.EXTERNAL, created_by=actor, **cleaned)
    case.level = rules.compute_level(
        deaths=case.deaths, serious_injuries=case.serious_injuries, direct_loss=case.direct_loss
    )
    _index(case)
    case.save()
    record(case, "accidents.case.created", actor=actor, data={"origin": case.origin})
    return case


# A case has no state of its own: its edits are the one transition of its table, performed with the
# version the editor read; the origin (local or external) is what decides which fields may change.
CASE_FLOW = Workflow(
    model=Case,
    name="accidents.case",
    state_field=None,
    transitions=[Transition("update", (), None, POLICY.roles("edit_case"), verb="updated")],
)
LOCAL_CASE_FIELDS = ("title", "causes", "lessons", "tags", "summary")


def update_case(*, actor, case: Case, data: dict, version) -> Case:
    """Edit a case's teaching text (lessons, tags); a local case keeps the facts of its accident."""
    if not data:
        return case  # nothing changed on the page: no write, no event

    def prepare(step):
        case = step.obj
        allowed = CASE_FIELDS if case.origin == CaseOrigin.EXTERNAL else LOCAL_CASE_FIELDS
        cleaned = _clean_case({k: v for k, v in data.items() if k in allowed}, instance=case)
        before = {k: getattr(case, k) for k in cleaned}
        for key, value in cleaned.items():
            setattr(case, key, value)
        if case.origin == CaseOrigin.EXTERNAL:
            case.level = rules.compute_level(
                deaths=case.deaths, serious_injuries=case.serious_injuries, direct_loss=case.direct_loss
            )
        _index(case)
        step.changes.update(cleaned, level=case.level, search_text=case.search_text, tag_index=case.tag_index)
        step.audit_data["changes"] = diff(before, cleaned)

    return CASE_FLOW.perform(case, "update", actor=actor, version=version, prepare=prepare)


# ---------------------------------------------------------------- warning education
def _organiser_for(actor, data: dict) -> dict:
    """Who organised it follows from the actor; a district admin names the organising unit."""
    kind = data.get("organiser_kind") or ""
    roles = actor.role_codes
    if Role.DISTRICT_ADMIN in roles:
        if kind == AudienceKind.TOWN:
            town = data.get("town")
            if not isinstance(town, Jurisdiction) or town.kind not in TOWN_KINDS:
                raise InvalidInput.field("town", _("Choose the organising town or street."))
            return {"organiser_kind": kind, "town": town}
        if kind == AudienceKind.DEPARTMENT:
            department = data.get("department")
            if not isinstance(department, Department):
                raise InvalidInput.field("department", _("Choose the organising department."))
            return {"organiser_kind": kind, "department": department}
        if kind == AudienceKind.ENTERPRISE:
            enterprise = data.get("enterprise")
            if not isinstance(enterprise, Enterprise):
                raise InvalidInput.field("enterprise", _("Choose the organising enterprise."))
            return {"organiser_kind": kind, "enterprise": enterprise, "town": enterprise.town}
        raise InvalidInput.field("organiser_kind", _("Choose who organised the session."))
    if Role.TOWN_OFFICER in roles and actor.town_id:
        return {"organiser_kind": AudienceKind.TOWN, "town": actor.town}
    if Role.DEPARTMENT_OFFICER in roles and actor.department_id:
        return {"organiser_kind": AudienceKind.DEPARTMENT, "department": actor.department}
    if Role.ENTERPRISE_USER in roles and actor.enterprise_id:
        return {
            "organiser_kind": AudienceKind.ENTERPRISE,
            "enterprise": actor.enterprise,
            "town": actor.enterprise.town,
        }
    raise InvalidInput.field(
        "organiser_kind", _("Your account belongs to no town, department or enterprise.")
    )


@transaction.atomic
def record_session(*, actor, data: dict) -> EducationSession:
    """A warning-education session: the cases studied and who attended (names or a count)."""
    require(actor, "record_session")
    organiser = _organiser_for(actor, data)
    errors: dict[str, list[str]] = {}
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = [_("This field is required.")]
    held_on = data.get("held_on")
    if not isinstance(held_on, dt.date):
        errors["held_on"] = [_("Enter a date.")]
    elif held_on > timezone.localdate():
        errors["held_on"] = [_("Record a session once it has been held.")]
    cases = list(data.get("cases") or [])
    visible_cases = Case.objects.visible_to(actor).filter(pk__in=[getattr(c, "pk", c) for c in cases])
    if not cases:
        errors["cases"] = [_("Choose at least one case that was studied.")]
    elif visible_cases.count() != len({getattr(c, "pk", c) for c in cases}):
        errors["cases"] = [_("Unknown case.")]
    names = [n.strip() for n in re.split(r"[\n,，、;；]+", data.get("attendee_names") or "") if n.strip()]
    try:
        count = int(data.get("attendee_count") or 0)
    except (TypeError, ValueError):
        count = -1
    if count < 0 or count > 100000:
        errors["attendee_count"] = [_("Enter a whole number of 0 or more.")]
    elif not names and count == 0:
        errors["attendee_count"] = [_("Give the attendees' names or their number.")]
    sector = data.get("sector")
    if sector is not None and not isinstance(sector, Sector):
        errors["sector"] = [_("Choose a sector.")]
    audience_enterprises = list(data.get("audience_enterprises") or [])
    if audience_enterprises:
        visible = (
            Enterprise.objects.visible_to(actor).filter(pk__in=[e.pk for e in audience_enterprises]).count()
        )
        if visible != len({e.pk for e in audience_enterprises}):
            errors["audience_enterprises"] = [_("Choose enterprises in your area.")]
    if errors:
        raise InvalidInput(errors=errors)
    session = EducationSession.objects.create(
        held_on=held_on,
        title=title[:200],
        sector=sector,
        attendee_names="\n".join(names),
        attendee_count=max(count, len(names)),
        materials=(data.get("materials") or "").strip(),
        created_by=actor,
        **organiser,
    )
    session.cases.set(visible_cases)
    session.audience_towns.set([t for t in data.get("audience_towns") or [] if t.kind in TOWN_KINDS])
    session.audience_departments.set(list(data.get("audience_departments") or []))
    session.audience_enterprises.set(audience_enterprises)
    uploads = [store_attachment(actor=actor, upload=f) for f in data.get("material_files") or []]
    linked = link_attachments(
        actor=actor,
        attachments=[*(data.get("attachments") or []), *uploads],
        owner=session,
        purpose=MATERIALS,
    )
    record(
        session,
        "accidents.session.recorded",
        actor=actor,
        data={
            "attachments": [a.pk for a in linked],
            "cases": sorted(c.pk for c in visible_cases),
            "attendees": session.attendee_count,
        },
    )
    return session
