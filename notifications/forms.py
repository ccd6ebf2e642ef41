"""The webhook registration form: the one validation of its input, for the page and the service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications import webhooks

MIN_SECRET = 16


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.URLField(
        label=_("Address (URL)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("HTTPS address of the receiving system."),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        min_length=MIN_SECRET,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 16 characters; the receiver checks the signature header with it."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every event."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = webhooks.event_choices()

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.lower().startswith("https://"):
            raise forms.ValidationError(_("Use an HTTPS address: the events carry personal data."))
        return url
