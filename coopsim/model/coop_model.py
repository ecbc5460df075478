"""The Mesa model of a province's cooperative sector: :class:`CoopModel`.

One step is one month. Each month: spot prices move; cooperatives set their terms;
households produce and sell (to their cooperative or on the spot market);
cooperatives settle the month; households update attitudes and join or leave.
Each December cooperatives close their books and are rated under the official
classification, insolvent ones are dissolved and new ones may be founded.

The model never imports plotting, UI, scenario or experiment code.
"""

from __future__ import annotations

import time
import zlib
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from mesa.datacollection import DataCollector

from coopsim.model import brands, membership, ocop, outcomes, where
from coopsim.model.accounts import World
from coopsim.model.board import Board
from coopsim.model.business import (
    Business,
    enter_businesses,
    enter_on_growth,
    incumbent_growth,
)
from coopsim.model.cooperative import (
    ACTIVE,
    DISSOLVED,
    INACTIVE,
    MERGED,
    STATUSES,
    Cooperative,
    CoopMonth,
    YearEnd,
)
from coopsim.model.households import (
    CoopArrays,
    MonthSales,
    generate_households,
    sell_month,
    update_membership,
)
from coopsim.model.network import build_network, link_metrics
from coopsim.model.outlets import Outlets
from coopsim.model.scoring import MAX_CEASED_MONTHS, NOT_RATED_CEASED, NOT_RATED_NEW, CoopClass
from coopsim.model.value_chain import ValueChain
from coopsim.model.world_init import (
    create_businesses,
    create_initial_coops,
    draw_founders,
    expected_revenue,
    seed_contracts,
)
from coopsim.world.params import Params
from coopsim.world.province import Province, load_province

__all__ = ["COOP_YEAR_COLUMNS", "CoopModel", "METRICS", "YEARLY_COLUMNS"]

CLASSES = ("good", "fair", "average", "weak")
#: the figures recorded every month, every December and per cooperative and year (all
#: declared in :mod:`coopsim.model.outcomes`)
METRICS = tuple(outcomes.month_columns())
YEARLY_COLUMNS = outcomes.year_columns()
#: the tables of districts and start-income quintiles, with their declared columns
_WHERE_TABLES = {"districts": outcomes.DISTRICT_OUTCOMES, "quintiles": outcomes.QUINTILE_OUTCOMES}
COOP_YEAR_COLUMNS = outcomes.coop_year_columns()
_YEARLY = frozenset(YEARLY_COLUMNS)


def _metric(model: CoopModel, name: str) -> Any:
    """DataCollector reporter reading one figure of the step's metrics (picklable)."""
    return model.metrics[name]


class CoopModel(mesa.Model):
    """A province of households and cooperatives, stepped monthly from January 2018.

    Args:
        province: a :class:`~coopsim.world.province.Province`, a path to a province file, or
            ``None`` for the embedded default (a Quang Binh-like province in 2018).
        seed: seed of the run (all randomness flows from ``self.rng``/``self.random``).
        rng: alternatively, a NumPy generator or seed-like (see :class:`mesa.Model`).
        **params: overrides of :class:`~coopsim.world.params.Params` (unknown names raise
            :class:`~coopsim.world.params.ParameterError` before anything is built).

    Attributes:
        households: the :class:`~coopsim.model.households.HouseholdStore`.
        coops: every cooperative ever created, indexed by ``Cooperative.idx``.
        world: the outside world's account (markets, suppliers, banks, the state).
        metrics: this step's figures (what the DataCollector records).
        snapshots: household array snapshots by step (every ``snapshot_every`` months).
        timings: wall seconds spent per phase (households, cooperatives, collection).
    """

    def __init__(self, province: Province | str | Path | None = None, *,
                 seed: int | None = None, rng: Any = None, policy: Any = None,
                 **params: Any):
        self.params = Params.from_overrides(params)
        if not isinstance(province, Province):
            province = load_province(province)
        super().__init__(seed=seed, rng=rng)
        self.province = province
        self._entropy = int(seed) if seed is not None else int(self.rng.integers(2**62))
        self._streams: dict[str, np.random.Generator] = {}
        self.weights = self.params.scoring_weights()
        self.world = World()
        self.households, self.commune_district, self.district_share = generate_households(
            province, self.params, self.rng)
        self.start_quintile = where.start_quintiles(self.households.income12)
        self._n_products = len(province.products)
        seas = np.array([p.seasonality for p in province.products])
        self._season = seas / seas.mean(axis=1, keepdims=True)
        self._cell_size = np.bincount(self.households.cell,
                                      minlength=len(self.commune_district) * self._n_products)
        self.spot = np.ones(self._n_products)
        self.yield_factor = np.ones(self._n_products)
        self.coops: list[Cooperative] = []
        self.coops_by_product: dict[int, list[Cooperative]] = {}
        self.businesses: list[Business] = []
        self.value_chain = ValueChain()
        self.ocop = ocop.OcopRegister()
        self.coop_month: CoopMonth | None = None  # this month's sales, set in step()
        self.outlets = None if self.params.outlet_capacity <= 0 else Outlets(
            self.households.district, self.households.product, self.households.base_output,
            int(np.max(self.commune_district)) + 1, self._n_products,
            self.params.outlet_capacity)
        self.loans_granted = self.founded = self.dissolved = 0
        self.foundings_refused = 0  # founding chances without a viable plan (ODD 7.22a)
        self.founded_assisted = 0  # foundings assisted by founding support (ODD 7.22b)
        self._introductions0 = 0  # matchmaking introductions before this year (ODD 7.24c)
        self.businesses_entered = 0  # entrants since the start (ODD 7.23a)
        self.sales: MonthSales | None = None
        self.snapshots: dict[int, dict[str, np.ndarray]] = {}
        self.timings = dict.fromkeys(("households", "cooperatives", "collection"), 0.0)
        stock = province.coops
        self.education_shares = np.array([stock.untrained_share,
                                          1 - stock.untrained_share - stock.university_share,
                                          stock.university_share])
        create_initial_coops(self)
        create_businesses(self)
        seed_contracts(self)
        self.policy = policy
        if policy is not None:
            policy.attach(self)
        self._year_side_selling: list[float] = []
        self.datacollector = DataCollector(
            model_reporters={k: partial(_metric, name=k) for k in METRICS},
            tables={"yearly": YEARLY_COLUMNS, "coop_years": COOP_YEAR_COLUMNS,
                    **{name: list(cols) for name, cols in _WHERE_TABLES.items()}})
        self.running = True
        self._update_metrics(side_selling=0.0)
        self.datacollector.collect(self)
        self._snapshot()

    # ---- randomness and support ------------------------------------------------------
    def stream(self, name: str) -> np.random.Generator:
        """A named random stream derived from the run's seed.

        External conditions (``"external"``) and each policy lever draw from their own
        stream, so scenarios run with the same seed face the same prices and harvests,
        and a lever that is off draws nothing.
        """
        if name not in self._streams:
            key = (zlib.crc32(name.encode()),)
            self._streams[name] = np.random.default_rng(
                np.random.SeedSequence(self._entropy, spawn_key=key))
        return self._streams[name]

    def support(self, lever: str, amount: float) -> float:
        """Public support a rule asks for: what the policy budget covers of ``amount``.

        Without a policy package the support parameters alone decide (someone pays in
        full); with one, the lever's remaining budget caps it.
        """
        return amount if self.policy is None else self.policy.grant(lever, amount)

    # ---- calendar ------------------------------------------------------------------
    @property
    def year(self) -> int:
        """Calendar year of the last completed step (of the start before any step)."""
        return self.province.start_year + (self.province.start_month - 2 + self.steps) // 12

    @property
    def month(self) -> int:
        """Calendar month (1-12) of the last completed step."""
        return (self.province.start_month - 2 + self.steps) % 12 + 1

    # ---- helpers for users ---------------------------------------------------------
    def add_coop(self, commune: int, product: int, competence: float, board: Board,
                 age_months: int = 0) -> Cooperative:
        """Create a cooperative agent with the next dense index."""
        coop = Cooperative(self, len(self.coops), commune, int(self.commune_district[commune]),
                           product, competence, board, age_months)
        coop.founded_step = self.steps
        coop.cell = commune * self._n_products + product
        self.coops.append(coop)
        self.coops_by_product.setdefault(product, []).append(coop)
        return coop

    def live_coops(self) -> list[Cooperative]:
        """Cooperatives that are active or inactive (not dissolved or merged)."""
        return [c for c in self.coops if c.status in (ACTIVE, INACTIVE)]

    def total_money(self) -> float:
        """Money held by households, cooperatives and the world (constant over a run)."""
        return float(self.households.cash.sum() + sum(c.cash for c in self.coops)
                     + sum(b.cash for b in self.businesses) + self.world.cash)

    def network(self, step: int | None = None, include_ended: bool = False):
        """The value-chain network (a networkx MultiGraph) now or at an earlier ``step``."""
        return build_network(self.coops, self.businesses, self.value_chain.contracts, step,
                             include_ended)

    # ---- the monthly step ----------------------------------------------------------
    def step(self) -> None:
        """Advance one month (wall time per phase accumulates in :attr:`timings`)."""
        clock = time.perf_counter
        t0 = clock()
        month0 = self.month - 1
        if month0 == 0:
            self._new_year_conditions()
        if self.policy is not None:
            self.policy.before_month(self)
        contracted, _ = self.value_chain.contracted_volume(len(self.coops),
                                                           len(self.businesses))
        for coop in self.coops:  # contracted volumes are due by the harvest calendar
            if coop.status == ACTIVE:
                due = contracted[coop.idx] * self._season[coop.product, month0]
                coop.prepare_month(self.spot[coop.product], float(due))
        self._move_prices()
        arrays = self._coop_arrays()
        t1 = clock()
        self.sales = sell_month(self.households, arrays, month0, self.spot, self.params,
                                self.rng, self.yield_factor)
        self.world.pay(self.sales.world_net, "household_trade")
        t2 = clock()
        self.value_chain.fulfil(self)
        self.coop_month = CoopMonth.of(self.sales, self.spot, self._outlet_shares(month0))
        if self.coops:
            self.agents_by_type[Cooperative].do("step")
        if self.businesses:
            self.agents_by_type[Business].do("step")
        self._book_member_benefits()
        t3 = clock()
        self._household_month(arrays, month0)
        t4 = clock()
        self.value_chain.review(self)
        self.value_chain.form(self)
        side_selling = self._side_selling_rate()
        self._year_side_selling.append(side_selling)
        if self.month == 12:
            self._close_year(side_selling)
        t5 = clock()
        self._update_metrics(side_selling=side_selling)
        self.datacollector.collect(self)
        if self.params.snapshot_every and self.steps % self.params.snapshot_every == 0:
            self._snapshot()
        t6 = clock()
        self.timings["cooperatives"] += (t1 - t0) + (t3 - t2) + (t5 - t4)
        self.timings["households"] += (t2 - t1) + (t4 - t3)
        self.timings["collection"] += t6 - t5

    def _outlet_shares(self, month0: int) -> np.ndarray | None:
        """Share of each cooperative's own sales its district's outlets take in full."""
        if self.outlets is None or not self.coops:
            return None
        offered = np.array([max(self.sales.coop_bought_qty[c.idx] - c.contract_qty_m, 0.0)
                            if c.status == ACTIVE else 0.0 for c in self.coops])
        group = np.array([self.outlets.group_of(c.district, c.product) for c in self.coops])
        return self.outlets.shares(month0, offered, group)

    def _new_year_conditions(self) -> None:
        """Each January: the year's yield shock per product and businesses' demand growth."""
        p = self.params
        self.yield_factor = np.exp(p.yield_shock * self.stream("external").standard_normal(
            self._n_products) - 0.5 * p.yield_shock**2)
        if self.steps > 1:
            kept = incumbent_growth(p)
            for bus in self.businesses:
                bus.demand *= 1.0 + kept
                bus.min_volume *= 1.0 + kept

    def _move_prices(self) -> None:
        """Spot prices follow a mean-reverting log random walk around 1."""
        p = self.params
        shock = p.price_volatility * self.stream("external").standard_normal(self._n_products)
        log_p = (1 - p.price_reversion) * np.log(self.spot) + shock
        self.spot = np.exp(log_p)

    def _coop_arrays(self) -> CoopArrays:
        """Gather the cooperatives' terms into arrays households can index."""
        cs = self.coops
        open_ = np.array([c.open for c in cs], bool)
        rate = np.array([c.benefit_rate for c in cs])
        best = np.full(len(self._cell_size), -1, np.int32)
        best_rate = np.full(len(self._cell_size), -np.inf)
        for c in cs:
            if c.open and c.benefit_rate > best_rate[c.cell]:
                best[c.cell], best_rate[c.cell] = c.idx, c.benefit_rate
        return CoopArrays(open=open_, price=np.array([c.price for c in cs]),
                          capacity=np.array([c.capacity for c in cs]),
                          saving=np.array([c.saving for c in cs]), benefit_rate=rate,
                          best_in_cell=best)

    def _book_member_benefits(self) -> None:
        """Add members' benefit and output to their cooperative's year; update its rate.

        Members' output counts whether their cooperative was open or not (the need it
        met, or did not).
        """
        s, n, hh = self.sales, len(self.coops), self.households
        benefit = np.bincount(s.of, s.benefit_m, n)
        expected = np.bincount(s.of, s.output[s.rows], n)
        members = np.flatnonzero(hh.coop >= 0)
        output = np.bincount(hh.coop[members], s.output[members], n)
        benefit, expected, output = benefit.tolist(), expected.tolist(), output.tolist()
        for c in self.coops:
            c.book_members_month(output[c.idx], benefit[c.idx], expected[c.idx])

    def _household_month(self, arrays: CoopArrays, month0: int) -> None:
        """Book household income, then apply leaving and joining decisions."""
        hh, p = self.households, self.params
        joiners, leavers, saved = update_membership(hh, arrays, self.sales, month0,
                                                    self._cell_size, p, self.rng)
        net = float(self.sales.net_income.sum(dtype=np.float64))
        self.world.receive(net - saved, "consumption")
        membership.leave(hh, self.coops, leavers)
        membership.join(hh, self.coops, joiners, arrays.best_in_cell[hh.cell[joiners]],
                        p.capital_contribution)

    def _side_selling_rate(self) -> float:
        s = self.sales
        return s.side_sold / s.member_output if s.member_output > 0 else 0.0

    # ---- the year end --------------------------------------------------------------
    def _close_year(self, side_selling: float) -> None:
        """Rate every cooperative, pay dividends, dissolve the insolvent, found new ones."""
        hh, n, year, p = self.households, len(self.coops), self.year, self.params
        rows = np.flatnonzero(hh.coop >= 0)
        of = hh.coop[rows]
        count = np.maximum(np.bincount(of, minlength=n), 1)
        satisfied = 0.5 + 0.5 * np.bincount(of, hh.satisfaction[rows], n) / count
        founded0, dissolved0, loans0 = self.founded, self.dissolved, self.loans_granted
        assisted0, refused0 = self.founded_assisted, self.foundings_refused
        by_coop = rows[np.argsort(of, kind="stable")]  # members grouped by cooperative
        start = np.concatenate([[0], np.cumsum(np.bincount(of, minlength=n))])
        for coop in self.live_coops():
            end = coop.close_year(year, float(satisfied[coop.idx]),
                                  int(self._cell_size[coop.cell]))
            members = by_coop[start[coop.idx]:start[coop.idx + 1]]
            membership.pay_dividends(hh, coop, end.dividend_pool, self.month - 1, members)
            self._coop_year_row(coop, end)
        hh.patronage[:] = 0.0
        if self.policy is not None:
            self.policy.after_ratings(self)
        for coop in self.live_coops():
            paper = coop.status == INACTIVE and self.rng.random() < p.paper_dissolution_rate
            if coop.equity < 0 or paper:
                membership.dissolve(hh, coop, self.world, DISSOLVED, p.liquidation_value,
                                    "insolvent" if coop.equity < 0 else "authority")
                self.value_chain.end_all_for_coop(coop.idx, self.steps)
                self.dissolved += 1
        brands.brand_year(self)
        ocop.ocop_year(self)
        self._found_coops()
        entered = len(enter_businesses(self)) + len(enter_on_growth(self))
        self.businesses_entered += entered
        self._update_metrics(side_selling=side_selling)
        self._where_rows()
        self._yearly_row(self.founded - founded0, self.dissolved - dissolved0,
                         self.loans_granted - loans0, businesses_entered=entered,
                         founded_assisted=self.founded_assisted - assisted0,
                         foundings_refused=self.foundings_refused - refused0,
                         introductions=self.value_chain.introductions - self._introductions0)
        self._introductions0 = self.value_chain.introductions
        self._year_side_selling = []

    def _found_coops(self) -> None:
        """Where enough aware households share a product and no cooperative serves them."""
        p, hh = self.params, self.households
        for cell, founders, assisted in draw_founders(self):
            commune, product = divmod(int(cell), self._n_products)
            coop = self.add_coop(commune, product, float(self.rng.uniform(0.2, 0.6)),
                                 Board.draw(self.rng, self.education_shares, age_mean=40.0))
            membership.join(hh, self.coops, founders, np.full(len(founders), coop.idx),
                            p.capital_contribution)
            if assisted and p.founding_support_grant > 0:  # paid for in draw_founders
                coop.receive_grant(p.founding_support_grant, "founding_grant")
            coop.plan_first_year(max(expected_revenue(self, coop), 1.0))
            self.founded += 1
            self.founded_assisted += assisted

    # ---- records -------------------------------------------------------------------
    def _update_metrics(self, side_selling: float) -> None:
        hh = self.households
        live = self.live_coops()
        counts = {k.label: 0 for k in CoopClass}
        reasons = {NOT_RATED_NEW: 0, NOT_RATED_CEASED: 0}
        for c in live:
            cls = c.current_class
            if cls is not None:
                counts[cls.label] += 1
            else:
                reasons[c.not_rated or NOT_RATED_NEW] += 1
        rated = sum(counts.values())
        by_status = Counter(c.status for c in self.coops)
        members = np.flatnonzero(hh.coop >= 0)
        n_mem, n = len(members), len(hh)
        inc_members = float(hh.income12[members].sum())
        inc_all = float(hh.income12.sum())
        self.metrics = {
            "year": self.year, "month": self.month,
            **{f"n_{c}": counts[c] for c in CLASSES}, "n_rated": rated,
            "n_not_rated_new": reasons[NOT_RATED_NEW],
            "n_not_rated_ceased": reasons[NOT_RATED_CEASED], "n_unrated": len(live) - rated,
            "weak_share": counts["weak"] / rated if rated else 0.0,
            "good_fair_share": (counts["good"] + counts["fair"]) / rated if rated else 0.0,
            "n_good_fair": counts["good"] + counts["fair"],
            **{f"n_{s}": by_status[s] for s in STATUSES},
            "n_live": len(live),
            "members": n_mem, "membership_rate": n_mem / n,
            "income_member": inc_members / n_mem if n_mem else 0.0,
            "income_nonmember": (inc_all - inc_members) / (n - n_mem) if n_mem < n else 0.0,
            "loans_active": sum(1 for c in live if c.debt > 0),
            "side_selling_rate": side_selling,
            **self._value_chain_metrics(members),
        }

    def _value_chain_metrics(self, members: np.ndarray) -> dict[str, Any]:
        vc, hh = self.value_chain, self.households
        links = vc.links_per_coop(len(self.coops))
        active = [c for c in self.coops if c.status == ACTIVE]
        open_b = [b for b in self.businesses if b.open]
        supplied = {c.business for c in vc.active}
        linked_member = links[hh.coop[members]] > 0 if len(members) else np.zeros(0, bool)
        inc = hh.income12[members]
        live = self.live_coops()
        stars = [c.ocop_stars for c in live]
        return {
            "links_active": len(vc.active),
            "linked_share": (sum(1 for c in active if links[c.idx] > 0) / len(active)
                             if active else 0.0),
            "businesses_linked_share": (sum(1 for b in open_b if b.idx in supplied) / len(open_b)
                                        if open_b else 0.0),
            "n_brands": sum(1 for c in live if c.has_brand),
            **{f"n_ocop_{k}": stars.count(k) for k in (3, 4, 5)},
            "income_linked_members": float(inc[linked_member].mean()) if linked_member.any()
            else float("nan"),
            "income_unlinked_members": float(inc[~linked_member].mean())
            if (~linked_member).any() else float("nan"),
        }

    def _yearly_row(self, founded: int, dissolved: int, loans: int, **counts: int) -> None:
        m = self.metrics
        row = {k: m[k] for k in YEARLY_COLUMNS if k in m}
        operating = np.array([c.status == ACTIVE for c in self.coops], bool)
        net = link_metrics(len(self.coops), len(self.businesses), self.value_chain.active,
                           operating)
        year_start = self.steps - 12
        row.update(founded=founded, dissolved=dissolved, loans_granted=loans, **counts,
                   links_formed=sum(1 for c in self.value_chain.contracts
                                    if c.start > year_start),
                   links_ended=sum(1 for c in self.value_chain.contracts
                                   if c.end is not None and c.end > year_start),
                   businesses_open=sum(1 for b in self.businesses if b.open),
                   businesses_closed=sum(1 for b in self.businesses
                                         if b.closed_step is not None
                                         and b.closed_step > year_start),
                   **net, **self._rating_figures(), **self._endings(year_start),
                   **self.ocop.figures(self.live_coops()),
                   side_selling_rate=float(np.mean(self._year_side_selling))
                   if self._year_side_selling else 0.0)
        if row.keys() != _YEARLY:  # a figure computed but not declared, or the reverse
            raise RuntimeError(f"yearly row and outcomes.year_columns() differ: "
                               f"{sorted(row.keys() ^ _YEARLY)}")
        self.datacollector.add_table_row("yearly", row)

    def _where_rows(self) -> None:
        """This December's rows per district and per start-income quintile."""
        links = self.value_chain.links_per_coop(len(self.coops))
        for table, rows in (("districts", where.district_rows(self, links)),
                            ("quintiles", where.quintile_rows(self, links))):
            for row in rows:
                if row.keys() != _WHERE_TABLES[table].keys():  # declared and computed differ
                    raise RuntimeError(f"{table} row and its outcomes differ: "
                                       f"{sorted(row.keys() ^ _WHERE_TABLES[table].keys())}")
                self.datacollector.add_table_row(table, row)

    def _rating_figures(self) -> dict[str, float]:
        """The year's scores, and the live cooperatives weak or ceased at the rating."""
        live = self.live_coops()
        rated = [c.last_score.total for c in live
                 if c.last_score is not None and c.last_score.coop_class is not None]
        ceased = [c for c in live if c.months_ceased_last > MAX_CEASED_MONTHS]
        weak_or_ceased = {c.idx for c in ceased} | {
            c.idx for c in live if c.current_class == CoopClass.WEAK}
        q = np.percentile(rated, (10, 25, 50, 75, 90)) if rated else [float("nan")] * 5
        return {"mean_score": float(np.mean(rated)) if rated else float("nan"),
                **{f"score_p{k}": float(v) for k, v in zip((10, 25, 50, 75, 90), q,
                                                           strict=True)},
                "n_ceased": len(ceased),
                "weak_or_ceased_share": len(weak_or_ceased) / len(live) if live else 0.0}

    def _endings(self, year_start: int) -> dict[str, int]:
        """Cooperatives that stopped in the year, by why."""
        ended = [c for c in self.coops if c.ended_step is not None
                 and c.ended_step > year_start]
        return {"dissolved_insolvent": sum(c.ended_reason == "insolvent" for c in ended),
                "dissolved_authority": sum(c.ended_reason == "authority" for c in ended),
                "dissolved_consolidation": sum(c.status == DISSOLVED
                                               and c.ended_reason == "consolidation"
                                               for c in ended),
                "merged": sum(c.status == MERGED for c in ended)}

    def _coop_year_row(self, coop: Cooperative, end: YearEnd) -> None:
        rated, rec = end.score, end.record
        label = rated.coop_class.label if rated.coop_class is not None else None
        degree, trained, young = coop.board.shares()
        self.datacollector.add_table_row("coop_years", {
            "year": self.year, "coop": coop.idx, "district": coop.district,
            "commune": coop.commune, "product": self.province.products[coop.product].name,
            "status": coop.status, "age_months": coop.age_months, "members": coop.members,
            "revenue": end.revenue, "profit": end.profit, "score": rated.total,
            "coop_class": label, "not_rated": rated.not_rated,
            "months_ceased": rec.months_ceased, "regime": rated.regime,
            "competence": coop.competence, "cash": coop.cash, "debt": coop.debt,
            "linked_months": end.linked_months, "has_brand": coop.has_brand,
            "ocop_stars": coop.ocop_stars, "qualification": coop.qualification,
            "board_degree_share": degree, "board_trained_share": trained,
            "board_young_share": young, "capital_avg": rec.capital_avg,
            "indivisible_avg": rec.indivisible_avg, "marketing_use": rec.marketing_use,
            "participation": rec.participation, "initial": coop.founded_step == 0})

    def _snapshot(self) -> None:
        self.snapshots[self.steps] = self.households.snapshot()
