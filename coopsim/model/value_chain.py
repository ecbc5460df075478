"""Value-chain links: how contracts between cooperatives and businesses form, run and end.

:class:`ValueChain` holds every :class:`~coopsim.model.contracts.Contract` of a run and the
trust each side has in the other. Each month the model calls, in order:
:meth:`~ValueChain.fulfil` (deliveries from what the cooperative bought from its
members, payments, reneging), then after the agents' steps :meth:`~ValueChain.review`
(breach, expiry, renewal, exits) and :meth:`~ValueChain.form` (businesses search for
suppliers). Rules and their sources are in docs/ODD.md.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from coopsim.model.contracts import (
    ACTIVE,
    BREACHED_BY_BUSINESS,
    BREACHED_BY_COOP,
    COMPLETED,
    ENDED_BY_EXIT,
    FIXED,
    Contract,
)
from coopsim.model.scoring import CoopClass

if TYPE_CHECKING:
    from coopsim.model.business import Business
    from coopsim.model.coop_model import CoopModel
    from coopsim.model.cooperative import Cooperative

__all__ = ["ValueChain"]

_CLASS_FIT = {CoopClass.GOOD: 1.0, CoopClass.FAIR: 0.75, CoopClass.AVERAGE: 0.5,
              CoopClass.WEAK: 0.25, None: 0.4}
_FIT_NOISE = 0.3
_TRIES = 3  # a searching business approaches at most its three best-fitting candidates


class ValueChain:
    """All contracts of a run, trust between the parties, and counts of what happened.

    Attributes:
        contracts: every contract ever made, by id (index).
        trust_in_business, trust_in_coop: ``{(coop, business): trust}``, 0..1, start 0.5.
        formed, renewed, supported: counts of contracts made (renewals included).
        introductions: buyers introduced to cooperatives by matchmaking.
        ended: count of contracts ended, by final status.
    """

    def __init__(self) -> None:
        self.contracts: list[Contract] = []
        self._active: list[Contract] = []
        self.trust_in_business: dict[tuple[int, int], float] = {}
        self.trust_in_coop: dict[tuple[int, int], float] = {}
        self.formed = self.renewed = self.supported = self.introductions = 0
        self.ended: Counter[str] = Counter()

    # ---- queries -----------------------------------------------------------------
    @property
    def active(self) -> list[Contract]:
        """Contracts running now."""
        return self._active

    def contracted_volume(self, n_coops: int, n_businesses: int) -> tuple[np.ndarray, np.ndarray]:
        """Active contracted monthly volume per cooperative and per business."""
        coop, bus = np.zeros(n_coops), np.zeros(n_businesses)
        for c in self._active:
            coop[c.coop] += c.volume
            bus[c.business] += c.volume
        return coop, bus

    def links_per_coop(self, n_coops: int) -> np.ndarray:
        """Number of active contracts of each cooperative."""
        return np.bincount([c.coop for c in self._active], minlength=n_coops)

    # ---- monthly: deliveries and payments -----------------------------------------
    def fulfil(self, model: CoopModel) -> None:
        """Deliver under each active contract from what its cooperative bought this month.

        A cooperative serves its contracts in the order they were made, each up to the
        month's due quantity (volume times the product's seasonal factor), from the
        produce it bought from members (so deliveries never exceed
        members' output). Before delivering, a business holding a fixed price that is
        ``renege_threshold`` above the spot price reneges with chance ``renege_rate``.
        The business pays on time when it has the cash and its reputation draw allows,
        late otherwise.
        """
        p, rng, s = model.params, model.rng, model.sales
        left = s.coop_bought_qty.copy()
        season = model._season[:, model.month - 1]
        for c in list(self._active):
            coop, bus = model.coops[c.coop], model.businesses[c.business]
            spot = model.spot[c.product]
            if c.price_rule == FIXED and c.price > spot * (1 + p.renege_threshold) \
                    and rng.random() < p.renege_rate:
                self._end(c, BREACHED_BY_BUSINESS, model.steps)
                self.trust_in_business[(c.coop, c.business)] = 0.1  # as after any breach
                continue
            due = c.volume * season[c.product]  # deliveries follow the harvest calendar
            qty = min(due, left[c.coop]) if c.coop < len(left) else 0.0
            if qty > 0 and self._diverts(model, c, coop, spot):
                penalty = p.breach_penalty * qty * c.price
                coop.pay_business(penalty)
                bus.receive_penalty(penalty)
                c.diverted += qty  # sold on the cooperative's own outlets instead
                qty = 0.0
            left[c.coop] -= qty
            made = c.record_delivery(qty, p.delivery_tolerance, due)
            self._shift(self.trust_in_coop, c, p.trust_step if made else -2 * p.trust_step)
            amount = qty * c.unit_price(spot)
            on_time = bus.cash >= amount and rng.random() < 0.5 + 0.5 * bus.reputation
            bus.pay_contract(qty, amount)
            coop.receive_contract_payment(qty, amount)
            c.record_payment(amount, on_time)
            bus.reputation += p.trust_step * ((1.0 if on_time else 0.0) - bus.reputation)
            self._shift(self.trust_in_business, c, p.trust_step if on_time else -p.trust_step)

    def _diverts(self, model: CoopModel, c: Contract, coop: Cooperative, spot: float) -> bool:
        """Whether the cooperative sells this month's due elsewhere (a fixed price only).

        It may when what its own outlets pay, ``spot x (1 + expected_markup)``, exceeds
        the fixed price plus the penalty by more than ``divert_threshold`` of the price
        times one plus its trust in the business (the value of the relationship and of
        renewal); then it does with chance ``divert_rate``.
        """
        p = model.params
        if p.divert_rate <= 0 or c.price_rule != FIXED:
            return False
        gain = spot * (1.0 + coop.expected_markup) - c.price * (1.0 + p.breach_penalty)
        trust = self.trust_in_business.get((c.coop, c.business), 0.5)
        return gain > p.divert_threshold * c.price * (1.0 + trust) \
            and model.rng.random() < p.divert_rate

    # ---- monthly: endings and renewals --------------------------------------------
    def review(self, model: CoopModel) -> None:
        """End contracts that are breached, expired, or whose party left; renew some."""
        p, step = model.params, model.steps
        for c in list(self._active):
            coop, bus = model.coops[c.coop], model.businesses[c.business]
            if not (coop.status == ACTIVE and bus.open):
                self._end(c, ENDED_BY_EXIT, step)
                continue
            status = c.review(step, p.max_missed, p.max_late)
            if status == ACTIVE:
                continue
            self._active.remove(c)
            self.ended[status] += 1
            if status == COMPLETED:
                self._maybe_renew(model, c)
            else:  # a breach: the wronged side's trust collapses
                side = self.trust_in_coop if status == BREACHED_BY_COOP \
                    else self.trust_in_business
                side[(c.coop, c.business)] = 0.1

    def _maybe_renew(self, model: CoopModel, old: Contract) -> None:
        p, key = model.params, (old.coop, old.business)
        trusted = min(self.trust_in_coop.get(key, 0.5),
                      self.trust_in_business.get(key, 0.5)) >= p.renew_trust
        if trusted and model.rng.random() < p.renew_rate:
            price = old.price  # spot-plus: the same premium
            if old.price_rule == FIXED:  # a fixed price is re-set at today's spot price
                premium = self._premium(model, model.coops[old.coop],
                                        model.businesses[old.business])
                price = model.spot[old.product] * (1.0 + premium)
            self._add(model, old.coop, old.business, old.price_rule, price, old.volume,
                      old.duration, supported=False, renewal_of=old.id)
            self.renewed += 1

    def end_all_for_coop(self, coop_idx: int, step: int) -> None:
        """End every active contract of a cooperative that stops operating."""
        for c in [c for c in self._active if c.coop == coop_idx]:
            self._end(c, ENDED_BY_EXIT, step)

    def _end(self, c: Contract, status: str, step: int) -> None:
        c.close(status, step)
        self._active.remove(c)
        self.ended[status] += 1

    # ---- monthly: formation -------------------------------------------------------
    def form(self, model: CoopModel) -> None:
        """Businesses with unmet demand look for cooperative suppliers.

        A business whose contracted volume is short of its demand by at least its
        minimum volume searches with chance ``search_rate * (1 + 2 * linkage_promotion)``
        (matching events and trade fairs raise it). It ranks the open cooperatives of
        its product by fit (class, its trust in them, brand and OCOP stars weighed by
        its kind, quality vs its requirement, a penalty for another district, noise)
        and offers a contract to the best, then (if refused) the next, up to three; a
        cooperative accepts under the conditions of :meth:`_offer`.
        """
        p, rng = model.params, model.rng
        coop_vol, bus_vol = self.contracted_volume(len(model.coops), len(model.businesses))
        linked = {(c.coop, c.business) for c in self._active}
        for b_idx in rng.permutation(len(model.businesses)):
            bus = model.businesses[b_idx]
            unmet = bus.demand - bus_vol[b_idx]
            if not bus.open or unmet < bus.min_volume:
                continue
            if rng.random() >= p.search_rate * (1.0 + 2.0 * p.linkage_promotion):
                continue
            for coop in self._ranked_suppliers(model, bus, linked)[:_TRIES]:
                volume = min(unmet, max(bus.min_volume, 0.5 * coop.recent_bought))
                offer = self._offer(model, coop, bus, volume, coop_vol[coop.idx])
                if offer is not None:
                    self._add(model, coop.idx, bus.idx, *offer)
                    linked.add((coop.idx, bus.idx))
                    bus_vol[b_idx] += volume
                    coop_vol[coop.idx] += volume
                    break
        if p.coop_search_rate > 0:
            self._coops_search(model, coop_vol, bus_vol, linked)
        if p.matchmaking_deals > 0:
            self._matchmake(model, coop_vol, bus_vol, linked)

    def _matchmake(self, model: CoopModel, coop_vol: np.ndarray, bus_vol: np.ndarray,
                   linked: set) -> None:
        """The Cooperative Alliance and extension services introduce buyers (ODD 7.24c).

        Each month up to ``matchmaking_deals / 12`` introductions (whole province, times
        the simulated share, rounded stochastically) go to open cooperatives short of
        outlets (outlet fill below ``coop_search_need``), in random order, each costing
        ``introduction_cost`` to the linkage lever's budget (no budget, no
        introduction). The cooperative meets the business that fits it best, which
        takes it unless it distrusts it, on the terms of :meth:`_offer`; a contract made
        this way is supported (Decree 98/2018).
        """
        p, rng = model.params, model.stream("matchmaking")
        quota = p.matchmaking_deals / 12.0 * len(model.households) / model.province.households
        n = int(quota) + int(rng.random() < quota - int(quota))
        short = [c for c in model.coops if c.open and c.outlet_fill < p.coop_search_need]
        for i in rng.permutation(len(short))[:n]:
            coop = short[int(i)]
            if model.support("linkage_promotion", p.introduction_cost) < p.introduction_cost:
                return
            self.introductions += 1
            bus = self._best_buyer(model, coop, bus_vol, linked, rng)
            if bus is None or self.trust_in_coop.get((coop.idx, bus.idx), 0.5) < 0.3:
                continue
            volume = min(bus.demand - bus_vol[bus.idx], max(bus.min_volume,
                                                           0.5 * coop.recent_bought))
            offer = self._offer(model, coop, bus, volume, coop_vol[coop.idx])
            if offer is not None:
                self._add(model, coop.idx, bus.idx, *offer[:4], supported=True)
                linked.add((coop.idx, bus.idx))
                bus_vol[bus.idx] += volume
                coop_vol[coop.idx] += volume

    def _coops_search(self, model: CoopModel, coop_vol: np.ndarray, bus_vol: np.ndarray,
                      linked: set) -> None:
        """Cooperatives short of outlets look for a buyer (ODD 7.24b).

        An open cooperative whose recent outlet fill is below ``coop_search_need``
        searches with chance ``coop_search_rate x (0.5 + competence) x class fit x (1 +
        0.5 x brand) x (1 + 2 x linkage_promotion)`` (at most 1), paying
        ``coop_search_cost``. It approaches the open business of its product with room
        for at least its minimum volume that fits best (same district first, then
        reputation, plus noise); the business takes it unless it distrusts the
        cooperative, on the terms of :meth:`_offer`.
        """
        p, rng = model.params, model.rng
        for i in rng.permutation(len(model.coops)):
            coop = model.coops[i]
            if not coop.open or coop.outlet_fill >= p.coop_search_need:
                continue
            chance = (p.coop_search_rate * (0.5 + coop.competence) * _CLASS_FIT[coop.coop_class]
                      * (1.0 + 0.5 * coop.has_brand) * (1.0 + 2.0 * p.linkage_promotion))
            if rng.random() >= min(chance, 1.0):
                continue
            coop.pay_cost(p.coop_search_cost, "buyer_search")
            bus = self._best_buyer(model, coop, bus_vol, linked)
            if bus is None or self.trust_in_coop.get((coop.idx, bus.idx), 0.5) < 0.3:
                continue
            volume = min(bus.demand - bus_vol[bus.idx], max(bus.min_volume,
                                                           0.5 * coop.recent_bought))
            offer = self._offer(model, coop, bus, volume, coop_vol[coop.idx])
            if offer is not None:
                self._add(model, coop.idx, bus.idx, *offer)
                linked.add((coop.idx, bus.idx))
                bus_vol[bus.idx] += volume
                coop_vol[coop.idx] += volume

    def _best_buyer(self, model: CoopModel, coop: Cooperative, bus_vol: np.ndarray,
                    linked: set, rng: np.random.Generator | None = None):
        """The open business of the cooperative's product it fits best, or None."""
        rng = model.rng if rng is None else rng
        best, best_fit = None, -np.inf
        for bus in model.businesses:
            if not bus.open or bus.product != coop.product or (coop.idx, bus.idx) in linked \
                    or bus.demand - bus_vol[bus.idx] < bus.min_volume:
                continue
            fit = (bus.reputation + 1.0 * (bus.district == coop.district)
                   + _FIT_NOISE * rng.gumbel())
            if fit > best_fit:
                best, best_fit = bus, fit
        return best

    def _ranked_suppliers(self, model: CoopModel, bus: Business, linked: set
                          ) -> list[Cooperative]:
        """Open cooperatives of the business's product, best fit first."""
        p, rng = model.params, model.rng
        ranked = []
        weight = bus.terms["brand_weight"]
        for coop in model.coops_by_product.get(bus.product, ()):
            if not coop.open or (coop.idx, bus.idx) in linked:
                continue
            fit = (_CLASS_FIT[coop.coop_class]
                   + self.trust_in_coop.get((coop.idx, bus.idx), 0.5)
                   + weight * (coop.ocop_stars / 5.0 + 0.5 * coop.has_brand)
                   + (coop.competence - bus.terms["quality"])
                   - p.distance_penalty * (coop.district != bus.district)
                   + _FIT_NOISE * rng.gumbel())
            ranked.append((-fit, coop.idx, coop))
        return [c for *_, c in sorted(ranked, key=lambda r: r[:2])]

    def _premium(self, model: CoopModel, coop: Cooperative, bus: Business) -> float:
        p = model.params
        brand = bus.terms["brand_weight"] * coop.brand_premium
        return p.contract_premium + p.linkage_promotion * p.support_premium + brand

    def _offer(self, model: CoopModel, coop: Cooperative, bus: Business, volume: float,
               committed: float):
        """The business's offer, or None when the cooperative refuses it.

        A cooperative refuses a price below its own resale price less the value of a
        secure, pre-financed outlet, a business it distrusts, and volume beyond what
        its members recently sold it (``committed`` is what it already promised).
        """
        p, spot = model.params, model.spot[bus.product]
        if committed + volume > max(coop.recent_bought, bus.min_volume):
            return None
        premium = self._premium(model, coop, bus)
        own = spot * (1.0 + coop.expected_markup * (1.0 - p.contract_security))
        if spot * (1.0 + premium) < own:
            return None
        if self.trust_in_business.get((coop.idx, bus.idx), 0.5) < 0.3:
            return None
        rule = bus.terms["price_rule"]
        price = spot * (1.0 + premium) if rule == FIXED else premium
        supported = bool(model.rng.random() < p.linkage_promotion)
        return rule, price, volume, bus.terms["duration"], supported

    def seed(self, model: CoopModel, coop: Cooperative, bus: Business, volume: float,
             months_run: int) -> Contract:
        """Record a contract that was already running when the run starts."""
        spot = model.spot[bus.product]
        premium = self._premium(model, coop, bus)
        rule = bus.terms["price_rule"]
        price = spot * (1.0 + premium) if rule == FIXED else premium
        return self._add(model, coop.idx, bus.idx, rule, price, volume, bus.terms["duration"],
                         start=model.steps - months_run)

    def _add(self, model: CoopModel, coop: int, business: int, rule: str, price: float,
             volume: float, duration: int, supported: bool = False,
             renewal_of: int | None = None, start: int | None = None) -> Contract:
        c = Contract(id=len(self.contracts), coop=coop, business=business,
                     product=model.coops[coop].product, price_rule=rule, price=price,
                     volume=volume, start=model.steps if start is None else start,
                     duration=duration, supported=supported, renewal_of=renewal_of)
        self.contracts.append(c)
        self._active.append(c)
        self.formed += 1
        self.supported += int(supported)
        if supported and model.params.linkage_grant > 0:  # Decree 98/2018-style support
            grant = model.support("linkage_promotion", model.params.linkage_grant)
            if grant > 0:
                model.coops[coop].receive_grant(grant, "linkage_support")
        for side in (self.trust_in_coop, self.trust_in_business):
            side.setdefault((coop, business), 0.5)
        return c

    @staticmethod
    def _shift(side: dict, c: Contract, delta: float) -> None:
        key = (c.coop, c.business)
        side[key] = min(max(side.get(key, 0.5) + delta, 0.0), 1.0)
