"""Global sensitivity analysis with SALib: Morris screening and Sobol' indices.

Parameters are given as ``{name: (lo, hi)}`` bounds (uniform over the range). Designs
come back as frames with one row per model evaluation and one column per parameter,
ready to become design points; the outputs of those evaluations, in the same order,
give the indices. Everything is seeded: the same seed gives the same design and the
same bootstrap confidence intervals. SALib is an optional dependency
(``pip install 'coopsim[sensitivity]'``) imported on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = ["morris_design", "morris_indices", "problem", "sobol_design", "sobol_indices"]

Bounds = Mapping[str, tuple[float, float]]


def _salib(module: str) -> ModuleType:
    """Import ``SALib.<module>``, explaining how to install SALib when it is missing."""
    try:
        return importlib.import_module(f"SALib.{module}")
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("sensitivity analysis needs SALib: "
                          "pip install 'coopsim[sensitivity]'") from exc


def problem(bounds: Bounds) -> dict[str, Any]:
    """The SALib problem dict for uniform parameters within ``bounds``.

    Args:
        bounds: ``{name: (lo, hi)}``, in the order the design columns should take.

    Returns:
        ``{"num_vars": k, "names": [...], "bounds": [[lo, hi], ...]}``.

    Raises:
        ValueError: if ``bounds`` is empty, or a parameter's bounds are not two finite
            numbers with ``lo < hi`` (the message names the parameter).
    """
    if not bounds:
        raise ValueError("bounds is empty: give at least one parameter")
    names, ranges = [], []
    for name, pair in bounds.items():
        try:
            lo, hi = (float(v) for v in pair)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"bounds for {name!r} must be a (lo, hi) pair of numbers, "
                             f"got {pair!r}") from exc
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"bounds for {name!r} must be finite with lo < hi, "
                             f"got ({lo}, {hi})")
        names.append(str(name))
        ranges.append([lo, hi])
    return {"num_vars": len(names), "names": names, "bounds": ranges}


def _outputs(outputs: ArrayLike, rows: int, what: str) -> np.ndarray:
    """Model outputs as a finite float vector of ``rows`` values, or ValueError."""
    y = np.asarray(outputs, dtype=float).ravel()
    if y.size != rows:
        raise ValueError(f"outputs must hold one value per {what} row ({rows}), "
                         f"got {y.size}")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"outputs hold {int(np.sum(~np.isfinite(y)))} non-finite values; "
                         "every design row needs a finite result")
    return y


def morris_design(bounds: Bounds, trajectories: int, levels: int = 4,
                  seed: int = 0) -> pd.DataFrame:
    """Morris elementary-effects design (one-at-a-time trajectories on a grid).

    Args:
        bounds: ``{name: (lo, hi)}`` of the screened parameters.
        trajectories: number of trajectories (each has ``k + 1`` points); 10-50 is usual.
        levels: grid levels per parameter (even, at least 2).
        seed: seed of the trajectory draw.

    Returns:
        ``trajectories * (k + 1)`` rows, one per point, columns the parameter names.

    Raises:
        ValueError: on bad bounds, fewer than 2 trajectories or an odd/too-small
            ``levels``.
    """
    prob = problem(bounds)
    if trajectories < 2:
        raise ValueError(f"trajectories must be at least 2, got {trajectories!r}")
    if levels < 2 or levels % 2:
        raise ValueError(f"levels must be an even integer of at least 2, got {levels!r}")
    x = _salib("sample.morris").sample(prob, int(trajectories), num_levels=int(levels),
                                       seed=seed)
    return pd.DataFrame(x, columns=prob["names"])


def morris_indices(bounds: Bounds, design: pd.DataFrame | ArrayLike, outputs: ArrayLike,
                   seed: int = 0, levels: int = 4) -> pd.DataFrame:
    """Morris screening measures from a :func:`morris_design` and its outputs.

    Args:
        bounds: the bounds the design was drawn with.
        design: the design (a frame is read by parameter name; an array in bounds order).
        outputs: one model output per design row, in design order.
        seed: seed of the bootstrap behind ``mu_star_conf``.
        levels: the ``levels`` the design was drawn with.

    Returns:
        One row per parameter: ``parameter``, ``mu_star`` (mean absolute elementary
        effect, in output units per full parameter range), ``mu_star_conf`` (half-width
        of its 95% bootstrap interval) and ``sigma`` (sd of the elementary effects:
        non-linearity or interactions).

    Raises:
        ValueError: on bad bounds, a design/outputs mismatch or non-finite outputs.
    """
    prob = problem(bounds)
    if isinstance(design, pd.DataFrame):
        x = design[prob["names"]].to_numpy(dtype=float)
    else:
        x = np.asarray(design, dtype=float)
    if x.ndim != 2 or x.shape[1] != prob["num_vars"] or len(x) % (prob["num_vars"] + 1):
        raise ValueError(f"design must have {prob['num_vars']} columns and a multiple of "
                         f"{prob['num_vars'] + 1} rows, got shape {x.shape}")
    y = _outputs(outputs, len(x), "design")
    si = _salib("analyze.morris").analyze(prob, x, y, num_levels=int(levels), seed=seed)
    return pd.DataFrame({"parameter": prob["names"],
                         "mu_star": np.asarray(si["mu_star"], dtype=float),
                         "mu_star_conf": np.asarray(si["mu_star_conf"], dtype=float),
                         "sigma": np.asarray(si["sigma"], dtype=float)})


def sobol_design(bounds: Bounds, n: int, seed: int = 0,
                 second_order: bool = False) -> pd.DataFrame:
    """Saltelli's extension of a scrambled Sobol' sequence, for Sobol' indices.

    Args:
        bounds: ``{name: (lo, hi)}`` of the parameters.
        n: base sample size; a power of 2 (SALib/scipy warn otherwise).
        seed: seed of the scrambling.
        second_order: also allow second-order indices (``n * (2k + 2)`` rows instead
            of ``n * (k + 2)``).

    Returns:
        One row per model evaluation, columns the parameter names.

    Raises:
        ValueError: on bad bounds or ``n < 2``.
    """
    prob = problem(bounds)
    if n < 2:
        raise ValueError(f"n must be at least 2 (ideally a power of 2), got {n!r}")
    x = _salib("sample.sobol").sample(prob, int(n), calc_second_order=second_order,
                                      seed=seed)
    return pd.DataFrame(x, columns=prob["names"])


def sobol_indices(bounds: Bounds, outputs: ArrayLike, seed: int = 0,
                  second_order: bool = False) -> pd.DataFrame:
    """First-order and total Sobol' indices from the outputs of a :func:`sobol_design`.

    Args:
        bounds: the bounds the design was drawn with.
        outputs: one model output per design row, in design order.
        seed: seed of the bootstrap behind the confidence intervals.
        second_order: the ``second_order`` the design was drawn with (second-order
            indices themselves are not returned).

    Returns:
        One row per parameter: ``parameter``, ``S1`` (share of output variance due to
        the parameter alone), ``ST`` (including all its interactions) and their 95%
        bootstrap half-widths ``S1_conf`` and ``ST_conf``.

    Raises:
        ValueError: on bad bounds, a row count that no design with these bounds has,
            or non-finite outputs.
    """
    prob = problem(bounds)
    per_base = 2 * prob["num_vars"] + 2 if second_order else prob["num_vars"] + 2
    y = np.asarray(outputs, dtype=float).ravel()
    if y.size < 2 * per_base or y.size % per_base:
        raise ValueError(f"outputs must hold n * {per_base} values (n >= 2) for "
                         f"{prob['num_vars']} parameters, got {y.size}")
    y = _outputs(y, y.size, "design")
    # a Generator, not the int: SALib's sobol.analyze ignores a seed of 0 (``if seed:``)
    si = _salib("analyze.sobol").analyze(prob, y, calc_second_order=second_order,
                                         seed=np.random.default_rng(seed))
    return pd.DataFrame({"parameter": prob["names"],
                         **{k: np.asarray(si[k], dtype=float)
                            for k in ("S1", "S1_conf", "ST", "ST_conf")}})
