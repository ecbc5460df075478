"""The figures a calibration target can name, measured on one run.

Each figure is a function of a run's tables (:class:`~coopsim.policy.runner.RunResult`) and a
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
    return _of_row(lambda row: _ratio(row[f"n_{label}"], sum(row[f"n_{c}"] for c in CLASSES)))


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



def _of_row(fn: Callable[[pd.Series], float], per_province: bool = False
            ) -> Callable[[Any, int], float]:
    """A figure computed from the year's ``yearly`` row, looked up once.

    With ``per_province``, a count of cooperatives is divided by the run's scale.
    """
    def figure(result: Any, year: int) -> float:
        value = float(fn(_row(result, year)))
        return value / _scale(result) if per_province else value
    return figure


def _declare(*figures: Figure) -> dict[str, Figure]:
    return {f.name: f for f in figures}


FIGURES: dict[str, Figure] = _declare(
    *(Figure(f"{c}_share", "share", f"rated cooperatives classed {c} at the year's rating",
             _class_share(c)) for c in CLASSES),
    Figure("good_fair_share", "share", "rated cooperatives classed good or fair",
           _of_row(lambda row: row.good_fair_share)),
    Figure("operating_share", "share", "live cooperatives that are active (not paper)",
           _of_row(lambda row: _ratio(row.n_active, _live(row)))),
    Figure("linked_share", "share", "active cooperatives with a running value-chain contract",
           _of_row(lambda row: row.linked_share)),
    Figure("credit_share", "share", "live cooperatives with a loan outstanding",
           _of_row(lambda row: _ratio(row.loans_active, _live(row)))),
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
           "dissolved cooperative of the year",
           _of_row(lambda row: _ratio(row.dissolved, _live(row) + row.dissolved))),
    Figure("cooperatives", "cooperatives", "live (active or inactive) cooperatives, "
           "whole province", _of_row(_live, per_province=True)),
    Figure("ocop_coops", "cooperatives", "cooperatives holding an OCOP rating (3-5 stars), "
           "whole province",
           _of_row(lambda row: sum(row[f"n_ocop_{s}"] for s in (3, 4, 5)), per_province=True)),
    Figure("membership_income_gap", "m VND/year", "mean 12-month income of member minus "
           "non-member households",
           _of_row(lambda row: row.income_member - row.income_nonmember)),
    Figure("linked_member_premium", "share", "mean income of members of linked cooperatives "
           "over that of members of unlinked ones, minus 1",
           _of_row(lambda row: _ratio(row.income_linked_members,
                                      row.income_unlinked_members) - 1.0)),
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
