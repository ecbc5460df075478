"""Households: a structure-of-arrays store with synchronous, vectorised monthly rules.

The ~230,000 households of a province are one :class:`HouseholdStore` of NumPy arrays
(one entry per household) rather than Mesa agents: per-agent Python objects are tens
of times slower for these rules (``benchmarks/bench_model.py`` measures the ratio).
Every rule reads the start-of-month state and returns the changes, which the model
then applies (synchronous update). :class:`Household` is a
light view onto one row for users who want an agent object.

Money is in million VND (m VND); output is measured as its value at spot price 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsim.model import kernels
from coopsim.world.params import Params
from coopsim.world.province import Province

__all__ = ["CoopArrays", "Household", "HouseholdStore", "MonthSales", "generate_households",
           "kept_communes", "sell_month", "update_membership"]

NO_COOP = -1


@dataclass
class HouseholdStore:
    """All households of a run, one array entry per household.

    Attributes:
        commune: commune index. district: district index. product: product index.
        cell: ``commune * n_products + product`` (the local market a household is in).
        capacity: production capacity, m VND/year of output at spot price 1.
        cash: savings, m VND. income: last 12 months' net income by calendar month.
        income12: sum of ``income`` (m VND/year). awareness, trust: 0..1.
        satisfaction: members' running satisfaction, -1..1.
        loyalty: premium a member forgoes before side-selling (relative price).
        coop: index of the cooperative the household belongs to, -1 for none.
        capital: capital contributed to that cooperative, m VND.
        patronage: quantity delivered to the cooperative this year (value at spot 1).
        unhappy: consecutive dissatisfied months.
        base_output: expected output by calendar month (12 x n), value at spot price 1.
        cost_share: production cost per output of the household's product.
    """

    commune: np.ndarray
    district: np.ndarray
    product: np.ndarray
    cell: np.ndarray
    capacity: np.ndarray
    cash: np.ndarray
    income: np.ndarray
    income12: np.ndarray
    awareness: np.ndarray
    trust: np.ndarray
    satisfaction: np.ndarray
    loyalty: np.ndarray
    coop: np.ndarray
    capital: np.ndarray
    patronage: np.ndarray
    unhappy: np.ndarray
    base_output: np.ndarray
    cost_share: np.ndarray

    def __len__(self) -> int:
        return len(self.commune)

    def __getitem__(self, i: int) -> Household:
        """Return a :class:`Household` view of row ``i``."""
        if not -len(self) <= i < len(self):
            raise IndexError(f"household {i} out of range (0..{len(self) - 1})")
        return Household(self, int(i) % len(self))

    def members_of(self, coop_idx: int) -> np.ndarray:
        """Return the row numbers of the members of cooperative ``coop_idx``."""
        return np.flatnonzero(self.coop == coop_idx)

    def snapshot(self) -> dict[str, np.ndarray]:
        """Copy the arrays users analyse over time (membership, income, attitudes)."""
        return {"coop": self.coop.copy(), "income12": self.income12.astype(np.float32),
                "awareness": self.awareness.copy(), "trust": self.trust.copy(),
                "cash": self.cash.astype(np.float32)}


class Household:
    """A read-only view of one household in a :class:`HouseholdStore`."""

    __slots__ = ("_s", "index")

    def __init__(self, store: HouseholdStore, index: int):
        self._s, self.index = store, index

    def __getattr__(self, name: str):
        if name.startswith("_") or name == "index":  # unset slot (copy, unpickle)
            raise AttributeError(name)
        arr = getattr(self._s, name)
        if arr.ndim == 2:  # by calendar month
            return arr[:, self.index].copy()
        return arr[self.index].item()

    def __repr__(self) -> str:
        return (f"Household({self.index}, commune={self.commune}, product={self.product}, "
                f"coop={self.coop}, income12={self.income12:.1f} m VND)")


def kept_communes(province: Province, scale: float) -> list[int]:
    """Communes simulated per district: ``scale`` of the province's, by largest remainder.

    Scaling keeps whole communes at full density (rather than thinning every commune)
    so that cooperative sizes, membership rates and peer effects stay as at full scale.
    """
    quota = np.array([d.communes * scale for d in province.districts])
    total = max(1, round(quota.sum()))
    kept = np.floor(quota).astype(int)
    order = np.argsort(-(quota - kept), kind="stable")
    kept[order[: total - kept.sum()]] += 1
    return kept.tolist()


def generate_households(province: Province, params: Params, rng: np.random.Generator
                        ) -> tuple[HouseholdStore, np.ndarray, np.ndarray]:
    """Create the households of ``province`` at ``params.scale``.

    Each district's households are spread over its communes (sizes vary); a random
    ``scale`` share of communes is kept (see :func:`kept_communes`).

    Returns:
        The store, ``commune_district`` (the district of each simulated commune) and
        the share of each district's communes that is simulated.
    """
    n_products = len(province.products)
    communes, products, commune_district, kept_share = [], [], [], []
    for d_idx, (d, n_keep) in enumerate(zip(province.districts,
                                            kept_communes(province, params.scale),
                                            strict=True)):
        sizes = rng.multinomial(d.households - d.communes,
                                rng.dirichlet(np.full(d.communes, 8.0))) + 1
        sizes = rng.permutation(sizes)[:n_keep]
        first = len(commune_district)
        commune_district.extend([d_idx] * n_keep)
        kept_share.append(n_keep / d.communes)
        communes.append(np.repeat(np.arange(first, first + n_keep), sizes))
        mix = np.array([d.product_mix[p.name] for p in province.products])
        products.append(rng.choice(n_products, size=int(sizes.sum()), p=mix / mix.sum()))
    commune = np.concatenate(communes).astype(np.int32)
    product = np.concatenate(products).astype(np.int16)
    n = len(commune)
    median = np.array([p.output_median for p in province.products])
    capacity = (median[product] * rng.lognormal(0.0, params.output_sigma, n)).astype(np.float32)
    base, cost_share = _base_output(province, capacity, product)
    monthly = base * (1.0 - cost_share)
    a0 = params.awareness_init
    awareness = rng.beta(2.0, 2.0 * (1 - a0) / max(a0, 1e-6), n) if a0 < 1 else np.ones(n)
    store = HouseholdStore(
        commune=commune, district=np.asarray(commune_district, np.int16)[commune],
        product=product, cell=(commune * n_products + product).astype(np.int32),
        capacity=capacity, cash=(0.3 * capacity).astype(np.float64), income=monthly,
        income12=monthly.sum(axis=0, dtype=np.float64),
        awareness=awareness.astype(np.float32), trust=rng.beta(4, 4, n).astype(np.float32),
        satisfaction=np.zeros(n, np.float32),
        loyalty=rng.exponential(params.loyalty_mean, n).astype(np.float32),
        coop=np.full(n, NO_COOP, np.int32), capital=np.zeros(n, np.float64),
        patronage=np.zeros(n, np.float64), unhappy=np.zeros(n, np.int16),
        base_output=base, cost_share=cost_share)
    return store, np.asarray(commune_district, np.int32), np.asarray(kept_share)


def _base_output(province: Province, capacity: np.ndarray, product: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Expected output by calendar month (12 x n) and each household's cost share."""
    seas = np.array([p.seasonality for p in province.products], np.float64)
    seas /= seas.mean(axis=1, keepdims=True)
    cost = np.array([p.cost_share for p in province.products], np.float32)
    base = (seas[product].T * (capacity / 12.0)).astype(np.float32)
    return np.ascontiguousarray(base), cost[product]


@dataclass
class CoopArrays:
    """Per-cooperative figures households react to, indexed by cooperative index.

    Attributes:
        open: the cooperative trades and serves members this month.
        price: price it pays members this month (relative to spot 1).
        capacity: produce it can buy this month, m VND.
        saving: input-cost saving its services give members (share of output).
        benefit_rate: benefit its members recently got (share of output), for joiners.
        best_in_cell: for each cell, the open cooperative a joiner would pick (-1: none).
    """

    open: np.ndarray
    price: np.ndarray
    capacity: np.ndarray
    saving: np.ndarray
    benefit_rate: np.ndarray
    best_in_cell: np.ndarray


@dataclass
class MonthSales:
    """One month's production and sales.

    ``rows`` are the members of open cooperatives and ``of`` their cooperative; the
    ``*_m`` arrays are aligned with ``rows``; ``coop_*`` arrays are per cooperative.
    """

    output: np.ndarray          # per household, value at spot price 1
    net_income: np.ndarray      # per household, m VND
    rows: np.ndarray
    of: np.ndarray
    benefit_m: np.ndarray       # gain from membership this month, m VND
    delivered_m: np.ndarray     # quantity sold to the cooperative
    coop_bought_qty: np.ndarray   # quantity bought
    coop_paid: np.ndarray         # paid to members, m VND
    coop_service_fees: np.ndarray  # input-service fees received, m VND
    coop_membership_fees: np.ndarray  # membership fees received, m VND
    coop_offered: np.ndarray      # value members offered, m VND
    side_sold: float            # quantity members sold on the spot market
    member_output: float        # quantity members of open cooperatives produced
    delivered: float            # quantity members sold to cooperatives
    world_net: float            # spot sales less input purchases: world to households, m VND


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
    # uniform noise with unit variance (normal draws cost 7x more at this size)
    noise = rng.random((2, len(hh)), dtype=np.float32)
    n_coops = len(coops.open)
    yield32 = (np.ones(len(spot), np.float32) if yield_factor is None
               else yield_factor.astype(np.float32))
    out, offer, net = kernels.produce(
        noise, hh.base_output[month], hh.product, yield32, spot.astype(np.float32),
        hh.cost_share, np.float32(params.output_noise), np.float32(params.offer_dispersion))
    mfee = params.membership_fee / 12.0
    rows = np.flatnonzero(hh.coop >= 0)
    rows = rows[coops.open.take(hh.coop[rows])]
    c = hh.coop[rows]
    price, capacity, saving = _float64(coops.price, coops.capacity, coops.saving)
    (out_m, offered_qty, qty, benefit, offered, paid, bought, service_fees,
     counts) = kernels.member_sales(rows, c, n_coops, price, capacity, saving, hh.loyalty,
                                    out, offer, net, mfee, np.float32(params.service_fee_rate))
    membership_fees = counts * mfee
    # what households gained beyond what cooperatives paid them net of fees came from
    # (or went to) the outside world: spot sales less input purchases
    world_net = float(net.sum(dtype=np.float64) - paid.sum() + service_fees.sum()
                      + membership_fees.sum())
    return MonthSales(
        output=out, net_income=net, rows=rows, of=c, benefit_m=benefit, delivered_m=qty,
        coop_bought_qty=bought, coop_paid=paid,
        coop_service_fees=service_fees, coop_membership_fees=membership_fees,
        coop_offered=offered, side_sold=float(out_m.sum() - offered_qty.sum()),
        member_output=float(out_m.sum()), delivered=float(qty.sum()),
        world_net=world_net)


def _float64(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """The cooperatives' figures as float64, as both backends of the loops read them."""
    return tuple(np.asarray(a, np.float64) for a in arrays)


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
    hh.patronage[sales.rows] += sales.delivered_m
    members = np.flatnonzero(hh.coop >= 0)
    thr, rate = params.join_threshold, params.trust_rate
    n_mem, sat_sum = kernels.member_satisfaction(
        members, sales.rows, sales.benefit_m, sales.output, hh.satisfaction, hh.unhappy,
        hh.cell, len(cell_size), np.float32(thr), np.float32(max(thr, 1e-3)),
        np.float32(1 - rate), np.float32(rate))
    peer, cell_trust = _cell_shares(n_mem, sat_sum, cell_size)
    has, zero = ~np.isnan(cell_trust), np.float32(0.0)
    saved = kernels.book_and_attend(
        sales.net_income, hh.income[month], hh.income12, hh.cash,
        np.float32(params.savings_rate), members, hh.cell, hh.awareness, hh.trust,
        hh.satisfaction, params.awareness_diffusion * peer, np.where(has, cell_trust, zero),
        np.where(has, np.float32(rate), zero))
    leavers = members[hh.unhappy[members] >= params.exit_patience]
    return _joiners(hh, coops, peer, params, rng), leavers, float(saved.sum(dtype=np.float64))


def _cell_shares(n_mem: np.ndarray, sat_sum: np.ndarray, cell_size: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: share of households who are members, and the trust members inspire.

    The trust is nan in a cell without members: there households' trust is unchanged
    (``kernels.book_and_attend`` gives them rate 0).
    """
    peer = (n_mem / np.maximum(cell_size, 1)).astype(np.float32)
    trust = np.where(n_mem > 0, 0.5 + 0.5 * sat_sum / np.maximum(n_mem, 1), np.nan)
    return peer, trust.astype(np.float32)


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
