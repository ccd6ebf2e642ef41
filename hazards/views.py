"""Hazard pages: list (filters, search, ledger export), register, detail, one form per action.

Views parse input, pass the gate (`get_hazard_for_user`: out of scope is 404) and call one service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attachments.models import Attachment
from attachments.services import store_attachment
from attachments.uploads import store_uploads
from audit.labels import action_label, actor_label
from audit.services import timeline
from core.errors import Conflict, DomainError
from core.idempotency import idempotent
from core.masking import phone_for
from core.params import id_param
from core.views import ListPage, apply_domain_errors, domain_error_text
from hazards import forms, services
from hazards.choices import EvidencePurpose, ExtensionState, State
from hazards.exports import ledger_columns, ledger_rows
from hazards.filters import HazardFilter, search_hazards
from hazards.models import Hazard, HazardRecheck
from hazards.policy import POLICY
from hazards.rules import FLOW, available_actions, may, state_allows
from hazards.selectors import get_hazard_for_user


class HazardListPage(ListPage):
    template_name = "hazards/hazard_list.html"
    rows_template = "hazards/_hazard_rows.html"
    filterset_class = HazardFilter
    sort_fields = {
        "reported": "reported_at",
        "deadline": "deadline",
        "town": "town__code",
        "enterprise": "enterprise__name",
        "state": "state",
        "level": "level",
    }
    default_sort = "-reported_at"
    export_name = "hazard-ledger"

    def queryset(self):
        return Hazard.objects.visible_to(self.request.user).for_list()

    def search(self, qs, q):
        return search_hazards(qs, q)

    def export_columns(self):
        return ledger_columns()

    def export_queryset(self, qs):
        return ledger_rows(qs)

    def export_sheet_title(self):
        # The ledger (隐患台账) of the filtered, scoped list: the period is the registration date filter.
        return _("Hazard ledger")


@login_required
def hazard_list(request):
    folded = set(HazardFilter.base_filters) - {"q", "state", "enterprise"}
    return HazardListPage(request).response(
        {
            "can_report": POLICY.can(request.user, "report"),
            # A filter the phone folds away is shown unfolded when it is in use.
            "more_filters": any(request.GET.get(name) for name in folded),
        }
    )


def _store_uploads(request, files, field: str, *, lat=None, lng=None) -> list[Attachment]:
    return store_uploads(request.user, files, field, lat=lat, lng=lng)


def _store_each(
    request, files, *, lat=None, lng=None, taken: list | None = None
) -> tuple[list[Attachment], list[str]]:
    """Store every acceptable upload at once, so a form refused for another field keeps its photos.

    Returns the stored files (unlinked, the uploader's own until the form succeeds) and one message per
    refused file, naming it, so a refused photo is never mistaken for an attached one.
    """
    stored, refused = [], []
    taken = taken or []  # each photo's EXIF time, in the photos' order, when the phone read them
    for index, upload in enumerate(files):
        taken_at = taken[index] if index < len(taken) else None
        try:
            stored.append(
                store_attachment(actor=request.user, upload=upload, lat=lat, lng=lng, taken_at=taken_at)
            )
        except DomainError as exc:
            refused.append(f"{upload.name}: {domain_error_text(exc, ' ')}")
    return stored, refused


def _kept_attachments(request, *, owner=None, purpose: str = "") -> list[Attachment]:
    """The files an earlier round of this form stored, named by id on the page (`kept`): only the user's own
    unlinked uploads, or files already on `owner` for `purpose`; anything else is ignored."""
    ids = {int(v) for v in request.POST.getlist("kept") if v.isdigit() and len(v) < 19}
    if not ids:
        return []
    allowed = Q(owner_type="", uploaded_by=request.user)
    if owner is not None:
        allowed |= Q(owner_type=owner._meta.label_lower, owner_id=owner.pk, purpose=purpose)
    return list(Attachment.objects.filter(allowed, pk__in=ids).order_by("id"))


def _photos_round(request, *, owner=None, purpose: str = "") -> tuple[list[Attachment], list[str]]:
    """One POST of a form with photos: the files kept from before plus the ones chosen now."""
    kept = _kept_attachments(request, owner=owner, purpose=purpose)
    new, refused = _store_each(
        request,
        request.FILES.getlist("photos"),
        lat=request.POST.get("lat"),
        lng=request.POST.get("lng"),
        taken=request.POST.getlist("taken_at"),
    )
    return kept + new, refused


@login_required
@idempotent
def hazard_create(request):
    if not POLICY.can(request.user, "report"):
        raise PermissionDenied
    initial = {}
    enterprise = id_param(request, "enterprise")
    if enterprise:
        initial["enterprise"] = enterprise
    form = forms.ReportForm(request.POST or None, user=request.user, initial=initial)
    kept: list[Attachment] = []
    if request.method == "POST":
        kept, refused = _photos_round(request)
        valid = form.is_valid()
        for message in refused:
            form.add_error("photos", message)
        if valid and not refused:
            data = dict(form.cleaned_data)
            data.pop("photos", None)
            data.pop("lat", None)
            data.pop("lng", None)
            try:
                hazard = services.report_hazard(
                    actor=request.user,
                    **{
                        k: v
                        for k, v in data.items()
                        if v not in (None, "") or k in ("title", "category", "source")
                    },
                    attachments=kept,
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, _("The hazard is registered."))
                return redirect(hazard)
    return render(
        request,
        "hazards/hazard_form.html",
        {"form": form, "kept_photos": kept},
        status=400 if form.errors else 200,
    )


@login_required
def hazard_detail(request, pk: int):
    hazard = get_hazard_for_user(request.user, pk)
    evidence = list(Attachment.objects.for_owner(hazard).select_related("uploaded_by"))
    events = list(timeline(hazard))
    pending = hazard.extensions.filter(state=ExtensionState.PENDING).first()
    actions = available_actions(request.user, hazard)
    if pending is None:
        actions = [a for a in actions if a != "decide_extension"]
    else:
        actions = [a for a in actions if a != "request_extension"]
    if hazard.listed:
        actions = [a for a in actions if a != "supervise"]
    else:
        actions = [a for a in actions if a != "progress"]
    if not (hazard.listed and hazard.overdue):
        actions = [a for a in actions if a != "explain"]
    if not hazard.is_major:
        actions = [a for a in actions if a != "plan"]
    return render(
        request,
        "hazards/hazard_detail.html",
        {
            "hazard": hazard,
            # R-REG-2: the responsible person's phone, masked for roles without the need.
            "responsible_phone": phone_for(request.user, hazard.responsible_phone, hazard.enterprise_id),
            "evidence_groups": [
                ([a for a in evidence if a.purpose == EvidencePurpose.BEFORE], _("Before rectification")),
                ([a for a in evidence if a.purpose == EvidencePurpose.AFTER], _("After rectification")),
            ],
            "plans": [a for a in evidence if a.purpose == EvidencePurpose.PLAN],
            "timeline": [_event(e) for e in events],
            "extensions": list(hazard.extensions.select_related("requested_by", "decided_by")),
            "pending_extension": pending,
            "progress_notes": list(hazard.progress_notes.select_related("author")),
            "actions": [(a, FLOW[a].label, FLOW[a].style) for a in actions if a in ACTIONS],
            "days_left": hazard.days_left(),
            "can_print_notice": hazard.state not in (State.REPORTED, State.CANCELLED),
            "can_print_acceptance": hazard.state in (State.ACCEPTED, State.CLOSED),
            # R-HAZ-12: the government's re-check of a sampled self-closed hazard, for those who do it.
            "recheck": HazardRecheck.objects.filter(hazard=hazard).first()
            if POLICY.can(request.user, "recheck")
            else None,
        },
    )


DETAIL_KEYS = ("reason", "note", "rectification_note", "text", "authority", "new_deadline")


def _event(event) -> dict:
    data = event.data or {}
    states = dict(State.choices)
    return {
        "at": event.at,
        "actor": actor_label(event),
        "label": action_label(event.action),
        "from_state": data.get("from_state", ""),
        "to_state": data.get("to_state", ""),
        "from_label": states.get(data.get("from_state", ""), ""),
        "to_label": states.get(data.get("to_state", ""), ""),
        "detail": next((str(data[k]) for k in DETAIL_KEYS if data.get(k)), ""),
    }


def _plan(data) -> dict:
    return {k: data.get(k, "") for k in data if k.startswith("plan_") and k != "plan_document"}


def _assign(request, hazard, data):
    documents = _store_uploads(request, data.get("plan_document") or [], "plan_document")
    services.assign_rectification(
        actor=request.user,
        hazard=hazard,
        version=data["version"],
        measures=data["measures"],
        responsible_person=data["responsible_person"],
        responsible_phone=data.get("responsible_phone", ""),
        funds=data["funds"],
        deadline=data.get("deadline"),
        contingency_plan=data.get("contingency_plan", ""),
        plan=_plan(data) or None,
        plan_attachments=documents,
    )


def _plan_save(request, hazard, data):
    documents = _store_uploads(request, data.get("plan_document") or [], "plan_document")
    services.save_treatment_plan(
        actor=request.user, hazard=hazard, version=data["version"], plan=_plan(data), attachments=documents
    )


def _submit(request, hazard, data):
    services.submit_rectification(
        actor=request.user,
        hazard=hazard,
        version=data["version"],
        rectification_note=data["rectification_note"],
        cost=data.get("cost"),
        attachments=data["kept_photos"],
    )


def _resubmission(hazard: Hazard, action: str) -> dict:
    """After a send-back the submit form starts from the previous submission (note and cost), so nothing
    already reported has to be typed again, nor is lost from the acceptance record."""
    if action != "submit" or not hazard.rejections:
        return {}
    return {"rectification_note": hazard.rectification_note, "cost": hazard.cost}


def _accept(request, hazard, data):
    """验收; for an ordinary hazard whose acceptor may also close it, 销号 in the same confirmation."""
    services.accept_rectification(
        actor=request.user, hazard=hazard, version=data["version"], note=data["note"]
    )
    if data.get("close_too"):
        hazard.refresh_from_db()
        services.close_hazard(actor=request.user, hazard=hazard, version=hazard.version, note=data["note"])


@dataclass(frozen=True)
class ActionPage:
    """The page of one transition of `rules.FLOW`: its label and button style are the table's, not copied."""

    form: type
    call: Any
    done: Any
    # Photos stored when the form is posted and kept (by id on the page) when it comes back with errors.
    photos_purpose: str = ""


ACTIONS: dict[str, ActionPage] = {
    "assign": ActionPage(
        forms.AssignForm,
        _assign,
        gettext_lazy("Rectification assigned."),
    ),
    "plan": ActionPage(
        forms.PlanForm,
        _plan_save,
        gettext_lazy("Treatment plan saved."),
    ),
    "submit": ActionPage(
        forms.SubmitForm,
        _submit,
        gettext_lazy("Submitted for acceptance."),
        photos_purpose=EvidencePurpose.AFTER,
    ),
    "accept": ActionPage(
        forms.AcceptForm,
        _accept,
        gettext_lazy("Rectification accepted."),
    ),
    "reject": ActionPage(
        forms.RejectForm,
        lambda r, h, d: services.reject_rectification(
            actor=r.user, hazard=h, version=d["version"], reason=d["reason"]
        ),
        gettext_lazy("Rectification rejected."),
    ),
    "close": ActionPage(
        forms.CloseForm,
        lambda r, h, d: services.close_hazard(actor=r.user, hazard=h, version=d["version"], note=d["note"]),
        gettext_lazy("Hazard closed."),
    ),
    "cancel": ActionPage(
        forms.CancelForm,
        lambda r, h, d: services.cancel_hazard(
            actor=r.user, hazard=h, version=d["version"], reason=d["reason"]
        ),
        gettext_lazy("Hazard cancelled."),
    ),
    "supervise": ActionPage(
        forms.SuperviseForm,
        lambda r, h, d: services.supervise_hazard(
            actor=r.user,
            hazard=h,
            version=d["version"],
            authority=d["authority"],
            due_date=d["due_date"],
            document_number=d["document_number"],
            supervising_department=d.get("supervising_department"),
        ),
        gettext_lazy("The hazard is under listed supervision."),
    ),
    "request_extension": ActionPage(
        forms.ExtensionRequestForm,
        lambda r, h, d: services.request_extension(
            actor=r.user, hazard=h, version=d["version"], new_deadline=d["new_deadline"], reason=d["reason"]
        ),
        gettext_lazy("Extension requested."),
    ),
    "decide_extension": ActionPage(
        forms.ExtensionDecisionForm,
        lambda r, h, d: services.decide_extension(
            actor=r.user,
            hazard=h,
            version=d["version"],
            approve=d["decision"] == "approve",
            note=d["note"],
            deadline=d.get("deadline"),
        ),
        gettext_lazy("Extension decided."),
    ),
    "progress": ActionPage(
        forms.ProgressForm,
        lambda r, h, d: services.add_progress_note(actor=r.user, hazard=h, month=d["month"], text=d["text"]),
        gettext_lazy("Progress note saved."),
    ),
    "explain": ActionPage(
        forms.ExplainForm,
        lambda r, h, d: services.explain_delay(actor=r.user, hazard=h, version=d["version"], text=d["text"]),
        gettext_lazy("Explanation saved."),
    ),
}


@login_required
def hazard_action(request, pk: int, action: str):
    page = ACTIONS.get(action)
    if page is None:
        raise Http404
    hazard = get_hazard_for_user(request.user, pk)
    if not may(request.user, action, hazard):
        raise PermissionDenied
    status = 200
    form = page.form(
        request.POST or None,
        None if page.photos_purpose else (request.FILES or None),
        hazard=hazard,
        user=request.user,
        initial={"version": hazard.version, **_resubmission(hazard, action)},
    )
    if not state_allows(action, hazard.state):
        # The page again with the reason on top, answering 409: a redirect would hide the refusal.
        form.add_error(None, FLOW.refusal(hazard))
        return _action_page(request, form, hazard, action, None, status=409)
    kept: list[Attachment] | None = None
    refused: list[str] = []
    if page.photos_purpose:
        if request.method == "POST":
            kept, refused = _photos_round(request, owner=hazard, purpose=page.photos_purpose)
        else:
            # A resubmission after a send-back starts from what was submitted, photos included.
            kept = list(Attachment.objects.for_owner(hazard, page.photos_purpose))
    if request.method == "POST":
        valid = form.is_valid()
        for message in refused:
            form.add_error("photos", message)
        if valid and not refused:
            try:
                with transaction.atomic():
                    page.call(request, hazard, {**form.cleaned_data, "kept_photos": kept or []})
            except Conflict as exc:
                form.add_error(None, str(exc.message))
                status = 409
            except DomainError as exc:
                apply_domain_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(request, str(page.done))
                return redirect(hazard)
        else:
            status = 400
    return _action_page(request, form, hazard, action, kept, status=status)


def _action_page(request, form, hazard, action: str, kept, *, status: int):
    context = {
        "form": form,
        "hazard": hazard,
        "action": action,
        "title": FLOW[action].label,
        "kept_photos": kept,
    }
    return render(request, "hazards/action_form.html", context, status=status)
