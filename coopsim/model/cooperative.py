"""Cooperatives: Mesa agents that buy, sell, serve members, borrow and are rated yearly.

A :class:`Cooperative` keeps its own books (m VND). Each month the model first asks it
for the terms it offers members (:meth:`Cooperative.prepare_month`), households sell,
and then :meth:`Cooperative.step` settles the month from the households' aggregate
deliveries. In December :meth:`Cooperative.close_year` allocates profit to funds and
dividends, builds the year's :class:`~coopsim.model.scoring.CoopRecord` and is rated.

Balance identity kept at all times::

    cash + assets = debt + charter_capital + dev_fund + reserve_fund + retained
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import mesa
import numpy as np

from coopsim.model.board import Board
from coopsim.model.books import ACTIVE, DISSOLVED, INACTIVE, MERGED, CoopBooks
from coopsim.model.brand_state import BrandState
from coopsim.model.scoring import NOT_RATED_NEW, CoopClass, CoopRecord, Score, score

__all__ = ["ACTIVE", "DISSOLVED", "INACTIVE", "MERGED", "STATUSES", "CoopMonth", "Cooperative",
           "YearEnd"]

STATUSES = (ACTIVE, INACTIVE, DISSOLVED, MERGED)
_CLASS_CREDIT = {CoopClass.GOOD: 1.0, CoopClass.FAIR: 0.8, CoopClass.AVERAGE: 0.5,
                 CoopClass.WEAK: 0.2, None: 0.3}


@dataclass
class YearEnd:
    """What the members' side of the year-end needs from a cooperative."""

    dividend_pool: float
    score: Score
    revenue: float
    profit: float
    linked_months: int = 0
    record: CoopRecord | None = None


class CoopMonth(NamedTuple):
    """The month's sales per cooperative as Python lists, read by :meth:`Cooperative.step`.

    The same float64 values as the model's ``MonthSales`` arrays and spot prices (so the
    same bits), but indexing a list costs a fraction of indexing an array in a loop over
    cooperatives.
    """

    bought: list[float]           # quantity bought from members
    offered: list[float]          # value members offered, m VND
    paid: list[float]             # paid to members, m VND
    service_fees: list[float]     # input-service fees received, m VND
    membership_fees: list[float]  # membership fees received, m VND
    spot: list[float]             # spot price of each product
    full_share: list[float] | None = None  # sold at the full price (None: no outlet limit)

    @classmethod
    def of(cls, sales, spot: np.ndarray, full_share: np.ndarray | None = None) -> CoopMonth:
        """From a month's ``MonthSales``, the spot prices and the outlets' fill shares."""
        return cls(sales.coop_bought_qty.tolist(), sales.coop_offered.tolist(),
                   sales.coop_paid.tolist(), sales.coop_service_fees.tolist(),
                   sales.coop_membership_fees.tolist(), spot.tolist(),
                   None if full_share is None else full_share.tolist())


class Cooperative(CoopBooks, BrandState, mesa.Agent):
    """A cooperative: a business owned by its member households.

    Its books change only through its own methods (:class:`~coopsim.model.books.CoopBooks`
    and the monthly and yearly cycles below).

    Attributes:
        idx: dense index (0..n-1) into the model's per-cooperative arrays.
        commune, district, product: where it is and what it handles.
        status: one of :data:`STATUSES`.
        competence: manager competence, 0..1. board: the management board
            (:class:`~coopsim.model.board.Board`: education and age of each manager).
        cash, assets, debt, charter_capital, dev_fund, reserve_fund: books, m VND.
        revenue_12m, profit_12m: the last 12 months' revenue and profit, m VND.
        income_per_member, member_satisfaction: at the last year end.
        members: member households (kept equal to the household store's count).
        coop_class: class at the last rating it was rated at (None before the first).
        last_score: the last rating (which says whether it was rated, and why not).
        last_record: the figures it was rated on.
        indivisible_grants: assets paid for by public support (indivisible, m VND).
        ended_reason, merged_into: why it stopped (dissolved or merged), and into which.
    """

    def __init__(self, model: mesa.Model, idx: int, commune: int, district: int,
                 product: int, competence: float, board: Board, age_months: int = 0):
        super().__init__(model)
        self.idx, self.commune, self.district, self.product = idx, commune, district, product
        self.status = ACTIVE
        self.age_months = age_months
        self.competence, self.board = competence, board
        self._set_capabilities()
        self.cash = self.assets = self.debt = 0.0
        self.charter_capital = self.dev_fund = self.reserve_fund = self.retained = 0.0
        self.loan_payment, self.missed_payments, self.defaulted = 0.0, 0, False
        self.members = 0
        self.price = 1.0
        self.capacity = self.saving = 0.0
        self.open = False
        self.benefit_rate = 0.05
        self.idle_months = 0
        self.revenue_plan = 1.0
        self._revenue_ring, self._profit_ring = [0.0] * 12, [0.0] * 12
        # the product's seasonal factor of each of the last 12 months, and that factor
        # where it sold nothing that month (buyers' record of its regularity)
        self._season_ring, self._missed_ring = [0.0] * 12, [0.0] * 12
        self._regularity = 1.0  # from the rings, kept by _update_regularity
        self.init_brand()
        self.contracted = self.contract_qty_m = self.contract_revenue_m = 0.0
        self.recent_bought = 0.0
        self.outlet_fill = 1.0  # recent share of its own sales its outlets took at full price
        self.weak_years = 0
        self.income_per_member = self.member_satisfaction = 0.0
        self.coop_class: CoopClass | None = None
        self.last_score: Score | None = None
        self.last_record: CoopRecord | None = None
        self.ended_step: int | None = None
        self.ended_reason: str | None = None
        self.merged_into: int | None = None
        self.indivisible_grants = 0.0
        self.capital_end = self.indivisible_end = 0.0  # at the last year end (growth)
        self.has_year_end = False  # whether there is a last year end to grow from
        self.months_ceased_last = 0  # months it did not operate in the last rated year
        self._reset_year()

    def _set_capabilities(self) -> None:
        """Legal compliance and members reached by training follow manager competence."""
        self.legal_compliance = min(1.0, 0.5 + 0.5 * self.competence)
        self.training_share = 0.5 * self.competence

    # ---- books ---------------------------------------------------------------
    @property
    def equity(self) -> float:
        """Assets less debt (m VND)."""
        return self.cash + self.assets - self.debt

    @property
    def processes(self) -> bool:
        """Whether it has the assets to process produce (not just collect and resell)."""
        return self.assets >= self.model.params.processing_assets

    @property
    def services(self) -> tuple[str, ...]:
        """Services it offers members: input supply, marketing, and processing."""
        return ("input_supply", "marketing", "processing") if self.processes \
            else ("input_supply", "marketing")

    @property
    def brand_premium(self) -> float:
        """Price premium from its trademark (times reputation) and OCOP stars."""
        p = self.model.params
        brand = p.brand_premium * self.brand_reputation if self.has_brand else 0.0
        return brand + p.star_premium * self.ocop_stars

    @property
    def markup(self) -> float:
        """Premium over spot at which it resells members' produce (relative price)."""
        p = self.model.params
        extra = p.processing_markup if self.processes else 0.0
        return p.markup_base + p.markup_competence * self.competence + extra + self.brand_premium

    @property
    def revenue_12m(self) -> float:
        """Revenue over the last 12 months (m VND)."""
        return float(sum(self._revenue_ring))

    @property
    def profit_12m(self) -> float:
        """Profit over the last 12 months (m VND)."""
        return float(sum(self._profit_ring))

    def balance_gap(self) -> float:
        """Assets less liabilities, equity and this year's profit so far: always ~0."""
        liabilities = (self.debt + self.charter_capital + self.dev_fund + self.reserve_fund
                       + self.retained + self.revenue_y - self.costs_y)
        return self.cash + self.assets - liabilities

    @property
    def operating_capital(self) -> float:
        """Cash and assets at work (m VND, at least 0)."""
        return max(self.cash + self.assets, 0.0)

    @property
    def indivisible(self) -> float:
        """Indivisible assets: what public support paid for, and the development fund.

        ASSUMED reading of the 2012 Cooperative Law's "tài sản không chia" (state
        grants and support, and the part of the development fund put there; the
        article was not read here): grant-funded assets and the whole fund.
        """
        return self.indivisible_grants + self.dev_fund

    @property
    def qualification(self) -> int:
        """The chair-director's education (0 none, 1 a course, 2 a degree)."""
        return self.board.director_education

    @property
    def current_class(self) -> CoopClass | None:
        """Its class at the last rating, or None if it was not rated then.

        Before its first rating it is the class of the province's initial stock (or
        None for a cooperative founded during the run).
        """
        return self.coop_class if self.last_score is None else self.last_score.coop_class

    @property
    def not_rated(self) -> str | None:
        """Why it was not rated at the last rating (``new``, ``ceased``), or None."""
        if self.last_score is None:
            return NOT_RATED_NEW if self.coop_class is None else None
        return self.last_score.not_rated

    def _reset_year(self) -> None:
        self.revenue_y = self.costs_y = self.offered_y = self.capacity_y = 0.0
        self.member_benefit_y = 0.0
        self.open_months_y = self.linked_months_y = self.months_y = 0
        self.capital_sum_y = self.indivisible_sum_y = 0.0
        self.bought_y = self.member_output_y = self.paid_y = self.spot_value_y = 0.0
        self.offered_qty_y = self.unsold_y = 0.0

    # ---- monthly cycle -----------------------------------------------------------
    def prepare_month(self, ref_price: float, contracted: float = 0.0) -> None:
        """Set this month's terms from last month's spot price of its product.

        ``contracted`` is the quantity its contracts make due this month: it adds to
        what it can buy, because the buying businesses pre-finance it.
        """
        p = self.model.params
        self.open = self.status == ACTIVE and self.cash > 0 and self.members > 0
        self.price = ref_price * (1.0 + p.pass_through * self.expected_markup)
        self.contracted = contracted
        self.contract_qty_m = self.contract_revenue_m = 0.0
        own = p.handling_turnover * self.operating_capital
        self.capacity = own + contracted * ref_price if self.open else 0.0
        self.saving = p.input_saving * 2.0 * self.competence if self.open else 0.0

    def step(self) -> None:
        """Settle the month: resell members' produce, collect fees, pay costs and loans.

        An inactive cooperative has no business and no running costs, but it still
        pays interest and repayments on its debt and its assets depreciate.
        """
        if self.status not in (ACTIVE, INACTIVE):
            return
        self.age_months += 1
        m, p, i = self.model, self.model.params, self.idx
        world = m.world
        resale = fees = paid = service_cost = overhead = prepaid = 0.0
        if self.status == ACTIVE:
            s = m.coop_month
            bought, spot, offered = s.bought[i], s.spot[self.product], s.offered[i]
            self.bought_y += bought
            self.offered_qty_y += offered / self.price if self.price > 0 else 0.0
            self.paid_y += s.paid[i]
            self.spot_value_y += bought * spot
            own_sales = self._own_sales(bought - self.contract_qty_m, spot, s, i)
            # contract sales were paid in cash by the businesses (ValueChain.fulfil)
            prepaid = self.contract_revenue_m
            resale = world.pay(own_sales, "coop_sales") + prepaid
            self.recent_bought = 0.8 * self.recent_bought + 0.2 * bought
            self.linked_months_y += int(self.contracted > 0)
            fees = s.service_fees[i] + s.membership_fees[i]
            paid = s.paid[i]
            service_cost = world.receive(s.service_fees[i] * (1 - p.service_margin),
                                         "coop_inputs")
            overhead = world.receive((p.overhead_base + p.overhead_per_member * self.members)
                                     * (1 - p.overhead_competence * self.competence),
                                     "coop_overhead")
            self.offered_y += offered
            self.capacity_y += self.capacity
            self.open_months_y += int(self.open)
        interest = world.receive(self.debt * p.interest_rate / 12.0, "interest")
        depreciation = self.assets * p.depreciation / 12.0
        self.indivisible_grants *= 1.0 - p.depreciation / 12.0  # grant assets wear too
        self.assets -= depreciation
        revenue = resale + fees
        costs = paid + service_cost + overhead + interest + depreciation
        self.cash += revenue - prepaid - (costs - depreciation)
        self.revenue_y += revenue
        self.costs_y += costs
        slot = m.steps % 12
        self._revenue_ring[slot], self._profit_ring[slot] = revenue, revenue - costs
        self._record_delivery(slot, sold=self.status == ACTIVE and resale > 0)
        self._repay()
        self.months_y += 1
        self.capital_sum_y += self.cash + self.assets
        self.indivisible_sum_y += self.indivisible
        if self.status == ACTIVE:
            self.idle_months = 0 if revenue > 0 else self.idle_months + 1
            if self.idle_months >= p.inactive_after:
                self.status = INACTIVE
                self.open, self.capacity, self.saving = False, 0.0, 0.0

    def _own_sales(self, qty: float, spot: float, s: CoopMonth, i: int) -> float:
        """Revenue of what it sells without a contract (outlets: ``outlets``)."""
        if s.full_share is None:
            return qty * spot * (1 + self.markup)
        full, floor = s.full_share[i], 1.0 - self.model.params.outlet_discount
        self.outlet_fill = 0.8 * self.outlet_fill + 0.2 * full
        self.unsold_y += qty * (1.0 - full)
        return qty * spot * ((1 + self.outlet_markup(qty)) * full + floor * (1.0 - full))

    def _record_delivery(self, slot: int, sold: bool) -> None:
        """Note whether it sold anything in a month its product's harvest expected it."""
        season = float(self.model._season[self.product, self.model.month - 1])
        self._season_ring[slot] = season
        self._missed_ring[slot] = 0.0 if sold else season
        self._update_regularity()

    def _update_regularity(self) -> None:
        """Recompute :attr:`regularity` from the rings (once a month, not per use)."""
        expected = sum(self._season_ring)
        self._regularity = 1.0 if expected <= 0 else 1.0 - sum(self._missed_ring) / expected

    @property
    def regularity(self) -> float:
        """Share of the last 12 months' expected sales that fell in months it sold.

        Expected sales are weighted by its product's seasonal factors: 1 for a seller
        that never missed a harvest month, and 1 before any record (a new seller is not
        known to be irregular).
        """
        return self._regularity

    def outlet_markup(self, qty: float) -> float:
        """Its markup at outlets without a contract for a month's offer of ``qty``.

        Buyers pay small sellers less: up to ``small_seller_discount`` less, falling
        linearly to nothing at ``small_seller_volume`` (value at spot 1) a month. They
        pay irregular sellers less: ``irregular_seller_discount`` times the share of
        expected sales it missed (1 - :attr:`regularity`). Unbranded sellers already
        get less (no brand premium in :attr:`markup`).
        """
        p = self.model.params
        small = 0.0 if p.small_seller_volume <= 0 else \
            p.small_seller_discount * max(0.0, 1.0 - qty / p.small_seller_volume)
        return self.markup - small - p.irregular_seller_discount * (1.0 - self.regularity)

    @property
    def expected_markup(self) -> float:
        """The resale premium it expects, which sets the price it pays members.

        Its markup where outlets are unlimited; else the mix of the full price (for its
        recent volume, :meth:`outlet_markup`) and the floor price its outlets gave it
        lately.
        """
        if self.model.params.outlet_capacity <= 0:
            return self.markup
        floor = -self.model.params.outlet_discount
        full = self.outlet_markup(self.recent_bought)
        return full * self.outlet_fill + floor * (1.0 - self.outlet_fill)

    def _repay(self) -> None:
        """Pay the month's loan principal, or count a missed payment.

        After ``default_after`` missed months in a row the loan defaults and the bank
        writes it off.
        """
        if self.debt <= 0:
            return
        due = min(self.debt, self.loan_payment)
        if self.cash >= due:
            self.model.world.receive(due, "loan_repaid")
            self.cash -= due
            self.debt -= due
            self.missed_payments = 0
            return
        self.missed_payments += 1
        if self.missed_payments >= self.model.params.default_after:
            self.model.world.flows["loan_written_off"] += self.debt
            self.retained += self.debt  # the write-off is a gain for the cooperative
            self.debt, self.loan_payment, self.defaulted = 0.0, 0.0, True

    # ---- yearly cycle ------------------------------------------------------------
    def close_year(self, year: int, satisfied: float, cell_households: int) -> YearEnd:
        """Allocate the year's profit, rate the cooperative and plan the next year.

        Args:
            satisfied: members' mean satisfaction mapped to 0..1.
            cell_households: households of its product in its commune.
        """
        p, rng = self.model.params, self.model.rng
        profit = self.revenue_y - self.costs_y
        funds = profit > 0 and rng.random() < p.fund_compliance * self.legal_compliance
        dev = p.dev_fund_rate * profit if funds else 0.0
        res = p.reserve_fund_rate * profit if funds else 0.0
        pool = max(profit - dev - res, 0.0) * p.dividend_share if self.members else 0.0
        pool = min(pool, max(self.cash, 0.0))
        self.dev_fund += dev
        self.reserve_fund += res
        self.retained += profit - dev - res - pool
        rec = self._record(profit, pool, dev, res, satisfied, cell_households)
        self.income_per_member, self.member_satisfaction = rec.income_per_member, satisfied
        rated = score(rec, year, self.model.weights)
        self.last_score, self.last_record = rated, rec
        if rated.coop_class is not None:
            self.coop_class = rated.coop_class
            self.weak_years = self.weak_years + 1 if rated.coop_class == CoopClass.WEAK else 0
        revenue, linked_months = self.revenue_y, self.linked_months_y
        self.capital_end, self.indivisible_end = self.cash + self.assets, self.indivisible
        self.has_year_end = True
        self.months_ceased_last = rec.months_ceased
        self.board.age_a_year(rng, self.model.education_shares)
        self._plan_next_year(rng)
        self._reset_year()
        return YearEnd(dividend_pool=pool, score=rated, revenue=revenue, profit=profit,
                       linked_months=linked_months, record=rec)

    def _record(self, profit: float, pool: float, dev: float, res: float, satisfied: float,
                cell_households: int) -> CoopRecord:
        """The year's figures in the form the official rating reads.

        Each varies with what the cooperative did (see
        :class:`~coopsim.model.scoring.CoopRecord`).
        """
        p, rng = self.model.params, self.model.rng
        n = max(self.members, 1)
        self.commended = bool(self.coop_class == CoopClass.GOOD
                              and rng.random() < p.commendation_rate)
        self.sanctioned = bool(rng.random() < p.sanction_rate * (1 - self.legal_compliance))
        disputes = int(rng.poisson(p.dispute_rate * (1.0 - satisfied)))
        months = max(self.months_y, 1)
        degree, course, young = self.board.shares()
        return CoopRecord(
            age_months=self.age_months, months_ceased=self.months_y - self.open_months_y,
            revenue=max(self.revenue_y, 0.0), revenue_plan=max(self.revenue_plan, 1.0),
            profit=profit, members=self.members,
            income_per_member=(self.member_benefit_y + pool) / n,
            dev_fund_share=p.dev_fund_rate if dev > 0 else 0.0,
            reserve_fund_share=p.reserve_fund_rate if res > 0 else 0.0,
            capital_avg=self.capital_sum_y / months,
            capital_growth=_growth(self.cash + self.assets, self.capital_end)
            if self.has_year_end else 0.0,
            indivisible_avg=self.indivisible_sum_y / months,
            indivisible_growth=_growth(self.indivisible, self.indivisible_end)
            if self.has_year_end else 0.0,
            service_types=int(self.open_months_y > 0) + int(self.bought_y > 0)
            + int(self.processes and self.bought_y > 0),
            input_use=self.open_months_y / 12.0, marketing_use=self._marketing_use(),
            processes=bool(self.processes),
            participation=min(1.0, self.offered_qty_y / max(self.member_output_y, 1e-9)),
            benefit_rate=(self.member_benefit_y + pool) / max(self.member_output_y, 1e-9),
            price_advantage=self.paid_y / self.spot_value_y - 1.0 if self.spot_value_y > 0
            else 0.0, dividend_paid=bool(pool > 0), satisfaction=satisfied,
            legal_compliance=self.legal_compliance, sanctioned=self.sanctioned,
            disputes=disputes, board_degree_share=degree, board_course_share=course,
            board_young_share=young, training_share=self.training_share,
            community_share=min(1.0, self.members / max(cell_households, 1)),
            commended=self.commended, has_brand=self.has_brand, ocop_stars=self.ocop_stars,
            linked=bool(self.linked_months_y > 0))

    def _marketing_use(self) -> float:
        """Share of its members' output of the year that it bought."""
        if self.member_output_y <= 0:
            return 0.0
        return min(1.0, self.bought_y / self.member_output_y)

    def _plan_next_year(self, rng: np.random.Generator) -> None:
        """Learn, set next year's revenue plan, and seek a loan if capacity binds."""
        p = self.model.params
        self.competence = float(np.clip(
            self.competence + p.competence_drift + p.competence_noise * rng.standard_normal(),
            0.0, 1.0))
        self._set_capabilities()
        self.revenue_plan = max(self.revenue_y * (1.0 + p.plan_growth), 1.0)
        utilisation = self.offered_y / self.capacity_y if self.capacity_y > 0 else 0.0
        if utilisation >= p.invest_utilisation and self.debt <= 0 and not self.defaulted:
            self._seek_loan(rng)

    def _seek_loan(self, rng: np.random.Generator) -> None:
        """Ask a bank for an investment loan (approval: access, collateral, class, age)."""
        p = self.model.params
        amount = min(0.5 * self.operating_capital, p.loan_to_value * self.assets)
        if amount <= 1.0:
            return
        chance = p.credit_access * _CLASS_CREDIT[self.coop_class]
        chance *= 1.0 if self.age_months >= 24 else 0.5
        if rng.random() >= chance:
            return
        self.model.world.pay(amount, "loan_granted")
        self.model.world.receive(amount, "investment")
        self.debt += amount
        self.assets += amount
        self.loan_payment = amount / p.loan_term
        self.model.loans_granted += 1

    def end(self, status: str, reason: str, into: int | None = None) -> None:
        """Mark the cooperative as no longer operating (it keeps its history).

        Args:
            status: ``dissolved`` or ``merged``.
            reason: why (``insolvent``, ``authority``, ``consolidation``).
            into: the cooperative it merged into.
        """
        self.status, self.open = status, False
        self.capacity = self.saving = 0.0
        self.ended_step = self.model.steps
        self.ended_reason, self.merged_into = reason, into

    def __repr__(self) -> str:
        label = self.coop_class.label if self.coop_class is not None else "unrated"
        return (f"Cooperative(idx={self.idx}, commune={self.commune}, product={self.product}, "
                f"status={self.status}, class={label}, members={self.members})")


def _growth(now: float, before: float) -> float:
    """Relative change from ``before`` to ``now`` (from nothing, any gain counts as 1)."""
    if before > 0:
        return now / before - 1.0
    return 1.0 if now > 0 else 0.0
