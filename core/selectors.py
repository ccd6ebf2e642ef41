"""Reads of the core app that shape a page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.config import REGISTRY, SettingSpec
from core.models import SystemSetting


@dataclass
class SettingRow:
    spec: SettingSpec
    value: Any
    default: Any
    overridden: bool
    version: int
    row: SystemSetting | None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def display_value(self) -> str:
        return self.spec.display(self.value)

    @property
    def display_default(self) -> str:
        return self.spec.display(self.default)


def setting_rows() -> list[SettingRow]:
    """Every editable setting with the value in force, its default and who changed it last (one query,
    straight from the table so that the page never shows another process's stale cache)."""
    stored = {s.key: s for s in SystemSetting.objects.select_related("updated_by").filter(key__in=REGISTRY)}
    rows = []
    for name, spec in REGISTRY.items():
        row = stored.get(name)
        overridden = row is not None and row.value is not None
        rows.append(
            SettingRow(
                spec=spec,
                value=row.value if overridden else spec.default,
                default=spec.default,
                overridden=overridden,
                version=row.version if row else 0,
                row=row,
            )
        )
    return rows
