"""Running an experiment: the worker function and the resumable driver loop.

:func:`execute` is the picklable worker: it runs one :class:`RunSpec` through
:func:`coopsim.policy.runner.run` and returns plain data (it never raises; an error comes
back as its traceback). :func:`run_experiment` reads the design's input files, records
the design and their digests in the store, runs what is not done yet on an executor,
writes each result as it arrives, and retries failed runs up to a limit. Running it
again on the same store resumes, and tries the failed runs again.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from coopsim.core.checks import number_problem
from coopsim.core.outputs import claim_folder
from coopsim.experiment.designs import Design, RunSpec
from coopsim.experiment.executors import KeepOpen, SerialExecutor
from coopsim.experiment.inputs import Inputs, read_inputs
from coopsim.experiment.store import Store
from coopsim.model.outcomes import plain, run_summary
from coopsim.world.params import ParameterError

__all__ = ["MAX_RETRIES", "RUN_TABLES", "check_retries", "execute", "run_experiment", "run_into",
           "summarise"]

#: most retries of a failed run in one call of :func:`run_experiment`
MAX_RETRIES = 10

def summarise(yearly: pd.DataFrame) -> dict[str, Any]:
    """A run's summary (:func:`coopsim.model.outcomes.run_summary`)."""
    return run_summary(yearly)


def execute(spec: RunSpec, measures: Callable[[Any], dict[str, float]] | None = None
            ) -> dict[str, Any]:
    """Run one spec; return its yearly rows, summary and provenance (or its error).

    The scenario and province come from the content the spec carries (filled in by
    :func:`run_experiment`), so the worker reads no file; a spec without content (made
    by hand) names a shipped scenario or a file as :func:`coopsim.policy.runner.run` takes it.

    Args:
        spec: the run.
        measures: optional picklable callable of the run's
            :class:`~coopsim.policy.runner.RunResult` whose figures join the summary (the
            calibration's target figures, which need more than the yearly rows).
    """
    from coopsim.policy.runner import run
    from coopsim.policy.scenarios import scenario_from_dict
    from coopsim.world.province import province_from_dict

    t0 = time.perf_counter()
    try:
        scenario = (scenario_from_dict(json.loads(spec.scenario_data), spec.scenario)
                    if spec.scenario_data else spec.scenario)
        province = (province_from_dict(json.loads(spec.province_data), "<design province>")
                    if spec.province_data else None)
        res = run(scenario, spec.overrides_dict, seed=spec.seed, years=spec.years,
                  province=province)
        prov = dict(res.provenance)
        prov.update(run_id=spec.run_id, point=spec.point, rep=spec.rep)
        summary = summarise(res.yearly)
        if measures is not None:
            summary.update(measures(res))
        return {"yearly": _records(res.yearly), "summary": summary, "provenance": prov,
                "tables": {name: _records(getattr(res, name)) for name in RUN_TABLES},
                "wall": round(time.perf_counter() - t0, 3)}
    except Exception:  # noqa: BLE001 - any failure of a run is recorded, the sweep goes on
        return {"error": traceback.format_exc()}


#: the tables of each run kept in the store beside its yearly rows
RUN_TABLES = ("events", "cohort", "fates", "districts", "income_quintiles")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-ready rows (numpy numbers as Python ones, NaN as None)."""
    return [{k: None if isinstance(v, float) and v != v else plain(v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]


def run_experiment(design: Design, store: Store | str | Path, executor: Any = None,
                   retries: int = 1, progress: Callable[[dict[str, int]], None] | None = None,
                   worker: Callable[[RunSpec], dict[str, Any]] = execute,
                   inputs: Inputs | None = None) -> Store:
    """Run every run of ``design`` not yet done in ``store``; resume where it stopped.

    The design's input files are read once, here (:func:`~coopsim.experiment.inputs.
    read_inputs`), and their content goes to the workers with each run. Runs that
    failed in an earlier call are tried again. A result computed by other coopsim code
    than the driver's (a Dask worker with another version) is recorded as a failure.

    Args:
        design: the runs to make (a store that holds another design, or the same
            design with changed inputs, is refused).
        store: a :class:`Store` or the path of its file (closed here if anything
            raises, so its lock is released).
        executor: an executor (default: serial), entered here.
        retries: how many more times a run that fails is tried in this call (0-10).
        progress: called after each run with the store's counts by status.
        worker: the function run per spec (tests may inject one that fails).
        inputs: the design's inputs, if the caller has read them already.

    Returns:
        The store, holding the results; ``store.counts()`` tells whether runs failed.

    Raises:
        ParameterError, PolicyError, ProvinceError: bad ``retries`` or input files.
        StoreError: the store is in use, damaged, or holds something else.
    """
    check_retries(retries)
    inputs = inputs or read_inputs(design)
    store = store if isinstance(store, Store) else Store(store)
    try:
        store.init(design, inputs)
        with executor or SerialExecutor() as ex:
            for _round in range(retries + 1):
                todo = [inputs.attach(s) for s in store.pending()]
                if not todo:
                    break
                for spec, outcome in ex.map(worker, todo):
                    error = outcome.get("error") or _foreign_code(outcome, inputs.code)
                    if error:
                        store.record_failure(spec, error)
                    else:
                        store.record_success(spec, outcome)
                    if progress is not None:
                        progress(store.counts())
    except BaseException:
        store.close()
        raise
    return store


def check_retries(retries: Any) -> None:
    """Raise :class:`ParameterError` unless ``retries`` is an integer in [0, 10]."""
    if number_problem(retries, integer=True, lo=0, hi=MAX_RETRIES):
        raise ParameterError(f"--retries must be an integer in [0, {MAX_RETRIES}], "
                             f"got {retries!r}")


def run_into(design: Design, out: str | Path, kind: str, executor: Any = None,
             retries: int = 1, progress: Callable[[dict[str, int]], None] | None = None
             ) -> Store:
    """Run (or resume) ``design`` into the output folder ``out`` of a ``coopsim <kind>``.

    In this order, so that a failure leaves nothing behind: the input files are read,
    the executor is started (a Dask scheduler that cannot be reached stops here), the
    folder is claimed (:func:`~coopsim.core.outputs.claim_folder`), then the store in it
    (``experiment.sqlite``) is opened and run.

    Returns:
        The open store (use it in a ``with`` block).
    """
    check_retries(retries)
    inputs = read_inputs(design)
    with executor or SerialExecutor() as ex:
        folder = claim_folder(out, kind)
        return run_experiment(design, folder / "experiment.sqlite", KeepOpen(ex), retries,
                              progress, inputs=inputs)


def _foreign_code(outcome: dict[str, Any], code: str) -> str | None:
    """An error text if the run was computed by other coopsim code than ``code``."""
    theirs = outcome.get("provenance", {}).get("code_sha256")
    if theirs is None or theirs == code:
        return None
    return (f"the worker ran other coopsim code (code digest {theirs[:12]}; the driver's "
            f"is {code[:12]}): install the same coopsim on every worker")
