"""Writes of the cockpit: the district's wording of the periodic reports (one audit event each)."""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record
from cockpit.models import ReportTemplate
from cockpit.policy import REPORT_MANAGERS
from core.errors import Conflict, InvalidInput, NotAllowed
from core.forms import bind

PLACEHOLDERS = ("{scope}", "{period}")


class TemplateForm(forms.Form):
    intro = forms.CharField(label=gettext_lazy("Opening paragraph"), max_length=2000, widget=forms.Textarea)
    closing = forms.CharField(label=gettext_lazy("Closing paragraph"), max_length=2000, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        for name in ("intro", "closing"):
            text = data.get(name) or ""
            try:
                text.format(scope="", period="")
            except (KeyError, IndexError, ValueError):
                self.add_error(name, _("Use only the placeholders {scope} and {period}, each in braces."))
        return data


@transaction.atomic
def update_report_template(template: ReportTemplate, *, actor, data) -> ReportTemplate:
    if not actor.role_codes & REPORT_MANAGERS:
        raise NotAllowed(_("Your role may not change the report wording."))
    form = bind(TemplateForm, data)
    if not form.is_valid():
        raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
    clean = form.cleaned_data
    changed = ReportTemplate.objects.filter(pk=template.pk, version=clean["version"]).update(
        intro=clean["intro"], closing=clean["closing"], updated_by=actor, version=F("version") + 1
    )
    if changed != 1:
        raise Conflict()
    before = {"intro": template.intro, "closing": template.closing}
    template.refresh_from_db()
    record(
        template,
        "cockpit.reporttemplate.updated",
        actor=actor,
        data={
            "changes": {
                k: [before[k], getattr(template, k)] for k in before if before[k] != getattr(template, k)
            }
        },
    )
    return template
