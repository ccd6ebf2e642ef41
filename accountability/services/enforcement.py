"""Enforcement cases (R-ACCT-5): filing → investigation → prior notice → decision → delivery → payment,
reconsideration or lawsuit → closing; every step leaves a numbered document (R-HAZ-13)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.choices import CaseMeasure, CaseOrigin, CaseState, DocumentKind, RemedyOutcome
from accountability.documents import ENFORCEMENT_WORDS
from accountability.models import CaseDocument, EnforcementCase, EnforcementPlan, InquiryRecord, PlanEntry
from accountability.policy import OFFICERS, POLICY
from accountability.services import penalties
from audit.services import record
from core.calendar import period_end
from core.choices import Role
from core.documents import department_number, official_number
from core.errors import Conflict, InvalidInput, NotAllowed
from core.forms import DateTimeField, bind
from core.scoping import has_role
from core.workflow import Transition, Workflow, record_created

ENFORCEMENT_DAYS_DEFAULT = penalties.DECISION_DAYS


def _own_department(user, case) -> bool:
    return has_role(user, Role.DISTRICT_ADMIN) or getattr(user, "department_id", None) == case.department_id


def _next_number(case, kind: str) -> str:
    """In the case's department's own series when it has an abbreviation (its name heads the document),
    else in the bureau's."""
    department = case.department
    return department_number(
        kind,
        word=ENFORCEMENT_WORDS[kind],
        abbreviation=department.document_abbreviation,
        code=department.code,
    ) or official_number(kind)


def issue_document(case, kind: str, *, actor, number: str = "", body: str = "") -> CaseDocument:
    """A step's document: the next official number of its kind, or the number typed for a paper original
    (a number already used answers 409)."""
    number = (number or "").strip() or _next_number(case, f"enforcement.{kind}")
    if CaseDocument.objects.filter(number=number).exists():
        raise Conflict(_("The document number %(number)s is already used.") % {"number": number})
    try:
        with transaction.atomic():
            return CaseDocument.objects.create(
                case=case, kind=kind, number=number, issued_by=actor, body=body
            )
    except IntegrityError:
        raise Conflict(_("The document number %(number)s is already used.") % {"number": number})


class CaseForm(forms.Form):
    enterprise = forms.IntegerField(label=gettext_lazy("Party (enterprise id)"))
    sector = forms.CharField(label=gettext_lazy("Sector"), max_length=32)
    origin = forms.ChoiceField(label=gettext_lazy("Source"), choices=CaseOrigin.choices)
    origin_id = forms.IntegerField(
        label=gettext_lazy("Source record"),
        required=False,
        min_value=1,
        help_text=gettext_lazy(
            "The number of the inspection or hazard the case comes from; empty for a public report."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Case"), max_length=200)
    facts = forms.CharField(
        label=gettext_lazy("Facts of the violation"), widget=forms.Textarea, max_length=10000
    )
    department = forms.IntegerField(
        label=gettext_lazy("Department (district administrators)"), required=False
    )
    number = forms.CharField(
        label=gettext_lazy("Document number (paper original)"), max_length=40, required=False
    )


def _origin_models() -> dict:
    """The record each source names. A public report (群众举报) is not a record of Redline: the hazard it led
    to is filed as the source "hazard"."""
    from hazards.models import Hazard
    from inspections.models import Inspection

    return {CaseOrigin.INSPECTION: Inspection, CaseOrigin.HAZARD: Hazard}


def _check_origin(*, actor, origin: str, origin_id: int | None, enterprise) -> None:
    """The source record exists, lies in the filer's scope and concerns the case's party (R-ACCT-5: the
    filing names the inspection or hazard that found the violation). Optional: a case may come from a paper
    record that Redline does not hold."""
    if origin_id is None:
        return
    model = _origin_models().get(origin)
    if model is None:
        raise InvalidInput.field(
            "origin_id", _("This source names no record; leave the source record empty.")
        )
    source = model.objects.visible_to(actor).filter(pk=origin_id).first()
    if source is None:
        # Out of the filer's scope answers exactly like a number that does not exist: no hint that it does.
        raise InvalidInput.field("origin_id", _("Unknown source record."))
    source_enterprise = getattr(source, "enterprise_id", None)
    if source_enterprise is not None and source_enterprise != enterprise.pk:
        raise InvalidInput.field(
            "origin_id", _("The source record concerns another enterprise than the party.")
        )


def file_case(*, actor, data) -> EnforcementCase:
    """Filing (立案): the 90-day decision clock starts the day after (R-TIME-1)."""
    from registry.models import Department, Enterprise

    with transaction.atomic():
        POLICY.require(actor, "file_case")
        form = bind(CaseForm, data)
        if not form.is_valid():
            raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
        clean = form.cleaned_data
        enterprise = Enterprise.objects.visible_to(actor).filter(pk=clean["enterprise"]).first()
        if enterprise is None:
            raise InvalidInput.field("enterprise", _("Unknown enterprise."))
        if clean["sector"] not in enterprise.sector_codes():
            raise InvalidInput.field("sector", _("The enterprise is not in this sector."))
        _check_origin(
            actor=actor, origin=clean["origin"], origin_id=clean.get("origin_id"), enterprise=enterprise
        )
        if has_role(actor, Role.DISTRICT_ADMIN) and clean.get("department"):
            department = Department.objects.filter(pk=clean["department"], is_active=True).first()
        else:
            department = actor.department
        if department is None:
            raise InvalidInput.field("department", _("Choose the department that files the case."))
        today = timezone.localdate()
        case = EnforcementCase.objects.create(
            department=department,
            enterprise=enterprise,
            town=enterprise.town,
            sector_id=clean["sector"],
            origin=clean["origin"],
            origin_id=clean.get("origin_id"),
            title=clean["title"],
            facts=clean["facts"],
            filed_on=today,
            decision_due=period_end(
                today, int(getattr(settings, "ENFORCEMENT_DECISION_DAYS", ENFORCEMENT_DAYS_DEFAULT))
            ),
            created_by=actor,
        )
        document = issue_document(case, DocumentKind.FILING, actor=actor, number=clean.get("number", ""))
        record_created(case, "accountability.case", actor=actor, data={"number": document.number})
    return case


class InvestigateForm(forms.Form):
    investigation_note = forms.CharField(
        label=gettext_lazy("Findings"), widget=forms.Textarea, required=False
    )


class NoticeForm(forms.Form):
    measure = forms.ChoiceField(label=gettext_lazy("Measure"), choices=CaseMeasure.choices)
    fine = forms.DecimalField(
        label=gettext_lazy("Fine (yuan)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        min_value=0,
        help_text=gettext_lazy(
            "Required for a fine or a daily penalty: above zero and within Work Safety Law art. 102; "
            "with a suspension, if given, the persons' fine of art. 102 (50,000 to 100,000); "
            "none for closure or referral."
        ),
    )
    daily_days = forms.IntegerField(
        label=gettext_lazy("Days of continued refusal"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,  # the column's range
        help_text=gettext_lazy("Required for a daily penalty (Work Safety Law art. 112)."),
    )
    investigation_note = forms.CharField(
        label=gettext_lazy("Findings"), widget=forms.Textarea, required=False
    )
    number = forms.CharField(
        label=gettext_lazy("Document number (paper original)"), max_length=40, required=False
    )


class HearingForm(forms.Form):
    defence = forms.CharField(
        label=gettext_lazy("Statement and defence"), widget=forms.Textarea, required=False
    )
    hearing_at = DateTimeField(
        label=gettext_lazy("Hearing held at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=gettext_lazy("With the place, the hearing notice is issued: at least seven days ahead."),
    )
    hearing_place = forms.CharField(label=gettext_lazy("Hearing place"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if data.get("hearing_at") and not data.get("hearing_place"):
            self.add_error("hearing_place", gettext_lazy("Name the place of the hearing."))
        return data


class NumberForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Document number (paper original)"), max_length=40, required=False
    )


class DeliverForm(NumberForm):
    delivered_on = forms.DateField(label=gettext_lazy("Delivered on"))


class PayForm(forms.Form):
    paid_on = forms.DateField(label=gettext_lazy("Paid on"))


class RemedyForm(forms.Form):
    applied_on = forms.DateField(
        label=gettext_lazy("Applied for on"),
        help_text=gettext_lazy(
            "Between the delivery and today, within the period the law allows (reconsideration: 60 days; "
            "lawsuit: 6 months)."
        ),
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=RemedyOutcome.choices)
    decided_on = forms.DateField(label=gettext_lazy("Outcome decided on"))
    fine = forms.DecimalField(
        label=gettext_lazy("Changed fine (yuan)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        min_value=0,
        help_text=gettext_lazy("For a changed decision with a fine: the new fine, within the same article."),
    )
    note = forms.CharField(label=gettext_lazy("Outcome note"), widget=forms.Textarea, required=False)


class CloseCaseForm(NumberForm):
    closing_note = forms.CharField(label=gettext_lazy("Closing note"), widget=forms.Textarea)


def _t(action, sources, target, label, form=None, verb="", roles=OFFICERS, **kw):
    return Transition(
        action, sources, target, roles, label=label, form=form, guard=_own_department, verb=verb, **kw
    )


REMEDIES = (CaseState.RECONSIDERATION, CaseState.LAWSUIT)
ENDS = (CaseState.PAID, *REMEDIES, CaseState.DECIDED, CaseState.DELIVERED)
CASE_FLOW = Workflow(
    model=EnforcementCase,
    name="accountability.case",
    transitions=[
        _t(
            "investigate",
            (CaseState.FILED,),
            CaseState.INVESTIGATING,
            gettext_lazy("Start the investigation"),
            InvestigateForm,
        ),
        _t(
            "notify",
            (CaseState.INVESTIGATING,),
            CaseState.NOTIFIED,
            gettext_lazy("Serve the prior notice"),
            NoticeForm,
            # The fine the measure needs and the law allows (penalties.check_penalty).
            rule_fields=("fine", "daily_days"),
        ),
        _t(
            "hearing",
            (CaseState.NOTIFIED,),
            None,
            gettext_lazy("Record a defence or hearing request"),
            HearingForm,
        ),
        _t("decide", (CaseState.NOTIFIED,), CaseState.DECIDED, gettext_lazy("Decide"), NumberForm),
        _t(
            "deliver",
            (CaseState.DECIDED,),
            CaseState.DELIVERED,
            gettext_lazy("Record the delivery"),
            DeliverForm,
        ),
        # A reconsideration or lawsuit does not stop the penalty (Administrative Penalty Law art. 73): the
        # fine may be paid during it.
        _t(
            "pay",
            (CaseState.DELIVERED, *REMEDIES),
            CaseState.PAID,
            gettext_lazy("Record the payment"),
            PayForm,
        ),
        _t(
            "reconsider",
            (CaseState.DELIVERED,),
            CaseState.RECONSIDERATION,
            gettext_lazy("Reconsideration applied for"),
            RemedyForm,
            rule_fields=("applied_on",),
        ),
        _t(
            "sue",
            (CaseState.DELIVERED,),
            CaseState.LAWSUIT,
            gettext_lazy("Lawsuit filed"),
            RemedyForm,
            rule_fields=("applied_on",),
        ),
        _t(
            "outcome",
            REMEDIES,
            None,
            gettext_lazy("Record the outcome"),
            OutcomeForm,
            rule_fields=("decided_on", "fine"),
        ),
        _t("close", ENDS, CaseState.CLOSED, gettext_lazy("Close the case"), CloseCaseForm, style="secondary"),
    ],
    page_url_name="accountability:case_action",
)


def _perform(case, action, *, actor, version, data, prepare=None, document=None):
    def after(step):
        if document:
            issue_document(step.obj, document, actor=step.actor, number=step.data.get("number", ""))

    return CASE_FLOW.perform(
        case, action, actor=actor, version=version, data=data, prepare=prepare, after=after
    )


def investigate_case(case, *, actor, version, data=None):
    def prepare(step):
        step.changes["investigation_note"] = step.data.get("investigation_note", "")

    return _perform(case, "investigate", actor=actor, version=version, data=data, prepare=prepare)


def notify_case(case, *, actor, version, data=None):
    """The prior notice: the measure and fine, checked against the law; the 5-day hearing window opens."""

    def prepare(step):
        d = step.data
        errors = penalties.check_penalty(d["measure"], d.get("fine"), d.get("daily_days"))
        if errors:
            raise InvalidInput(errors=errors)
        today = timezone.localdate()
        step.changes.update(
            measure=d["measure"],
            fine=d.get("fine"),
            daily_days=d.get("daily_days"),
            article=penalties.BASIS[d["measure"]],
            notice_served_on=today,
            hearing_request_due=period_end(today, penalties.HEARING_DAYS),
        )
        if d.get("investigation_note"):
            step.changes["investigation_note"] = d["investigation_note"]

    return _perform(
        case,
        "notify",
        actor=actor,
        version=version,
        data=data,
        prepare=prepare,
        document=DocumentKind.PRIOR_NOTICE,
    )


def record_hearing(case, *, actor, version, data=None):
    def prepare(step):
        if timezone.localdate() > step.obj.hearing_request_due:
            raise InvalidInput.field(
                "defence",
                _("%(law)s: a hearing is requested within 5 days of the notice (until %(date)s).")
                % {"law": penalties.CITE["hearing"], "date": step.obj.hearing_request_due},
            )
        at = step.data.get("hearing_at")
        if at and timezone.localtime(at).date() < timezone.localdate() + dt.timedelta(
            days=penalties.HEARING_NOTICE_DAYS
        ):
            raise InvalidInput.field(
                "hearing_at",
                _("%(law)s: the party is told the time and place at least seven days before the hearing.")
                % {"law": penalties.CITE["hearing_notice"]},
            )
        step.changes.update(hearing_requested=True, defence=step.data.get("defence", ""))

    def after(step):
        at = step.data.get("hearing_at")
        if at:  # the hearing notice (听证通知书) names its time and place
            body = _("The hearing is held at %(at)s, at %(place)s.") % {
                "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
                "place": step.data["hearing_place"],
            }
            issue_document(step.obj, DocumentKind.HEARING_NOTICE, actor=step.actor, body=body)

    return CASE_FLOW.perform(
        case, "hearing", actor=actor, version=version, data=data, prepare=prepare, after=after
    )


def decide_case(case, *, actor, version, data=None):
    def prepare(step):
        today = timezone.localdate()
        if not step.obj.hearing_requested and today <= step.obj.hearing_request_due:
            raise Conflict(
                _("The party may request a hearing until %(date)s; decide after that day.")
                % {"date": step.obj.hearing_request_due}
            )
        step.changes["decided_on"] = today

    return _perform(
        case,
        "decide",
        actor=actor,
        version=version,
        data=data,
        prepare=prepare,
        document=DocumentKind.DECISION,
    )


def deliver_case(case, *, actor, version, data=None):
    def prepare(step):
        delivered = step.data["delivered_on"]
        if delivered < step.obj.decided_on or delivered > timezone.localdate():
            raise InvalidInput.field("delivered_on", _("The delivery falls between the decision and today."))
        step.changes.update(
            delivered_on=delivered,
            payment_due=period_end(delivered, penalties.PAYMENT_DAYS),
            reconsideration_due=period_end(delivered, penalties.RECONSIDERATION_DAYS),
            lawsuit_due=penalties.months_end(delivered, penalties.LAWSUIT_MONTHS),
        )

    return _perform(
        case,
        "deliver",
        actor=actor,
        version=version,
        data=data,
        prepare=prepare,
        document=DocumentKind.DELIVERY,
    )


def pay_case(case, *, actor, version, data=None):
    def prepare(step):
        case = step.obj
        if case.remedy_outcome == RemedyOutcome.REVOKED:
            raise Conflict(_("The decision was revoked; there is no fine to pay."))
        paid = step.data["paid_on"]
        if paid < case.delivered_on or paid > timezone.localdate():
            raise InvalidInput.field("paid_on", _("The payment falls between the delivery and today."))
        fine = penalties.total_fine(case)
        paused = (case.remedy_applied_on, case.remedy_decided_on) if case.remedy_applied_on else None
        surcharge = penalties.late_surcharge(fine, case.payment_due, paid, paused)
        step.changes.update(paid_on=paid, surcharge=surcharge, paid_amount=fine + surcharge)
        step.audit_data.update(surcharge=str(surcharge))

    return _perform(case, "pay", actor=actor, version=version, data=data, prepare=prepare)


REMEDY_RULES = {
    # action: (the case's deadline field, the citation, the outcome's period)
    "reconsider": (
        "reconsideration_due",
        "reconsideration",
        ("days", penalties.RECONSIDERATION_DECISION_DAYS),
    ),
    "sue": ("lawsuit_due", "lawsuit", ("months", penalties.JUDGMENT_MONTHS)),
}


def _remedy_applied(action):
    """A reconsideration or lawsuit applied for within its period from the delivery; its outcome clock starts."""
    due_field, cite, (unit, length) = REMEDY_RULES[action]

    def prepare(step):
        applied, due = step.data["applied_on"], getattr(step.obj, due_field)
        if applied < step.obj.delivered_on or applied > timezone.localdate():
            raise InvalidInput.field("applied_on", _("The application falls between the delivery and today."))
        if applied > due:
            raise InvalidInput.field(
                "applied_on",
                _("%(law)s: the period ended on %(date)s.") % {"law": penalties.CITE[cite], "date": due},
            )
        outcome_due = period_end(applied, length) if unit == "days" else penalties.months_end(applied, length)
        step.changes.update(remedy_applied_on=applied, remedy_outcome_due=outcome_due)

    return prepare


def reconsider_case(case, *, actor, version, data=None):
    prepare = _remedy_applied("reconsider")
    return _perform(case, "reconsider", actor=actor, version=version, data=data, prepare=prepare)


def sue_case(case, *, actor, version, data=None):
    return _perform(case, "sue", actor=actor, version=version, data=data, prepare=_remedy_applied("sue"))


def record_outcome(case, *, actor, version, data=None):
    """Upheld, changed (a changed fine checked against the same article) or revoked; recorded once."""

    def prepare(step):
        case, d = step.obj, step.data
        if case.remedy_outcome:
            raise Conflict(_("The outcome is already recorded."))
        if d["decided_on"] < case.remedy_applied_on or d["decided_on"] > timezone.localdate():
            raise InvalidInput.field("decided_on", _("The outcome falls between the application and today."))
        step.changes.update(
            remedy_outcome=d["outcome"], remedy_decided_on=d["decided_on"], remedy_note=d.get("note", "")
        )
        if d["outcome"] == RemedyOutcome.CHANGED and d.get("fine") is not None:
            errors = penalties.check_penalty(case.measure, d["fine"], case.daily_days)
            if errors:
                raise InvalidInput(errors=errors)
            step.changes["fine"] = d["fine"]
            step.audit_data.update(fine=str(d["fine"]))

    return _perform(case, "outcome", actor=actor, version=version, data=data, prepare=prepare)


def close_case(case, *, actor, version, data=None):
    def prepare(step):
        case = step.obj
        if case.state in REMEDIES and not case.remedy_outcome:
            raise Conflict(_("Record the outcome of the reconsideration or lawsuit first."))
        owed = case.state != CaseState.PAID and case.remedy_outcome != RemedyOutcome.REVOKED
        if owed and penalties.total_fine(case):
            raise Conflict(_("A fine is outstanding; record the payment, reconsideration or lawsuit first."))
        step.changes.update(closed_on=timezone.localdate(), closing_note=step.data["closing_note"])

    return _perform(
        case, "close", actor=actor, version=version, data=data, prepare=prepare, document=DocumentKind.CLOSING
    )


CASE_SERVICES = {
    "investigate": investigate_case,
    "notify": notify_case,
    "hearing": record_hearing,
    "decide": decide_case,
    "deliver": deliver_case,
    "pay": pay_case,
    "reconsider": reconsider_case,
    "sue": sue_case,
    "outcome": record_outcome,
    "close": close_case,
}


class InquiryForm(forms.Form):
    person = forms.CharField(label=gettext_lazy("Person questioned"), max_length=100)
    asked_on = forms.DateField(label=gettext_lazy("Date"))
    content = forms.CharField(
        label=gettext_lazy("The record as one text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        required=False,
        help_text=gettext_lazy("Instead of question by question, e.g. a paper record typed in."),
    )


MAX_EXCHANGES = 200
MAX_QUESTION, MAX_ANSWER = 2000, 10000


def clean_exchanges(value) -> tuple[list[dict], list[str]]:
    """The questions and answers one by one, in the order asked: (cleaned pairs, error messages)."""
    if value in (None, ""):
        return [], []
    if not isinstance(value, list):
        return [], [_("Give the questions and answers as a list, each item with a question and an answer.")]
    if len(value) > MAX_EXCHANGES:
        return [], [_("At most %(count)s questions in one record.") % {"count": MAX_EXCHANGES}]
    pairs, errors = [], []
    for number, item in enumerate(value, start=1):
        question = item.get("question") if isinstance(item, dict) else None
        answer = item.get("answer") if isinstance(item, dict) else None
        if (
            not isinstance(question, str)
            or not isinstance(answer, str)
            or not question.strip()
            or not answer.strip()
        ):
            errors.append(
                _("Question %(number)s: enter both the question and the answer.") % {"number": number}
            )
        elif len(question) > MAX_QUESTION or len(answer) > MAX_ANSWER:
            errors.append(
                _(
                    "Question %(number)s: a question has at most %(question)s characters, an answer %(answer)s."
                )
                % {"number": number, "question": MAX_QUESTION, "answer": MAX_ANSWER}
            )
        else:
            pairs.append({"question": question.strip(), "answer": answer.strip()})
    return (pairs if not errors else []), errors


def add_inquiry(*, actor, case, data, attachments=()) -> InquiryRecord:
    """A record of inquiry during the investigation, numbered, with evidence from the uploads."""
    from attachments.services import link_attachments

    with transaction.atomic():
        if not CASE_FLOW.may(actor, "investigate", case):
            raise NotAllowed(_("Your role may not do this here."))
        if case.state != CaseState.INVESTIGATING:
            raise Conflict(_("Inquiries are recorded during the investigation."))
        form = bind(InquiryForm, data)
        errors = {} if form.is_valid() else {k: list(v) for k, v in form.errors.items()}
        exchanges, problems = clean_exchanges(data.get("exchanges"))
        if problems:
            errors["exchanges"] = problems
        elif not exchanges and not errors and not form.cleaned_data["content"].strip():
            errors["content"] = [_("Enter the questions and answers.")]
        if errors:
            raise InvalidInput(errors=errors)
        document = issue_document(case, DocumentKind.INQUIRY, actor=actor)
        inquiry = InquiryRecord.objects.create(
            case=case, created_by=actor, exchanges=exchanges, document=document, **form.cleaned_data
        )
        link_attachments(actor=actor, attachments=attachments, owner=inquiry, purpose="evidence")
        record(
            case,
            "accountability.case.inquiry_added",
            actor=actor,
            data={"inquiry": inquiry.pk, "number": document.number},
        )
    return inquiry


class PlanForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    planned_inspections = forms.IntegerField(
        label=gettext_lazy("Inspections planned"), min_value=0, max_value=100000
    )
    note = forms.CharField(
        label=gettext_lazy("Whom, when, by which inspectors"), widget=forms.Textarea, required=False
    )


def save_plan(*, actor, data) -> EnforcementPlan:
    with transaction.atomic():
        POLICY.require(actor, "plan_enforcement", obj=actor)
        form = bind(PlanForm, data)
        if not form.is_valid():
            raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
        clean = form.cleaned_data
        plan, created = EnforcementPlan.objects.update_or_create(
            department_id=actor.department_id,
            year=clean["year"],
            defaults={
                "planned_inspections": clean["planned_inspections"],
                "note": clean["note"],
                "created_by": actor,
            },
        )
        record(
            plan,
            "accountability.plan.saved" if not created else "accountability.plan.created",
            actor=actor,
            data=clean,
        )
    return plan


class PlanEntryForm(forms.Form):
    enterprise = forms.IntegerField(label=gettext_lazy("Enterprise (id)"), min_value=1)
    month = forms.IntegerField(label=gettext_lazy("Month"), min_value=1, max_value=12)
    inspectors = forms.CharField(
        label=gettext_lazy("Inspectors"),
        max_length=200,
        help_text=gettext_lazy("The inspectors who go, by name (at least two for an inspection)."),
    )


def may_plan(user, plan) -> bool:
    """The department's own officers keep its plan (the district reads it)."""
    return has_role(user, Role.DEPARTMENT_OFFICER) and user.department_id == plan.department_id


def add_plan_entry(*, actor, plan, data) -> PlanEntry:
    """One enterprise the department inspects in a month of the plan's year, and by whom; once per plan."""
    from registry.models import Enterprise

    with transaction.atomic():
        if not may_plan(actor, plan):
            raise NotAllowed(_("Your role may not do this here."))
        form = bind(PlanEntryForm, data)
        if not form.is_valid():
            raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
        clean = form.cleaned_data
        enterprise = Enterprise.objects.visible_to(actor).filter(pk=clean["enterprise"]).first()
        if enterprise is None:
            raise InvalidInput.field("enterprise", _("Unknown enterprise."))
        if plan.entries.filter(enterprise=enterprise).exists():
            raise Conflict(_("The enterprise is already in this plan."))
        entry = PlanEntry.objects.create(
            plan=plan, enterprise=enterprise, month=clean["month"], inspectors=clean["inspectors"]
        )
        record(
            plan,
            "accountability.plan.entry_added",
            actor=actor,
            data={"entry": entry.pk, "enterprise": enterprise.pk, "month": entry.month},
        )
    return entry
