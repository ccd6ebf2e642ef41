"""Field pages (mobile first): my tasks, open a task, item by item with autosave, photos, finish, PDFs."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import timeline
from core.errors import DomainError, InvalidInput
from core.idempotency import idempotent
from core.pdf import pdf_response
from core.scoping import get_visible_or_404
from core.views import posted_or_blank, refuse_to_page, refused_button
from inspections import services
from inspections.choices import InspectionState, Result, TaskState
from inspections.documents import inspection_record_pdf, rectification_order_pdf
from inspections.forms import DetailsForm, TaskAssignForm
from inspections.models import ChecklistTemplate, Inspection, InspectionTask, ItemResult
from inspections.services.common import safe_id
from inspections.services.fieldwork import (
    PHOTO_PURPOSE,
    AnswerChanged,
    hazard_prefill,
    item_prefill,
    items_to_answer,
)
from inspections.views.common import can_inspect, can_plan, error_text, flash_error
from registry.models import Enterprise


@login_required
def task_list(request):
    qs = InspectionTask.objects.visible_to(request.user).select_related("enterprise", "campaign", "town")
    mine = request.GET.get("mine", "1" if request.user.has_role("inspector") else "") == "1"
    if mine:
        qs = qs.filter(inspectors=request.user)
    state = request.GET.get("state", "pending")
    if state == "pending":
        qs = qs.pending()
    elif state in TaskState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs.order_by("deadline", "id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/task_list.html",
        {
            "page_obj": page,
            "mine": mine,
            "state": state,
            "states": TaskState.choices,
            "today": timezone.localdate(),
        },
    )


def _task(request, pk):
    return get_visible_or_404(
        InspectionTask.objects.select_related("enterprise", "campaign", "template", "town").prefetch_related(
            "inspectors"
        ),
        request.user,
        pk=pk,
    )


@login_required
def task_detail(request, pk: int):
    task = _task(request, pk)
    inspection = Inspection.objects.filter(task=task).first()
    can_reassign = can_plan(request.user) and task.state == TaskState.OPEN
    return render(
        request,
        "inspections/task_detail.html",
        {
            "can_reassign": can_reassign,
            "assign_form": posted_or_blank(
                request,
                "assign_form",
                TaskAssignForm,
                initial={"deadline": task.deadline, "inspectors": list(task.inspectors.all())},
            )
            if can_reassign
            else None,
            "task": task,
            "inspection": inspection,
            "can_inspect": can_inspect(request.user),
            "today": timezone.localdate(),
            **(_offline_start(task) if inspection is None and can_inspect(request.user) else {}),
        },
    )


def _offline_start(task) -> dict:
    """The checklist of a task not yet started, on its page: started without signal, the inspection is
    answered here at the task's addresses and sent, start first, when the signal returns."""
    if task.state != TaskState.OPEN:
        return {}
    blank = {"result": "", "note": "", "updated_at": None, "hazard_id": None}
    items = items_to_answer(task.template)
    return {
        "offline_rows": [(SimpleNamespace(item=item, item_id=item.pk, **blank), []) for item in items],
        "finish_items": [(item, item_prefill(item)) for item in items],
        **_hazard_choices(),
        "details_form": DetailsForm(initial={"place": (task.enterprise.address or "")[:200]}),
        "results_choices": [c for c in Result.choices if c[0] != Result.PENDING],
    }


@login_required
@require_POST
def task_reassign(request, pk: int):
    task = _task(request, pk)
    form = TaskAssignForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
        services.reassign_task(
            actor=request.user, task=task, version=request.POST.get("version"), **form.cleaned_data
        )
    except DomainError as exc:
        return refuse_to_page(request, exc, task.get_absolute_url(), "assign_form")
    messages.success(request, _("The task was reassigned."))
    return redirect(task)


@login_required
@require_POST
def task_start(request, pk: int):
    task = _task(request, pk)
    try:
        inspection = services.start_inspection(
            actor=request.user, task=task, started_at=request.POST.get("started_at") or None
        )
    except DomainError as exc:
        return refused_button(request, exc, lambda: task_detail(request, pk))
    return redirect(inspection)


@login_required
def inspection_new(request):
    """An unplanned inspection of one enterprise in the user's area."""
    if not can_inspect(request.user):
        raise PermissionDenied
    enterprise = get_visible_or_404(
        Enterprise.objects.all(),
        request.user,
        pk=request.GET.get("enterprise") or request.POST.get("enterprise"),
    )
    templates = (
        ChecklistTemplate.objects.current().select_related("sector").order_by("sector__order", "family")
    )
    status = 200
    if request.method == "POST":
        template = templates.filter(pk=safe_id(request.POST.get("template"))).first()
        try:
            inspection = services.start_inspection(
                actor=request.user, enterprise=enterprise, template=template
            )
        except DomainError as exc:
            flash_error(request, exc)
            status = exc.status_code
        else:
            return redirect(inspection)
    codes = set(enterprise.sectors.values_list("code", flat=True))
    return render(
        request,
        "inspections/inspection_new.html",
        {
            "enterprise": enterprise,
            "templates": templates,
            "suggested": [t for t in templates if t.sector_id in codes],
        },
        status=status,
    )


@login_required
def inspection_list(request):
    qs = Inspection.objects.visible_to(request.user).select_related(
        "enterprise", "town", "template", "inspector"
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(record_serial__icontains=q))
    state = request.GET.get("state", "")
    if state in InspectionState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs.order_by("-started_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/inspection_list.html",
        {"page_obj": page, "q": q, "state": state, "states": InspectionState.choices},
    )


def _inspection(request, pk):
    return get_visible_or_404(
        Inspection.objects.select_related(
            "enterprise", "town", "template", "inspector", "task__campaign"
        ).prefetch_related(
            Prefetch("results", ItemResult.objects.select_related("item__criterion").order_by("item__number"))
        ),
        request.user,
        pk=pk,
    )


def _photos(results) -> dict[int, list]:
    from attachments.models import Attachment

    by_result: dict[int, list] = {}
    ids = [r.pk for r in results]
    for photo in Attachment.objects.filter(
        owner_type="inspections.itemresult", owner_id__in=ids, purpose=PHOTO_PURPOSE
    ):
        by_result.setdefault(photo.owner_id, []).append(photo)
    return by_result


def _may_write(request, inspection) -> bool:
    if not inspection.is_draft or not can_inspect(request.user):
        return False
    if inspection.inspector_id == request.user.pk:
        return True
    if inspection.task_id and inspection.task.inspectors.filter(pk=request.user.pk).exists():
        return True
    return bool(request.user.role_codes & {"town_officer", "department_officer", "district_admin"})


@login_required
def inspection_detail(request, pk: int):
    inspection = _inspection(request, pk)
    results = list(inspection.results.all())
    photos = _photos(results)
    rows = [(r, photos.get(r.pk, [])) for r in results]
    answered = sum(1 for r in results if r.result != Result.PENDING)
    writable = _may_write(request, inspection)
    return render(
        request,
        "inspections/inspection_field.html" if writable else "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "rows": rows,
            "answered": answered,
            "total": len(results),
            "failed": sum(1 for r in results if r.result == Result.FAIL),
            "details_form": DetailsForm(
                initial={
                    f: getattr(inspection, f)
                    for f in ("place", "people_present", "co_inspectors", "summary", "rectification_days")
                }
            ),
            "results_choices": [c for c in Result.choices if c[0] != Result.PENDING],
            "finish_items": [(r.item, item_prefill(r.item)) for r in results if writable],
            **_hazard_choices(),
            "events": timeline(inspection),
        },
    )


@login_required
@require_POST
@idempotent
def item_save(request, pk: int, item_id: int):
    """HTMX autosave of one item; answers a small status line (the draft is on the server)."""
    inspection = _inspection(request, pk)
    try:
        row = services.save_item_result(
            actor=request.user,
            inspection=inspection,
            item_id=item_id,
            result=request.POST.get("result", Result.PENDING),
            note=request.POST.get("note", ""),
            based_on=request.POST.get("based_on"),
        )
    except AnswerChanged as exc:
        # Both answers side by side, the inspector chooses (offline.js): keep mine / take theirs.
        context = {
            "conflict": exc.current,
            "mine": request.POST,
            "theirs_label": Result(exc.current.result).label,
            "mine_label": Result(request.POST.get("result", Result.PENDING)).label,
        }
        return render(request, "inspections/_save_status.html", context, status=exc.status_code)
    except DomainError as exc:
        return render(
            request, "inspections/_save_status.html", {"error": error_text(exc)}, status=exc.status_code
        )
    return render(request, "inspections/_save_status.html", {"row": row, "saved_at": timezone.localtime()})


@login_required
@require_POST
@idempotent
def item_photo(request, pk: int, item_id: int):
    inspection = _inspection(request, pk)
    error = ""
    try:
        services.add_item_photo(
            actor=request.user,
            inspection=inspection,
            item_id=item_id,
            upload=request.FILES.get("file"),
            lat=request.POST.get("lat") or None,
            lng=request.POST.get("lng") or None,
            taken_at=request.POST.get("taken_at") or None,
        )
    except DomainError as exc:
        error = error_text(exc)
    row = ItemResult.objects.filter(inspection=inspection, item_id=item_id).first()
    if row is None:
        raise Http404
    photos = _photos([row]).get(row.pk, [])
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return redirect(inspection)
    return render(
        request, "inspections/_photos.html", {"photos": photos, "error": error}, status=400 if error else 200
    )


@login_required
@require_POST
def details_save(request, pk: int):
    inspection = _inspection(request, pk)
    form = DetailsForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Check the details."), status=400)
    try:
        services.update_inspection_details(actor=request.user, inspection=inspection, **form.cleaned_data)
    except DomainError as exc:
        return render(
            request, "inspections/_save_status.html", {"error": error_text(exc)}, status=exc.status_code
        )
    if not request.headers.get("HX-Request"):
        return redirect(inspection)
    return render(request, "inspections/_save_status.html", {"saved_at": timezone.localtime()})


def _task_inspection_pk(request, pk: int) -> int:
    """The inspection its task started (404 before that). The task page answers an inspection started without
    signal at its task's addresses, which it knows before the server has the inspection."""
    task = _task(request, pk)
    inspection_pk = Inspection.objects.filter(task=task).values_list("pk", flat=True).first()
    if inspection_pk is None:
        raise Http404
    return inspection_pk


@login_required
@require_POST
def task_item_save(request, pk: int, item_id: int):
    return item_save(request, _task_inspection_pk(request, pk), item_id)


@login_required
@require_POST
def task_item_photo(request, pk: int, item_id: int):
    return item_photo(request, _task_inspection_pk(request, pk), item_id)


@login_required
@require_POST
def task_details_save(request, pk: int):
    return details_save(request, _task_inspection_pk(request, pk))


@login_required
@idempotent
def inspection_finish(request, pk: int):
    """Confirm the hazards prefilled from the failed items, then finish."""
    inspection = _inspection(request, pk)
    if not _may_write(request, inspection):
        raise PermissionDenied
    failed = [r for r in inspection.results.all() if r.result == Result.FAIL]
    status, typed = 200, {}
    if request.method == "POST":
        typed = {row.pk: _typed_hazard(request.POST, row.item_id) for row in failed}
        try:
            services.finish_inspection(
                actor=request.user, inspection=inspection, hazards=typed, **_finish_basis(request)
            )
        except DomainError as exc:
            flash_error(request, exc)
            status = exc.status_code  # the page again, with what the inspector confirmed kept
            inspection.refresh_from_db()
        else:
            messages.success(
                request, _("The inspection is finished; %(n)d hazards were registered.") % {"n": len(failed)}
            )
            return redirect(inspection)
    return render(
        request,
        "inspections/inspection_finish.html",
        _finish_context(request, inspection, failed, typed),
        status=status,
    )


def _finish_basis(request) -> dict:
    """What the finish stands on, as posted: the version the page was read at, or, for a finish confirmed
    without signal, the answers the inspector saw (`seen-<item>`; the service checks them)."""
    seen = {
        int(name[5:]): value
        for name, value in request.POST.items()
        if name.startswith("seen-") and name[5:].isdigit()
    }
    return {
        "version": request.POST.get("version"),
        "seen": seen or None,
        "not_operating": request.POST.get("not_operating") == "on",
    }


def _hazard_choices() -> dict:
    """The choices a failed item's hazard is confirmed with, on the finish page and the field page's
    finish without signal."""
    from inspections.choices import HazardCategory, HazardLevel

    return {"categories": HazardCategory.choices, "levels": HazardLevel.choices}


def _finish_context(request, inspection, failed: list, typed: dict) -> dict:
    photos = _photos(failed)
    return {
        "inspection": inspection,
        "prefills": [
            (row, {**hazard_prefill(row), **typed.get(row.pk, {})}, photos.get(row.pk, [])) for row in failed
        ],
        "pending": [r for r in inspection.results.all() if r.result == Result.PENDING],
        **_hazard_choices(),
        "not_operating": request.POST.get("not_operating") == "on",
    }


@login_required
def task_finish(request, pk: int):
    """The finish of an inspection started without signal, addressed by its task (404 before the start)."""
    return inspection_finish(request, _task_inspection_pk(request, pk))


def _typed_hazard(post, item_id: int) -> dict:
    """The hazard values the inspector confirmed for one failed item, as posted (named by the item, which
    the phone knows without signal)."""
    return {key: post.get(f"{key}-{item_id}", "") for key in ("title", "category", "level", "description")}


@login_required
def inspection_pdf(request, pk: int, kind: str):
    inspection = _inspection(request, pk)
    if kind == "order":
        if inspection.state != InspectionState.FINISHED or not inspection.order_serial:
            raise Http404
        return pdf_response(
            rectification_order_pdf(inspection), f"order-{inspection.order_serial or inspection.pk}"
        )
    return pdf_response(
        inspection_record_pdf(inspection), f"inspection-{inspection.record_serial or inspection.pk}"
    )
