"""The webhook registration form: the shape of its input, for the page and the service; the rules on it
(HTTPS only) are `services.register_webhook`'s."""

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
