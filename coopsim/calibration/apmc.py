"""Adaptive population Monte Carlo ABC (APMC), the sampler behind ``coopsim calibrate``.

Approximate Bayesian computation for stochastic simulators without a likelihood, in
the adaptive form of Lenormand, Jabot and Deffuant (2013, "Adaptive approximate
Bayesian computation for complex models", Computational Statistics 28:2777-2796),
made for costly agent-based models: every generation is a fixed-size batch of runs,
so it maps onto one experiment-engine design.

1. Draw ``n`` parameter points from the (uniform) prior, simulate each once, and keep
   the ``n_keep = alpha * n`` closest to the targets, with equal weights; the
   tolerance is the largest kept distance.
2. Each later generation draws ``n - n_keep`` new points from the kept ones (by
   weight), moved by a Gaussian kernel with twice their weighted covariance, and
   weights each new point by prior density over the kernel mixture density. The new
   points are simulated; ``p_acc`` is the share of them closer than the current
   tolerance; the ``n_keep`` closest of old and new are kept.
3. Stop when ``p_acc`` falls below ``p_acc_min`` (new proposals rarely improve the
   population) or after ``max_generations``.

The functions here are pure: they take and return arrays and a seeded generator, so
the driver (:mod:`coopsim.calibration.fit`) can rebuild every generation's proposals
from stored results when it resumes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.stats import multivariate_normal, qmc

__all__ = ["Population", "Prior", "distances", "first_points", "next_population",
           "propose", "weighted_quantile"]


@dataclass(frozen=True)
class Prior:
    """Independent uniform priors, ``{name: (low, high)}``."""

    bounds: Mapping[str, tuple[float, float]]

    @property
    def names(self) -> list[str]:
        """Parameter names, in column order."""
        return list(self.bounds)

    @property
    def low(self) -> np.ndarray:
        """Lower bounds, in column order."""
        return np.array([self.bounds[n][0] for n in self.names], float)

    @property
    def high(self) -> np.ndarray:
        """Upper bounds, in column order."""
        return np.array([self.bounds[n][1] for n in self.names], float)

    def contains(self, theta: np.ndarray) -> np.ndarray:
        """Which rows of ``theta`` lie inside the bounds."""
        return np.all((theta >= self.low) & (theta <= self.high), axis=-1)

    def density(self) -> float:
        """The (constant) prior density inside the bounds."""
        return float(1.0 / np.prod(self.high - self.low))


@dataclass(frozen=True)
class Population:
    """The kept particles of a generation, their weights and distances."""

    theta: np.ndarray
    weights: np.ndarray
    distance: np.ndarray
    epsilon: float
    p_acc: float

    def covariance(self) -> np.ndarray:
        """Twice the weighted covariance of the particles (the APMC kernel)."""
        w = self.weights / self.weights.sum()
        cov = np.atleast_2d(np.cov(self.theta, rowvar=False, aweights=w))
        return 2.0 * cov


def distances(simulated: np.ndarray, value: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Root-mean-square z-score of each run's figures against the targets.

    Args:
        simulated: one row per run, one column per target.
        value: each target's central value. sd: each target's standard deviation.

    Returns:
        One distance per run (NaN figures count as infinitely far).
    """
    z = (np.asarray(simulated, float) - value) / sd
    d = np.sqrt(np.mean(z ** 2, axis=1))
    return np.where(np.isfinite(d), d, np.inf)


def first_points(prior: Prior, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points of a Latin hypercube over the prior (better spread than i.i.d.)."""
    unit = qmc.LatinHypercube(d=len(prior.names), seed=rng).random(n)
    return qmc.scale(unit, prior.low, prior.high)


def propose(pop: Population, n: int, prior: Prior, rng: np.random.Generator
            ) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` new points around ``pop`` inside the prior, with their APMC weights."""
    cov = pop.covariance()
    w = pop.weights / pop.weights.sum()
    out = np.empty((0, len(prior.names)))
    while len(out) < n:
        parents = rng.choice(len(w), size=2 * n, p=w)
        cand = pop.theta[parents] + rng.multivariate_normal(
            np.zeros(len(prior.names)), cov, size=2 * n, method="eigh")
        out = np.vstack([out, cand[prior.contains(cand)]])
    theta = out[:n]
    kernel = multivariate_normal(mean=np.zeros(len(prior.names)), cov=cov, allow_singular=True)
    mix = np.array([np.sum(w * kernel.pdf(pop.theta - t)) for t in theta])
    return theta, prior.density() / mix


def next_population(prev: Population | None, theta: np.ndarray, weights: np.ndarray,
                    dist: np.ndarray, n_keep: int) -> Population:
    """Keep the ``n_keep`` closest of the previous particles and the new ones."""
    if prev is None:
        all_theta, all_w, all_d, p_acc = theta, weights, dist, 1.0
    else:
        p_acc = float(np.mean(dist < prev.epsilon))
        all_theta = np.vstack([prev.theta, theta])
        all_w = np.concatenate([prev.weights, weights])
        all_d = np.concatenate([prev.distance, dist])
    order = np.argsort(all_d, kind="stable")[:n_keep]
    return Population(all_theta[order], all_w[order], all_d[order],
                      float(all_d[order].max()), p_acc)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float | np.ndarray
                      ) -> np.ndarray:
    """Quantiles of a weighted sample (midpoint interpolation of the weighted CDF)."""
    order = np.argsort(values)
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cdf, v)
