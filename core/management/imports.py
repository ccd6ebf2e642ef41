"""What every import command shares: the file it names, the active user it is recorded under, and a refusal
(DomainError) told as the command's error, each of its messages."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from core.errors import DomainError


def existing_file(name: str) -> Path:
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    return path


def active_user(username: str):
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No active user {username!r}.") from None


def refused(exc: DomainError) -> CommandError:
    messages = [str(m) for msgs in exc.errors.values() for m in msgs] or [str(exc.message)]
    return CommandError("; ".join(messages))
