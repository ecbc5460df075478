"""Sweeps and sensitivity studies driven by a spec file or arguments.

``coopsim sweep SPEC.toml`` runs any design written as a TOML spec::

    [sweep]
    design = "lhs"            # explicit | factorial | lhs | sobol_sequence | morris | sobol
    scenario = "baseline"
    province = "my.toml"      # optional: a province file; default: the embedded one
    reps = 5
    years = 10
    seed = 1
    n = 16                    # points (lhs, sobol_sequence), base samples (sobol),
                              # trajectories (morris)
    [bounds]                  # lhs, sobol_sequence, morris, sobol
    credit_access = [0.0, 0.5]
    [levels]                  # factorial; a name may be a model parameter,
    exit_patience = [3, 6]    # "policy.budget" or "levers.LEVER.FIELD"
    "levers.consolidation.intensity" = [0.0, 1.0]
    [[points]]                # explicit
    credit_access = 0.2
    [fixed]                   # overrides for every run
    scale = 0.1

``coopsim sensitivity`` builds a Morris or Sobol design over chosen parameters, runs
it on the engine and computes the indices of the final weak share and linked share.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from coopsim.core.checks import expect_table, number_problem
from coopsim.core.errors import RunsFailedError
from coopsim.core.outputs import atomic_write
from coopsim.core.tomlfile import read_toml
from coopsim.experiment import designs, sensitivity
from coopsim.experiment.designs import MAX_REPS, MAX_SAMPLES, Design
from coopsim.experiment.engine import run_into
from coopsim.experiment.stats import ensemble_summary
from coopsim.experiment.store import Store, describe_failures
from coopsim.model.outcomes import check_run_outcomes
from coopsim.world.params import ParameterError, check_seed, check_years

__all__ = ["OUTPUTS", "SweepResult", "design_from_spec", "load_spec", "run_sensitivity",
           "run_sweep", "sensitivity_design"]

KINDS = ("explicit", "factorial", "lhs", "sobol_sequence", "morris", "sobol")
#: the outputs of a sensitivity study unless others are named (any run-level outcome of
#: :mod:`coopsim.model.outcomes` may be)
OUTPUTS = ("weak_share", "linked_share")
_TABLES = ("sweep", "bounds", "levels", "points", "fixed")
_SWEEP_KEYS = {"design", "scenario", "province", "reps", "years", "seed", "n"}
#: integer keys of [sweep]: (default, low, high)
_SWEEP_NUMBERS = {"reps": (1, 1, MAX_REPS), "n": (8, 1, MAX_SAMPLES)}


def load_spec(path: str | Path) -> dict[str, Any]:
    """Read a sweep spec file (TOML)."""
    return read_toml(path, "sweep spec", ParameterError)


def design_from_spec(spec: dict[str, Any], origin: str = "<spec>") -> Design:
    """Build (and validate) the design a spec describes; errors name the key and value."""
    def fail(key: str, msg: str):
        raise ParameterError(f"sweep spec {origin}: {key}: {msg}")

    for key, value in spec.items():
        if key not in _TABLES:
            fail(key, f"unknown table (allowed: {', '.join(_TABLES)})")
        if key == "points":
            if not isinstance(value, list) or any(expect_table(p) for p in value):
                fail(key, f"must be a list of tables ([[points]]), got {value!r}")
        elif expect_table(value):
            fail(key, f"must be a table, got {value!r}")
    head = spec.get("sweep", {})
    for key in head:
        if key not in _SWEEP_KEYS:
            fail(f"sweep.{key}", f"unknown key (allowed: {', '.join(sorted(_SWEEP_KEYS))})")
    kind = head.get("design")
    if kind not in KINDS:
        fail("sweep.design", f"must be one of {', '.join(KINDS)}, got {kind!r}")
    if not isinstance(head.get("scenario", "baseline"), str):
        fail("sweep.scenario", f"must be a scenario name or file, got {head['scenario']!r}")
    if not isinstance(head.get("province", ""), str):
        fail("sweep.province", f"must be a province file, got {head['province']!r}")
    for key, (default, lo, hi) in _SWEEP_NUMBERS.items():
        problem = number_problem(head.get(key, default), integer=True, lo=lo, hi=hi)
        if problem:
            fail(f"sweep.{key}", f"{problem}, got {head[key]!r}")
    try:
        check_seed(head.get("seed", 0), "sweep.seed")
        check_years(head.get("years", 10), "sweep.years")
    except ParameterError as exc:
        raise ParameterError(f"sweep spec {origin}: {exc}") from None
    for name, pair in spec.get("bounds", {}).items():
        if not isinstance(pair, list) or len(pair) != 2 or any(map(number_problem, pair)):
            fail(f"bounds.{name}", f"must be [low, high], two finite numbers, got {pair!r}")
    for name, values in spec.get("levels", {}).items():
        if not isinstance(values, list) or not values:
            fail(f"levels.{name}", f"must be a non-empty list of values, got {values!r}")
    common = {"reps": head.get("reps", 1), "master_seed": head.get("seed", 0),
              "years": head.get("years", 10)}
    scenario, fixed = head.get("scenario", "baseline"), spec.get("fixed", {})
    bounds = {k: tuple(v) for k, v in spec.get("bounds", {}).items()}
    try:
        design = _build(kind, spec, scenario, fixed, bounds, head.get("n", 8), common)
    except ParameterError as exc:
        raise ParameterError(f"sweep spec {origin}: {exc}") from None
    design.province = head.get("province")  # a file name, checked above
    return design


def _build(kind: str, spec: dict[str, Any], scenario: str, fixed: dict[str, Any],
           bounds: dict[str, tuple[float, float]], n: int, common: dict[str, Any]) -> Design:
    """The design of a validated spec's ``[sweep] design`` kind."""
    if kind == "explicit":
        return designs.explicit([{**fixed, **p} for p in spec.get("points", [])],
                                scenario, **common)
    if kind == "factorial":
        return designs.full_factorial(spec.get("levels", {}), scenario, fixed=fixed, **common)
    if kind in ("lhs", "sobol_sequence"):
        build = designs.latin_hypercube if kind == "lhs" else designs.sobol_sequence
        return build(bounds, n, scenario, fixed=fixed, **common)
    return sensitivity_design(kind, bounds, n, scenario, fixed, **common)


def sensitivity_design(method: str, bounds: dict[str, tuple[float, float]], n: int,
                       scenario: str = "baseline", fixed: dict[str, Any] | None = None,
                       reps: int = 1, master_seed: int = 0, years: int = 10) -> Design:
    """A Morris (``n`` trajectories) or Sobol (``n`` base samples) design as a Design.

    Raises:
        ParameterError: bad bounds, method or ``n`` (naming them).
    """
    designs._check_bounds(bounds)
    designs._check_n(n, master_seed)
    if n < 2:
        raise ParameterError(f"n ({'trajectories' if method == 'morris' else 'base samples'})"
                             f" must be at least 2, got {n!r}")
    if method not in ("morris", "sobol"):
        raise ParameterError(f"method must be morris or sobol, got {method!r}")
    try:
        frame = (sensitivity.morris_design(bounds, n, seed=master_seed) if method == "morris"
                 else sensitivity.sobol_design(bounds, n, seed=master_seed))
    except ValueError as exc:  # SALib's own checks of the sample
        raise ParameterError(f"{method} design: {exc}") from None
    points = [{"scenario": scenario,
               "overrides": {**(fixed or {}), **{k: designs._typed(k, v) for k, v in row.items()}}}
              for row in frame.to_dict(orient="records")]
    return Design(method, points, reps, master_seed, years,
                  {"bounds": {k: list(v) for k, v in bounds.items()}, "n": n})


@dataclass
class SweepResult:
    """What :func:`run_sweep` wrote.

    Attributes:
        files: the paths written, by name.
        counts: runs by status (``done``, ``failed``).
        failed: one row per failed run with the last line of its error.
        store: the path of the experiment's store.
    """

    files: dict[str, Path]
    counts: dict[str, int]
    failed: pd.DataFrame
    store: Path


def run_sweep(design: Design, out: str | Path, executor: Any = None, retries: int = 1,
              progress: Callable[[dict[str, int]], None] | None = None,
              kind: str = "sweep",
              outputs: Sequence[str] = ("weak_share", "good_fair_share", "linked_share")
              ) -> SweepResult:
    """Run (or resume) a design into ``out``; export tables and per-point summaries.

    ``outputs`` (run-level outcomes of the registry) are summarised per point
    (``summary_by_point.csv``: mean and interval over replications) and, those that are
    yearly figures, per point and year (``summary_by_point_year.csv``).

    Every file is written whole (temporary name, then rename). Runs that failed are
    listed in ``failed_runs.csv`` and in the result; running again tries them again.

    Raises:
        ParameterError, PolicyError, ProvinceError: bad input files (nothing written).
        RefusedError: ``out`` holds other output, or a store that cannot be resumed.
    """
    outputs = check_run_outcomes(outputs)
    out = Path(out)
    with run_into(design, out, kind, executor, retries, progress) as store:
        files = {p.stem: p for p in store.export(out)}
        yearly, failed, counts = store.yearly_frame(), store.failed_frame(), store.counts()
        runs = store.summary_frame()
    files["failed_runs"] = atomic_write(out / "failed_runs.csv", failed)
    if not runs.empty:
        files["by_point"] = atomic_write(out / "summary_by_point.csv",
                                         ensemble_summary(runs, ["point"], list(outputs)))
        yearly_outputs = [o for o in outputs if o in yearly]
        if yearly_outputs:
            files["by_point_year"] = atomic_write(
                out / "summary_by_point_year.csv",
                ensemble_summary(yearly, ["point", "year"], yearly_outputs))
    return SweepResult(files, counts, failed, out / "experiment.sqlite")


def run_sensitivity(design: Design, out: str | Path, executor: Any = None,
                    progress: Callable[[dict[str, int]], None] | None = None,
                    retries: int = 1, outputs: Sequence[str] = OUTPUTS) -> pd.DataFrame:
    """Run a Morris or Sobol design and compute the indices of ``outputs``.

    ``outputs`` are run-level outcomes of the registry (last-year figures, or
    ``<flow>_total``; checked by :func:`coopsim.model.outcomes.check_run_outcomes`).

    Outputs are each point's mean over replications. Writes ``indices.csv`` into ``out``
    (its figures: :func:`coopsim.presentation.report.write_sensitivity_figures`).

    Raises:
        RunsFailedError: a run failed (the indices need every run, so that every point
            averages the same replications; the store keeps what finished, and running
            again retries the failed ones).
    """
    outputs = check_run_outcomes(outputs)
    result = run_sweep(design, out, executor, retries, progress, kind="sensitivity")
    out = result.store.parent
    if not result.failed.empty:
        raise RunsFailedError(f"{describe_failures(result.failed, design.n_runs)}; the "
                              f"indices need every run: they are listed in "
                              f"{out / 'failed_runs.csv'}; run the same command again to "
                              "retry them")
    with Store(result.store, readonly=True) as store:
        means = ensemble_summary(store.summary_frame(), ["point"], list(outputs))
    means = means.set_index("point")
    bounds = {k: tuple(v) for k, v in design.info["bounds"].items()}
    frame = pd.DataFrame([p["overrides"] for p in design.points])[list(bounds)]
    tables = []
    for output in outputs:
        y = means[f"{output}_mean"].to_numpy(float)
        table = (sensitivity.morris_indices(bounds, frame, y, seed=design.master_seed)
                 if design.kind == "morris"
                 else sensitivity.sobol_indices(bounds, y, seed=design.master_seed))
        tables.append(table.assign(output=output))
    indices = pd.concat(tables, ignore_index=True)
    atomic_write(out / "indices.csv", indices)
    return indices
