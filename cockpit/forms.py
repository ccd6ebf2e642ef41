"""The input of the cockpit's own pages: a wall display's name (creating and renaming one)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class WallDisplayForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the display"),
        max_length=60,
        help_text=_("Where the screen hangs, so that it can be told apart from the others."),
    )
