"""The household rules' inner loops, in two backends that give the same bits.

Each function exists as whole-array numpy code (``*_arrays``) and, where Numba is
installed (the ``fast`` extra), as one compiled loop that fuses those array passes in
the same floating-point operations and order: float32 where the arrays are float32,
float64 where numpy promotes, per-cooperative sums accumulated in household order as
``np.bincount`` does. What numpy computes differently from a plain loop (its pairwise
sums, and ``exp``/``log``, whose SIMD paths differ from the C library's) stays in
numpy, in the callers. ``tests/test_kernels.py`` checks the two backends bit for bit.

Numba costs memory and start-up (LLVM: 100-130 MiB more peak memory in a full run and
about 0.35 s per process to import it and load the cached loops, paid only by a
process that steps a model: the backend is chosen on first use) and saves time in
every step (the household phase 1.24 -> 0.81 s a full run, the steps about 20%);
benchmarks/RESULTS.md has the figures. The compiled loops are built on first use
(about 1.5 s) and cached next to this file, or in Numba's user cache
(``NUMBA_CACHE_DIR``) where the package cannot be written, or not at all where neither
can. Set ``COOPSIM_NUMBA=0`` to use the numpy backend where Numba is installed.

The loops do not check indices (Numba does not): they are called only by
``households`` with the model's own arrays, whose per-cooperative figures are float64.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

__all__ = ["BACKEND", "book_and_attend", "member_sales", "member_satisfaction", "produce"]

_F32 = np.float32


def _sum_by(of: np.ndarray, weights: np.ndarray | None, n: int) -> np.ndarray:
    """``np.bincount`` as float64 (it returns int64 zeros for no rows, even weighted)."""
    return np.bincount(of, weights, n).astype(np.float64, copy=False)


# ---- whole-array numpy: the reference ------------------------------------------------
def produce_arrays(noise: np.ndarray, base: np.ndarray, product: np.ndarray,
                   yield32: np.ndarray, spot32: np.ndarray, cost_share: np.ndarray,
                   output_noise: np.float32, dispersion: np.float32
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each household's output, spot offer and net income at spot (float32).

    ``noise`` is the month's two rows of uniform draws (used up: changed in place);
    ``yield32`` the year's yield factor per product (ones when there is none).
    """
    noise -= 0.5  # uniform noise with unit variance, in place
    noise *= np.float32(np.sqrt(12.0))
    factor, spread = noise[0], noise[1]
    factor *= output_noise
    factor += 1.0
    out = base * np.maximum(factor, 0.0, out=factor)
    out *= yield32.take(product)
    spread *= dispersion
    spread += 1.0
    offer = spot32.take(product)
    offer *= spread
    return out, offer, out * (offer - cost_share)


def member_sales_arrays(rows: np.ndarray, of: np.ndarray, n_coops: int, price: np.ndarray,
                        capacity: np.ndarray, saving: np.ndarray, loyalty: np.ndarray,
                        out: np.ndarray, offer: np.ndarray, net: np.ndarray, mfee: float,
                        fee_rate: np.float32) -> tuple[np.ndarray, ...]:
    """Members of open cooperatives offer, are rationed and paid; ``net`` gains benefit.

    ``rows`` are those members and ``of`` their cooperatives. Returns the members'
    output, offered and bought quantities and benefit, and per cooperative the value
    offered, paid, bought, the service fees and the member count.
    """
    price_m = price.take(of)
    out_m, offer_m = out[rows], offer[rows]
    offered_qty = np.where(offer_m <= price_m * (1.0 + loyalty[rows]), out_m, 0.0)
    offered = _sum_by(of, offered_qty * price_m, n_coops)
    qty = offered_qty * np.minimum(1.0, capacity / np.maximum(offered, 1e-12)).take(of)
    benefit = qty * (price_m - offer_m) + out_m * saving.take(of) - mfee
    net[rows] += benefit
    return (out_m, offered_qty, qty, benefit, offered, _sum_by(of, qty * price_m, n_coops),
            _sum_by(of, qty, n_coops), _sum_by(of, out_m * fee_rate, n_coops),
            np.bincount(of, minlength=n_coops))


def member_satisfaction_arrays(members: np.ndarray, rows: np.ndarray, benefit: np.ndarray,
                               output: np.ndarray, satisfaction: np.ndarray,
                               unhappy: np.ndarray, cell: np.ndarray, n_cells: int,
                               thr: np.float32, thr_scale: np.float32, keep: np.float32,
                               learn: np.float32) -> tuple[np.ndarray, np.ndarray]:
    """Members' satisfaction follows this month's benefit rate; unhappy months count.

    ``rows`` (members of open cooperatives, a sorted subset of ``members``) carry the
    month's ``benefit``; other members had a rate of 0. Updates ``satisfaction`` and
    ``unhappy`` in place and returns per cell the member count and the sum of members'
    satisfaction.
    """
    rate = np.zeros(len(satisfaction), np.float32)
    rate[rows] = benefit / np.maximum(output[rows], np.float32(1e-3))
    signal = np.clip((rate[members] - thr) / thr_scale, -1.0, 1.0)
    sat = keep * satisfaction[members] + learn * signal
    satisfaction[members] = sat
    unhappy[members] = np.where(sat < 0, unhappy[members] + 1, 0)
    cells = cell[members]
    return np.bincount(cells, minlength=n_cells), _sum_by(cells, sat, n_cells)


def book_and_attend_arrays(net: np.ndarray, income: np.ndarray, income12: np.ndarray,
                           cash: np.ndarray, savings_rate: np.float32, members: np.ndarray,
                           cell: np.ndarray, awareness: np.ndarray, trust: np.ndarray,
                           satisfaction: np.ndarray, gain: np.ndarray,
                           cell_target: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Book each household's month (income, savings) and update awareness and trust.

    ``income`` is the month's row of the 12-month ring; ``members`` the sorted rows of
    members. Members become aware and move their trust towards their own satisfaction;
    others gain awareness from members around them and move their trust towards their
    cell's ``cell_target`` (``rate`` 0 where a cell has no members, so trust stays:
    t + -0.0 == t). Returns what each household saved.
    """
    income12 += net - income
    income[:] = net
    saved = np.minimum(net, savings_rate * net)
    cash += saved
    awareness += gain.take(cell) * (1.0 - awareness)
    awareness[members] = 1.0
    target = cell_target.take(cell)
    target[members] = 0.5 + 0.5 * satisfaction[members]
    target -= trust
    target *= rate.take(cell)
    trust += target
    return saved


# ---- the same as compiled loops ------------------------------------------------------
def produce_loop(noise: np.ndarray, base: np.ndarray, product: np.ndarray,
                 yield32: np.ndarray, spot32: np.ndarray, cost_share: np.ndarray,
                 output_noise: np.float32, dispersion: np.float32
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """:func:`produce_arrays` as one loop."""
    n = base.shape[0]
    out = np.empty(n, np.float32)
    offer = np.empty(n, np.float32)
    net = np.empty(n, np.float32)
    half, root12, one = _F32(0.5), _F32(np.sqrt(12.0)), _F32(1.0)
    for i in range(n):
        factor = ((noise[0, i] - half) * root12) * output_noise + one
        if not factor >= 0:  # np.maximum(factor, 0.0): NaN stays NaN
            factor = factor if factor != factor else _F32(0.0)
        k = product[i]
        o = (base[i] * factor) * yield32[k]
        spread = ((noise[1, i] - half) * root12) * dispersion + one
        p = spot32[k] * spread
        out[i], offer[i] = o, p
        net[i] = o * (p - cost_share[i])
    return out, offer, net


def member_sales_loop(rows: np.ndarray, of: np.ndarray, n_coops: int, price: np.ndarray,
                      capacity: np.ndarray, saving: np.ndarray, loyalty: np.ndarray,
                      out: np.ndarray, offer: np.ndarray, net: np.ndarray, mfee: float,
                      fee_rate: np.float32):  # pragma: no cover - compiled
    """:func:`member_sales_arrays` as one loop.

    Selecting the rows stays in numpy, in the caller: its branch-free ``flatnonzero``
    is four times a loop's speed here.
    """
    m = rows.shape[0]
    offered_qty = np.empty(m, np.float32)
    offered = np.zeros(n_coops)
    for j in range(m):
        i, c = rows[j], of[j]
        pc = price[c]
        offered_qty[j] = out[i] if offer[i] <= pc * (_F32(1.0) + loyalty[i]) else _F32(0.0)
        offered[c] += np.float64(offered_qty[j]) * pc
    share = np.empty(n_coops)
    for c in range(n_coops):
        r = capacity[c] / max(offered[c], 1e-12)
        share[c] = 1.0 if r >= 1.0 else r  # np.minimum(1.0, r); r is never NaN here
    qty = np.empty(m)
    benefit = np.empty(m)
    out_m = np.empty(m, np.float32)
    paid = np.zeros(n_coops)
    bought = np.zeros(n_coops)
    fees = np.zeros(n_coops)
    counts = np.zeros(n_coops, np.int64)
    for j in range(m):
        i, c = rows[j], of[j]
        pc = price[c]
        q = np.float64(offered_qty[j]) * share[c]
        o = out[i]
        b = q * (pc - np.float64(offer[i])) + np.float64(o) * saving[c] - mfee
        qty[j], benefit[j], out_m[j] = q, b, o
        net[i] = np.float32(np.float64(net[i]) + b)
        paid[c] += q * pc
        bought[c] += q
        fees[c] += np.float64(o * fee_rate)
        counts[c] += 1
    return out_m, offered_qty, qty, benefit, offered, paid, bought, fees, counts


def member_satisfaction_loop(members: np.ndarray, rows: np.ndarray, benefit: np.ndarray,
                             output: np.ndarray, satisfaction: np.ndarray, unhappy: np.ndarray,
                             cell: np.ndarray, n_cells: int, thr: np.float32,
                             thr_scale: np.float32, keep: np.float32, learn: np.float32
                            ):  # pragma: no cover - compiled
    """:func:`member_satisfaction_arrays` as one loop."""
    n_mem = np.zeros(n_cells, np.int64)
    sat_sum = np.zeros(n_cells)
    floor = np.float32(1e-3)
    k = 0
    for j in range(members.shape[0]):
        i = members[j]
        rate = np.float32(0.0)
        while k < rows.shape[0] and rows[k] < i:  # rows not among members: skipped
            k += 1
        if k < rows.shape[0] and rows[k] == i:
            d = output[i]  # np.maximum(output, 1e-3) on float32: the floor is float32
            d = d if d >= floor else floor
            rate = np.float32(benefit[k] / np.float64(d))
            k += 1
        signal = (rate - thr) / thr_scale
        signal = min(max(signal, np.float32(-1.0)), np.float32(1.0))
        sat = keep * satisfaction[i] + learn * signal
        satisfaction[i] = sat
        unhappy[i] = unhappy[i] + 1 if sat < 0 else 0
        n_mem[cell[i]] += 1
        sat_sum[cell[i]] += np.float64(sat)
    return n_mem, sat_sum


def book_and_attend_loop(net: np.ndarray, income: np.ndarray, income12: np.ndarray,
                         cash: np.ndarray, savings_rate: np.float32, members: np.ndarray,
                         cell: np.ndarray, awareness: np.ndarray, trust: np.ndarray,
                         satisfaction: np.ndarray, gain: np.ndarray,
                         cell_target: np.ndarray, rate: np.ndarray
                        ) -> np.ndarray:  # pragma: no cover - compiled
    """:func:`book_and_attend_arrays` as one loop."""
    half, one = np.float32(0.5), np.float32(1.0)
    saved = np.empty(net.shape[0], np.float32)
    k = 0
    for i in range(net.shape[0]):
        x = net[i]
        income12[i] += np.float64(x - income[i])
        income[i] = x
        s = savings_rate * x
        s = x if x <= s else s  # np.minimum(net, rate * net), no NaN here
        saved[i] = s
        cash[i] += np.float64(s)
        c = cell[i]
        a = awareness[i]
        if k < members.shape[0] and members[k] == i:
            k += 1
            awareness[i] = one
            target = half + half * satisfaction[i]
        else:
            awareness[i] = a + gain[c] * (one - a)
            target = cell_target[c]
        t = trust[i]
        trust[i] = t + (target - t) * rate[c]
    return saved


def _compiled(loop, njit):
    """``loop`` compiled by ``njit`` and cached; uncached where no cache can be written.

    Numba refuses ``cache=True`` at decoration when neither this package's folder nor
    its user cache (``NUMBA_CACHE_DIR``) is writable.
    """
    try:
        return njit(cache=True)(loop)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return njit(loop)


ARRAYS = {"produce": produce_arrays, "member_sales": member_sales_arrays,
          "member_satisfaction": member_satisfaction_arrays,
          "book_and_attend": book_and_attend_arrays}
LOOPS = {"produce": produce_loop, "member_sales": member_sales_loop,
         "member_satisfaction": member_satisfaction_loop,
         "book_and_attend": book_and_attend_loop}


def _resolve() -> dict:
    """Choose the backend on first use (Numba, and LLVM with it, load only then).

    Importing Numba costs about 0.3 s and 70 MiB, which commands and processes that
    never step a model (``coopsim params``, an experiment's driver) need not pay.
    """
    compiled: dict = {}
    if os.environ.get("COOPSIM_NUMBA", "1") != "0":
        try:
            from numba import njit
        except ImportError:  # not installed, or not for this numpy: the numpy backend
            njit = None
        if njit is not None:
            compiled = {name: _compiled(loop, njit) for name, loop in LOOPS.items()}
    chosen = {"BACKEND": "numba" if compiled else "numpy", "COMPILED": compiled,
              **(compiled or ARRAYS)}
    globals().update(chosen)
    return chosen


# resolved on first access by __getattr__ (annotated only, so that access gets there)
BACKEND: str
COMPILED: dict
produce: Callable
member_sales: Callable
member_satisfaction: Callable
book_and_attend: Callable


def __getattr__(name: str):
    """The backend's names: the compiled loops, or the arrays without Numba.

    ``BACKEND``, ``COMPILED`` and the four functions the household rules call are
    resolved on first access.
    """
    if name in ("BACKEND", "COMPILED", *ARRAYS):
        return _resolve()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
