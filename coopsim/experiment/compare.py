"""``coopsim compare``: scenarios over common replication seeds, summarised and reported.

:func:`compare` runs each scenario over the same replication seeds on the engine (so it
is parallel, Dask-capable and resumable: the store lives in the output folder), then
writes every run's yearly outcomes, a summary per scenario (mean and 95% interval
across replications) and paired differences against the first scenario with
significance tests. Its figures and one-page report are drawn by
:func:`coopsim.presentation.report.write_comparison_report`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coopsim.core.errors import RunsFailedError
from coopsim.core.outputs import atomic_write
from coopsim.experiment.designs import scenario_comparison
from coopsim.experiment.engine import run_into
from coopsim.experiment.stats import ensemble_summary, paired_difference
from coopsim.experiment.store import describe_failures
from coopsim.model.outcomes import headline

__all__ = ["COMPARED", "Comparison", "common_reps", "compare", "failed_note",
           "summarise_comparison"]

#: per-run figures compared across scenarios (final year unless "total"): the
#: registry's headline outcomes (:func:`coopsim.model.outcomes.headline`)
COMPARED = tuple(headline())


@dataclass
class Comparison:
    """What :func:`compare` produced.

    Attributes:
        runs: one row per run (its summary figures); yearly: every run's yearly rows.
        summary: per scenario, mean/sd/95% interval of each compared figure, and the
            cost per weak cooperative avoided against the first scenario.
        differences: per scenario and figure, the paired difference to the first.
        files: paths written, by name.
        failed: the runs that failed (empty when every run finished).
    """

    runs: pd.DataFrame
    yearly: pd.DataFrame
    summary: pd.DataFrame
    differences: pd.DataFrame
    files: dict[str, Path]
    failed: pd.DataFrame = field(default_factory=pd.DataFrame)


def common_reps(runs: pd.DataFrame, scenarios: Sequence[str]) -> list[int]:
    """The replications that finished under every scenario (the pairs compared)."""
    if runs.empty:
        return []
    return sorted(set.intersection(*(set(runs.rep[runs.scenario == name])
                                      for name in scenarios)))


def summarise_comparison(runs: pd.DataFrame, scenarios: Sequence[str]
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Summary per scenario and paired differences against the first (from run rows).

    Only the replications that finished under every scenario are used
    (:func:`common_reps`), so every figure and difference rests on the same seeds.
    """
    runs = runs[runs.rep.isin(common_reps(runs, scenarios))].copy()
    base = runs[runs.scenario == scenarios[0]].set_index("rep").sort_index()
    runs["weak_avoided"] = runs.n_weak.rsub(runs.rep.map(base.n_weak))
    summary = ensemble_summary(runs, ["scenario"], [*COMPARED, "weak_avoided"])
    summary = summary.set_index("scenario").loc[list(scenarios)].reset_index()
    avoided = summary.weak_avoided_mean
    summary["cost_per_weak_avoided"] = np.where(avoided > 0,
                                                summary.budget_spent_total_mean / avoided,
                                                np.nan)
    rows = []
    for name in scenarios[1:]:
        other = runs[runs.scenario == name].set_index("rep").loc[base.index]
        for fig in COMPARED:
            d = paired_difference(base[fig].to_numpy(float), other[fig].to_numpy(float))
            rows.append({"scenario": name, "against": scenarios[0], "figure": fig, **d})
    return summary, pd.DataFrame(rows)


def compare(scenarios: Sequence[str], out: str | Path, reps: int = 30, years: int = 10,
            master_seed: int = 0, overrides: dict[str, Any] | None = None,
            executor: Any = None, retries: int = 1,
            progress: Callable[[dict[str, int]], None] | None = None) -> Comparison:
    """Run and compare ``scenarios`` (the first is the reference); write into ``out``.

    Running it again with the same folder and arguments resumes the stored experiment
    and tries failed runs again. When runs failed, the comparison is made on the
    replications that finished under every scenario, the report says so, and
    :attr:`Comparison.failed` lists the failures (``failed_runs.csv``).

    Raises:
        ParameterError, PolicyError, ProvinceError: bad arguments or input files
            (nothing is written).
        RefusedError: ``out`` holds other output, or a store that cannot be resumed.
        RunsFailedError: fewer than 2 replications finished under every scenario
            (the store keeps what finished; run again to retry).
    """
    design = scenario_comparison(list(scenarios), reps, master_seed, years, overrides)
    with run_into(design, out, "compare", executor, retries, progress) as store:
        runs, yearly, failed = store.summary_frame(), store.yearly_frame(), store.failed_frame()
    out = Path(out)
    paired = common_reps(runs, scenarios)
    if len(paired) < 2:
        raise RunsFailedError(f"only {len(paired)} replications finished under every "
                              f"scenario, too few to compare; {failed_note(failed)}")
    summary, differences = summarise_comparison(runs, scenarios)
    files = _write_tables(out, runs, yearly, summary, differences, failed)
    return Comparison(runs, yearly, summary, differences, files, failed)


def failed_note(failed: pd.DataFrame) -> str:
    """One sentence on the failed runs, for messages and the report."""
    if failed.empty:
        return "no run failed"
    return (f"{describe_failures(failed)}; the store keeps every error, and running the "
            "same command again tries the failed runs again")


def _write_tables(out: Path, runs: pd.DataFrame, yearly: pd.DataFrame,
                  summary: pd.DataFrame, differences: pd.DataFrame, failed: pd.DataFrame
                  ) -> dict[str, Path]:
    """The comparison's tables, each written whole (figures and report: presentation)."""
    tables = {"runs_yearly": ("runs_yearly.csv", yearly), "runs": ("runs_summary.csv", runs),
              "summary": ("summary.csv", summary),
              "differences": ("differences.csv", differences),
              "failed": ("failed_runs.csv", failed)}
    return {key: atomic_write(out / name, frame) for key, (name, frame) in tables.items()}
