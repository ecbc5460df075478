"""Designs: which runs an experiment makes, as data.

A :class:`Design` is a list of design points (a scenario plus overrides of model
parameters, the budget or lever fields: :mod:`coopsim.policy.point`),
crossed with replications. Replication seeds are derived up front from one master
seed with :class:`numpy.random.SeedSequence` and shared by every design point, so
points are compared under common random numbers. Builders: :func:`explicit`,
:func:`full_factorial`, :func:`latin_hypercube`, :func:`sobol_sequence` and
:func:`scenario_comparison` (Morris and Sobol samples for sensitivity analysis come
from :mod:`coopsim.experiment.sensitivity`).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import qmc

from coopsim.core.checks import expect_table, number_problem
from coopsim.policy.point import check_overrides, factor_spec
from coopsim.world.params import MAX_SEED, MAX_YEARS, ParameterError, check_seed, check_years

__all__ = ["MAX_REPS", "MAX_RUNS", "MAX_SAMPLES", "MAX_SEED", "MAX_YEARS", "Design", "RunSpec",
           "explicit", "full_factorial", "latin_hypercube", "replication_seeds",
           "scenario_comparison", "sobol_sequence"]

#: most replications of a design point
MAX_REPS = 10_000
#: most runs of one design (a store of a million runs is about 10 GB)
MAX_RUNS = 1_000_000
#: most points a sampled design may ask for
MAX_SAMPLES = 100_000


@dataclass(frozen=True)
class RunSpec:
    """One run of an experiment: everything a worker needs, and nothing else.

    ``scenario`` is the scenario as the design names it (a shipped name or a path);
    ``scenario_data`` and ``province_data``, filled in by the driver from the files it
    read (:mod:`coopsim.experiment.inputs`), carry their content, so a worker never
    reads a file (it may run on another machine, in another directory).
    """

    run_id: int
    point: int
    rep: int
    seed: int
    scenario: str
    overrides: tuple[tuple[str, Any], ...]
    years: int
    scenario_data: str = ""
    province_data: str = ""

    @property
    def overrides_dict(self) -> dict[str, Any]:
        """The parameter overrides as a dict."""
        return dict(self.overrides)


def replication_seeds(master_seed: int, reps: int) -> list[int]:
    """Independent, stable 63-bit seeds for ``reps`` replications of ``master_seed``."""
    children = np.random.SeedSequence(master_seed).spawn(reps)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


@dataclass
class Design:
    """Design points crossed with replications.

    Attributes:
        kind: how the points were made (``explicit``, ``factorial``, ``lhs``...).
        points: each ``{"scenario": name or path, "overrides": {param: value}}``.
        reps: replications per point. master_seed: derives every replication seed.
        years: simulated years per run. info: builder details (bounds, levels...).
        province: the province file of every run (``None``: the embedded default).
        common_seeds: ``True`` (the default) runs every point over the same replication
            seeds (common random numbers, for comparing points); ``False`` gives every
            run its own seed (independent draws, as approximate Bayesian computation
            needs).
    """

    kind: str
    points: list[dict[str, Any]]
    reps: int = 1
    master_seed: int = 0
    years: int = 10
    info: dict[str, Any] = field(default_factory=dict)
    common_seeds: bool = True
    province: str | None = None

    def __post_init__(self) -> None:
        if not self.points:
            raise ParameterError("a design needs at least one point")
        if number_problem(self.reps, integer=True, lo=1):
            raise ParameterError(f"reps must be an integer >= 1, got {self.reps!r}")
        if self.reps > MAX_REPS:
            raise ParameterError(f"reps must be at most {MAX_REPS:,}, got {self.reps!r}")
        check_years(self.years)
        check_seed(self.master_seed)
        if len(self.points) * self.reps > MAX_RUNS:
            raise ParameterError(f"{len(self.points):,} points x {self.reps:,} replications "
                                 f"= {len(self.points) * self.reps:,} runs; at most "
                                 f"{MAX_RUNS:,} runs fit in one experiment")
        if self.province is not None and not isinstance(self.province, str):
            raise ParameterError(f"province must be a file name, got {self.province!r}")
        self.points = [_check_point(i, point) for i, point in enumerate(self.points)]

    @property
    def n_runs(self) -> int:
        """How many runs the design makes."""
        return len(self.points) * self.reps

    def seeds(self) -> list[int]:
        """The seeds: one per replication, or one per run without common seeds."""
        n = self.reps if self.common_seeds else self.reps * len(self.points)
        return replication_seeds(self.master_seed, n)

    def runs(self) -> list[RunSpec]:
        """Every run, numbered point-major."""
        seeds = self.seeds()
        step = 0 if self.common_seeds else self.reps
        return [RunSpec(run_id=p * self.reps + r, point=p, rep=r, seed=seeds[p * step + r],
                        scenario=str(pt.get("scenario", "baseline")),
                        overrides=tuple(sorted(pt.get("overrides", {}).items())),
                        years=self.years)
                for p, pt in enumerate(self.points) for r in range(self.reps)]

    def to_json(self) -> str:
        """A canonical JSON text of the design (stored with its results)."""
        data = {"kind": self.kind, "points": self.points, "reps": self.reps,
                "master_seed": self.master_seed, "years": self.years, "info": self.info}
        if not self.common_seeds:  # only then, so stores written before the field still match
            data["common_seeds"] = False
        if self.province is not None:
            data["province"] = self.province
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Design:
        """Rebuild a design from :meth:`to_json`."""
        return cls(**json.loads(text))


def _check_point(i: int, point: Any) -> dict[str, Any]:
    """A design point is ``{"scenario": str, "overrides": {name: value}}``.

    The overrides' names and values are checked by
    :func:`~coopsim.policy.point.check_overrides` (model parameters, ``policy.budget``,
    ``levers.NAME.FIELD``); what depends on the scenario is checked when the design's
    inputs are read (:func:`~coopsim.experiment.inputs.read_inputs`).

    Returns:
        The point with its overrides as plain Python numbers (numpy's become ``int``
        or ``float``), so that the design is stored as JSON exactly as it runs.
    """
    if expect_table(point) or set(point) - {"scenario", "overrides"}:
        raise ParameterError(f"design point {i}: must be a table of scenario and overrides, "
                             f"got {point!r}")
    if not isinstance(point.get("scenario", "baseline"), str):
        raise ParameterError(f"design point {i}: scenario must be a name or file, "
                             f"got {point['scenario']!r}")
    overrides = point.get("overrides", {})
    if expect_table(overrides):
        raise ParameterError(f"design point {i}: overrides must be a table, got {overrides!r}")
    try:
        values = check_overrides(overrides)
    except ParameterError as exc:
        raise ParameterError(f"design point {i}: {exc}") from None
    return {**point, "overrides": values}


def _check_bounds(bounds: Mapping[str, tuple[float, float]]) -> None:
    """Bounds name numeric factors, each ``(low, high)`` finite, ordered, in range.

    A factor is what :func:`~coopsim.policy.point.factor_spec` declares.
    """
    if not bounds:
        raise ParameterError("bounds: name at least one parameter to vary")
    for name, pair in bounds.items():
        spec = factor_spec(name)
        if spec.type not in (int, float):
            raise ParameterError(f"bounds of '{name}': a {spec.type.__name__} cannot be "
                                 f"sampled between bounds; give its values as levels")
        if not isinstance(pair, tuple | list) or len(pair) != 2 \
                or any(number_problem(v) for v in pair):
            raise ParameterError(f"bounds of '{name}': must be (low, high), two finite "
                                 f"numbers, got {pair!r}")
        lo, hi = pair
        if not lo < hi:
            raise ParameterError(f"bounds of '{name}': low must be < high, got ({lo}, {hi})")
        if lo < spec.lo or hi > spec.hi:
            raise ParameterError(f"bounds of '{name}': ({lo}, {hi}) leave the parameter's "
                                 f"valid range [{spec.lo}, {spec.hi}] ({spec.unit})")


def _check_n(n: Any, seed: Any) -> None:
    """A sample size and the seed it is drawn with (checked before sampling)."""
    problem = number_problem(n, integer=True, lo=1, hi=MAX_SAMPLES)
    if problem:
        raise ParameterError(f"n (points) {problem}, got {n!r}")
    check_seed(seed)


def _typed(name: str, value: float) -> float | int:
    return int(round(value)) if factor_spec(name).type is int else float(value)


def explicit(points: Sequence[Mapping[str, Any]], scenario: str = "baseline", reps: int = 1,
             master_seed: int = 0, years: int = 10) -> Design:
    """A design from a list of override dicts (each may name its own ``scenario``)."""
    pts = [{"scenario": p.get("scenario", scenario),
            "overrides": {k: v for k, v in p.items() if k != "scenario"}} for p in points]
    return Design("explicit", pts, reps, master_seed, years)


def full_factorial(levels: Mapping[str, Sequence[Any]], scenario: str = "baseline",
                   reps: int = 1, master_seed: int = 0, years: int = 10,
                   fixed: Mapping[str, Any] | None = None) -> Design:
    """Every combination of the given parameter levels."""
    size = math.prod(len(v) for v in levels.values()) if levels else 0
    if not 1 <= size <= MAX_SAMPLES:
        raise ParameterError(f"levels: {size:,} combinations; a factorial design needs "
                             f"1 to {MAX_SAMPLES:,}")
    names = list(levels)
    pts = [{"scenario": scenario, "overrides": {**(fixed or {}), **dict(zip(names, combo,
                                                                            strict=True))}}
           for combo in itertools.product(*(levels[n] for n in names))]
    return Design("factorial", pts, reps, master_seed, years,
                  {"levels": {k: list(v) for k, v in levels.items()}})


def _sampled(kind: str, unit: np.ndarray, bounds: Mapping[str, tuple[float, float]],
             scenario: str, reps: int, master_seed: int, years: int,
             fixed: Mapping[str, Any] | None) -> Design:
    names = list(bounds)
    lo = np.array([bounds[n][0] for n in names])
    hi = np.array([bounds[n][1] for n in names])
    values = qmc.scale(unit, lo, hi)
    pts = [{"scenario": scenario,
            "overrides": {**(fixed or {}), **{n: _typed(n, v) for n, v in zip(names, row,
                                                                               strict=True)}}}
           for row in values]
    return Design(kind, pts, reps, master_seed, years,
                  {"bounds": {k: list(v) for k, v in bounds.items()}})


def latin_hypercube(bounds: Mapping[str, tuple[float, float]], n: int,
                    scenario: str = "baseline", reps: int = 1, master_seed: int = 0,
                    years: int = 10, fixed: Mapping[str, Any] | None = None) -> Design:
    """``n`` points of a Latin hypercube over ``bounds`` (scipy.stats.qmc, seeded)."""
    _check_bounds(bounds)
    _check_n(n, master_seed)
    unit = qmc.LatinHypercube(d=len(bounds), seed=master_seed).random(n)
    return _sampled("lhs", unit, bounds, scenario, reps, master_seed, years, fixed)


def sobol_sequence(bounds: Mapping[str, tuple[float, float]], n: int,
                   scenario: str = "baseline", reps: int = 1, master_seed: int = 0,
                   years: int = 10, fixed: Mapping[str, Any] | None = None) -> Design:
    """``n`` points of a scrambled Sobol sequence over ``bounds`` (n a power of 2 is best)."""
    _check_bounds(bounds)
    _check_n(n, master_seed)
    unit = qmc.Sobol(d=len(bounds), scramble=True, seed=master_seed).random(n)
    return _sampled("sobol_sequence", unit, bounds, scenario, reps, master_seed, years, fixed)


def scenario_comparison(scenarios: Sequence[str], reps: int, master_seed: int = 0,
                        years: int = 10, overrides: Mapping[str, Any] | None = None,
                        province: str | Path | None = None) -> Design:
    """Each scenario as a point, all run over the same replication seeds."""
    if len(set(scenarios)) != len(scenarios):
        raise ParameterError(f"scenarios must be distinct, got {list(scenarios)}")
    pts = [{"scenario": s, "overrides": dict(overrides or {})} for s in scenarios]
    return Design("comparison", pts, reps, master_seed, years,
                  province=None if province is None else str(province))
