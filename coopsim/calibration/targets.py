"""Calibration targets as data: what was observed, how sure we are, and where it is from.

A targets file (TOML) lists observed figures, each with its plausible range, the
calendar year, its scope (where and what it covers), the row of the facts sheet it
comes from, and its use:

* ``fit``: the calibration fits the parameters to it;
* ``check``: held out, only compared afterwards (validation);
* ``init``: it set the initial state, so matching it is no evidence (shown for
  completeness).

::

    [targets]
    name = "Quang Binh 2018-2019"

    [[target]]
    figure = "weak_share"      # a name in coopsim.calibration.figures.FIGURES
    year = 2018
    low = 0.10                 # the plausible range, read as a 95% interval
    high = 0.22
    value = 0.16               # optional central value (default: the middle)
    use = "fit"
    scenario = "baseline"      # optional: the scenario its runs take (default: the
                               # calibration's fit scenario)
    scope = "agricultural cooperatives of a comparable province (proxy)"
    source = "facts: Class shares in nearby provinces, unnamed province 2020"

:func:`load_targets` rejects a malformed file before any run, naming the target,
field and value.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from coopsim.calibration.figures import FIGURES, figure_key
from coopsim.core.tomlfile import read_toml
from coopsim.world.params import ParameterError

__all__ = ["USES", "Target", "TargetError", "TargetSet", "default_targets_path", "load_targets"]

USES = ("fit", "check", "init")
_REQUIRED = ("figure", "year", "low", "high", "use", "scope", "source")
_OPTIONAL = ("value", "note", "scenario")


class TargetError(ParameterError):
    """A targets file is malformed; the message names the target, field and value."""


@dataclass(frozen=True)
class Target:
    """One observed figure with its range (read as a 95% interval)."""

    figure: str
    year: int
    low: float
    high: float
    value: float
    use: str
    scope: str
    source: str
    note: str = ""
    scenario: str = ""

    @property
    def key(self) -> str:
        """The stored column of this target's figure, e.g. ``weak_share@2018``."""
        return figure_key(self.figure, self.year)

    @property
    def sd(self) -> float:
        """The range's implied standard deviation (a quarter of its width)."""
        return (self.high - self.low) / 4.0


@dataclass(frozen=True)
class TargetSet:
    """The targets of one file, with the file's name and digest."""

    name: str
    targets: tuple[Target, ...]
    path: str = ""
    sha256: str = ""

    def of_use(self, *uses: str) -> tuple[Target, ...]:
        """The targets whose use is one of ``uses``."""
        return tuple(t for t in self.targets if t.use in uses)

    def frame(self) -> pd.DataFrame:
        """One row per target (all fields, plus ``key``, ``sd`` and ``unit``)."""
        return pd.DataFrame([{**asdict(t), "key": t.key, "sd": t.sd,
                              "unit": FIGURES[t.figure].unit} for t in self.targets])

    def years(self) -> tuple[int, int]:
        """The first and last calendar year any target names."""
        years = [t.year for t in self.targets]
        return min(years), max(years)


def default_targets_path() -> Path:
    """The shipped targets of the default province."""
    return Path(str(resources.files("coopsim") / "data" / "targets_quang_binh.toml"))


def load_targets(path: str | Path | None = None) -> TargetSet:
    """Read and validate a targets file (the shipped one when ``path`` is None).

    Raises:
        TargetError: the file cannot be read, is not TOML, or a target is malformed
            (unknown figure or field, missing field, bad year, ``low > high``, a value
            outside the range, an unknown use, a duplicate, or no ``fit`` target).
    """
    path = Path(path) if path is not None else default_targets_path()
    data = read_toml(path, "targets file", TargetError)
    for key in data:
        if key not in ("targets", "target"):
            raise TargetError(f"targets file {path}: unknown table '{key}' "
                              "(allowed: targets, target)")
    rows = data.get("target", [])
    if not isinstance(rows, list) or not rows:
        raise TargetError(f"targets file {path}: no [[target]] entries")
    targets = tuple(_target(row, i, path) for i, row in enumerate(rows, start=1))
    _check_set(targets, path)
    head = data.get("targets", {})
    if not isinstance(head, dict):
        raise TargetError(f"targets file {path}: targets: must be a table, got {head!r}")
    name = str(head.get("name", path.stem))
    return TargetSet(name, targets, str(path), hashlib.sha256(path.read_bytes()).hexdigest())


def _target(row: Any, i: int, path: Path) -> Target:
    where = f"targets file {path}: target {i}"
    if not isinstance(row, dict):
        raise TargetError(f"{where}: must be a table, got {row!r}")
    if "figure" in row:
        where += f" ({row['figure']} {row.get('year', '?')})"

    def fail(field: str, msg: str) -> TargetError:
        return TargetError(f"{where}: {field}: {msg}, got {row.get(field)!r}")

    for field in row:
        if field not in _REQUIRED + _OPTIONAL:
            raise fail(field, f"unknown field (allowed: {', '.join(_REQUIRED + _OPTIONAL)})")
    for field in _REQUIRED:
        if field not in row:
            raise TargetError(f"{where}: missing field '{field}'")
    if row["figure"] not in FIGURES:
        raise fail("figure", f"unknown figure (known: {', '.join(sorted(FIGURES))})")
    if not isinstance(row["year"], int) or not 1900 <= row["year"] <= 2100:
        raise fail("year", "must be a calendar year (an integer)")
    low, high = (_number(row, f, fail) for f in ("low", "high"))
    if not low < high:
        raise TargetError(f"{where}: range: low must be < high, got low={low!r}, high={high!r}")
    value = _number(row, "value", fail) if "value" in row else (low + high) / 2
    if not low <= value <= high:
        raise fail("value", f"must lie in the range [{low}, {high}]")
    if row["use"] not in USES:
        raise fail("use", f"must be one of {', '.join(USES)}")
    for field in ("scope", "source", "note", "scenario"):
        if not isinstance(row.get(field, ""), str) or (field in row and not row[field]):
            raise fail(field, "must be a non-empty text")
    return Target(row["figure"], row["year"], low, high, value, row["use"], row["scope"],
                  row["source"], row.get("note", ""), row.get("scenario", ""))


def _number(row: dict[str, Any], field: str, fail: Any) -> float:
    value = row[field]
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or value != value or abs(value) == float("inf"):
        raise fail(field, "must be a finite number")
    return float(value)


def _check_set(targets: tuple[Target, ...], path: Path) -> None:
    seen: set[str] = set()
    for t in targets:
        if t.key in seen:
            raise TargetError(f"targets file {path}: figure {t.figure} of {t.year} is given "
                              "twice")
        seen.add(t.key)
    if not any(t.use == "fit" for t in targets):
        raise TargetError(f"targets file {path}: no target has use = \"fit\"")
