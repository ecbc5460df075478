"""Compiled loops of the household rules (Numba), bit for bit the array code they replace.

Each kernel fuses what were several whole-array numpy passes into one loop, in the same
floating-point operations and order: float32 where the arrays were float32, float64
where numpy promoted, per-cooperative sums accumulated in household order as
``np.bincount`` does. What numpy computes differently from a plain loop (its pairwise
sums, and ``exp``/``log``, whose SIMD paths differ from the C library's) stays in numpy,
in the callers. ``tests/test_kernels.py`` checks every output against the array code,
bit for bit.

Kernels are compiled on first use and cached next to this file (``cache=True``), so
only the first run after an install pays the compilation (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["book_and_attend", "member_sales", "member_satisfaction", "produce"]

_F32 = np.float32


@njit(cache=True)
def produce(noise: np.ndarray, base: np.ndarray, product: np.ndarray,
            yield32: np.ndarray, spot32: np.ndarray, cost_share: np.ndarray,
            output_noise: np.float32, dispersion: np.float32
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Each household's output, spot offer and net income at spot (float32).

    ``noise`` is the month's two rows of uniform draws; ``yield32`` the year's yield
    factor per product (ones when there is none).
    """
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


@njit(cache=True)
def member_sales(rows: np.ndarray, of: np.ndarray, n_coops: int, price: np.ndarray,
                 capacity: np.ndarray, saving: np.ndarray, loyalty: np.ndarray,
                 out: np.ndarray, offer: np.ndarray, net: np.ndarray, mfee: float,
                 fee_rate: np.float32):  # pragma: no cover - compiled
    """Members of open cooperatives offer, are rationed and paid; ``net`` gains benefit.

    ``rows`` are those members and ``of`` their cooperatives. Returns the members'
    output, offered and bought quantities and benefit, and per cooperative the value
    offered, paid, bought, the service fees (weights float32 as numpy made them) and the
    member count. Selecting the rows stays in numpy: its branch-free ``flatnonzero`` is
    four times a loop's speed here.
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


@njit(cache=True)
def member_satisfaction(members: np.ndarray, rows: np.ndarray, benefit: np.ndarray,
                        output: np.ndarray, satisfaction: np.ndarray, unhappy: np.ndarray,
                        cell: np.ndarray, n_cells: int, thr: np.float32,
                        thr_scale: np.float32, keep: np.float32, learn: np.float32
                        ):  # pragma: no cover - compiled
    """Members' satisfaction follows this month's benefit rate; unhappy months count.

    ``rows`` (members of open cooperatives, a sorted subset of ``members``) carry the
    month's ``benefit``; other members had a rate of 0. Updates ``satisfaction`` and
    ``unhappy`` in place and returns per cell the member count and the sum of members'
    satisfaction (as ``np.bincount`` adds them).
    """
    n_mem = np.zeros(n_cells, np.int64)
    sat_sum = np.zeros(n_cells)
    floor = np.float32(1e-3)
    k = 0
    for j in range(members.shape[0]):
        i = members[j]
        rate = np.float32(0.0)
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


@njit(cache=True)
def book_and_attend(net: np.ndarray, income: np.ndarray, income12: np.ndarray,
                    cash: np.ndarray, savings_rate: np.float32, coop: np.ndarray,
                    cell: np.ndarray, awareness: np.ndarray, trust: np.ndarray,
                    satisfaction: np.ndarray, gain: np.ndarray, has: np.ndarray,
                    cell_trust: np.ndarray, rate: np.ndarray
                    ) -> np.ndarray:  # pragma: no cover - compiled
    """Book each household's month (income, savings) and update awareness and trust.

    ``income`` is the month's row of the 12-month ring. Members become aware and move
    their trust towards their own satisfaction; others gain awareness from members
    around them and move their trust towards their cell's members' (``rate`` 0 where a
    cell has none). Returns what each household saved.
    """
    half, one, zero = np.float32(0.5), np.float32(1.0), np.float32(0.0)
    saved = np.empty(net.shape[0], np.float32)
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
        a = a + gain[c] * (one - a)
        if coop[i] >= 0:
            awareness[i] = one
            target = half + half * satisfaction[i]
        else:
            awareness[i] = a
            target = cell_trust[c] if has[c] else zero
        t = trust[i]
        trust[i] = t + (target - t) * rate[c]
    return saved
