"""Forms of the configuration screens (jurisdictions, departments). They parse input only; the rules live
in registry.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.choices import JurisdictionKind
from registry.models import Jurisdiction, Sector
from registry.validators import validate_phone


class _Styled:
    def style(self) -> None:
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class JurisdictionForm(_Styled, forms.Form):
    code = forms.CharField(
        label=_("Statistical division code"),
        max_length=20,
        help_text=_("6 digits for the district, 9 for a town or street, 12 for a village or community."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *JurisdictionKind.choices])
    parent = forms.ModelChoiceField(label=_("Parent"), queryset=Jurisdiction.objects.none(), required=False)
    name = forms.CharField(label=_("Chinese name"), max_length=50)
    name_en = forms.CharField(label=_("English name"), max_length=80, required=False)
    lat = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6)
    lng = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Jurisdiction.objects.filter(
            kind__in=["district", "town", "street"], is_active=True
        ).order_by("code")
        if editing:
            # Code, kind and parent are fixed once created (see registry.services.update_jurisdiction).
            for name in ("code", "kind", "parent"):
                del self.fields[name]
        self.style()


class DepartmentForm(_Styled, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("A short English code such as emergency or transport; it cannot be changed later."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    name = forms.CharField(label=_("Chinese name"), max_length=50)
    name_en = forms.CharField(label=_("English name"), max_length=80, required=False)
    document_abbreviation = forms.CharField(
        label=_("Abbreviation in document numbers"),
        max_length=12,
        required=False,
        help_text=_(
            "The department's own abbreviation at the head of its document numbers, e.g. 蓬住建 for "
            "蓬住建罚〔2026〕3号. Left blank, its enforcement documents are numbered in the bureau's series."
        ),
    )
    phone = forms.CharField(
        label=_("Duty phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
        validators=[validate_phone],
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Supervised sectors"),
        queryset=Sector.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Its officers see the enterprises of these sectors."),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
        self.style()


class BoundaryImportForm(_Styled, forms.Form):
    file = forms.FileField(
        label=_("Boundaries file (GeoJSON)"),
        help_text=_(
            "A FeatureCollection in WGS 84, one polygon per town or street with its statistical code in "
            'the feature\'s properties as "code". A file with any error changes nothing.'
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".geojson,.json,application/geo+json,application/json"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class BaseMapImportForm(_Styled, forms.Form):
    file = forms.FileField(
        label=_("Base map file (GeoJSON)"),
        help_text=_(
            "A FeatureCollection in WGS 84 of the district's outline, towns, rivers and roads, each feature's "
            'kind in its properties as "kind": district, town, river, motorway, trunk or primary. A file with '
            "any error changes nothing."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".geojson,.json,application/geo+json,application/json"}
        ),
    )
