"""Ensemble statistics: summaries, replication counts and paired comparisons.

Pure functions on pandas and numpy objects. Intervals are t-intervals of the mean
across replications (runs are independent draws of a stochastic model); comparisons
of two designs run over the same replication seeds (common random numbers) are
paired by replication, which removes the shared noise from the difference.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

__all__ = ["ensemble_summary", "paired_difference", "replications_needed"]


def _check_level(level: float) -> None:
    """Raise ValueError unless ``level`` is a confidence level strictly inside (0, 1)."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")


def _t_quantile(level: float, n: ArrayLike) -> np.ndarray:
    """Two-sided t quantile for ``level`` with ``n - 1`` degrees of freedom (NaN below 2)."""
    dof = np.asarray(n, dtype=float) - 1.0
    return np.where(dof >= 1, stats.t.ppf((1.0 + level) / 2.0, np.maximum(dof, 1.0)), np.nan)


def ensemble_summary(df: pd.DataFrame, by: str | Sequence[str], value_cols: str | Sequence[str],
                     level: float = 0.95) -> pd.DataFrame:
    """Mean, standard deviation and t-interval of the mean of each value, per group.

    Args:
        df: a tidy frame with one row per run (and, e.g., per year).
        by: the grouping column(s), e.g. ``["point", "year"]``.
        value_cols: the column(s) to summarise, e.g. ``["weak_share"]``.
        level: the confidence level of the interval of the mean.

    Returns:
        One row per group (sorted by ``by``), with the ``by`` columns, ``n`` (rows in the
        group) and, for each value ``v``, ``v_mean``, ``v_sd`` (ddof=1) and ``v_lo`` /
        ``v_hi``, the ``level`` t-interval of the mean. Missing values are skipped (the
        interval then uses the count of non-missing values); with fewer than two values
        the sd and interval are NaN.

    Raises:
        ValueError: if ``level`` is outside (0, 1) or a named column is missing.
    """
    _check_level(level)
    by = [by] if isinstance(by, str) else list(by)
    value_cols = [value_cols] if isinstance(value_cols, str) else list(value_cols)
    missing = [c for c in [*by, *value_cols] if c not in df.columns]
    if missing:
        raise ValueError(f"columns not in the frame: {missing}")
    grouped = df.groupby(by, sort=True, observed=True, dropna=False)
    out = grouped.size().rename("n").to_frame()
    for col in value_cols:
        count = grouped[col].count()
        mean, sd = grouped[col].mean(), grouped[col].std(ddof=1)
        half = _t_quantile(level, count) * sd / np.sqrt(count)
        out[f"{col}_mean"], out[f"{col}_sd"] = mean, sd
        out[f"{col}_lo"], out[f"{col}_hi"] = mean - half, mean + half
    return out.reset_index()


def replications_needed(values: ArrayLike, half_width: float, level: float = 0.95,
                        relative: bool = False) -> int:
    """Replications needed so the t-interval of the mean is at most ``half_width`` wide.

    The smallest ``n`` with ``t(n - 1) * sd / sqrt(n) <= half_width``, from the sample
    sd of pilot ``values`` (t quantile re-evaluated per ``n``, unlike the normal rule).

    Args:
        values: pilot results, one per replication (NaN values are ignored).
        half_width: the target half-width of the interval of the mean.
        level: the confidence level of the interval.
        relative: read ``half_width`` as a fraction of the pilot mean's magnitude
            (e.g. 0.05 for +/-5%).

    Returns:
        The number of replications, at least 2.

    Raises:
        ValueError: on fewer than 2 values, a non-positive ``half_width``, a bad
            ``level``, or ``relative=True`` with a zero pilot mean.
    """
    _check_level(level)
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    if x.size < 2:
        raise ValueError(f"values must hold at least 2 non-missing results, got {x.size}")
    if not half_width > 0:
        raise ValueError(f"half_width must be positive, got {half_width!r}")
    target = half_width
    if relative:
        if x.mean() == 0:
            raise ValueError("relative=True needs a non-zero pilot mean, got 0")
        target = half_width * abs(x.mean())
    sd = x.std(ddof=1)
    if sd == 0:
        return 2
    z = stats.norm.ppf((1.0 + level) / 2.0)
    n = max(2, int((z * sd / target) ** 2))  # lower bound: t quantiles exceed z
    while _t_quantile(level, n) * sd / np.sqrt(n) > target:
        n += 1
    return n


def paired_difference(a: ArrayLike, b: ArrayLike, level: float = 0.95, n_boot: int = 2000,
                      seed: int = 0) -> dict[str, float]:
    """Mean difference ``b - a`` of results paired by replication, with tests and intervals.

    Pairs where either value is NaN are dropped.

    Args:
        a: the reference results, one per replication.
        b: the compared results, same replications (same seeds) in the same order.
        level: the confidence level of both intervals.
        n_boot: bootstrap resamples of the differences.
        seed: seed of the bootstrap's :class:`numpy.random.Generator`.

    Returns:
        ``n`` (pairs used), ``mean_diff``, ``sd_diff``, ``lo`` / ``hi`` (t-interval of the
        mean difference), ``p_ttest`` (paired t-test), ``p_wilcoxon`` (signed-rank test;
        NaN when ``n < 6``), ``boot_lo`` / ``boot_hi`` (bootstrap percentile interval).
        When every difference is zero both p-values are NaN (the t statistic is 0/0, as
        :func:`scipy.stats.ttest_rel` gives); when every difference is the same non-zero
        value ``p_ttest`` is 0. With fewer than 2 complete pairs all figures are NaN.

    Raises:
        ValueError: if ``a`` and ``b`` differ in length, hold fewer than 2 values, or
            ``level`` / ``n_boot`` are invalid.
    """
    _check_level(level)
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot!r}")
    a, b = _complete_pairs(a, b)
    d = b - a
    nan = float("nan")
    if d.size < 2:
        return {"n": int(d.size), "mean_diff": nan, "sd_diff": nan, "lo": nan, "hi": nan,
                "p_ttest": nan, "p_wilcoxon": nan, "boot_lo": nan, "boot_hi": nan}
    mean, sd = float(d.mean()), float(d.std(ddof=1))
    half = float(_t_quantile(level, d.size)) * sd / np.sqrt(d.size)
    boot_lo, boot_hi = _bootstrap_interval(d, level, n_boot, seed)
    return {"n": int(d.size), "mean_diff": mean, "sd_diff": sd, "lo": mean - half,
            "hi": mean + half, "p_ttest": _paired_p(a, b), "p_wilcoxon": _wilcoxon_p(d),
            "boot_lo": boot_lo, "boot_hi": boot_hi}


def _complete_pairs(a: ArrayLike, b: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """``a`` and ``b`` as float vectors without the pairs holding a NaN (checked lengths)."""
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    if a.size != b.size:
        raise ValueError(f"a and b must be paired by replication: lengths {a.size} and "
                         f"{b.size} differ")
    if a.size < 2:
        raise ValueError(f"paired_difference needs at least 2 pairs, got {a.size}")
    keep = ~(np.isnan(a) | np.isnan(b))
    return a[keep], b[keep]


def _bootstrap_interval(d: np.ndarray, level: float, n_boot: int,
                        seed: int) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``d`` (seeded Generator)."""
    rng = np.random.default_rng(seed)
    boot = d[rng.integers(0, d.size, size=(n_boot, d.size))].mean(axis=1)
    lo, hi = np.quantile(boot, [(1.0 - level) / 2.0, (1.0 + level) / 2.0])
    return float(lo), float(hi)


def _paired_p(a: np.ndarray, b: np.ndarray) -> float:
    """Paired t-test p-value of ``b`` against ``a`` (degenerate cases without warnings)."""
    d = b - a
    if np.all(d == d[0]):  # sd 0: t is +/-inf, or 0/0 when every difference is zero
        return float("nan") if d[0] == 0 else 0.0
    return float(stats.ttest_rel(b, a).pvalue)


def _wilcoxon_p(d: np.ndarray) -> float:
    """Wilcoxon signed-rank p-value of ``d``; NaN below 6 pairs or with all zeros."""
    if d.size < 6 or np.all(d == 0):
        return float("nan")
    return float(stats.wilcoxon(d).pvalue)
