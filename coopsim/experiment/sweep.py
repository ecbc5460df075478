"""Sweeps and sensitivity studies driven by a spec file or arguments.

``coopsim sweep SPEC.toml`` runs any design written as a TOML spec::

    [sweep]
    design = "lhs"            # explicit | factorial | lhs | sobol_sequence | morris | sobol
    scenario = "baseline"
    reps = 5
    years = 10
    seed = 1
    n = 16                    # points (lhs, sobol_sequence), base samples (sobol),
                              # trajectories (morris)
    [bounds]                  # lhs, sobol_sequence, morris, sobol
    credit_access = [0.0, 0.5]
    [levels]                  # factorial
    exit_patience = [3, 6]
    [[points]]                # explicit
    credit_access = 0.2
    [fixed]                   # overrides for every run
    scale = 0.1

``coopsim sensitivity`` builds a Morris or Sobol design over chosen parameters, runs
it on the engine and computes the indices of the final weak share and linked share.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from coopsim.experiment import designs, sensitivity
from coopsim.experiment.designs import Design
from coopsim.experiment.engine import run_experiment
from coopsim.experiment.stats import ensemble_summary
from coopsim.experiment.store import Store
from coopsim.params import ParameterError
from coopsim.tomlfile import read_toml

__all__ = ["OUTPUTS", "design_from_spec", "load_spec", "run_sensitivity", "run_sweep"]

KINDS = ("explicit", "factorial", "lhs", "sobol_sequence", "morris", "sobol")
OUTPUTS = ("weak_share", "linked_share")
_SWEEP_KEYS = {"design", "scenario", "reps", "years", "seed", "n"}


def load_spec(path: str | Path) -> dict[str, Any]:
    """Read a sweep spec file (TOML)."""
    return read_toml(path, "sweep spec", ParameterError)


def design_from_spec(spec: dict[str, Any], origin: str = "<spec>") -> Design:
    """Build (and validate) the design a spec describes; errors name the key and value."""
    def fail(key: str, msg: str):
        raise ParameterError(f"sweep spec {origin}: {key}: {msg}")

    for key in spec:
        if key not in ("sweep", "bounds", "levels", "points", "fixed"):
            fail(key, "unknown table (allowed: sweep, bounds, levels, points, fixed)")
    head = spec.get("sweep", {})
    for key in head:
        if key not in _SWEEP_KEYS:
            fail(f"sweep.{key}", f"unknown key (allowed: {', '.join(sorted(_SWEEP_KEYS))})")
    kind = head.get("design")
    if kind not in KINDS:
        fail("sweep.design", f"must be one of {', '.join(KINDS)}, got {kind!r}")
    common = {"reps": head.get("reps", 1), "master_seed": head.get("seed", 0),
              "years": head.get("years", 10)}
    scenario, fixed = head.get("scenario", "baseline"), spec.get("fixed", {})
    bounds = {k: tuple(v) for k, v in spec.get("bounds", {}).items()}
    n = head.get("n", 8)
    try:
        if kind == "explicit":
            return designs.explicit([{**fixed, **p} for p in spec.get("points", [])],
                                    scenario, **common)
        if kind == "factorial":
            return designs.full_factorial(spec.get("levels", {}), scenario, fixed=fixed, **common)
        if kind in ("lhs", "sobol_sequence"):
            build = designs.latin_hypercube if kind == "lhs" else designs.sobol_sequence
            return build(bounds, n, scenario, fixed=fixed, **common)
        return sensitivity_design(kind, bounds, n, scenario, fixed, **common)
    except (ParameterError, ValueError) as exc:
        raise ParameterError(f"sweep spec {origin}: {exc}") from None


def sensitivity_design(method: str, bounds: dict[str, tuple[float, float]], n: int,
                       scenario: str = "baseline", fixed: dict[str, Any] | None = None,
                       reps: int = 1, master_seed: int = 0, years: int = 10) -> Design:
    """A Morris (``n`` trajectories) or Sobol (``n`` base samples) design as a Design."""
    designs._check_bounds(bounds)
    if method == "morris":
        frame = sensitivity.morris_design(bounds, n, seed=master_seed)
    elif method == "sobol":
        frame = sensitivity.sobol_design(bounds, n, seed=master_seed)
    else:
        raise ParameterError(f"method must be morris or sobol, got {method!r}")
    points = [{"scenario": scenario,
               "overrides": {**(fixed or {}), **{k: designs._typed(k, v) for k, v in row.items()}}}
              for row in frame.to_dict(orient="records")]
    return Design(method, points, reps, master_seed, years,
                  {"bounds": {k: list(v) for k, v in bounds.items()}, "n": n})


def _point_means(store: Store) -> pd.DataFrame:
    runs = store.summary_frame()
    return ensemble_summary(runs, ["point"], list(OUTPUTS))


def run_sweep(design: Design, out: str | Path, executor: Any = None, retries: int = 1,
              progress: Callable[[dict[str, int]], None] | None = None) -> dict[str, Path]:
    """Run (or resume) a design into ``out``; export tables and per-point summaries."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with run_experiment(design, Store(out / "experiment.sqlite"), executor, retries,
                        progress) as store:
        files = {p.stem: p for p in store.export(out)}
        yearly = store.yearly_frame()
        if not yearly.empty:
            by_point = ensemble_summary(yearly, ["point", "year"],
                                        ["weak_share", "good_fair_share", "linked_share"])
            files["by_point"] = out / "summary_by_point_year.csv"
            by_point.to_csv(files["by_point"], index=False)
    return files


def run_sensitivity(design: Design, out: str | Path, executor: Any = None,
                    progress: Callable[[dict[str, int]], None] | None = None
                    ) -> pd.DataFrame:
    """Run a Morris or Sobol design and compute the indices of :data:`OUTPUTS`.

    Outputs are each point's mean over replications. Writes ``indices.csv`` and one
    figure per output into ``out``.
    """
    import matplotlib.pyplot  # the caller's backend is kept (inline in a notebook)
    out = Path(out)
    run_sweep(design, out, executor, progress=progress)
    with Store(out / "experiment.sqlite") as store:
        means = _point_means(store).set_index("point")
    if len(means) != len(design.points):
        raise RuntimeError(f"{len(design.points) - len(means)} design points have no finished "
                           "run; the indices need every point (re-run to retry)")
    bounds = {k: tuple(v) for k, v in design.info["bounds"].items()}
    frame = pd.DataFrame([p["overrides"] for p in design.points])[list(bounds)]
    tables = []
    for output in OUTPUTS:
        y = means[f"{output}_mean"].to_numpy(float)
        table = (sensitivity.morris_indices(bounds, frame, y, seed=design.master_seed)
                 if design.kind == "morris"
                 else sensitivity.sobol_indices(bounds, y, seed=design.master_seed))
        fig = sensitivity.plot_indices(table, design.kind,
                                       title=f"{design.kind.capitalize()} indices of final "
                                             f"{output.replace('_', ' ')}")
        fig.savefig(out / f"indices_{output}.png", dpi=110)
        matplotlib.pyplot.close(fig)
        tables.append(table.assign(output=output))
    indices = pd.concat(tables, ignore_index=True)
    indices.to_csv(out / "indices.csv", index=False)
    return indices
