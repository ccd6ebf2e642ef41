"""The run-time settings screen of the system administrator (System → Settings). The views parse the form,
call `core.services.change_setting` / `reset_setting` and render; other roles get 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import services
from core.config import REGISTRY
from core.errors import DomainError
from core.forms import SettingForm
from core.selectors import setting_rows
from core.views import apply_domain_errors, page_status, refused_button


def _require_settings_manager(request) -> None:
    if not services.may_change_settings(request.user):
        raise PermissionDenied


def _render(request, *, bound: SettingForm | None = None, status: int = 200):
    rows = []
    for row in setting_rows():
        if bound is not None and bound.spec.name == row.name:
            form = bound
        else:
            form = SettingForm(
                row.spec, initial={"name": row.name, "version": row.version, "value": row.value}
            )
        rows.append({"row": row, "form": form})
    return render(request, "core/admin/settings.html", {"rows": rows, "section": "settings"}, status=status)


@login_required
def settings_page(request):
    _require_settings_manager(request)
    if request.method != "POST":
        return _render(request)
    spec = REGISTRY.get(request.POST.get("name", ""))
    if spec is None:
        messages.error(request, _("There is no such setting."))
        return redirect("core:admin_settings")
    form = SettingForm(spec, request.POST)
    if form.is_valid():
        try:
            services.change_setting(
                actor=request.user,
                name=spec.name,
                value=form.cleaned_data["value"],
                version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("%(setting)s was saved.") % {"setting": spec.label})
            return redirect(f"{request.path}#setting-{spec.name}")
    messages.error(request, _("Please correct the errors below."))
    return _render(request, bound=form, status=page_status(form))


@login_required
@require_POST
def setting_reset(request):
    _require_settings_manager(request)
    spec = REGISTRY.get(request.POST.get("name", ""))
    if spec is None:
        messages.error(request, _("There is no such setting."))
        return redirect("core:admin_settings")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.reset_setting(actor=request.user, name=spec.name, version=version)
    except DomainError as exc:
        return refused_button(request, exc, lambda: _render(request))
    messages.success(request, _("%(setting)s is back to the deployment's value.") % {"setting": spec.label})
    return redirect(f"{reverse('core:admin_settings')}#setting-{spec.name}")
