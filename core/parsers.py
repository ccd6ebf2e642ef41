"""Request body parsers of the API (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES).

Kept apart from core.api: DRF reads its parser setting while `rest_framework.views` is being imported, and
core.api imports that module, so a parser defined there could not be loaded by a process that imports
core.api first.
"""

from rest_framework import exceptions, serializers
from rest_framework.parsers import JSONParser


class ObjectJSONParser(JSONParser):
    """Every JSON body the API takes is an object: another value (a number, a list) is invalid input (400)
    wherever a view reads it, never a crash in a view that reads a field of it."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            message = serializers.Serializer.default_error_messages["invalid"]
            raise exceptions.ParseError(message.format(datatype=type(data).__name__))
        return data
