"""The error answers every operation shares (API.md "Status codes"), documented once for the whole schema.

Views declare their successes and any error with a body of their own (the importer's 400, which then
also allows the field messages); this postprocessing hook adds the shared error envelope wherever an
operation can answer it and has not said otherwise:

- 400 invalid input `{"field": ["message", …]}` or `{"detail": "…"}`: operations that take parameters or
  a body;
- 401 not authenticated, 403 not allowed for the role: operations behind authentication (403 also for the
  token endpoint: a password that must be changed first);
- 404 unknown or out of scope: operations with a path id or a body (which may name an object), and
  paginated lists (a page past the end);
- 409 illegal state transition or stale `version`: every authenticated write;
- 413 too large: uploads (multipart bodies with a file);
- 415 a body of a media type the operation does not take;
- 429 too many attempts: the operations open to anonymous callers, which are the login endpoints.
"""

from __future__ import annotations

import re
from http import HTTPStatus

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import force_instance, is_patched_serializer
from drf_spectacular.utils import PolymorphicProxySerializer

ERROR = "Error"
INVALID_INPUT = "InvalidInput"
ERROR_SCHEMAS = {
    ERROR: {
        "type": "object",
        "description": 'An error with one message: `{"detail": "…"}`.',
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    INVALID_INPUT: {
        "type": "object",
        "description": (
            'Invalid input: messages by field, `{"field": ["message", …]}` (nested for nested input), '
            'or one message, `{"detail": "…"}`.'
        ),
        "additionalProperties": {
            "anyOf": [{"type": "string"}, {"type": "array", "items": {}}, {"type": "object"}]
        },
    },
}


def _codes(method: str, operation: dict, schemas: dict) -> list[int]:
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody", {}).get("content", {})
    authenticated = any(requirement for requirement in operation.get("security", [{}]))
    codes = []
    if parameters or body:
        codes.append(400)
    if authenticated:
        codes.append(401)
    codes.append(403)
    if body or any(p.get("in") == "path" or p.get("name") == "page" for p in parameters):
        codes.append(404)
    if method != "get" and authenticated:
        codes.append(409)
    if "multipart/form-data" in body and any(
        prop.get("format") == "binary"
        for prop in _properties(body["multipart/form-data"].get("schema", {}), schemas)
    ):
        codes.append(413)
    if body:
        codes.append(415)
    if not authenticated:
        codes.append(429)
    return codes


def _properties(schema: dict, schemas: dict) -> list[dict]:
    if "$ref" in schema:
        schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return list(schema.get("properties", {}).values())


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in ERROR_SCHEMAS.items():
        schemas.setdefault(name, schema)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code in _codes(method, operation, schemas):
                component = {"$ref": f"#/components/schemas/{INVALID_INPUT if code == 400 else ERROR}"}
                if str(code) not in responses:
                    responses[str(code)] = {
                        "description": HTTPStatus(code).phrase,
                        "content": {"application/json": {"schema": component}},
                    }
                elif code == 400:
                    _also_invalid_input(responses["400"], component)
    return result


def _also_invalid_input(response: dict, component: dict) -> None:
    """An operation's own 400 body (the importer's row errors) is one answer; input its serializer refuses
    still answers with the field messages."""
    content = response.get("content", {}).get("application/json")
    if content and content.get("schema") != component:
        content["schema"] = {"oneOf": [content["schema"], component]}


# A rule id cited in a docstring: "(R-ACC-1)", "(R-ACCT-6)", or a leading "R-HAZ-10: ".
_CITED_RULE = re.compile(r"\s*\(R-[A-Z]+-\d+[a-z]?(?:[,/ ]+R-[A-Z]+-\d+[a-z]?)*\)")
_LEADING_RULE = re.compile(r"^(\s*)R-[A-Z]+-\d+[a-z]?:\s*(\w)", re.MULTILINE)


def without_rule_ids(text: str) -> str:
    """Docstrings cite the rule ids of the domain rules for developers; API readers see the behaviour, and the
    laws by name where the text names them, never the internal ids."""
    text = _CITED_RULE.sub("", text)
    return _LEADING_RULE.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def strip_rule_ids(result, generator, request, public):
    """drf-spectacular postprocessing hook: every description and summary without internal rule ids."""

    def walk(node):
        if isinstance(node, dict):
            return {
                key: without_rule_ids(value)
                if key in ("description", "summary") and isinstance(value, str)
                else walk(value)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(result)


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's, except that a PATCH body keeps the fields the server requires even in a partial
    update (a serializer's `required_in_patch`, e.g. the `version` of every conditional write): the
    generated "Patched" component would otherwise mark every field optional, `version` included. And a body
    that is one of several shapes (a risk assessment by method) is required when every shape requires
    something: drf-spectacular cannot tell from the `oneOf` alone."""

    def _get_request_for_media_type(self, serializer, direction="request"):
        schema, required = super()._get_request_for_media_type(serializer, direction)
        if isinstance(serializer, PolymorphicProxySerializer) and isinstance(serializer.serializers, dict):
            required = all(
                any(field.required for field in force_instance(variant).fields.values())
                for variant in serializer.serializers.values()
            )
        return schema, required

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        kept = getattr(serializer, "required_in_patch", ())
        if kept and is_patched_serializer(serializer, direction):
            schema["required"] = [name for name in kept if name in schema.get("properties", {})]
        return schema
