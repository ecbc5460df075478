"""Businesses: Mesa agents that buy produce, from cooperatives under contract or on the spot.

Each month a business needs ``demand`` units of its product. It takes what its
cooperative suppliers deliver under contract (paid at the contract price) and buys the
rest on the spot market; it sells everything on at the spot price plus its margin.
A business whose debts (negative cash) exceed three months of its demand at spot price
closes.
"""

from __future__ import annotations

import mesa
import numpy as np

__all__ = ["BUSINESS_KINDS", "Business", "enter_businesses", "enter_on_growth",
           "incumbent_growth"]

#: mean of an entrant's lognormal(0, 0.5) demand factor
ENTRANT_MEAN_FACTOR = float(np.exp(0.5**2 / 2))

#: Kinds of business and how they contract (assumed): price rule, duration in months,
#: the quality they require (0..1) and how much an OCOP star or a brand weighs for them.
BUSINESS_KINDS = {
    "processor": {"price_rule": "fixed", "duration": 12, "quality": 0.5, "brand_weight": 0.5},
    "exporter": {"price_rule": "fixed", "duration": 12, "quality": 0.7, "brand_weight": 1.0},
    "trader": {"price_rule": "spot_plus", "duration": 6, "quality": 0.2, "brand_weight": 0.2},
    "retailer": {"price_rule": "spot_plus", "duration": 12, "quality": 0.6,
                 "brand_weight": 1.5},
}


class Business(mesa.Agent):
    """A buyer of one product: processor, exporter, trader/collector or retailer.

    Attributes:
        idx: dense index among the model's businesses.
        kind: a key of :data:`BUSINESS_KINDS`. district, product: where and what.
        demand: units needed a month (value at spot price 1).
        min_volume: smallest monthly volume it contracts for.
        cash: m VND. reputation: 0..1, its record of paying on time.
        open: False once it has closed.
        bought_contract, bought_spot: this month's purchases (units);
            ``bought_contract_last`` keeps last month's contract purchases.
    """

    def __init__(self, model: mesa.Model, idx: int, kind: str, district: int, product: int,
                 demand: float, cash: float):
        super().__init__(model)
        if kind not in BUSINESS_KINDS:
            raise ValueError(f"business kind must be one of {list(BUSINESS_KINDS)}, got {kind!r}")
        self.idx, self.kind, self.district, self.product = idx, kind, district, product
        self.demand, self.cash = demand, cash
        self.min_volume = 0.1 * demand
        self.reputation = float(model.rng.uniform(0.6, 1.0))  # its payment record (assumed)
        self.open = True
        self.bought_contract = self.bought_spot = self.bought_contract_last = 0.0
        self.closed_step: int | None = None

    @property
    def terms(self) -> dict:
        """How this kind of business contracts (see :data:`BUSINESS_KINDS`)."""
        return BUSINESS_KINDS[self.kind]

    def pay_contract(self, qty: float, amount: float) -> None:
        """Pay ``amount`` for ``qty`` delivered under a contract.

        The cooperative's side is ``Cooperative.receive_contract_payment``.
        """
        self.cash -= amount
        self.bought_contract += qty

    def start_up(self, capital: float) -> None:
        """An entrant's start-up capital, paid in by investors of the outside world."""
        self.cash += self.model.world.pay(capital, "business_entry")

    def receive_penalty(self, amount: float) -> None:
        """A cooperative's penalty for produce it diverted from a contract."""
        self.cash += amount

    def step(self) -> None:
        """Buy the month's shortfall on the spot market and sell everything on."""
        if not self.open:
            return
        m = self.model
        spot = m.spot[self.product]
        self.bought_spot = max(self.demand - self.bought_contract, 0.0)
        self.cash -= m.world.receive(self.bought_spot * spot, "business_spot_purchases")
        sold = (self.bought_spot + self.bought_contract) * spot
        self.cash += m.world.pay(sold * (1.0 + m.params.business_margin), "business_sales")
        self.bought_contract_last, self.bought_contract = self.bought_contract, 0.0
        if self.cash < -3.0 * self.demand * spot:
            self.close()

    def close(self) -> None:
        """Stop trading (the value chain ends its contracts)."""
        self.open = False
        self.closed_step = self.model.steps

    def __repr__(self) -> str:
        state = "open" if self.open else "closed"
        return (f"Business(idx={self.idx}, kind={self.kind}, product={self.product}, "
                f"district={self.district}, {state})")


def enter_businesses(model) -> list[Business]:
    """Each year end, businesses enter where cooperatives have supply left (ODD 7.23a).

    For every product the province file has businesses for, and every simulated
    district, the uncontracted supply is what the district's active cooperatives of
    the product bought lately (``recent_bought``) less their contracted volume. Where
    it exceeds ``entry_supply``, a business of that product's first group in the file
    enters with chance ``business_entry_rate``, with that group's median demand times
    a lognormal factor (sd 0.5) and three months of it as start-up capital.

    At reduced scale a district simulates a share ``s`` of its communes, so its supply
    stands for ``supply / s`` of the whole district and a business enters with chance
    ``business_entry_rate * s`` (at full scale ``s`` = 1), so a simulated cell stands
    for its whole district. The province's total still falls with the scale, since
    fewer district-product cells have a simulated cooperative (ODD 7.23a: about half
    the entrants per household at 0.25).

    Returns:
        The entrants (already added to ``model.businesses``).
    """
    p = model.params
    if p.business_entry_rate <= 0:
        return []
    supply = _uncontracted_supply(model)
    first = _first_groups(model)
    entrants: list[Business] = []
    for (district, product), left in sorted(supply.items()):
        group, share = first.get(product), float(model.district_share[district])
        if group is None or left / share <= p.entry_supply \
                or model.rng.random() >= p.business_entry_rate * share:
            continue
        entrants.append(_enter(model, group, district, product))
    return entrants


def _first_groups(model) -> dict:
    """Per product index: the first business group of the province file for it."""
    names, first = model.province.product_names, {}
    for group in model.province.businesses:
        first.setdefault(names.index(group.product), group)
    return first


def _uncontracted_supply(model) -> dict[tuple[int, int], float]:
    """Per (district, product): active cooperatives' recent purchases less contracts."""
    contracted, _ = model.value_chain.contracted_volume(len(model.coops),
                                                       len(model.businesses))
    supply: dict[tuple[int, int], float] = {}
    for c in model.coops:
        if c.status == "active":
            key = (c.district, c.product)
            supply[key] = supply.get(key, 0.0) + c.recent_bought - contracted[c.idx]
    return supply


def incumbent_growth(params) -> float:
    """The yearly growth of an incumbent business's demand.

    ``demand_growth``, less the share ``growth_entry_share`` that entrants take
    (:func:`enter_on_growth`); entrants take no share of a decline.
    """
    g = params.demand_growth
    return g * (1.0 - params.growth_entry_share) if g > 0 else g


def enter_on_growth(model) -> list[Business]:
    """Each year end, businesses enter to serve the growth of final demand (ODD 7.23a).

    For every product the province file has businesses for, the final demand its open
    businesses serve grows by ``demand_growth`` a year; a share ``growth_entry_share`` of
    that growth is taken by entrants instead (incumbents grow by the rest, in
    ``CoopModel._new_year_conditions``): their expected number is that demand over an
    entrant's mean demand (the first group's median times ``exp(0.125)``, the mean of
    the lognormal factor), drawn as a Poisson count; none when demand does not grow.
    Each enters a district where cooperatives of the product have uncontracted supply,
    chosen with chance proportional to it (where there is none, the incumbents get that
    growth), with the group's median demand times a lognormal factor (sd 0.5) and three
    months of it as start-up capital. The count follows the simulated businesses'
    demand, so it scales with the province.

    Returns:
        The entrants (already added to ``model.businesses``).
    """
    p = model.params
    if p.growth_entry_share <= 0 or p.demand_growth <= 0:
        return []
    supply = _uncontracted_supply(model)
    entrants: list[Business] = []
    for product, group in sorted(_first_groups(model).items()):
        demand = sum(b.demand for b in model.businesses if b.open and b.product == product)
        expected = (p.growth_entry_share * p.demand_growth * demand
                    / (group.demand_median * ENTRANT_MEAN_FACTOR))
        if expected <= 0:
            continue
        cells = sorted((d, left) for (d, prod), left in supply.items()
                       if prod == product and left > 0)
        if not cells:  # no entrant can be placed: the incumbents take the whole growth
            _grow_incumbents(model, product)
            continue
        weight = np.array([left for _, left in cells])
        for _ in range(int(model.rng.poisson(expected))):
            district = cells[int(model.rng.choice(len(cells), p=weight / weight.sum()))][0]
            entrants.append(_enter(model, group, district, product))
    return entrants


def _grow_incumbents(model, product: int) -> None:
    """Give a product's open businesses the share of growth no entrant took."""
    factor = (1.0 + model.params.demand_growth) / (1.0 + incumbent_growth(model.params))
    for b in model.businesses:
        if b.open and b.product == product:
            b.demand *= factor
            b.min_volume *= factor


def _enter(model, group, district: int, product: int) -> Business:
    """A new business of ``group`` with start-up capital from the outside world."""
    demand = group.demand_median * float(model.rng.lognormal(0.0, 0.5))
    bus = Business(model, len(model.businesses), group.kind, district, product, demand, 0.0)
    bus.start_up(3.0 * demand)
    model.businesses.append(bus)
    return bus
