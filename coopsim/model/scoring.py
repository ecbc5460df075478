"""Official annual classification of Vietnamese cooperatives, as the circulars apply it.

A pure module (standard library, :mod:`coopsim.core.errors` and the declared weights of
:mod:`coopsim.world.scoring_weights` only). It takes one cooperative's figures for one
rating year (:class:`CoopRecord`), decides whether the cooperative is rated at all,
scores it under the circular in force and assigns one of four classes.

Sources (texts read, and what of them could be read, are listed in docs/ODD.md 7.17):

* Circular 09/2017/TT-BNNPTNT (Ministry of Agriculture, 17 Apr 2017; used for the
  rating years up to 2019). Art. 4(1): six criteria; Appendix 1: the points. Classes:
  good 80-100, fair 65-<80, average 50-<65, weak below 50 **or administratively
  sanctioned in the year** ("hoặc trong năm bị cơ quan có thẩm quyền xử phạt vi phạm
  hành chính"). A cooperative founded less than 12 months ago is not rated.
* Circular 01/2020/TT-BKHĐT (Ministry of Planning and Investment, 19 Feb 2020, in force
  1 Apr 2020; used from the rating year 2020). Art. 7 and Appendices 1-2: 15 criteria in
  three groups, finance 30, governance and capacity 30, members and community 40; the
  sub-items and their points of groups I and II are those of the Appendix 2 form.
  Art. 8(2): classes by total points only (the same thresholds; **no** rule forces a
  sanctioned cooperative into "weak": a sanction costs the law-compliance points of
  criterion 5). Art. 8(3): a cooperative founded and operating for less than 12
  months, **or that ceased operating for more than 3 months in the year**, is not
  assessed or classified.
* The 2023 Cooperative Law (17/2023/QH15, in force 1 Jul 2024) and Decree 113/2024/
  ND-CP classify cooperatives by size only; no successor to 01/2020's assessment was
  found, so 01/2020 is applied to every year from 2020 (ASSUMED).

FOUND marks what the texts say; ASSUMED what they leave open here. The scoring bands of
Circular 01/2020's Appendix 1 and the split of its group III were not in the texts that
could be read, so every band below is ASSUMED, on the scale of the figures found for
2018-2019 (average revenue 1.6 bn VND, profit 203.5 m VND per agricultural cooperative;
Art. 5's capital size classes). Group III's split is a declared parameter
(:class:`~coopsim.world.scoring_weights.ScoringWeights`). Money in million VND.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, fields

from coopsim.world.scoring_weights import (
    C09_CRITERION1_POINTS,
    C09_PRIORITY_PRICE_POINTS,
    DEFAULT_WEIGHTS,
    ScoringWeights,
)

__all__ = [
    "BENEFIT_FULL",
    "CIRCULAR_01_FIRST_YEAR",
    "CLASS_THRESHOLDS",
    "C09_CRITERION1_POINTS",
    "C09_PRIORITY_PRICE_POINTS",
    "DEFAULT_WEIGHTS",
    "MAX_CEASED_MONTHS",
    "MIN_RATED_AGE_MONTHS",
    "NOT_RATED_CEASED",
    "NOT_RATED_NEW",
    "REGIME_01",
    "REGIME_09",
    "YOUNG_MANAGER_AGE",
    "CoopClass",
    "CoopRecord",
    "Score",
    "ScoringWeights",
    "band",
    "classify",
    "fraction_membership",
    "fraction_operating_capital",
    "not_rated_reason",
    "points_annual_revenue",
    "points_income_per_member",
    "points_revenue_vs_plan",
    "regime_for_year",
    "score",
    "score_circular_01",
    "score_circular_09",
    "size_class",
    "validate_record",
]

REGIME_09 = "09/2017"
REGIME_01 = "01/2020"
CIRCULAR_01_FIRST_YEAR = 2020
MIN_RATED_AGE_MONTHS = 12   # FOUND: both circulars
MAX_CEASED_MONTHS = 3       # FOUND: 01/2020 Art. 8(3), "ngừng hoạt động từ trên 3 tháng"
NOT_RATED_NEW, NOT_RATED_CEASED = "new", "ceased"
YOUNG_MANAGER_AGE = 35      # ASSUMED: the age limit of 01/2020's "cán bộ trẻ" was not found
BENEFIT_FULL = 0.10         # ASSUMED: members' benefit (share of output) earning full points
_TOTAL = 100.0
_TOTAL_DECIMALS = 9


class CoopClass(enum.IntEnum):
    """Annual class of a cooperative, ordered worst to best so comparisons work.

    FOUND (both circulars): good (tốt), fair (khá), average (trung bình), weak (yếu).
    """

    WEAK = 0
    AVERAGE = 1
    FAIR = 2
    GOOD = 3

    @property
    def label(self) -> str:
        """Lower-case English name of the class ("weak", "average", "fair", "good")."""
        return self.name.lower()


CLASS_THRESHOLDS: dict[CoopClass, float] = {
    CoopClass.GOOD: 80.0,
    CoopClass.FAIR: 65.0,
    CoopClass.AVERAGE: 50.0,
}


@dataclass(frozen=True)
class CoopRecord:
    """One cooperative's figures for one rating year (what the rating reads).

    Every figure is a quantity of the model that varies between cooperatives. Money is
    in m VND; shares are 0..1. Construction does not validate; the score functions do
    (:func:`validate_record`).

    Attributes:
        age_months: age at the rating. months_ceased: months of the year in which it did
            not operate (did not trade or serve members), 0..12.
        revenue, revenue_plan, profit: the year's revenue, its plan (> 0), pre-tax profit.
        members: member households. income_per_member: members' income from it (price
            advantage, input savings and dividends, net of fees) per member.
        dev_fund_share, reserve_fund_share, other_fund_share: shares of the year's
            profit put into the development investment, reserve and other funds.
        capital_avg: average total capital (tổng nguồn vốn: cash plus assets) over the
            year's month ends. capital_growth: relative change of the year-end total
            capital over the previous year end (0 in a first year).
        indivisible_avg, indivisible_growth: the same for indivisible assets (tài sản
            không chia: assets paid for by public support, and the development fund).
        service_types: how many of the three services it can give (input supply,
            marketing, processing) members used in the year.
        input_use: share of the year's months in which members bought inputs through it.
        marketing_use: share of members' output of the year that it bought.
        processes: whether it processes members' produce (has the assets to).
        participation: share of its members' output of the year they offered it rather
            than sell to traders (members' side-selling lowers it).
        benefit_rate: members' benefit from it in the year as a share of their output.
        price_advantage: its members' realised price advantage over the spot market on
            what it bought (0 when it bought nothing).
        dividend_paid: whether it paid members a patronage dividend for the year.
        satisfaction: members' satisfaction, 0..1.
        legal_compliance: how well it keeps the law and its charter, 0..1.
        sanctioned: administratively sanctioned in the year. disputes: disputes and
            complaints in the year.
        board_degree_share, board_course_share, board_young_share: shares of its
            management board (chair-director, accountant, supervisor) with a college or
            university degree, with at least a short or intermediate training course,
            and under :data:`YOUNG_MANAGER_AGE`.
        training_share: share of members reached by its information and training.
        community_share: members as a share of the households of its product in its
            commune. commended: commended in the year.
        has_brand: holds a trademark. ocop_stars: stars of its OCOP product (0: none).
        linked: had a value-chain contract running in the year.
    """

    age_months: int
    months_ceased: int
    revenue: float
    revenue_plan: float
    profit: float
    members: int
    income_per_member: float
    dev_fund_share: float = 0.0
    reserve_fund_share: float = 0.0
    other_fund_share: float = 0.0
    capital_avg: float = 0.0
    capital_growth: float = 0.0
    indivisible_avg: float = 0.0
    indivisible_growth: float = 0.0
    service_types: int = 0
    input_use: float = 0.0
    marketing_use: float = 0.0
    processes: bool = False
    participation: float = 0.0
    benefit_rate: float = 0.0
    price_advantage: float = 0.0
    dividend_paid: bool = False
    satisfaction: float = 0.0
    legal_compliance: float = 1.0
    sanctioned: bool = False
    disputes: int = 0
    board_degree_share: float = 0.0
    board_course_share: float = 0.0
    board_young_share: float = 0.0
    training_share: float = 0.0
    community_share: float = 0.0
    commended: bool = False
    has_brand: bool = False
    ocop_stars: int = 0
    linked: bool = False


@dataclass(frozen=True)
class Score:
    """Result of rating one :class:`CoopRecord`.

    Attributes:
        total: total points (0..100), rounded to 9 decimals to remove float noise.
        criteria: points by criterion and sub-item; they sum to ``total``.
        regime: ``"09/2017"`` or ``"01/2020"``.
        coop_class: the class, or ``None`` when the cooperative is not rated.
        not_rated: why it is not rated (:data:`NOT_RATED_NEW` or
            :data:`NOT_RATED_CEASED`), or ``None`` when it is.
    """

    total: float
    criteria: dict[str, float]
    regime: str
    coop_class: CoopClass | None
    not_rated: str | None = None


_SHARES = ("dev_fund_share", "reserve_fund_share", "other_fund_share", "input_use",
           "marketing_use", "participation", "board_degree_share", "board_course_share",
           "board_young_share", "training_share", "community_share")


_RECORD_FIELDS = tuple(f.name for f in fields(CoopRecord))


def validate_record(rec: CoopRecord) -> None:
    """Check a record before scoring.

    Raises:
        ValueError: naming the field and value: a number not finite, a count or age
            negative, ``revenue_plan`` not positive, a share outside [0, 1],
            ``months_ceased`` outside 0..12 or ``service_types`` outside 0..3.
    """
    for name in _RECORD_FIELDS:
        value = getattr(rec, name)
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"CoopRecord: {name} must be finite; got {name}={value!r}")
    for name in ("age_months", "members", "disputes", "ocop_stars"):
        if getattr(rec, name) < 0:
            raise ValueError(f"CoopRecord: {name} must be >= 0; got {name}={getattr(rec, name)!r}")
    if rec.revenue_plan <= 0:
        raise ValueError(f"CoopRecord: revenue_plan must be > 0; got {rec.revenue_plan!r}")
    for name in _SHARES:
        value = getattr(rec, name)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"CoopRecord: {name} must be in [0, 1]; got {name}={value!r}")
    if not 0 <= rec.months_ceased <= 12:
        raise ValueError(f"CoopRecord: months_ceased must be in 0..12; got "
                         f"{rec.months_ceased!r}")
    if not 0 <= rec.service_types <= 3:
        raise ValueError(f"CoopRecord: service_types must be in 0..3; got "
                         f"{rec.service_types!r}")


def _clamp01(x: float) -> float:
    return min(1.0, max(0.0, x))


def band(value: float, edges: tuple[float, ...], points: tuple[float, ...]) -> float:
    """Points of the band ``value`` falls in.

    ``points[i]`` for ``edges[i-1] <= value < edges[i]``: ``points[0]`` below the first
    edge, the last from the last edge up.
    """
    for edge, pts in zip(edges, points, strict=False):
        if value < edge:
            return pts
    return points[-1]


def classify(points: float, sanctioned: bool = False) -> CoopClass:
    """The class of a total score; ``sanctioned`` forces weak (09/2017's rule only).

    FOUND (both circulars): good 80-100, fair 65-<80, average 50-<65, weak < 50.

    Raises:
        ValueError: if ``points`` is NaN.
    """
    if math.isnan(points):
        raise ValueError(f"classify: points must not be NaN; got points={points!r}")
    if sanctioned:
        return CoopClass.WEAK
    for cls in (CoopClass.GOOD, CoopClass.FAIR, CoopClass.AVERAGE):
        if points >= CLASS_THRESHOLDS[cls]:
            return cls
    return CoopClass.WEAK


def regime_for_year(year: int) -> str:
    """The circular a rating year is rated under.

    FOUND: 01/2020 is in force from 1 April 2020. ASSUMED: the ratings of 2020 on use
    it (the December rating comes after its start), earlier years 09/2017, and 01/2020
    stays in force after the 2023 Cooperative Law (no successor found).
    """
    return REGIME_01 if year >= CIRCULAR_01_FIRST_YEAR else REGIME_09


def not_rated_reason(rec: CoopRecord, regime: str) -> str | None:
    """Why a cooperative is not rated this year, or ``None`` when it is.

    FOUND: both circulars skip a cooperative founded less than 12 months ago; 01/2020
    Art. 8(3) also skips one that ceased operating for more than 3 months in the year
    (09/2017 has no such rule in the text read: its inactive cooperatives are rated).
    """
    if rec.age_months < MIN_RATED_AGE_MONTHS:
        return NOT_RATED_NEW
    if regime == REGIME_01 and rec.months_ceased > MAX_CEASED_MONTHS:
        return NOT_RATED_CEASED
    return None


def size_class(members: int) -> str:
    """Size by members, FOUND (01/2020 Art. 4).

    Micro < 50, small 50-300, medium > 300-1,000, large > 1,000.

    Raises:
        ValueError: if ``members`` is negative.
    """
    if members < 0:
        raise ValueError(f"size_class: members must be >= 0; got members={members!r}")
    if members < 50:
        return "micro"
    if members <= 300:
        return "small"
    if members <= 1000:
        return "medium"
    return "large"


# ---- Circular 09/2017/TT-BNNPTNT ----------------------------------------------------------
def points_revenue_vs_plan(revenue: float, plan: float) -> float:
    """09/2017 criterion 1: revenue against plan (max 8).

    FOUND (Appendix 1, lawnet.vn rendering): < 100 % of plan 0; 100-<120 % 4; >= 120 % 8.

    Raises:
        ValueError: if ``plan`` is not positive.
    """
    if not plan > 0:
        raise ValueError(f"points_revenue_vs_plan: plan must be > 0; got plan={plan!r}")
    return band(revenue / plan, (1.0, 1.2), (0.0, 4.0, 8.0))


def points_annual_revenue(revenue: float) -> float:
    """09/2017 criterion 1: the year's revenue (max 10).

    FOUND: < 1 bn VND 4; 1-<5 bn 6; 5-<10 bn 8; >= 10 bn 10. ASSUMED: no revenue 0.
    """
    if revenue <= 0:
        return 0.0
    return band(revenue, (1000.0, 5000.0, 10000.0), (4.0, 6.0, 8.0, 10.0))


def points_income_per_member(income: float, profit: float) -> float:
    """09/2017 criterion 1: income per member after obligations (max 10).

    FOUND: no profit 0; < 1 m VND 2; 1-<5 m 4; 5-<10 m 7; >= 10 m 10 ("no profit" read
    as ``profit <= 0``).
    """
    if profit <= 0:
        return 0.0
    return band(income, (1.0, 5.0, 10.0), (2.0, 4.0, 7.0, 10.0))


def fraction_operating_capital(capital: float) -> float:
    """Share of 09/2017 criterion 3 (operating capital) earned: ASSUMED grading.

    0 at none; 0.5 below 500 m VND; 0.8 below 2 bn; 0.9 below 5 bn; 1 from 5 bn.
    """
    if capital <= 0:
        return 0.0
    return band(capital, (500.0, 2000.0, 5000.0), (0.5, 0.8, 0.9, 1.0))


def fraction_membership(members: int) -> float:
    """Share of 09/2017 criterion 4 (membership) earned: sizes FOUND, shares ASSUMED.

    0 members 0; micro 0.5; small 0.8; medium 0.9; large 1.
    """
    if members == 0:
        return 0.0
    return {"micro": 0.5, "small": 0.8, "medium": 0.9, "large": 1.0}[size_class(members)]


def _funds(rec: CoopRecord, points: float) -> tuple[float, float]:
    """The development (>= 20 % of profit) and reserve (>= 5 %) fund points.

    FOUND (09/2017 criterion 1, 5 points each); ASSUMED for 01/2020's 2-point items;
    ASSUMED: both need a profit.
    """
    if rec.profit <= 0:
        return 0.0, 0.0
    return (points if rec.dev_fund_share >= 0.20 else 0.0,
            points if rec.reserve_fund_share >= 0.05 else 0.0)


def score_circular_09(rec: CoopRecord, weights: ScoringWeights = DEFAULT_WEIGHTS) -> Score:
    """Rate a record under Circular 09/2017/TT-BNNPTNT (six criteria, 100 points).

    Criterion 1, revenue and business results (38, FOUND): revenue against plan (8),
    the year's revenue (10), income per member (10), the development (5) and reserve (5)
    funds. Criterion 2, benefits to members (``c09_member_benefits``): priority prices
    for members, 8 points (FOUND), earned when members sold to it at a realised price
    advantage over the spot market (ASSUMED reading: it serves members only, so there
    is no non-member price to compare with); the rest of the criterion times members'
    benefit rate against :data:`BENEFIT_FULL` (ASSUMED). Criterion 3, operating capital (average
    total capital, :func:`fraction_operating_capital`); criterion 4, membership
    (:func:`fraction_membership`); criterion 5, commendations (all or nothing);
    criterion 6, member satisfaction (linear): ASSUMED gradings and points (weights).

    A sanctioned cooperative is weak whatever its points (FOUND).
    """
    validate_record(rec)
    w = weights
    dev, reserve = _funds(rec, 5.0)
    criteria = {
        "C1.revenue_vs_plan": points_revenue_vs_plan(rec.revenue, rec.revenue_plan),
        "C1.annual_revenue": points_annual_revenue(rec.revenue),
        "C1.income_per_member": points_income_per_member(rec.income_per_member, rec.profit),
        "C1.development_fund": dev,
        "C1.reserve_fund": reserve,
        "C2.priority_prices": C09_PRIORITY_PRICE_POINTS if rec.price_advantage > 0
        and rec.marketing_use > 0 else 0.0,
        "C2.member_benefits": (w.c09_member_benefits - C09_PRIORITY_PRICE_POINTS)
        * _clamp01(rec.benefit_rate / BENEFIT_FULL),
        "C3.operating_capital": w.c09_capital * fraction_operating_capital(rec.capital_avg),
        "C4.membership": w.c09_membership * fraction_membership(rec.members),
        "C5.commendations": w.c09_commendations if rec.commended else 0.0,
        "C6.member_satisfaction": w.c09_satisfaction * _clamp01(rec.satisfaction),
    }
    return _finish(rec, criteria, REGIME_09, sanction_forces_weak=True)


# ---- Circular 01/2020/TT-BKHĐT ------------------------------------------------------------
def _c01_finance(rec: CoopRecord) -> dict[str, float]:
    """Group I, finance (30); sub-items and maxima FOUND (Appendix 2), bands ASSUMED.

    1 capital (7): a) average total capital (6) by Art. 5's capital size classes
    (FOUND: < 1, 1-<5, 5-<50, >= 50 bn VND) 2/4/5/6, 0 without capital; b) total capital
    up on the year before (1). 2 assets (6): a) average indivisible assets (5): 0 / < 100
    m / < 500 m / < 1 bn / < 5 bn / more: 0-5; b) up on the year before (1). 3 business
    results (11): a) revenue (4): none 0, < 1 / 1-<5 / 5-<10 / >= 10 bn 1-4 (09/2017's
    bands); b) members' needs met (3): the kinds of service (of input supply, marketing,
    processing) members used; c) pre-tax profit (4): none 0, < 50 m 1, < 200 m 2, < 500 m
    3, more 4. 4 funds (6): development fund >= 20 % of profit (2), reserve fund >= 5 %
    (2) (09/2017's thresholds), other funds (2 if any is allocated; the model allocates
    none, so 0).
    """
    dev, reserve = _funds(rec, 2.0)
    capital = band(rec.capital_avg, (1e-9, 1000.0, 5000.0, 50000.0), (0.0, 2.0, 4.0, 5.0, 6.0))
    assets = band(rec.indivisible_avg, (1e-9, 100.0, 500.0, 1000.0, 5000.0),
                  (0.0, 1.0, 2.0, 3.0, 4.0, 5.0))
    revenue = 0.0 if rec.revenue <= 0 else band(rec.revenue, (1000.0, 5000.0, 10000.0),
                                                 (1.0, 2.0, 3.0, 4.0))
    profit = band(rec.profit, (1e-9, 50.0, 200.0, 500.0), (0.0, 1.0, 2.0, 3.0, 4.0))
    return {
        "1a.capital_average": capital,
        "1b.capital_growth": 1.0 if rec.capital_growth > 0 else 0.0,
        "2a.indivisible_average": assets,
        "2b.indivisible_growth": 1.0 if rec.indivisible_growth > 0 else 0.0,
        "3a.revenue": revenue,
        "3b.needs_met": 3.0 * rec.service_types / 3.0,
        "3c.profit": profit,
        "4a.development_fund": dev,
        "4b.reserve_fund": reserve,
        "4c.other_funds": 2.0 if rec.profit > 0 and rec.other_fund_share > 0 else 0.0,
    }


def _c01_governance(rec: CoopRecord) -> dict[str, float]:
    """Group II, governance and capacity (30); maxima FOUND (Appendix 2), rules ASSUMED.

    5 law compliance (8): 0 if sanctioned in the year, else 8 x compliance. 6 disputes
    and complaints (6): none 6, one 3, more 0. 7 managers (6, FOUND sub-items): a) share
    of the board with a college or university degree (2), b) with at least a short or
    intermediate course (2), c) young (2), each proportional. 8 policies for members
    and workers (6): a patronage dividend paid (3) and members' benefit rate against
    :data:`BENEFIT_FULL` (3). 9 technology, brand, value chain (4): processing, a
    trademark, an OCOP product and a value-chain contract, 1 each.
    """
    return {
        "5.law_compliance": 0.0 if rec.sanctioned else 8.0 * _clamp01(rec.legal_compliance),
        "6.disputes": band(rec.disputes, (1, 2), (6.0, 3.0, 0.0)),
        "7a.managers_degree": 2.0 * rec.board_degree_share,
        "7b.managers_course": 2.0 * rec.board_course_share,
        "7c.managers_young": 2.0 * rec.board_young_share,
        "8.member_policies": (3.0 if rec.dividend_paid else 0.0)
        + 3.0 * _clamp01(rec.benefit_rate / BENEFIT_FULL),
        # one point per item held; counted, not added (NumPy booleans add as "or")
        "9.technology_brand_chain": float(sum(1 for held in (
            rec.processes, rec.has_brand, rec.ocop_stars > 0, rec.linked) if held)),
    }


def _c01_members(rec: CoopRecord, w: ScoringWeights) -> dict[str, float]:
    """Group III, members and community (40, FOUND); its split and rules ASSUMED.

    10 participation: share of members' output they offered it; 11 benefits: members'
    benefit rate against :data:`BENEFIT_FULL`; 12 products and services to members: the
    mean use of input supply, marketing and processing; 13 information and training:
    members reached; 14 community: its members among the households of its product in
    the commune; 15 commendations: all or nothing.
    """
    processing = rec.marketing_use if rec.processes else 0.0
    return {
        "10.participation": w.c01_participation * rec.participation,
        "11.member_benefits": w.c01_benefits * _clamp01(rec.benefit_rate / BENEFIT_FULL),
        "12.services": w.c01_services * (rec.input_use + rec.marketing_use + processing) / 3,
        "13.information_training": w.c01_training * rec.training_share,
        "14.community": w.c01_community * rec.community_share,
        "15.commendations": w.c01_commendations if rec.commended else 0.0,
    }


def score_circular_01(rec: CoopRecord, weights: ScoringWeights = DEFAULT_WEIGHTS) -> Score:
    """Rate a record under Circular 01/2020/TT-BKHĐT (15 criteria, 100 points).

    See :func:`_c01_finance`, :func:`_c01_governance` and :func:`_c01_members` for each
    criterion. The class follows the points only (FOUND: Art. 8(2)).
    """
    validate_record(rec)
    criteria = {**_c01_finance(rec), **_c01_governance(rec), **_c01_members(rec, weights)}
    return _finish(rec, criteria, REGIME_01, sanction_forces_weak=False)


def _finish(rec: CoopRecord, criteria: dict[str, float], regime: str,
            sanction_forces_weak: bool) -> Score:
    """Sum the criteria, cap at 100, remove float noise, and classify the rated."""
    total = round(min(_TOTAL, math.fsum(criteria.values())), _TOTAL_DECIMALS)
    reason = not_rated_reason(rec, regime)
    coop_class = None if reason else classify(total, sanction_forces_weak and rec.sanctioned)
    return Score(total=total, criteria=criteria, regime=regime, coop_class=coop_class,
                 not_rated=reason)


def score(rec: CoopRecord, year: int, weights: ScoringWeights = DEFAULT_WEIGHTS) -> Score:
    """Rate a record under the circular in force in ``year`` (:func:`regime_for_year`)."""
    if regime_for_year(year) == REGIME_01:
        return score_circular_01(rec, weights)
    return score_circular_09(rec, weights)
