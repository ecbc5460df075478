"""Businesses: Mesa agents that buy produce, from cooperatives under contract or on the spot.

Each month a business needs ``demand`` units of its product. It takes what its
cooperative suppliers deliver under contract (paid at the contract price) and buys the
rest on the spot market; it sells everything on at the spot price plus its margin.
A business whose debts (negative cash) exceed three months of its demand at spot price
closes.
"""

from __future__ import annotations

import mesa

__all__ = ["BUSINESS_KINDS", "Business", "enter_businesses"]

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
    contracted, _ = model.value_chain.contracted_volume(len(model.coops),
                                                       len(model.businesses))
    supply: dict[tuple[int, int], float] = {}
    for c in model.coops:
        if c.status == "active":
            key = (c.district, c.product)
            supply[key] = supply.get(key, 0.0) + c.recent_bought - contracted[c.idx]
    names, first = model.province.product_names, {}
    for group in model.province.businesses:
        first.setdefault(names.index(group.product), group)
    entrants = []
    for (district, product), left in sorted(supply.items()):
        group, share = first.get(product), float(model.district_share[district])
        if group is None or left / share <= p.entry_supply \
                or model.rng.random() >= p.business_entry_rate * share:
            continue
        demand = group.demand_median * float(model.rng.lognormal(0.0, 0.5))
        bus = Business(model, len(model.businesses), group.kind, district, product, demand, 0.0)
        bus.start_up(3.0 * demand)
        model.businesses.append(bus)
        entrants.append(bus)
    return entrants
