"""Running a calibration on the experiment engine: APMC generations, then the checks.

Each APMC generation is one :class:`~coopsim.experiment.designs.Design` (one run per
particle, each with its own seed derived up front) run by
:func:`~coopsim.experiment.engine.run_experiment` into its own SQLite store
(``gen_00.sqlite``, ``gen_01.sqlite``...), with every target figure measured by the
worker and stored with the run. A generation's proposals depend only on the stored
results of the generations before it and on seeded generators, so running
:func:`calibrate` again on the same folder rebuilds them exactly and resumes where it
stopped; any executor (serial, processes, Dask) gives the same result.

After the fit, the fitted point (the weighted posterior median of each parameter,
rounded to ``digits`` significant digits, so it is exactly what may be shipped) is run
``check_reps`` times, and ``posterior_draws`` particles drawn from the posterior once
each, to the last year any target names, under every scenario a target names
(``check_fitted_<scenario>.sqlite``, ``check_posterior_<scenario>.sqlite``). The fit
report compares every target with the runs of its scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coopsim.calibration.apmc import (
    Population,
    Prior,
    distances,
    first_points,
    next_population,
    propose,
    weighted_quantile,
)
from coopsim.calibration.figures import Measures
from coopsim.calibration.spec import CalibrationSpec
from coopsim.core.errors import RunsFailedError
from coopsim.experiment.designs import Design, RunSpec, replication_seeds
from coopsim.experiment.engine import execute, run_experiment
from coopsim.experiment.store import Store
from coopsim.world.province import load_province

__all__ = ["CalibrationError", "Fit", "check_runs", "fit", "fitted_point", "run_years",
           "stored_figures"]

Worker = Callable[[RunSpec], dict[str, Any]]


class CalibrationError(RunsFailedError):
    """Runs of a calibration failed; re-running on the same folder retries them."""


@dataclass
class Fit:
    """The outcome of the APMC fit.

    Attributes:
        population: the final kept particles, weights and distances.
        history: one row per generation: runs, tolerance ``epsilon``, ``p_acc``.
        names: the fitted parameters, in column order.
    """

    population: Population
    history: pd.DataFrame
    names: list[str] = field(default_factory=list)

    def posterior(self) -> pd.DataFrame:
        """The particles: one row each, parameter columns, ``weight``, ``distance``."""
        frame = pd.DataFrame(self.population.theta, columns=self.names)
        w = self.population.weights
        return frame.assign(weight=w / w.sum(), distance=self.population.distance)


def run_years(spec: CalibrationSpec, uses: tuple[str, ...]) -> int:
    """Simulated years needed to reach the last target year of ``uses``."""
    start = load_province(spec.province).start_year
    last = max(t.year for t in spec.targets.of_use(*uses))
    return max(1, last - start + 1)


def stored_figures(store: Store, keys: list[str], n_points: int, reps: int = 1
                   ) -> pd.DataFrame:
    """The target figures of every run in ``store``, one row per run (point, rep).

    Raises:
        CalibrationError: some runs have not finished (their errors are in the store).
    """
    runs = store.summary_frame()
    if len(runs) != n_points * reps:
        failed = store.runs_frame().query("status != 'done'")
        raise CalibrationError(f"{len(failed)} runs of {store.path} did not finish (first: "
                               f"run {failed.run_id.iloc[0]}: "
                               f"{str(failed.error.iloc[0]).strip().splitlines()[-1]}); "
                               "run the calibration again to retry them")
    return runs.sort_values(["point", "rep"])[["point", "rep", "seed", *keys]]


def _design(spec: CalibrationSpec, names: list[str], theta: np.ndarray, seed: int,
            years: int, generation: int, scenario: str | None = None) -> Design:
    points = [{"scenario": scenario or spec.scenario,
               "overrides": {**spec.fixed, "scale": spec.scale,
                             **{n: float(v) for n, v in zip(names, row, strict=True)}}}
              for row in theta]
    return Design("apmc", points, reps=1, master_seed=seed, years=years,
                  info={"generation": generation, "prior": spec.prior},
                  common_seeds=False, province=spec.province)


def fit(spec: CalibrationSpec, out: Path, executor: Any = None,
        progress: Callable[[dict[str, int]], None] | None = None,
        worker: Worker | None = None, retries: int = 1) -> Fit:
    """Run (or resume) the APMC generations of ``spec`` into ``out``."""
    prior = Prior(spec.prior)
    targets = spec.targets.of_use("fit")
    keys = [t.key for t in targets]
    value = np.array([t.value for t in targets])
    sd = np.array([t.sd for t in targets])
    worker = worker or partial(execute, measures=Measures(tuple((t.figure, t.year)
                                                                for t in targets)))
    years = run_years(spec, ("fit",))
    seeds = replication_seeds(spec.seed, spec.max_generations)
    pop, rows = None, []
    for g in range(spec.max_generations):
        rng = np.random.default_rng([spec.seed, g])
        if pop is None:
            theta = first_points(prior, spec.particles, rng)
            weights = np.ones(len(theta))
        else:
            theta, weights = propose(pop, spec.particles - spec.n_keep, prior, rng)
        design = _design(spec, prior.names, theta, seeds[g], years, g)
        with _run(design, out / f"gen_{g:02d}.sqlite", executor, progress, worker,
                  retries) as store:
            figs = stored_figures(store, keys, len(theta))
        dist = distances(figs[keys].to_numpy(float), value, sd)
        pop = next_population(pop, theta, weights, dist, spec.n_keep)
        rows.append({"generation": g, "runs": len(theta), "epsilon": pop.epsilon,
                     "p_acc": pop.p_acc, "best": float(pop.distance.min())})
        if g > 0 and pop.p_acc < spec.p_acc_min:
            break
    return Fit(pop, pd.DataFrame(rows), prior.names)


def _run(design: Design, path: Path, executor: Any,
         progress: Callable[[dict[str, int]], None] | None, worker: Worker,
         retries: int = 1) -> Store:
    """Run (or resume) one design (runs that failed before are tried again)."""
    return run_experiment(design, path, executor, retries, progress=progress, worker=worker)


def _round(value: float, digits: int) -> float:
    return float(f"{value:.{digits}g}")


def fitted_point(spec: CalibrationSpec, result: Fit) -> dict[str, float]:
    """Each parameter's weighted posterior median, to ``digits`` significant digits."""
    pop = result.population
    return {name: _round(float(weighted_quantile(pop.theta[:, i], pop.weights, 0.5)),
                         spec.digits)
            for i, name in enumerate(result.names)}


def check_runs(spec: CalibrationSpec, result: Fit, fitted: dict[str, float], out: Path,
               executor: Any = None, progress: Callable[[dict[str, int]], None] | None = None,
               worker: Worker | None = None, retries: int = 1) -> dict[str, pd.DataFrame]:
    """Run the fitted point and posterior draws to the last target year, per scenario.

    Every scenario a target names (:meth:`CalibrationSpec.scenarios`) is run over the
    same seeds: ``check_reps`` runs of the fitted point and one run of each of
    ``posterior_draws`` particles drawn from the posterior (the same draws for every
    scenario).

    Returns:
        ``{"fitted": ..., "posterior": ...}``: one row per run (``scenario``, ``point``,
        ``rep``, ``seed``) and one column per target key.
    """
    keys = [t.key for t in spec.targets.targets]
    worker = worker or partial(execute, measures=Measures(tuple(
        (t.figure, t.year) for t in spec.targets.targets)))
    years = run_years(spec, ("fit", "check", "init"))
    seeds = replication_seeds(spec.seed + 1, 2)
    base = {**spec.fixed, "scale": spec.scale}
    draws = _posterior_draws(spec, result)
    frames: dict[str, list[pd.DataFrame]] = {"fitted": [], "posterior": []}
    for scenario in spec.scenarios():
        designs = {"fitted": Design("calibration_check", [{
            "scenario": scenario, "overrides": {**base, **fitted}}],
            reps=spec.check_reps, master_seed=seeds[0], years=years,
            province=spec.province)}
        if len(draws):
            designs["posterior"] = _design(spec, result.names, draws, seeds[1], years, -1,
                                           scenario)
        for kind, design in designs.items():
            with _run(design, out / f"check_{kind}_{scenario}.sqlite", executor, progress,
                      worker, retries) as store:
                figs = stored_figures(store, keys, len(design.points), design.reps)
            frames[kind].append(figs.assign(scenario=scenario))
    return {kind: pd.concat(parts, ignore_index=True) for kind, parts in frames.items()
            if parts}


def _posterior_draws(spec: CalibrationSpec, result: Fit) -> np.ndarray:
    rng = np.random.default_rng([spec.seed, 10_000])
    pop = result.population
    idx = rng.choice(len(pop.weights), size=spec.posterior_draws,
                     p=pop.weights / pop.weights.sum())
    return pop.theta[idx]
