"""Domain errors raised by services; the API and the views turn them into status codes and messages.

400 InvalidInput (field messages), 403 NotAllowed, 404 via Http404, 409 Conflict, 413 TooLarge.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status_code = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, errors: dict | None = None):
        self.message = message or self.default_message
        self.errors = errors or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        if self.errors:
            return {field: [str(m) for m in messages] for field, messages in self.errors.items()}
        return {"detail": str(self.message)}


class InvalidInput(DomainError):
    status_code = 400
    default_message = _("The input is not valid.")

    @classmethod
    def field(cls, field: str, message) -> "InvalidInput":
        return cls(message, errors={field: [message]})


class NotAllowed(DomainError):
    status_code = 403
    default_message = _("Your role may not do this.")


class Conflict(DomainError):
    status_code = 409
    default_message = _("Someone else changed this record; reload it and try again.")


class TooLarge(DomainError):
    status_code = 413
    default_message = _("The file is too large.")


class Unavailable(DomainError):
    """The server could not finish (a full disk, an unreachable store); nothing was written."""

    status_code = 503
    default_message = _("The server could not save this right now; nothing was saved. Try again later.")
