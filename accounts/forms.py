from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.security import GENERIC_FAILURE


class LoginForm(AuthenticationForm):
    error_messages = {
        # One generic message whether or not the user exists, and whether or not it is locked.
        "invalid_login": GENERIC_FAILURE,
        "inactive": GENERIC_FAILURE,
    }

    @classmethod
    def refused(cls, request, message, username: str = "") -> "LoginForm":
        """An unbound form carrying one message (locked, throttled): credentials were not even checked."""
        from django.forms.utils import ErrorDict

        form = cls(request, initial={"username": username})
        form._errors = ErrorDict()
        form.cleaned_data = {}
        form.add_error(None, message)
        return form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Repeat the new password"),
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords differ."))
        return data


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )


class PasswordResetRequestForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "username"}),
    )


class SetPasswordForm(forms.Form):
    new_password1 = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Repeat the new password"),
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords differ."))
        return data


class IdNumberField(forms.CharField):
    """A resident ID number (R-REG-3): 18 characters with a valid check digit, stored encrypted."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Resident ID number"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        from registry.validators import id_number_error

        value = (super().clean(value) or "").strip().upper()
        if value:
            error = id_number_error(value)
            if error:
                raise forms.ValidationError(error)
        return value


class RevealReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the full number?"),
        min_length=4,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class StepUpForm(forms.Form):
    """The proof of a step-up: a fresh authenticator code, or the password for a user without one."""

    proof = forms.CharField(max_length=4096, strip=False)

    def __init__(self, *args, factor: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["proof"]
        if factor == "totp":
            field.label = _("Six-digit code from your authenticator app")
            field.widget = forms.TextInput(
                attrs={
                    "class": "form-control",
                    "autocomplete": "one-time-code",
                    "inputmode": "numeric",
                    "autofocus": True,
                }
            )
            self.failure_message = _(
                "The code is not correct, or it was already used. Wait for the next code."
            )
        else:
            field.label = _("Your password")
            field.widget = forms.PasswordInput(
                attrs={"class": "form-control", "autocomplete": "current-password", "autofocus": True}
            )
            self.failure_message = _("The password is not correct.")
