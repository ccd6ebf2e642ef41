"""Helpers the inspection views share."""

from __future__ import annotations

from django.contrib import messages

from core.errors import DomainError
from core.views import domain_error_text
from inspections.policy import INSPECTORS, PLANNERS, TEMPLATE_EDITORS

error_text = domain_error_text  # the shared helper, under the name the inspection views use


def flash_error(request, exc: DomainError) -> None:
    messages.error(request, error_text(exc))


def can_plan(user) -> bool:
    return bool(user.role_codes & PLANNERS)


def can_inspect(user) -> bool:
    return bool(user.role_codes & INSPECTORS)


def can_edit_templates(user) -> bool:
    return bool(user.role_codes & TEMPLATE_EDITORS)
