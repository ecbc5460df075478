"""The household rules as whole-array numpy code: the reference the compiled kernels match.

These are the functions of ``coopsim.model.households`` before its loops were compiled
(commit ``5472f72``), kept only so ``tests/test_kernels.py`` can check that the library
gives the same bits. Nothing else should use them.
"""

from __future__ import annotations

import numpy as np

from coopsim.model.households import CoopArrays, HouseholdStore, MonthSales
from coopsim.world.params import Params


def sell_month(hh: HouseholdStore, coops: CoopArrays, month: int, spot: np.ndarray,
               params: Params, rng: np.random.Generator,
               yield_factor: np.ndarray | None = None) -> MonthSales:
    """Produce and sell for one month (decided on start-of-month state).

    Members of an open cooperative offer their output to it unless a trader's spot
    offer beats the cooperative's price by more than their loyalty (side-selling);
    the cooperative buys up to its capacity, rationing offers pro rata; the rest is
    sold on the spot market. Members of an open cooperative also save on inputs
    (bought through it: a service fee to it, the rest to the world) and pay the
    monthly share of the membership fee.

    Args:
        month: calendar month index, 0 = January.
        spot: spot price of each product this month.
        yield_factor: this year's weather/yield shock of each product (1 = normal).
    """
    n_coops = len(coops.open)
    # uniform noise with unit variance (normal draws cost 7x more at this size)
    # (in place: the same float32 operations as the formulas, without temporaries)
    noise = rng.random((2, len(hh)), dtype=np.float32)
    noise -= 0.5
    noise *= np.float32(np.sqrt(12.0))
    factor, spread = noise[0], noise[1]
    factor *= params.output_noise
    factor += 1.0
    out = hh.base_output[month] * np.maximum(factor, 0.0, out=factor)
    if yield_factor is not None:
        out *= yield_factor.astype(np.float32).take(hh.product)
    spread *= params.offer_dispersion
    spread += 1.0
    offer = spot.astype(np.float32).take(hh.product)
    offer *= spread
    net = out * (offer - hh.cost_share)
    rows = np.flatnonzero(hh.coop >= 0)
    rows = rows[coops.open.take(hh.coop[rows])]
    c = hh.coop[rows]
    price = coops.price.take(c)
    out_m, offer_m = out[rows], offer[rows]
    offered_qty = np.where(offer_m <= price * (1.0 + hh.loyalty[rows]), out_m, 0.0)
    offered = np.bincount(c, offered_qty * price, n_coops)
    qty = offered_qty * np.minimum(1.0, coops.capacity / np.maximum(offered, 1e-12)).take(c)
    mfee = params.membership_fee / 12.0
    saving = out_m * coops.saving.take(c)
    benefit = qty * (price - offer_m) + saving - mfee
    net[rows] += benefit
    paid = np.bincount(c, qty * price, n_coops)
    service_fees = np.bincount(c, out_m * params.service_fee_rate, n_coops)
    membership_fees = np.bincount(c, minlength=n_coops) * mfee
    # what households gained beyond what cooperatives paid them net of fees came from
    # (or went to) the outside world: spot sales less input purchases
    world_net = float(net.sum(dtype=np.float64) - paid.sum() + service_fees.sum()
                      + membership_fees.sum())
    return MonthSales(
        output=out, net_income=net, rows=rows, of=c, benefit_m=benefit, delivered_m=qty,
        coop_bought_qty=np.bincount(c, qty, n_coops), coop_paid=paid,
        coop_service_fees=service_fees, coop_membership_fees=membership_fees,
        coop_offered=offered, side_sold=float(out_m.sum() - offered_qty.sum()),
        member_output=float(out_m.sum()), delivered=float(qty.sum()),
        world_net=world_net)


def update_membership(hh: HouseholdStore, coops: CoopArrays, sales: MonthSales, month: int,
                      cell_size: np.ndarray, params: Params, rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray, float]:
    """Book the month's income and update attitudes; decide who joins and who leaves.

    Members' satisfaction follows the benefit they got this month as a share of their
    output, against ``join_threshold`` (smoothed at ``trust_rate``); members of a
    cooperative that is not open get no benefit. Satisfaction, awareness and trust
    are updated first, then leaving and joining are decided on them; the caller applies
    the moves (capital transfers, member counts) so both sides stay consistent.

    Returns:
        ``(joiners, leavers, saved)``: row numbers (joiners' target is
        ``best_in_cell[cell]``) and the money households added to their cash.
    """
    net = sales.net_income
    hh.income12 += net - hh.income[month]
    hh.income[month] = net
    saved = np.minimum(net, params.savings_rate * net)
    hh.cash += saved
    hh.patronage[sales.rows] += sales.delivered_m
    members = np.flatnonzero(hh.coop >= 0)
    rate = np.zeros(len(hh), np.float32)
    rate[sales.rows] = sales.benefit_m / np.maximum(sales.output[sales.rows], 1e-3)
    thr = params.join_threshold
    signal = np.clip((rate[members] - thr) / max(thr, 1e-3), -1.0, 1.0)
    sat = (1 - params.trust_rate) * hh.satisfaction[members] + params.trust_rate * signal
    hh.satisfaction[members] = sat
    hh.unhappy[members] = np.where(sat < 0, hh.unhappy[members] + 1, 0)
    peer, cell_trust = _cell_shares(hh, members, cell_size)
    _update_attitudes(hh, members, peer, cell_trust, params)
    leavers = members[hh.unhappy[members] >= params.exit_patience]
    return _joiners(hh, coops, peer, params, rng), leavers, float(saved.sum(dtype=np.float64))


def _cell_shares(hh: HouseholdStore, members: np.ndarray, cell_size: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: share of households who are members, and the trust members inspire."""
    cells = hh.cell[members]
    n_mem = np.bincount(cells, minlength=len(cell_size))
    sat = np.bincount(cells, hh.satisfaction[members], len(cell_size))
    peer = (n_mem / np.maximum(cell_size, 1)).astype(np.float32)
    trust = np.where(n_mem > 0, 0.5 + 0.5 * sat / np.maximum(n_mem, 1), np.nan)
    return peer, trust.astype(np.float32)


def _update_attitudes(hh: HouseholdStore, members: np.ndarray, peer: np.ndarray,
                      cell_trust: np.ndarray, params: Params) -> None:
    """Members raise awareness around them; trust follows members' experience.

    Members' trust moves towards their own satisfaction, non-members' towards the
    mean satisfaction of members in their cell (unchanged where there are none).
    """
    # per cell first, then one gather per household array; a cell without members
    # (trust nan) gets rate 0, so its households' trust is unchanged (t + -0.0 == t).
    # As the masked formula it replaces only while trust and satisfaction are finite
    # (satisfaction is a clipped average, trust a mix of finite values)
    has = ~np.isnan(cell_trust)
    gain = params.awareness_diffusion * peer
    rate = np.where(has, np.float32(params.trust_rate), np.float32(0.0))
    cell = hh.cell
    hh.awareness += gain.take(cell) * (1.0 - hh.awareness)
    hh.awareness[members] = 1.0
    target = np.where(has, cell_trust, np.float32(0.0)).take(cell)
    target[members] = 0.5 + 0.5 * hh.satisfaction[members]
    target -= hh.trust
    target *= rate.take(cell)
    hh.trust += target


def _joiners(hh: HouseholdStore, coops: CoopArrays, peer: np.ndarray,
             params: Params, rng: np.random.Generator) -> np.ndarray:
    """Non-members who join their cell's best open cooperative this month.

    A household reviews its choice with chance ``review_rate`` times its awareness
    and joins with a logistic chance in its expected net benefit (trust times the
    cooperative's recent benefit rate, which is net of fees, plus the peer nudge, less
    the yearly opportunity cost of the capital contribution at ``interest_rate``, all
    as shares of its yearly output) against ``join_threshold``.
    """
    best = coops.best_in_cell.take(hh.cell)
    cand = np.flatnonzero((hh.coop < 0) & (best >= 0) & (hh.cash >= params.capital_contribution))
    u = rng.random(len(cand), dtype=np.float32)
    review = params.review_rate * hh.awareness[cand]
    cand, u, review = cand[u < review], u[u < review], review[u < review]
    capital_cost = params.capital_contribution * params.interest_rate / hh.capacity[cand]
    utility = (hh.trust[cand] * coops.benefit_rate[best[cand]]
               + params.peer_weight * peer[hh.cell[cand]] - capital_cost
               - params.join_threshold)
    return cand[u < review / (1.0 + np.exp(-params.join_slope * utility))]
