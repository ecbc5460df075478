"""Running an experiment: the worker function and the resumable driver loop.

:func:`execute` is the picklable worker: it runs one :class:`RunSpec` through
:func:`coopsim.runner.run` and returns plain data (it never raises; an error comes
back as its traceback). :func:`run_experiment` records the design in the store, runs
what is not done yet on an executor, writes each result as it arrives, and retries
failed runs up to a limit. Running it again on the same store resumes.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coopsim.experiment.designs import Design, RunSpec
from coopsim.experiment.executors import SerialExecutor
from coopsim.experiment.store import Store

__all__ = ["SUMMARY_FIGURES", "execute", "run_experiment", "summarise"]

#: final-year figures kept per run (the yearly series are kept in full as well)
SUMMARY_FIGURES = ("weak_share", "good_fair_share", "linked_share", "members",
                   "membership_rate", "income_member", "income_nonmember", "n_weak",
                   "n_active", "n_merged", "links_active")


def summarise(yearly: pd.DataFrame) -> dict[str, float]:
    """A run's summary: final-year figures, and totals over the run."""
    last = yearly.iloc[-1]
    out = {k: _plain(last[k]) for k in SUMMARY_FIGURES if k in yearly}
    out["n_rated"] = int(sum(last[f"n_{c}"] for c in ("good", "fair", "average", "weak")))
    out["dissolved_total"] = int(yearly["dissolved"].sum())
    out["founded_total"] = int(yearly["founded"].sum())
    out["budget_spent_total"] = float(yearly["budget_spent"].sum()) \
        if "budget_spent" in yearly else 0.0
    for col in yearly.columns:
        if col.startswith("spent_"):
            out[f"{col}_total"] = float(yearly[col].sum())
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def execute(spec: RunSpec, measures: Callable[[Any], dict[str, float]] | None = None
            ) -> dict[str, Any]:
    """Run one spec; return its yearly rows, summary and provenance (or its error).

    Args:
        spec: the run.
        measures: optional picklable callable of the run's
            :class:`~coopsim.runner.RunResult` whose figures join the summary (the
            calibration's target figures, which need more than the yearly rows).
    """
    from coopsim.runner import run

    t0 = time.perf_counter()
    try:
        res = run(spec.scenario, spec.overrides_dict, seed=spec.seed, years=spec.years)
        prov = dict(res.provenance)
        prov.update(run_id=spec.run_id, point=spec.point, rep=spec.rep)
        summary = summarise(res.yearly)
        if measures is not None:
            summary.update(measures(res))
        return {"yearly": [{k: _plain(v) for k, v in row.items()}
                           for row in res.yearly.to_dict(orient="records")],
                "summary": summary, "provenance": prov,
                "wall": round(time.perf_counter() - t0, 3)}
    except Exception:  # noqa: BLE001 - any failure of a run is recorded, the sweep goes on
        return {"error": traceback.format_exc()}


def run_experiment(design: Design, store: Store | str | Path, executor: Any = None,
                   retries: int = 1, progress: Callable[[dict[str, int]], None] | None = None,
                   worker: Callable[[RunSpec], dict[str, Any]] = execute) -> Store:
    """Run every run of ``design`` not yet done in ``store``; resume where it stopped.

    Args:
        design: the runs to make (a store that holds another design is refused).
        store: a :class:`Store` or the path of its file.
        executor: an executor (default: serial), entered here.
        retries: how many more times a failed run is tried.
        progress: called after each run with the store's counts by status.
        worker: the function run per spec (tests may inject one that fails).

    Returns:
        The store, holding the results.
    """
    store = store if isinstance(store, Store) else Store(store)
    store.init(design)
    with executor or SerialExecutor() as ex:
        for _attempt in range(retries + 1):
            todo = store.pending(max_attempts=retries + 1)
            if not todo:
                break
            for spec, outcome in ex.map(worker, todo):
                if "error" in outcome:
                    store.record_failure(spec, outcome["error"])
                else:
                    store.record_success(spec, outcome)
                if progress is not None:
                    progress(store.counts())
    return store
