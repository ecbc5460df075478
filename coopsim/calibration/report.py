"""The fit report: every target against the simulated distribution of its figure.

:func:`fit_report` is a pure function of the targets and the per-run figures stored by
the check runs, so its numbers can be recomputed from the stores at any time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coopsim.calibration.apmc import weighted_quantile
from coopsim.calibration.figures import FIGURES
from coopsim.calibration.spec import CalibrationSpec

__all__ = ["fit_report", "posterior_summary", "target_values"]

_STATS = ("mean", "sd", "q05", "q50", "q95")


def _stats(values: np.ndarray) -> dict[str, float]:
    v = values[np.isfinite(values)]
    if not len(v):
        return dict.fromkeys(_STATS, float("nan"))
    q05, q50, q95 = np.quantile(v, [0.05, 0.5, 0.95])
    return {"mean": float(v.mean()), "sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
            "q05": float(q05), "q50": float(q50), "q95": float(q95)}


def target_values(spec: CalibrationSpec, runs: pd.DataFrame) -> pd.DataFrame:
    """Each target's figure over the runs of its own scenario, one column per target key.

    Args:
        spec: the calibration (says which scenario each target takes).
        runs: check runs of several scenarios (column ``scenario``, ``point``, ``rep``
            and one column per target key), as :func:`~coopsim.calibration.fit.check_runs`
            returns them.
    """
    cols = {}
    for t in spec.targets.targets:
        part = runs[runs.scenario == spec.scenario_of(t)].sort_values(["point", "rep"])
        cols[t.key] = part[t.key].to_numpy(float)
    return pd.DataFrame(cols)


def fit_report(spec: CalibrationSpec, fitted: pd.DataFrame,
               posterior: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per target: the target, and its figure over the fitted point's runs.

    Args:
        spec: the calibration (its targets, and the scenario each takes).
        fitted: the runs of the fitted point (see :func:`target_values`).
        posterior: optionally, the runs of the posterior draws (same form).

    Returns:
        Columns ``figure, year, use, scenario, unit, low, value, high``; ``n`` runs and the
        ``mean, sd, q05, q50, q95`` of the figure; ``z`` = (mean - value) / target sd;
        ``inside`` (the mean lies in [low, high]); ``coverage`` (share of runs inside);
        and ``post_q05, post_q95`` over the posterior draws when given.
    """
    values_of = target_values(spec, fitted)
    post_of = target_values(spec, posterior) if posterior is not None else None
    rows = []
    for t in spec.targets.targets:
        values = values_of[t.key].to_numpy(float)
        stats = _stats(values)
        row = {"figure": t.figure, "year": t.year, "use": t.use,
               "scenario": spec.scenario_of(t), "unit": FIGURES[t.figure].unit, "low": t.low,
               "value": t.value, "high": t.high, "n": int(np.isfinite(values).sum()),
               **stats, "z": (stats["mean"] - t.value) / t.sd,
               "inside": bool(t.low <= stats["mean"] <= t.high),
               "coverage": float(np.mean((values >= t.low) & (values <= t.high)))}
        if post_of is not None:
            post = _stats(post_of[t.key].to_numpy(float))
            row.update(post_q05=post["q05"], post_q95=post["q95"])
        rows.append(row)
    return pd.DataFrame(rows)


def posterior_summary(posterior: pd.DataFrame, prior: dict[str, tuple[float, float]],
                      fitted: dict[str, float]) -> pd.DataFrame:
    """Per fitted parameter: prior range, weighted posterior mean, sd and quantiles."""
    w = posterior["weight"].to_numpy(float)
    rows = []
    for name, (lo, hi) in prior.items():
        x = posterior[name].to_numpy(float)
        mean = float(np.average(x, weights=w))
        q05, q50, q95 = weighted_quantile(x, w, np.array([0.05, 0.5, 0.95]))
        rows.append({"parameter": name, "prior_low": lo, "prior_high": hi, "mean": mean,
                     "sd": float(np.sqrt(np.average((x - mean) ** 2, weights=w))),
                     "q05": float(q05), "q50": float(q50), "q95": float(q95),
                     "fitted": fitted[name],
                     "shrinkage": float(1 - (q95 - q05) / (0.9 * (hi - lo)))})
    return pd.DataFrame(rows)


