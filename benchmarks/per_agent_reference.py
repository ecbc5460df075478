"""Per-agent reference for the household rules, and the frozen world both sides run in.

This module holds the comparison behind the "vectorised vs per-agent" figure of
``bench_model.py``:

* :func:`build_frozen_world` builds a real ``CoopModel`` (default province, its initial
  cooperatives and members), keeps its first ``n`` households and freezes the
  cooperatives' monthly terms (open, price, capacity, input saving, benefit rate, best
  cooperative per cell) as one :class:`coopsim.model.households.CoopArrays`. It also draws one
  spot-price path (the model's mean-reverting log walk) shared by both sides.
  Cooperatives do no accounting: the comparison isolates the household rules.
* :func:`run_vectorised` steps the real ``coopsim.model.households.sell_month`` and
  ``update_membership`` on a copy of the ``HouseholdStore`` and applies the moves with
  the real ``coopsim.model.membership.leave`` / ``join``.
* :class:`PerAgentModel` is a plain, synchronous Mesa model of the SAME rules in which
  every household is a :class:`HouseholdAgent` (a ``mesa.Agent`` with scalar
  attributes). The month is split into passes over all agents, because the rules need
  per-cooperative and per-cell totals of the start-of-month state (that is what
  synchronous means): (1) produce and offer, (2) sell, book income, update satisfaction,
  (3) update attitudes and decide to leave or join; the decided moves are applied last.

Both sides draw their own random numbers (different orders), so results are compared
as aggregates (:func:`aggregates`) within a tolerance, not draw for draw. In addition,
:func:`shared_draws_check` steps both sides one month from equal states with the SAME
random numbers: every decision must then be identical, which is what shows that this
module implements the same rules as coopsim (update it when those rules change).
"""

from __future__ import annotations

import copy
import dataclasses
import math
import time
from dataclasses import dataclass

import mesa
import numpy as np

from coopsim.model import membership
from coopsim.model.coop_model import CoopModel
from coopsim.model.households import (
    CoopArrays,
    HouseholdStore,
    sell_month,
    update_membership,
)
from coopsim.world.params import Params
from coopsim.world.province import load_province

__all__ = ["AGGREGATES", "FrozenWorld", "HouseholdAgent", "PerAgentModel", "aggregates",
           "build_frozen_world", "run_per_agent", "run_vectorised", "shared_draws_check",
           "subset_store"]

#: Aggregates compared between the two implementations (name -> meaning).
AGGREGATES = {
    "income12": "mean income over the last 12 months, m VND/year",
    "cash": "mean household cash, m VND",
    "membership_rate": "share of households that are members",
    "satisfaction": "members' mean satisfaction mapped to 0..1 (0.5 + 0.5 * sat)",
    "awareness": "mean awareness",
    "trust": "mean trust",
    "side_selling_rate": "share of open-coop members' output sold on the spot market "
                         "instead of offered to the coop, last 12 months",
}


# ---- the frozen world ---------------------------------------------------------------
@dataclass
class FrozenWorld:
    """Households, frozen cooperative terms and a spot-price path shared by both sides."""

    store: HouseholdStore
    arrays: CoopArrays
    cell_size: np.ndarray
    spot: np.ndarray            # (n_steps, n_products)
    params: Params
    coop_members: list[int]
    seed: int


class _FrozenBooks:
    """Books of a frozen cooperative for ``membership.join``/``leave`` (no accounting).

    Cash is unlimited, so leavers always get their capital back in full (as in the
    per-agent model); any other book entry the membership functions update starts at 0
    and is never read back (the cooperatives' terms stay frozen).
    """

    def __init__(self, members: int):
        self.members, self.cash = members, math.inf

    def __getattr__(self, name: str) -> float:
        if name.startswith("__"):
            raise AttributeError(name)
        return 0.0

    # the two book methods ``membership.join``/``leave`` call (issue 13's books through
    # one door): only the member count matters here
    def admit(self, n: int, contribution: float, pay: bool = True) -> None:
        self.members += int(n)

    def release(self, n: int, due: float, paid: float) -> None:
        self.members -= int(n)


def subset_store(store: HouseholdStore, n: int) -> HouseholdStore:
    """Copy of the first ``n`` households of ``store`` (communes are contiguous)."""
    out = {}
    for f in dataclasses.fields(store):
        a = getattr(store, f.name)
        out[f.name] = (a[:, :n] if a.ndim == 2 else a[:n]).copy()
    return HouseholdStore(**out)


def build_frozen_world(seed: int, n_households: int, n_steps: int) -> FrozenWorld:
    """Build the frozen world of ``n_households`` households for ``n_steps`` months."""
    params = Params()
    total = sum(d.households for d in load_province(None).districts)
    scale = min(1.0, 1.15 * n_households / total)
    while True:
        model = CoopModel(seed=seed, scale=scale, snapshot_every=0)
        if len(model.households) >= n_households or scale >= 1.0:
            break
        scale = min(1.0, scale * 1.25)
    n = min(n_households, len(model.households))
    store = subset_store(model.households, n)
    n_cells = len(model.commune_district) * len(model.province.products)
    for c in model.coops:  # this month's terms at spot price 1, then frozen
        c.prepare_month(1.0)
    best = np.full(n_cells, -1, np.int32)
    best_rate = np.full(n_cells, -np.inf)
    for c in model.coops:
        if c.open and c.benefit_rate > best_rate[c.cell]:
            best[c.cell], best_rate[c.cell] = c.idx, c.benefit_rate
    arrays = CoopArrays(
        open=np.array([c.open for c in model.coops], bool),
        price=np.array([c.price for c in model.coops], float),
        capacity=np.array([c.capacity for c in model.coops], float),
        saving=np.array([c.saving for c in model.coops], float),
        benefit_rate=np.array([c.benefit_rate for c in model.coops], float),
        best_in_cell=best)
    rng = np.random.default_rng([seed, 7])
    n_p = len(model.province.products)
    log_p, spot = np.zeros(n_p), np.empty((n_steps, n_p))
    for t in range(n_steps):
        log_p = (1 - params.price_reversion) * log_p \
            + params.price_volatility * rng.standard_normal(n_p)
        spot[t] = np.exp(log_p)
    return FrozenWorld(store=store, arrays=arrays,
                       cell_size=np.bincount(store.cell, minlength=n_cells), spot=spot,
                       params=params, coop_members=[c.members for c in model.coops], seed=seed)


def _side_selling(side_sold: list[float], member_output: list[float]) -> float:
    s, out = sum(side_sold[-12:]), sum(member_output[-12:])
    return s / out if out > 0 else 0.0


def aggregates(coop, income12, cash, satisfaction, awareness, trust,
               side_sold: list[float], member_output: list[float]) -> dict[str, float]:
    """The compared aggregates from per-household sequences (arrays or lists)."""
    coop = np.asarray(coop)
    members = coop >= 0
    sat = np.asarray(satisfaction, float)[members]
    return {
        "income12": float(np.mean(income12)),
        "cash": float(np.mean(cash)),
        "membership_rate": float(members.mean()),
        "satisfaction": float(0.5 + 0.5 * sat.mean()) if len(sat) else float("nan"),
        "awareness": float(np.mean(awareness)),
        "trust": float(np.mean(trust)),
        "side_selling_rate": _side_selling(side_sold, member_output),
    }


# ---- the vectorised side (the real coopsim functions) -------------------------------
def run_vectorised(world: FrozenWorld, n_steps: int) -> tuple[dict[str, float], float]:
    """Step ``sell_month`` + ``update_membership`` (+ leave/join) ``n_steps`` months.

    Returns:
        The aggregates after the last step and the wall seconds of the step loop.
    """
    hh, side_sold, member_output, wall = _step_vectorised(world, n_steps)
    return aggregates(hh.coop, hh.income12, hh.cash, hh.satisfaction, hh.awareness,
                      hh.trust, side_sold, member_output), wall


def _step_vectorised(world: FrozenWorld, n_steps: int, start: int = 0,
                     store: HouseholdStore | None = None,
                     rng: np.random.Generator | None = None,
                     ) -> tuple[HouseholdStore, list[float], list[float], float]:
    hh = copy.deepcopy(world.store if store is None else store)
    arrays, p = world.arrays, world.params
    coops = [_FrozenBooks(m) for m in world.coop_members]
    rng = np.random.default_rng([world.seed, 1]) if rng is None else rng
    side_sold, member_output = [], []
    t0 = time.perf_counter()
    for t in range(start, start + n_steps):
        month = t % 12
        sales = sell_month(hh, arrays, month, world.spot[t], p, rng)
        joiners, leavers, _ = update_membership(hh, arrays, sales, month, world.cell_size,
                                                p, rng)
        membership.leave(hh, coops, leavers)
        membership.join(hh, coops, joiners, arrays.best_in_cell[hh.cell[joiners]],
                        p.capital_contribution)
        side_sold.append(sales.side_sold)
        member_output.append(float(sales.output[sales.rows].sum()))
    return hh, side_sold, member_output, time.perf_counter() - t0


# ---- the per-agent side ---------------------------------------------------------------
SQRT12 = math.sqrt(12.0)


class HouseholdAgent(mesa.Agent):
    """One household with scalar attributes; the monthly rules in plain Python.

    The month is three passes over all agents (see :meth:`PerAgentModel.step`); each pass
    reads only the agent's own state and totals computed from the previous pass.
    """

    def __init__(self, model: PerAgentModel, hh: HouseholdStore, i: int):
        super().__init__(model)
        self.row = i
        self.cell = int(hh.cell[i])
        self.product = int(hh.product[i])
        self.capacity = float(hh.capacity[i])
        self.base_output = [float(x) for x in hh.base_output[:, i]]
        self.cost_share = float(hh.cost_share[i])
        self.income = [float(x) for x in hh.income[:, i]]
        self.income12 = float(hh.income12[i])
        self.cash = float(hh.cash[i])
        self.awareness = float(hh.awareness[i])
        self.trust = float(hh.trust[i])
        self.satisfaction = float(hh.satisfaction[i])
        self.loyalty = float(hh.loyalty[i])
        self.coop = int(hh.coop[i])
        self.capital = float(hh.capital[i])
        self.patronage = float(hh.patronage[i])
        self.unhappy = int(hh.unhappy[i])
        # this month's working values
        self.output = self.offer = self.offered_qty = 0.0
        self.selling_to_coop = False

    # pass 1 ---------------------------------------------------------------------------
    def produce_and_offer(self, month: int, spot: list[float]) -> None:
        """Produce; get a trader's offer; members of an open coop offer unless side-selling."""
        m, p = self.model, self.model.params
        if m.noise is None:
            rand = m.random.random
            noise0 = (rand() - 0.5) * SQRT12
            noise1 = (rand() - 0.5) * SQRT12
        else:  # diagnostic mode: the vectorised side's draws
            noise0, noise1 = m.noise[0][self.row], m.noise[1][self.row]
        self.output = self.base_output[month] * max(1.0 + p.output_noise * noise0, 0.0)
        self.offer = spot[self.product] * (1.0 + p.offer_dispersion * noise1)
        c = self.coop
        self.selling_to_coop = c >= 0 and m.coop_open[c]
        if self.selling_to_coop:
            price = m.coop_price[c]
            self.offered_qty = (self.output if self.offer <= price * (1.0 + self.loyalty)
                                else 0.0)
            m.offered[c] += self.offered_qty * price
            m.member_output += self.output
            m.member_offered += self.offered_qty

    # pass 2 ---------------------------------------------------------------------------
    def sell_and_book(self, month: int) -> None:
        """Sell (rationed pro rata by the coop), book income, update satisfaction."""
        m, p = self.model, self.model.params
        net = self.output * (self.offer - self.cost_share)
        c = self.coop
        rate = 0.0
        if self.selling_to_coop:
            price = m.coop_price[c]
            qty = self.offered_qty * m.ration[c]
            mfee = p.membership_fee / 12.0
            benefit = qty * (price - self.offer) + self.output * m.coop_saving[c] - mfee
            net += benefit
            self.patronage += qty
            rate = benefit / max(self.output, 1e-3)
        self.income12 += net - self.income[month]
        self.income[month] = net
        self.cash += min(net, p.savings_rate * net)
        if c >= 0:
            thr = p.join_threshold
            signal = min(max((rate - thr) / max(thr, 1e-3), -1.0), 1.0)
            self.satisfaction = (1 - p.trust_rate) * self.satisfaction + p.trust_rate * signal
            self.unhappy = self.unhappy + 1 if self.satisfaction < 0 else 0
            m.cell_members[self.cell] += 1
            m.cell_satisfaction[self.cell] += self.satisfaction

    # pass 3 ---------------------------------------------------------------------------
    def decide(self) -> None:
        """Update awareness and trust; members may leave, non-members may join."""
        m, p = self.model, self.model.params
        cell = self.cell
        peer = m.peer[cell]
        self.awareness += p.awareness_diffusion * peer * (1.0 - self.awareness)
        if self.coop >= 0:
            self.awareness = 1.0
            self.trust += p.trust_rate * (0.5 + 0.5 * self.satisfaction - self.trust)
            if self.unhappy >= p.exit_patience:
                m.movers.append((self, -1))
            return
        target = m.cell_trust[cell]
        if target is not None:
            self.trust += p.trust_rate * (target - self.trust)
        best = m.best_in_cell[cell]
        if best < 0 or self.cash < p.capital_contribution:
            return
        u = m.random.random() if m.join_draws is None else next(m.join_draws)
        review = p.review_rate * self.awareness
        if u >= review:
            return
        capital_cost = p.capital_contribution * p.interest_rate / self.capacity
        utility = (self.trust * m.coop_benefit_rate[best] + p.peer_weight * peer
                   - capital_cost - p.join_threshold)
        x = -p.join_slope * utility
        chance = review / (1.0 + math.exp(x)) if x < 700.0 else 0.0
        if u < chance:
            m.movers.append((self, best))

    # moves (after every agent has decided) -------------------------------------------
    def leave(self) -> None:
        """Leave the cooperative; the contributed capital is refunded."""
        self.cash += self.capital
        self.coop, self.capital, self.satisfaction, self.unhappy = -1, 0.0, 0.0, 0

    def join(self, coop: int) -> None:
        """Join ``coop``, paying in the capital contribution."""
        contribution = self.model.params.capital_contribution
        self.coop = coop
        self.cash -= contribution
        self.capital += contribution
        self.satisfaction, self.unhappy, self.awareness = 0.0, 0, 1.0


class PerAgentModel(mesa.Model):
    """Synchronous per-agent Mesa model of the household rules in a frozen world."""

    def __init__(self, world: FrozenWorld, store: HouseholdStore | None = None,
                 start: int = 0, draws: np.random.Generator | None = None):
        """Build one agent per household of ``store`` (default: the world's).

        Args:
            start: month index (into the world's spot path) of the first step.
            draws: diagnostic only: take the random numbers from this NumPy generator in
                exactly the order and precision the vectorised side draws them (see
                :func:`shared_draws_check`); by default agents draw from ``self.random``.
        """
        super().__init__(seed=world.seed + 1_000_003)
        self.start, self.draws = start, draws
        self.noise = self.join_draws = None
        self.params = world.params
        a = world.arrays
        self.coop_open = a.open.tolist()
        self.coop_price = a.price.tolist()
        self.coop_capacity = a.capacity.tolist()
        self.coop_saving = a.saving.tolist()
        self.coop_benefit_rate = a.benefit_rate.tolist()
        self.best_in_cell = a.best_in_cell.tolist()
        self.cell_size = world.cell_size.tolist()
        self.spot = world.spot.tolist()
        hh = world.store if store is None else store
        for i in range(len(hh)):
            HouseholdAgent(self, hh, i)
        self.side_sold: list[float] = []
        self.member_output_by_month: list[float] = []

    def step(self) -> None:
        """One month: offer, ration, sell and book, per-cell totals, decide, apply moves."""
        t = self.start + self.steps - 1
        month, spot = t % 12, self.spot[t]
        n_coops, n_cells = len(self.coop_open), len(self.cell_size)
        self.offered = [0.0] * n_coops
        self.member_output = self.member_offered = 0.0
        if self.draws is not None:
            noise = (self.draws.random((2, len(self.agents)), dtype=np.float32) - 0.5) \
                * np.float32(SQRT12)
            self.noise = noise.tolist()
        self.agents.do("produce_and_offer", month, spot)
        self.ration = [min(1.0, cap / max(off, 1e-12))
                       for cap, off in zip(self.coop_capacity, self.offered, strict=True)]
        self.cell_members = [0] * n_cells
        self.cell_satisfaction = [0.0] * n_cells
        self.agents.do("sell_and_book", month)
        self.peer = [n / max(size, 1) for n, size in zip(self.cell_members, self.cell_size,
                                                         strict=True)]
        self.cell_trust = [0.5 + 0.5 * s / n if n > 0 else None
                           for n, s in zip(self.cell_members, self.cell_satisfaction,
                                           strict=True)]
        self.movers: list[tuple[HouseholdAgent, int]] = []
        if self.draws is not None:
            n_cand = sum(1 for a in self.agents if a.coop < 0 and self.best_in_cell[a.cell] >= 0
                         and a.cash >= self.params.capital_contribution)
            self.join_draws = iter(self.draws.random(n_cand, dtype=np.float32).tolist())
        self.agents.do("decide")
        for agent, target in self.movers:
            if target < 0:
                agent.leave()
            else:
                agent.join(target)
        self.side_sold.append(self.member_output - self.member_offered)
        self.member_output_by_month.append(self.member_output)

    def aggregates(self) -> dict[str, float]:
        """The compared aggregates of the current state."""
        ag = list(self.agents)
        return aggregates([a.coop for a in ag], [a.income12 for a in ag],
                          [a.cash for a in ag], [a.satisfaction for a in ag],
                          [a.awareness for a in ag], [a.trust for a in ag],
                          self.side_sold, self.member_output_by_month)


def run_per_agent(world: FrozenWorld, n_steps: int) -> tuple[dict[str, float], float, float]:
    """Build the per-agent model and step it ``n_steps`` months.

    Returns:
        The aggregates, the wall seconds of the step loop and of building the agents.
    """
    t0 = time.perf_counter()
    model = PerAgentModel(world)
    t1 = time.perf_counter()
    for _ in range(n_steps):
        model.step()
    t2 = time.perf_counter()
    return model.aggregates(), t2 - t1, t1 - t0


def shared_draws_check(world: FrozenWorld, at: tuple[int, ...] = (0, 11, 59)
                       ) -> list[dict[str, float]]:
    """Diagnostic: one month on both sides with the SAME random numbers, from equal states.

    For each month index in ``at``, the vectorised side is stepped up to that month; from
    that state both sides then step one month, the per-agent model taking the vectorised
    side's random numbers (same generator, order and float32 precision). Any differing
    decision beyond a rare float32-vs-float64 rounding flip reveals a difference in the
    rules themselves (for instance a rule changed in coopsim but not here).

    Returns:
        Per checkpoint: households whose cooperative differs after the month, joiners and
        leavers on the vectorised side, and the largest absolute difference of the
        continuous state among households whose cooperative agrees.
    """
    out = []
    for k in at:
        state = _step_vectorised(world, k)[0] if k else world.store
        vec = _step_vectorised(world, 1, start=k, store=state,
                               rng=np.random.default_rng([world.seed, 2, k]))[0]
        model = PerAgentModel(world, store=state, start=k,
                              draws=np.random.default_rng([world.seed, 2, k]))
        model.step()
        ag = list(model.agents)
        coop = np.array([a.coop for a in ag])
        same = coop == vec.coop
        row = {"month_index": k, "households": len(ag),
               "coop_differs": int((~same).sum()),
               "joiners": int(((state.coop < 0) & (vec.coop >= 0)).sum()),
               "leavers": int(((state.coop >= 0) & (vec.coop < 0)).sum())}
        for name in ("income12", "cash", "awareness", "trust", "satisfaction"):
            diff = np.abs(np.array([getattr(a, name) for a in ag]) - getattr(vec, name))[same]
            row[f"max_abs_diff_{name}"] = float(diff.max()) if len(diff) else 0.0
        out.append(row)
    return out
