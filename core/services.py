"""Writes of the core app: the run-time settings (core.config). Each one with an explicit actor, one
transaction and one audit event (MLPS 8.1.4.3: a change of configuration is an audited event)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.choices import Role
from core.config import REGISTRY, SettingSpec, SettingType, forget_overrides
from core.errors import Conflict, InvalidInput, NotAllowed
from core.models import SystemSetting
from core.policy import Policy
from core.ports import record_event as record

# MLPS 8.1.4.2 d (三权分立): the system administrator manages users and configuration; the security and
# audit administrators and the business roles (the district administrator included) do not.
SETTINGS_MANAGERS = frozenset({Role.SYSTEM_ADMIN})
POLICY = Policy("core", {"change_settings": SETTINGS_MANAGERS})


def may_change_settings(user) -> bool:
    return POLICY.can(user, "change_settings")


def _spec(name: str) -> SettingSpec:
    spec = REGISTRY.get(name)
    if spec is None:
        raise InvalidInput.field("name", _("There is no such setting."))
    return spec


def clean_value(spec: SettingSpec, value: Any) -> Any:
    """The value in its declared type, within the bounds; InvalidInput on "value" otherwise."""
    if spec.type == SettingType.INT:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise InvalidInput.field("value", _("Enter a whole number."))
        try:
            number = int(str(value).strip())
        except ValueError:
            raise InvalidInput.field("value", _("Enter a whole number.")) from None
        if spec.min_value is not None and number < spec.min_value:
            raise InvalidInput.field(
                "value",
                _("%(setting)s must be at least %(min)s: a lower value would weaken the required policy.")
                % {"setting": spec.label, "min": spec.display(spec.min_value)},
            )
        if spec.max_value is not None and number > spec.max_value:
            raise InvalidInput.field(
                "value",
                _("%(setting)s must be at most %(max)s: a higher value would weaken the required policy.")
                % {"setting": spec.label, "max": spec.display(spec.max_value)},
            )
        return number
    if spec.type == SettingType.BOOL:
        if not isinstance(value, bool):
            raise InvalidInput.field("value", _("Choose yes or no."))
        return value
    if spec.type == SettingType.CHOICES:
        if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
            raise InvalidInput.field("value", _("Choose from the list."))
        allowed = [code for code, _label in spec.choices]
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise InvalidInput.field(
                "value", _("Not one of the choices: %(codes)s") % {"codes": ", ".join(map(str, unknown))}
            )
        return [code for code in allowed if code in set(value)]  # declared order, no duplicates
    raise AssertionError(spec.type)


def _write(*, actor, spec: SettingSpec, value: Any, version: int | None, action: str) -> SystemSetting:
    if not may_change_settings(actor):
        raise NotAllowed()
    row = SystemSetting.objects.select_for_update().filter(key=spec.name).first()
    current = row.version if row else 0
    if version is not None and version != current:
        raise Conflict()
    # From the locked row, not the cache: another process's change may not have reached our cache yet.
    old_overridden = row is not None and row.value is not None
    old_value = row.value if old_overridden else spec.default
    new_value = spec.default if value is None else value
    if new_value == old_value and (value is not None) == old_overridden:
        return row  # nothing changes: no write, no event
    if row is None:
        try:
            with transaction.atomic():
                row = SystemSetting.objects.create(key=spec.name, value=value, version=1, updated_by=actor)
        except IntegrityError:  # someone created it since our read
            raise Conflict() from None
    else:
        updated = SystemSetting.objects.filter(pk=row.pk, version=current).update(
            value=value, version=current + 1, updated_by=actor
        )
        if updated != 1:
            raise Conflict()
        row.refresh_from_db()
    forget_overrides()
    transaction.on_commit(forget_overrides)  # a reader between the two deletes may have cached the old
    record(
        row,
        action,
        actor=actor,
        data={
            "name": spec.name,
            "old": old_value,
            "new": new_value,
            "overridden": [old_overridden, value is not None],
            "version": row.version,
        },
    )
    return row


@transaction.atomic
def change_setting(*, actor, name: str, value: Any, version: int | None = None) -> SystemSetting:
    """Override one setting of the registry; refused below the policy's floors (core.config)."""
    if not may_change_settings(actor):
        raise NotAllowed()
    spec = _spec(name)
    return _write(
        actor=actor, spec=spec, value=clean_value(spec, value), version=version, action="core.setting.changed"
    )


@transaction.atomic
def reset_setting(*, actor, name: str, version: int | None = None) -> SystemSetting | None:
    """Drop the override: the deployment's value (the Django setting) applies again."""
    if not may_change_settings(actor):
        raise NotAllowed()
    return _write(actor=actor, spec=_spec(name), value=None, version=version, action="core.setting.reset")
