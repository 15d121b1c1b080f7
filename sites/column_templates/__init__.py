"""Standard column sets per site level, one YAML file per level."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ColumnSpec:
    code: str
    name: str
    kind: str
    update_period_days: int | None = None
    children: tuple[ColumnSpec, ...] = field(default_factory=tuple)


def _parse(item: dict) -> ColumnSpec:
    return ColumnSpec(
        code=item["code"],
        name=item["name"],
        kind=item["kind"],
        update_period_days=item.get("update_period_days"),
        children=tuple(_parse(child) for child in item.get("children", ())),
    )


@cache
def column_template(level: str) -> tuple[ColumnSpec, ...]:
    data = yaml.safe_load((HERE / f"{level}.yaml").read_text(encoding="utf-8"))
    return tuple(_parse(item) for item in data["columns"])
