"""The figures a calibration target can name, measured on one run.

Each figure is a function of a run's tables (:class:`~coopsim.runner.RunResult`) and a
calendar year, declared once in :data:`FIGURES` with its unit and definition. Counts
of cooperatives are divided by the run's ``scale`` so they read as whole-province
figures; shares and means need no scaling. :class:`Measures` bundles the figures a
calibration needs into one picklable callable that the experiment engine's worker
calls on every run (:func:`coopsim.experiment.engine.execute`), so the figures are
stored with each run's results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FIGURES", "Figure", "Measures", "figure_key", "measure"]

CLASSES = ("good", "fair", "average", "weak")


@dataclass(frozen=True)
class Figure:
    """A measurable figure: its name, unit, definition and how to compute it."""

    name: str
    unit: str
    doc: str
    fn: Callable[[Any, int], float]


def _row(result: Any, year: int) -> pd.Series:
    rows = result.yearly[result.yearly.year == year]
    if rows.empty:
        first, last = int(result.yearly.year.min()), int(result.yearly.year.max())
        raise ValueError(f"the run covers {first}-{last}, not {year}")
    return rows.iloc[0]


def _active(result: Any, year: int) -> pd.DataFrame:
    _row(result, year)  # checks the year is covered
    cy = result.coop_years
    return cy[(cy.year == year) & (cy.status == "active")]


def _scale(result: Any) -> float:
    return float(result.provenance["params"]["scale"])


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else float("nan")


def _class_share(label: str) -> Callable[[Any, int], float]:
    def share(result: Any, year: int) -> float:
        row = _row(result, year)
        return _ratio(row[f"n_{label}"], sum(row[f"n_{c}"] for c in CLASSES))
    return share


def _live(row: pd.Series) -> float:
    return float(row.n_active + row.n_inactive)


def _qualified(level: int) -> Callable[[Any, int], float]:
    def share(result: Any, year: int) -> float:
        active = _active(result, year)
        return float(np.mean(active.qualification == level)) if len(active) else float("nan")
    return share


def _active_mean(column: str) -> Callable[[Any, int], float]:
    def mean(result: Any, year: int) -> float:
        active = _active(result, year)
        return float(active[column].mean()) if len(active) else float("nan")
    return mean


def _revenue_growth(result: Any, year: int) -> float:
    mean = _active_mean("revenue")
    return mean(result, year) / mean(result, year - 1) - 1.0


def _dissolution_rate(result: Any, year: int) -> float:
    row = _row(result, year)
    return _ratio(row.dissolved, _live(row) + row.dissolved)


def _declare(*figures: Figure) -> dict[str, Figure]:
    return {f.name: f for f in figures}


FIGURES: dict[str, Figure] = _declare(
    *(Figure(f"{c}_share", "share", f"rated cooperatives classed {c} at the year's rating",
             _class_share(c)) for c in CLASSES),
    Figure("good_fair_share", "share", "rated cooperatives classed good or fair",
           lambda r, y: float(_row(r, y).good_fair_share)),
    Figure("operating_share", "share", "live cooperatives that are active (not paper)",
           lambda r, y: _ratio(_row(r, y).n_active, _live(_row(r, y)))),
    Figure("linked_share", "share", "active cooperatives with a running value-chain contract",
           lambda r, y: float(_row(r, y).linked_share)),
    Figure("credit_share", "share", "live cooperatives with a loan outstanding",
           lambda r, y: _ratio(_row(r, y).loans_active, _live(_row(r, y)))),
    Figure("university_share", "share", "active cooperatives whose manager holds a degree",
           _qualified(2)),
    Figure("untrained_share", "share", "active cooperatives whose manager is untrained",
           _qualified(0)),
    Figure("members_per_coop", "members", "mean members of an active cooperative",
           _active_mean("members")),
    Figure("revenue_per_coop", "m VND/year", "mean revenue of an active cooperative",
           _active_mean("revenue")),
    Figure("profit_per_coop", "m VND/year", "mean profit of an active cooperative",
           _active_mean("profit")),
    Figure("revenue_growth", "1/year", "growth of the mean revenue of an active cooperative "
           "over the year before", _revenue_growth),
    Figure("dissolution_rate", "1/year", "cooperatives dissolved in the year per live or "
           "dissolved cooperative of the year", _dissolution_rate),
    Figure("cooperatives", "cooperatives", "live (active or inactive) cooperatives, "
           "whole province", lambda r, y: _live(_row(r, y)) / _scale(r)),
    Figure("ocop_coops", "cooperatives", "cooperatives holding an OCOP rating (3-5 stars), "
           "whole province",
           lambda r, y: float(sum(_row(r, y)[f"n_ocop_{s}"] for s in (3, 4, 5))) / _scale(r)),
    Figure("membership_income_gap", "m VND/year", "mean 12-month income of member minus "
           "non-member households", lambda r, y: float(_row(r, y).income_member
                                                       - _row(r, y).income_nonmember)),
    Figure("linked_member_premium", "share", "mean income of members of linked cooperatives "
           "over that of members of unlinked ones, minus 1",
           lambda r, y: _ratio(_row(r, y).income_linked_members,
                               _row(r, y).income_unlinked_members) - 1.0),
)


def figure_key(name: str, year: int) -> str:
    """The column under which a figure of a year is stored, e.g. ``weak_share@2018``."""
    return f"{name}@{year}"


def measure(result: Any, name: str, year: int) -> float:
    """Compute figure ``name`` for calendar ``year`` from one run's tables."""
    if name not in FIGURES:
        raise KeyError(f"unknown figure {name!r}; known: {', '.join(sorted(FIGURES))}")
    return FIGURES[name].fn(result, year)


@dataclass(frozen=True)
class Measures:
    """A picklable bundle of ``(figure, year)`` pairs measured on each run."""

    keys: tuple[tuple[str, int], ...]

    def __call__(self, result: Any) -> dict[str, float]:
        """The figures of one run, keyed ``figure@year``."""
        return {figure_key(name, year): measure(result, name, year)
                for name, year in self.keys}
