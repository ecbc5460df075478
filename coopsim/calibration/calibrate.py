"""``calibrate``: fit, check, and write the fitted parameters, posterior and fit report.

Files written into ``out`` (each table also stays recomputable from the stores):

* ``gen_NN.sqlite``, ``check_fitted_<scenario>.sqlite``,
  ``check_posterior_<scenario>.sqlite``: the runs;
* ``fitted_params.toml``: the fitted values (``coopsim run --params`` reads it);
* ``posterior.csv`` (kept particles, weights, distances), ``posterior_summary.csv``,
  ``generations.csv``;
* ``fit_report.csv``: every target against the runs of the fitted point (its page
  ``fit_report.md`` and picture ``fit.png`` are drawn by
  :func:`coopsim.presentation.report.write_fit_report`);
* ``calibration_record.json``: method, settings, seed, date, coopsim version, the
  targets file and its digest, the generations and the fitted values.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from coopsim.calibration.fit import Fit, Worker, check_runs, fit, fitted_point
from coopsim.calibration.report import fit_report, posterior_summary
from coopsim.calibration.spec import CalibrationSpec
from coopsim.core.outputs import atomic_write, claim_folder
from coopsim.experiment.engine import check_retries
from coopsim.experiment.executors import KeepOpen, SerialExecutor

__all__ = ["METHOD", "CalibrationResult", "calibrate"]

METHOD = ("adaptive population Monte Carlo ABC (APMC; Lenormand, Jabot and Deffuant "
          "2013), root-mean-square z-score distance over the fit targets")


@dataclass
class CalibrationResult:
    """What :func:`calibrate` produced (the same as the files it wrote)."""

    fit: Fit
    fitted: dict[str, float]
    summary: pd.DataFrame
    report: pd.DataFrame
    checks: dict[str, pd.DataFrame]
    record: dict[str, Any]
    files: dict[str, Path]


def calibrate(spec: CalibrationSpec, out: str | Path, executor: Any = None,
              progress: Callable[[dict[str, int]], None] | None = None,
              worker: Worker | None = None, retries: int = 1) -> CalibrationResult:
    """Fit ``spec``'s parameters to its targets, run the checks, write the tables to ``out``.

    Running it again on the same ``out`` resumes (finished runs are not repeated).

    Args:
        spec: the calibration (targets, priors, settings).
        out: the output folder.
        executor: an experiment-engine executor (serial by default).
        progress: called with the store's counts by status after each run.
        worker: the per-run function (tests inject cheap ones).
        retries: how many more times a failed run is tried in this call.
    """
    check_retries(retries)
    with executor or SerialExecutor() as ex:  # one pool or cluster for every generation
        out = claim_folder(out, "calibrate")  # once the executor has started
        result = fit(spec, out, KeepOpen(ex), progress, worker, retries)
        fitted = fitted_point(spec, result)
        checks = check_runs(spec, result, fitted, out, KeepOpen(ex), progress, worker,
                            retries)
    posterior = result.posterior()
    summary = posterior_summary(posterior, spec.prior, fitted)
    report = fit_report(spec, checks["fitted"], checks.get("posterior"))
    record = _record(spec, result, fitted, summary)
    files = _write(out, result, posterior, summary, report, record, fitted)
    return CalibrationResult(result, fitted, summary, report, checks, record, files)


def _record(spec: CalibrationSpec, result: Fit, fitted: dict[str, float],
            summary: pd.DataFrame) -> dict[str, Any]:
    from coopsim import __version__

    runs = int(result.history.runs.sum()) \
        + len(spec.scenarios()) * (spec.check_reps + spec.posterior_draws)
    return {"method": METHOD, "coopsim": __version__,
            "date": dt.datetime.now(dt.UTC).date().isoformat(), "seed": spec.seed,
            "spec": Path(spec.path).name if spec.path else "",
            "targets": {"name": spec.targets.name, "file": Path(spec.targets.path).name,
                        "sha256": spec.targets.sha256},
            "settings": spec.settings(), "runs": runs,
            "generations": result.history.to_dict(orient="records"),
            "fitted": fitted,
            "posterior": summary.drop(columns="fitted").to_dict(orient="records")}


def _write(out: Path, result: Fit, posterior: pd.DataFrame, summary: pd.DataFrame,
           report: pd.DataFrame, record: dict[str, Any],
           fitted: dict[str, float]) -> dict[str, Path]:
    contents = {
        "fitted_params.toml": tomli_w.dumps({"params": fitted}),
        "posterior.csv": posterior, "posterior_summary.csv": summary,
        "generations.csv": result.history, "fit_report.csv": report,
        "calibration_record.json": json.dumps(record, indent=2)}
    return {name: atomic_write(out / name, content) for name, content in contents.items()}
