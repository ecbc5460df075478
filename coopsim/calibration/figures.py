"""The figures a calibration target can name, measured on one run.

A figure is a yearly outcome of the registry (:mod:`coopsim.model.outcomes`: recorded
every month or December, or derived from the run's tables after it), read in a given
calendar year from the run's yearly table. Counts of cooperatives that are to be read
as whole-province figures are declared as such there (they are divided by the run's
``scale``). :class:`Measures` bundles the figures a calibration needs into one picklable
callable that the experiment engine's worker calls on every run
(:func:`coopsim.experiment.engine.execute`), so the figures are stored with each run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coopsim.model.outcomes import DERIVED, MONTH, OUTCOMES, YEAR, Outcome

__all__ = ["FIGURES", "Measures", "figure_key", "measure"]

#: every figure a target may name: the yearly outcomes, by name
FIGURES: dict[str, Outcome] = {o.name: o for o in OUTCOMES.values()
                               if o.level in (MONTH, YEAR, DERIVED)
                               and o.name not in ("year", "month")}


def figure_key(name: str, year: int) -> str:
    """The column under which a figure of a year is stored, e.g. ``weak_share@2018``."""
    return f"{name}@{year}"


def measure(result: Any, name: str, year: int) -> float:
    """Figure ``name`` in calendar ``year`` of one run (a row of its yearly table).

    Raises:
        KeyError: an unknown figure. ValueError: the run does not cover ``year``.
    """
    if name not in FIGURES:
        raise KeyError(f"unknown figure {name!r}; known: {', '.join(sorted(FIGURES))}")
    rows = result.yearly[result.yearly.year == year]
    if rows.empty:
        first, last = int(result.yearly.year.min()), int(result.yearly.year.max())
        raise ValueError(f"the run covers {first}-{last}, not {year}")
    return float(rows.iloc[0][name])


@dataclass(frozen=True)
class Measures:
    """A picklable bundle of ``(figure, year)`` pairs measured on each run."""

    keys: tuple[tuple[str, int], ...]

    def __call__(self, result: Any) -> dict[str, float]:
        """The figures of one run, keyed ``figure@year``."""
        return {figure_key(name, year): measure(result, name, year)
                for name, year in self.keys}
