"""The API's action routes, generated from a workflow table (core/workflow.py).

`add_workflow_actions(ViewSet, FLOW, services={...})` adds `POST /<resource>/{id}/<action>/` for each
transition that has a service. The request body is documented by a serializer generated from the
transition's form (the same form the service validates with), plus the `version` the client read, so the
schema cannot drift from the behaviour. The route only gates visibility (404) and calls the service, which
checks role, state, version and input once, in API.md's order.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django import forms
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action as drf_action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.workflow import Transition, Workflow

# A form field class → the serializer field that documents the same input.
_SIMPLE = [
    (
        forms.TypedMultipleChoiceField,
        lambda f, kw: serializers.ListField(child=serializers.CharField(), **kw),
    ),
    (
        forms.ModelMultipleChoiceField,
        lambda f, kw: serializers.ListField(child=serializers.IntegerField(), **kw),
    ),
    (forms.MultipleChoiceField, lambda f, kw: serializers.ListField(child=serializers.CharField(), **kw)),
    (forms.ModelChoiceField, lambda f, kw: serializers.IntegerField(**kw)),
    (
        forms.TypedChoiceField,
        lambda f, kw: serializers.ChoiceField(choices=[c for c in f.choices if c[0] != ""], **kw),
    ),
    (
        forms.ChoiceField,
        lambda f, kw: serializers.ChoiceField(choices=[c for c in f.choices if c[0] != ""], **kw),
    ),
    (forms.NullBooleanField, lambda f, kw: serializers.BooleanField(**kw)),
    (forms.BooleanField, lambda f, kw: serializers.BooleanField(**kw)),
    (forms.SplitDateTimeField, lambda f, kw: serializers.DateTimeField(**kw)),
    (forms.DateTimeField, lambda f, kw: serializers.DateTimeField(**kw)),
    (forms.DateField, lambda f, kw: serializers.DateField(**kw)),
    (forms.TimeField, lambda f, kw: serializers.TimeField(**kw)),
    (
        forms.DecimalField,
        lambda f, kw: serializers.DecimalField(
            max_digits=f.max_digits or 20,
            decimal_places=f.decimal_places or 2,
            coerce_to_string=False,
            **_bounds(f, kw),
        ),
    ),
    (forms.FloatField, lambda f, kw: serializers.FloatField(**_bounds(f, kw))),
    (forms.IntegerField, lambda f, kw: serializers.IntegerField(**_bounds(f, kw))),
    (forms.EmailField, lambda f, kw: serializers.EmailField(**kw)),
    (forms.JSONField, lambda f, kw: serializers.JSONField(**kw)),
    (
        forms.CharField,
        lambda f, kw: serializers.CharField(
            max_length=f.max_length, allow_blank=not f.required, validators=_text_rules(f), **kw
        ),
    ),
]

# What a form's CharField refuses besides its length: a NUL character anywhere, and (when required) a value
# that is only blanks, which the form strips to nothing. Documented as patterns, so that a body the schema
# calls valid is not refused for its shape.
_NO_NUL = r"^[^\x00]*$"
_SOME_TEXT = r"^[^\x00]*[^\s\x00][^\x00]*$"


def _text_rules(form_field) -> list:
    from django.core.validators import RegexValidator

    needs_text = form_field.required and getattr(form_field, "strip", True)
    # A validator may carry its rule as a pattern (e.g. a phone number): the whole value matches it.
    pattern = next((p for v in form_field.validators if (p := getattr(v, "api_pattern", None))), None)
    if pattern is not None:
        return [RegexValidator(f"^{pattern}$" if form_field.required else f"^({pattern})?$")]
    return [RegexValidator(_SOME_TEXT if needs_text else _NO_NUL)]


def _bounds(form_field, kw: dict) -> dict:
    """A number's bounds, from the form field's own (min_value, max_value)."""
    for name in ("min_value", "max_value"):
        value = getattr(form_field, name, None)
        if value is not None:
            kw[name] = _whole_bound(value, upper=name == "max_value")
    return kw


def _whole_bound(value, *, upper: bool) -> int:
    """A bound as a whole number inside the form's own (JSON has no Decimal, and the serializer takes no
    float): a stricter schema still never calls valid what the form refuses."""
    return math.floor(value) if upper else math.ceil(value)


def serializer_field(form_field: forms.Field) -> serializers.Field:
    """The typed serializer field for one form field (ids as integers, lists as arrays, dates as dates)."""
    kw: dict = {"required": form_field.required}
    if form_field.help_text:
        kw["help_text"] = str(form_field.help_text)
    explicit = getattr(form_field, "api_field", None)  # a form field may name its own (e.g. id lists)
    if explicit is not None:
        return explicit(**kw)
    list_like = isinstance(form_field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    if not form_field.required and not list_like:
        kw["allow_null"] = True
    maker = next((m for cls, m in _SIMPLE if isinstance(form_field, cls)), None)
    return maker(form_field, kw) if maker else serializers.CharField(**kw)


_SERIALIZERS: dict[str, type] = {}


def form_serializer(name: str, form_class, *, version: bool = False) -> type[serializers.Serializer]:
    """A named serializer documenting a form's fields, typed (and the `version` the client read)."""
    if name not in _SERIALIZERS:
        attrs: dict = {}
        if version:
            attrs["version"] = serializers.IntegerField(help_text="The version the client read.")
            attrs["required_in_patch"] = ("version",)  # a PATCH is a conditional write too
        if form_class is not None:
            for field_name, form_field in form_class.base_fields.items():
                attrs[field_name] = serializer_field(form_field)
        _SERIALIZERS[name] = type(name, (serializers.Serializer,), attrs)
    return _SERIALIZERS[name]


def request_serializer(workflow: Workflow, transition: Transition) -> type[serializers.Serializer]:
    """`<Model><Action>`: the version plus the transition form's fields, typed. The schema names a request
    body `<Model><Action>Request` (COMPONENT_SPLIT_REQUEST adds the suffix)."""
    title = "".join(part.capitalize() for part in transition.action.split("_"))
    return form_serializer(f"{workflow.model.__name__}{title}", transition.form, version=True)


def add_workflow_actions(
    viewset,
    workflow: Workflow,
    *,
    services: dict[str, Callable],
    response: Callable | None = None,
    response_serializer=None,
):
    """Add one POST route per transition named in `services` (action → service function).

    A service is called as `service(obj, actor=…, version=…, data=…)` and returns the object; the answer
    is `response(viewset, obj)` (the detail serializer's data by default) with 200.
    """
    for action_name, service in services.items():
        transition = workflow[action_name]
        setattr(viewset, action_name, _route(workflow, transition, service, response, response_serializer))
    return viewset


def _json_parsers() -> list:
    return [p for p in api_settings.DEFAULT_PARSER_CLASSES if p.media_type == "application/json"]


def _route(workflow, transition, service, response, response_serializer):
    def handler(self, request, pk=None):
        obj = self.get_object()  # visibility: 404
        body = request.data if hasattr(request.data, "get") else {}
        data = {k: v for k, v in body.items() if k != "version"}
        result = service(obj, actor=request.user, version=body.get("version"), data=data)
        if response is not None:
            return Response(response(self, result))
        return Response(self.get_serializer(result).data)

    handler.__name__ = transition.action
    handler.__doc__ = str(transition.label or transition.action)
    # As with decorators written `@extend_schema` above `@action`: the route first, then its schema.
    # The body is JSON, as the schema types it (integers, booleans and arrays have no form encoding).
    handler = drf_action(
        detail=True, methods=["post"], url_path=transition.url_path, parser_classes=_json_parsers()
    )(handler)
    return extend_schema(
        request=request_serializer(workflow, transition),
        responses=response_serializer,
        operation_id=f"{workflow.name.replace('.', '_')}_{transition.action}",
    )(handler)
