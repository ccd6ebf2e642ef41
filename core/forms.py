from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.config import SettingSpec, SettingType
from core.errors import InvalidInput


class SettingForm(forms.Form):
    """One setting's new value. Only the type is parsed here; the bounds are the service's (one place)."""

    name = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, spec: SettingSpec, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        label = _("New value")
        if spec.type == SettingType.INT:
            self.fields["value"] = forms.IntegerField(label=label, help_text=spec.unit)
            # The bounds as hints for the browser; the service refuses out-of-bounds values anyway.
            self.fields["value"].widget.attrs.update(
                {k: v for k, v in (("min", spec.min_value), ("max", spec.max_value)) if v is not None}
                | {"class": "form-control form-control-sm"}
            )
        elif spec.type == SettingType.BOOL:
            self.fields["value"] = forms.BooleanField(label=label, required=False)
        else:
            self.fields["value"] = forms.MultipleChoiceField(
                label=label, choices=spec.choices, required=False, widget=forms.CheckboxSelectMultiple
            )
        self.auto_id = f"id_{spec.name}_%s"  # one form per setting on the page: unique ids


# The largest id the databases store (PostgreSQL bigint, SQLite INTEGER): a larger one is invalid input.
MAX_ID = 2**63 - 1


def takes_list(field: forms.Field) -> bool:
    """Fields that read a list: everything else reads one value."""
    return getattr(field, "takes_list", False) or isinstance(
        field,
        forms.MultipleChoiceField | forms.ModelMultipleChoiceField | forms.JSONField | forms.MultiValueField,
    )


def _form_value(field: forms.Field | None, value):
    """One JSON value as a form post would carry it: Django's fields parse text (a date or number field
    given a JSON number fails inside its parser), so numbers become their text and the field judges them."""
    if field is None or takes_list(field):
        return value
    if isinstance(value, bool):
        return value if isinstance(field, forms.BooleanField | forms.NullBooleanField) else str(value)
    if isinstance(value, int | float):
        return str(value)
    return value


def bind(form_class, data, **kwargs) -> forms.BaseForm:
    """The form bound to a request's input, a form post or a JSON body alike. A JSON body that is not an
    object is refused as invalid input; a list or an object where the form reads one value is that field's
    error, beside the others' (never handed to a field parser that would fail with a server error)."""
    if data is not None and not hasattr(data, "items"):
        raise InvalidInput()
    form = form_class(data=data if data is not None else {}, **kwargs)
    if data is None or hasattr(data, "getlist"):
        return form
    fields = form.fields
    nested = {
        name
        for name, value in data.items()
        if isinstance(value, list | dict) and name in fields and not takes_list(fields[name])
    }
    form.data = {
        name: _form_value(fields.get(name), value) for name, value in data.items() if name not in nested
    }
    if nested:
        form.full_clean()
        for name in sorted(nested):
            form.errors.pop(name, None)  # "required", for the value set aside
            form.add_error(name, _("Enter one value, not a list or an object."))
    return form


def clean(form_class, data, **kwargs) -> dict:
    """The input validated by the form, or InvalidInput carrying the form's errors field by field."""
    form = bind(form_class, data, **kwargs)
    if not form.is_valid():
        raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
    return form.cleaned_data


class IdListWidget(forms.Widget):
    """Reads a list from a JSON body (a list) or a form post (repeated keys)."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            values = data.getlist(name)
            if len(values) == 1 and isinstance(values[0], list | tuple):
                return list(values[0])
            return values
        return data.get(name)


class IdListField(forms.Field):
    """A list of record ids (e.g. uploaded attachments): an array of integers in the API's schema."""

    takes_list = True

    widget = IdListWidget
    default_error_messages = {"invalid": _("Send a list of ids (whole numbers).")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in (None, "", [], ()):
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        ids = []
        for item in value:
            item = getattr(item, "pk", item)  # a service may be handed the records themselves
            if isinstance(item, bool):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            try:
                number = int(item)
            except (TypeError, ValueError):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if not 1 <= number <= MAX_ID:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(number)
        return ids

    def api_field(self, **kw):
        from rest_framework import serializers

        if kw.get("required"):
            kw["min_length"] = 1  # a required list holds at least one id (an empty one is refused)
        child = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        return serializers.ListField(child=child, **kw)


class DateTimeField(forms.DateTimeField):
    """A moment within the years a record can be about. Before 1901 the time zone database gives local
    mean time (+08:05:43 in Shanghai), an offset RFC 3339 cannot write, so the API would answer a value no
    client can read; far future dates are typing errors."""

    FIRST_YEAR, LAST_YEAR = 1901, 2100
    default_error_messages = {"out_of_range": _("Enter a date and time between 1901 and 2100.")}

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None and not self.FIRST_YEAR <= moment.year <= self.LAST_YEAR:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return moment


class IdField(forms.IntegerField):
    """One record id: a whole number the database can hold (a larger one would overflow the query)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IdChoiceField(forms.ModelChoiceField):
    """A record chosen by its id: anything but a plausible id is an invalid choice before any query."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = int(str(value))
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if not 0 < number <= MAX_ID:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(number)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several records chosen by id: anything but plausible ids is refused before any query."""

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else [] if value in self.empty_values else [value]
        for item in values:
            try:
                number = int(str(item))
            except (TypeError, ValueError):
                number = 0
            if not 0 < number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super().clean(value)


class MoneyField(forms.DecimalField):
    """An amount in yuan, rounded to the fen (as the old ledgers did) rather than refused for a third
    decimal; zero or more, below a trillion."""

    LIMIT = Decimal("999999999999.99")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", self.LIMIT)
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        amount = super().to_python(value)
        if amount is None:
            return None
        if abs(amount) > self.LIMIT + 1:
            raise forms.ValidationError(self.error_messages["max_value"] % {"limit_value": self.LIMIT})
        return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def api_field(self, **kw):
        from rest_framework import serializers

        if not kw.get("required"):
            kw["allow_null"] = True
        return serializers.DecimalField(
            max_digits=14,
            decimal_places=2,
            min_value=0,
            max_value=int(self.LIMIT),  # whole yuan: the schema stays inside the form's limit
            coerce_to_string=False,
            **kw,
        )


class StrictBooleanField(forms.NullBooleanField):
    """true or false, nothing else: a missing or unreadable value is an error, never a silent false."""

    default_error_messages = {"required": _("Send true or false.")}

    def validate(self, value):
        if value is None:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def api_field(self, **kw):
        from rest_framework import serializers

        return serializers.BooleanField(**kw)
