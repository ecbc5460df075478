"""Policy packages: levers on a schedule under a yearly budget.

A :class:`Policy` bundles levers (:mod:`coopsim.policy.levers`), each with a
:class:`Schedule` (start, end, intensity that may change over time) and a share of the
package's yearly budget. The model calls the policy's hooks without importing this
module (it only knows the hook names), so the model layer stays below the policy layer:

* ``before_month(model)``: levers set the month's effective parameters and act
  (campaigns, interest subsidies);
* ``after_ratings(model)``: each December, after the official ratings, levers act on
  cooperatives (training, grants, consolidation, founding support);
* ``grant(lever, amount)``: pays a subsidy another rule asks for (OCOP and linkage
  support), never beyond the lever's remaining budget.

Spending is booked per lever and year; a lever never spends beyond its share of the
year's budget.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from coopsim.core.errors import InputError

if TYPE_CHECKING:
    from coopsim.model.coop_model import CoopModel
    from coopsim.policy.levers import Lever

__all__ = ["Budget", "Policy", "PolicyError", "Schedule", "parse_month"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class PolicyError(InputError):
    """A scenario, lever or schedule is invalid; the message names the field and value."""


def parse_month(text: Any, where: str) -> tuple[int, int]:
    """Parse ``"YYYY-MM"`` into ``(year, month)``, naming ``where`` on error."""
    m = _MONTH.match(str(text)) if isinstance(text, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1990 <= int(m.group(1)) <= 2100:
        raise PolicyError(f"{where}: expected a month 'YYYY-MM', got {text!r}")
    return int(m.group(1)), int(m.group(2))


def _fmt(ym: tuple[int, int]) -> str:
    return f"{ym[0]:04d}-{ym[1]:02d}"


@dataclass(frozen=True)
class Schedule:
    """When a lever acts and how hard: ``intensity`` from ``start`` until ``end``.

    ``changes`` lists later ``((year, month), intensity)`` steps, so an intensity can
    follow a schedule (e.g. a pilot at 0.5, then full strength).
    """

    start: tuple[int, int]
    end: tuple[int, int] | None = None
    intensity: float = 1.0
    changes: tuple[tuple[tuple[int, int], float], ...] = ()

    def __post_init__(self) -> None:
        for when, value in ((self.start, self.intensity), *self.changes):
            if not (np.isfinite(value) and 0.0 <= value <= 10.0):
                raise PolicyError(f"intensity at {_fmt(when)} must be in [0, 10], got {value!r}")
        if self.end is not None and self.end < self.start:
            raise PolicyError(f"end {_fmt(self.end)} is before start {_fmt(self.start)}")

    def at(self, year: int, month: int) -> float:
        """Intensity in force in ``year``-``month`` (0 outside the schedule)."""
        now = (year, month)
        if now < self.start or (self.end is not None and now > self.end):
            return 0.0
        value = self.intensity
        for when, later in sorted(self.changes):
            if now >= when:
                value = later
        return value

    def to_dict(self) -> dict[str, Any]:
        """The schedule as scenario-file fields."""
        out: dict[str, Any] = {"start": _fmt(self.start), "intensity": self.intensity}
        if self.end is not None:
            out["end"] = _fmt(self.end)
        if self.changes:
            out["schedule"] = [[_fmt(w), v] for w, v in self.changes]
        return out


@dataclass
class Budget:
    """A yearly budget shared among levers; spending is booked per lever and year.

    Attributes:
        yearly: total budget per year, m VND.
        shares: each lever's share of it (sums to at most 1).
        spent: ``{year: {lever: m VND}}``.
    """

    yearly: float
    shares: dict[str, float]
    spent: dict[int, defaultdict[str, float]] = field(default_factory=dict)
    year: int = 0

    def limit(self, lever: str) -> float:
        """A lever's budget for a year (m VND)."""
        return self.yearly * self.shares.get(lever, 0.0)

    def remaining(self, lever: str) -> float:
        """What a lever may still spend this year (m VND)."""
        return max(self.limit(lever) - self.spent.get(self.year, {}).get(lever, 0.0), 0.0)

    def grant(self, lever: str, amount: float) -> float:
        """Book up to ``amount`` for ``lever`` this year; return what was granted."""
        granted = min(max(amount, 0.0), self.remaining(lever))
        if granted > 0:
            self.spent.setdefault(self.year, defaultdict(float))[lever] += granted
        return granted


class Policy:
    """A package of levers under one yearly budget (see the module docstring).

    Args:
        levers: the levers, each with its schedule and budget share.
        budget: yearly budget of the package, m VND.
    """

    def __init__(self, levers: list[Lever], budget: float):
        names = [lv.name for lv in levers]
        if len(set(names)) != len(names):
            raise PolicyError(f"a lever may appear once per package, got {names}")
        if not (np.isfinite(budget) and budget >= 0):
            raise PolicyError(f"budget must be a non-negative number of m VND, got {budget!r}")
        shares = {lv.name: lv.budget_share for lv in levers}
        if sum(shares.values()) > 1.0 + 1e-9:
            raise PolicyError(f"budget shares of the levers sum to {sum(shares.values()):.6g} "
                              f"> 1: {shares}")
        self.levers = levers
        self.full_budget = float(budget)
        self.budget = Budget(float(budget), shares)
        self.counts: dict[int, defaultdict[str, float]] = {}
        self.base_params: Any = None
        self._now = (0, 1)

    def attach(self, model: CoopModel) -> None:
        """Scale the budget to the simulated share of the province's households."""
        share = len(model.households) / model.province.households
        self.budget.yearly = self.full_budget * share
        self.base_params = model.params

    def intensity(self, lever: Lever, model: CoopModel) -> float:
        """The lever's intensity in the model's current month."""
        return lever.schedule.at(model.year, model.month)

    def count(self, model: CoopModel, what: str, n: float = 1.0) -> None:
        """Add to a lever-specific figure of the current year (trainees, grants...)."""
        self.counts.setdefault(model.year, defaultdict(float))[what] += n

    # ---- hooks the model calls -------------------------------------------------------
    def before_month(self, model: CoopModel) -> None:
        """Set the month's effective parameters, then let each lever act."""
        self._now = (model.year, model.month)
        self.budget.year = model.year
        changes: dict[str, float] = {}
        for lever in self.levers:
            level = self.intensity(lever, model)
            if level <= 0:
                continue
            for name, delta in lever.param_changes(self.base_params, level, self).items():
                changes[name] = changes.get(name, getattr(self.base_params, name)) + delta
        model.params = self.base_params.replace(**_clip(self.base_params, changes)) \
            if changes else self.base_params
        for lever in self.levers:
            level = self.intensity(lever, model)
            if level > 0:
                lever.on_month(model, self, level)

    def after_ratings(self, model: CoopModel) -> None:
        """Each December, after ratings: levers act on cooperatives."""
        self._now = (model.year, model.month)
        self.budget.year = model.year
        for lever in self.levers:
            level = self.intensity(lever, model)
            if level > 0:
                lever.on_year(model, self, level)

    def grant(self, lever: str, amount: float) -> float:
        """Pay up to ``amount`` of ``lever``'s costs; return how much of it is covered.

        Lower administrative friction makes support cheaper: the budget is charged
        ``amount`` times the cost factor, and the full ``amount`` of support (or the
        part the remaining budget covers) is returned.
        """
        factor = self._cost_factor(lever)
        return self.budget.grant(lever, amount * factor) / factor

    def affordable(self, lever: str, amount: float) -> bool:
        """Whether ``lever`` can still pay ``amount`` in full this year."""
        return self.budget.remaining(lever) >= amount * self._cost_factor(lever) - 1e-9

    def _cost_factor(self, lever: str) -> float:
        friction = next((lv for lv in self.levers if lv.name == "admin_friction"), None)
        if friction is None or lever == "admin_friction":
            return 1.0
        return max(1.0 - friction.cost_reduction * friction.schedule.at(*self._now), 0.05)

    def spending_table(self) -> list[dict[str, Any]]:
        """Rows ``{year, lever, spent}`` of every booking."""
        return [{"year": y, "lever": k, "spent": v}
                for y, per in sorted(self.budget.spent.items()) for k, v in sorted(per.items())]

    def to_dict(self) -> dict[str, Any]:
        """The package as scenario-file fields (budget and levers)."""
        return {"budget": self.budget.yearly,
                "levers": {lv.name: lv.to_dict() for lv in self.levers}}


def _clip(base: Any, changes: dict[str, float]) -> dict[str, float]:
    """Keep changed parameters inside their declared ranges."""
    from coopsim.world.params import param_specs

    specs = param_specs()
    out = {}
    for name, value in changes.items():
        spec = specs[name]
        value = min(max(value, spec.lo), spec.hi)
        out[name] = int(round(value)) if spec.type is int else float(value)
    return out
