"""Run-time configuration: the security-policy and operational values a system administrator may change
without a deployment (MLPS 8.1.4.2 d: system_admin manages the configuration; 8.1.4.3: each change is
audited by `core.services.change_setting`).

`REGISTRY` declares every editable value: its type, its bounds and its default, which is the Django
setting of the same name (environment variable, `redline/settings.py`). The bounds are the floors of the
required policy (README "Security"): an override can make the system stricter, never weaker than it.
`config_value(name)` is the one reader: the stored override if there is one, else the Django setting —
so `settings.X = …` in tests and the environment in a deployment keep working.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from core.choices import Role

CACHE_KEY = "core:settings:overrides:v1"
log = logging.getLogger(__name__)
# Each process may have its own cache (LocMemCache without Redis): a change reaches the others within this.
CACHE_SECONDS = 30


class SettingType:
    INT = "int"
    BOOL = "bool"
    CHOICES = "choices"  # a list of codes, each one of `choices`


@dataclass(frozen=True)
class SettingSpec:
    name: str  # the Django setting that is the default
    type: str
    label: Any
    help_text: Any = ""
    unit: Any = ""
    min_value: int | None = None
    max_value: int | None = None
    choices: tuple[tuple[str, Any], ...] = field(default_factory=tuple)

    @property
    def default(self) -> Any:
        value = getattr(settings, self.name)
        return list(value) if self.type == SettingType.CHOICES else value

    def display(self, value: Any) -> str:
        if self.type == SettingType.BOOL:
            return str(_("Yes") if value else _("No"))
        if self.type == SettingType.CHOICES:
            labels = dict(self.choices)
            return "、".join(str(labels.get(code, code)) for code in value) or str(_("None"))
        return f"{value} {self.unit}".strip()


SECONDS = _("seconds")
DAYS = _("days")
MFA_OPTIONAL_ROLES = tuple(
    (role.value, role.label)
    for role in Role
    if role
    not in {Role.DISTRICT_ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}  # always on
)

REGISTRY: dict[str, SettingSpec] = {
    spec.name: spec
    for spec in (
        SettingSpec(
            "LOGIN_FAILURE_LIMIT",
            SettingType.INT,
            _("Failed logins before the account locks"),
            _("Counted within the failure window; at most 5 (MLPS 8.1.4.2 b)."),
            min_value=3,
            max_value=5,
        ),
        SettingSpec(
            "LOGIN_FAILURE_WINDOW_SECONDS",
            SettingType.INT,
            _("Failure window"),
            _("Failures older than this are forgotten; at least 900 seconds (15 minutes)."),
            SECONDS,
            min_value=900,
            max_value=86400,
        ),
        SettingSpec(
            "LOGIN_LOCK_SECONDS",
            SettingType.INT,
            _("Lock duration"),
            _("How long a locked account stays locked; at least 1800 seconds (30 minutes)."),
            SECONDS,
            min_value=1800,
            max_value=86400,
        ),
        SettingSpec(
            "LOGIN_IP_USERNAME_LIMIT",
            SettingType.INT,
            _("Usernames one address may fail on"),
            _("Within the failure window, then the address is throttled; at most 10."),
            min_value=3,
            max_value=10,
        ),
        SettingSpec(
            "LOGIN_IP_FAILURE_LIMIT",
            SettingType.INT,
            _("Failures one address may make"),
            _("Within the failure window, then the address is throttled; at most 30."),
            min_value=5,
            max_value=30,
        ),
        SettingSpec(
            "PASSWORD_MIN_LENGTH",
            SettingType.INT,
            _("Minimum password length"),
            _("At least 10 characters (MLPS 8.1.4.2 a)."),
            min_value=10,
            max_value=64,
        ),
        SettingSpec(
            "PASSWORD_HISTORY_COUNT",
            SettingType.INT,
            _("Previous passwords that may not be reused"),
            _("At least 5."),
            min_value=5,
            max_value=24,
        ),
        SettingSpec(
            "PASSWORD_MAX_AGE_DAYS",
            SettingType.INT,
            _("Password change interval of the privileged roles"),
            _("District administrator and the three administrator roles; at most 90 days."),
            DAYS,
            min_value=7,
            max_value=90,
        ),
        SettingSpec(
            "SESSION_IDLE_SECONDS",
            SettingType.INT,
            _("Idle timeout"),
            _("A session unused for this long ends; at most 1800 seconds (30 minutes)."),
            SECONDS,
            min_value=300,
            max_value=1800,
        ),
        SettingSpec(
            "SESSION_ADMIN_IDLE_SECONDS",
            SettingType.INT,
            _("Idle timeout of the privileged roles"),
            _("At most 900 seconds (15 minutes)."),
            SECONDS,
            min_value=300,
            max_value=900,
        ),
        SettingSpec(
            "SESSION_COOKIE_AGE",
            SettingType.INT,
            _("Absolute session timeout"),
            _("A session ends this long after the login, however active; at most 43200 seconds (12 hours)."),
            SECONDS,
            min_value=1800,
            max_value=43200,
        ),
        SettingSpec(
            "MFA_EXTRA_ROLES",
            SettingType.CHOICES,
            _("Roles that must also use a second factor"),
            _("The district administrator and the three administrator roles always do."),
            choices=MFA_OPTIONAL_ROLES,
        ),
        SettingSpec(
            "ACCOUNT_DORMANT_DAYS",
            SettingType.INT,
            _("Days without use before an account is disabled"),
            _("At most 90 days (MLPS 8.1.4.2 c)."),
            DAYS,
            min_value=30,
            max_value=90,
        ),
        SettingSpec(
            "STEP_UP_SECONDS",
            SettingType.INT,
            _("Step-up validity"),
            _(
                "Removing a second factor, changing a password or creating an API token needs a second "
                "factor (or the password) entered this recently; at most 900 seconds (15 minutes)."
            ),
            SECONDS,
            min_value=60,
            max_value=900,
        ),
        SettingSpec(
            "API_TOKEN_IDLE_SECONDS",
            SettingType.INT,
            _("API token idle timeout"),
            _("A token unused for this long stops working; at most 2592000 seconds (30 days)."),
            SECONDS,
            min_value=3600,
            max_value=30 * 86400,
        ),
        SettingSpec(
            "API_TOKEN_ABSOLUTE_SECONDS",
            SettingType.INT,
            _("API token lifetime"),
            _("A token stops working this long after it was created; at most 7776000 seconds (90 days)."),
            SECONDS,
            min_value=3600,
            max_value=90 * 86400,
        ),
        SettingSpec(
            "AUDIT_RETENTION_DAYS",
            SettingType.INT,
            _("Audit record retention"),
            _("Older records are archived to checksummed files; at least 180 days (MLPS 8.1.4.3 c)."),
            DAYS,
            min_value=180,
            max_value=3650,
        ),
    )
}


def overrides() -> dict[str, Any]:
    """{name: value} of the stored overrides, from the cache or one query.

    The database is the truth and the cache only spares a query: a cache that is down (Redis restarting)
    counts as a miss, so every request still gets the values in force (issue 8, faults).
    """
    values = _cache_call("get", CACHE_KEY)
    if values is None:
        from core.models import SystemSetting

        values = dict(
            SystemSetting.objects.filter(key__in=REGISTRY, value__isnull=False).values_list("key", "value")
        )
        _cache_call("set", CACHE_KEY, values, CACHE_SECONDS)
    return values


def forget_overrides() -> None:
    _cache_call("delete", CACHE_KEY)


def _cache_call(method: str, *args):
    try:
        return getattr(cache, method)(*args)
    except Exception:  # the cache backend's own connection errors differ by backend
        log.warning("Cache unavailable for run-time settings (%s); reading the database", method)
        return None


def config_value(name: str) -> Any:
    """The value in force: the administrator's override, else the Django setting."""
    spec = REGISTRY[name]  # a KeyError names a value that is not declared above
    values = overrides()
    if name in values:
        return values[name]
    return spec.default
