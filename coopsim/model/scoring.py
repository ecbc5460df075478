"""Official annual classification of Vietnamese cooperatives.

This is a pure leaf module (standard library and the leaf :mod:`coopsim.core.errors`
only). It scores one cooperative's figures for one rating year (:class:`CoopRecord`)
under the regime in force for that year and assigns one of four classes
(:class:`CoopClass`).

Regimes:

* Circular 09/2017/TT-BNNPTNT (in force 2018; used here for rating years <= 2019):
  six criteria worth 100 points in total -- (1) revenue and business results,
  (2) benefits to members, (3) operating capital, (4) membership scale / effect on
  the community, (5) commendations, (6) member satisfaction.
* Circular 01/2020/TT-BKHDT (in force 1 April 2020; used here for rating years
  >= 2020): three groups -- I. Finance (30), II. Governance and capacity (30),
  III. Members and community (40).

Both circulars use the same class thresholds (FOUND, both circulars): good 80-100,
fair 65-<80, average 50-<65, weak <50 or administratively sanctioned in the year.
Cooperatives less than 12 months old are not rated (FOUND, Circular 09/2017).

Every rule below is marked FOUND (with its source) or ASSUMED. Points that the
sources did not give are exposed as model parameters in :class:`ScoringWeights`.
Money is in million VND (m VND); 1 bn VND = 1000 m VND.
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
    "CIRCULAR_01_FIRST_YEAR",
    "CLASS_THRESHOLDS",
    "C09_CRITERION1_POINTS",
    "C09_PRIORITY_PRICE_POINTS",
    "DEFAULT_WEIGHTS",
    "MIN_RATED_AGE_MONTHS",
    "REGIME_01",
    "REGIME_09",
    "CoopClass",
    "CoopRecord",
    "Score",
    "ScoringWeights",
    "classify",
    "fraction_membership",
    "fraction_operating_capital",
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
MIN_RATED_AGE_MONTHS = 12
_C09_TOTAL = 100.0
_TOTAL_DECIMALS = 9


class CoopClass(enum.IntEnum):
    """Annual class of a cooperative, ordered worst to best so comparisons work.

    FOUND (Circular 09/2017/TT-BNNPTNT; Circular 01/2020/TT-BKHDT): the four classes
    good, fair, average and weak.
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
    """One cooperative's figures for one rating year (the input of scoring).

    Money is in million VND. Construction does not validate; the score functions do
    (see :func:`validate_record`).

    Attributes:
        age_months: Age of the cooperative at rating time, months (>= 0).
        revenue: Annual revenue, m VND.
        revenue_plan: Planned revenue for the year, m VND (> 0).
        profit: Annual profit after costs, m VND (may be negative).
        members: Number of members (>= 0).
        income_per_member: Income per member after obligations, m VND/year.
        dev_fund_share: Share of the year's income (profit) put into the development
            investment fund, 0..1.
        reserve_fund_share: Share of the year's income put into the reserve fund, 0..1.
        member_price_advantage: Relative price advantage members get vs non-members
            (0 = none); only its sign is used.
        services_use_share: Share of members using the cooperative's services, 0..1.
        operating_capital: Capital at work, m VND (the model passes cash plus assets).
        indivisible_assets: Indivisible assets, m VND.
        member_satisfaction: Member satisfaction index, clamped to 0..1 when scored.
        commended: Whether the cooperative received a commendation in the year.
        sanctioned: Whether it was administratively sanctioned in the year.
        manager_qualification: 0 untrained, 1 trained (short course / vocational),
            2 university.
        legal_compliance: Legal compliance index, clamped to 0..1 when scored.
        disputes: Number of disputes in the year (>= 0).
        member_participation: Share of members actively transacting, 0..1.
        training_share: Share of members reached by information/training, 0..1.
        community_impact: Community impact index, clamped to 0..1 when scored.
        has_brand: Whether the cooperative has a brand / trademark.
        has_value_chain_contract: Whether it has a value-chain (linkage) contract.
        uses_technology: Whether it applies (new) technology.
    """

    age_months: int
    revenue: float
    revenue_plan: float
    profit: float
    members: int
    income_per_member: float
    dev_fund_share: float
    reserve_fund_share: float
    member_price_advantage: float
    services_use_share: float
    operating_capital: float
    indivisible_assets: float
    member_satisfaction: float
    commended: bool = False
    sanctioned: bool = False
    manager_qualification: int = 0
    legal_compliance: float = 1.0
    disputes: int = 0
    member_participation: float = 0.0
    training_share: float = 0.0
    community_impact: float = 0.0
    has_brand: bool = False
    has_value_chain_contract: bool = False
    uses_technology: bool = False


@dataclass(frozen=True)
class Score:
    """Result of scoring one :class:`CoopRecord`.

    Attributes:
        total: Total points (0..100), rounded to 9 decimals to remove float noise.
        criteria: Points by criterion / sub-item name; they sum to ``total`` up to rounding.
        regime: ``"09/2017"`` or ``"01/2020"``.
        coop_class: Assigned class, or None when not rated (age < 12 months).
    """

    total: float
    criteria: dict[str, float]
    regime: str
    coop_class: CoopClass | None


_SHARE_FIELDS = (
    "dev_fund_share",
    "reserve_fund_share",
    "services_use_share",
    "member_participation",
    "training_share",
)


def validate_record(rec: CoopRecord) -> None:
    """Check a record before scoring.

    Args:
        rec: The record to check.

    Raises:
        ValueError: Naming the field and value, if a numeric field is not finite,
            ``age_months``, ``members`` or ``disputes`` is negative, ``revenue_plan``
            is not positive, a share field is outside [0, 1], or
            ``manager_qualification`` is not 0, 1 or 2.
    """
    for f in fields(rec):
        value = getattr(rec, f.name)
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"CoopRecord: {f.name} must be finite; got {f.name}={value!r}")
    for name in ("age_months", "members", "disputes"):
        if getattr(rec, name) < 0:
            raise ValueError(f"CoopRecord: {name} must be >= 0; got {name}={getattr(rec, name)!r}")
    if rec.revenue_plan <= 0:
        raise ValueError(
            f"CoopRecord: revenue_plan must be > 0; got revenue_plan={rec.revenue_plan!r}"
        )
    for name in _SHARE_FIELDS:
        value = getattr(rec, name)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"CoopRecord: {name} must be in [0, 1]; got {name}={value!r}")
    if rec.manager_qualification not in (0, 1, 2):
        raise ValueError(
            "CoopRecord: manager_qualification must be 0, 1 or 2; "
            f"got manager_qualification={rec.manager_qualification!r}"
        )


def _clamp01(x: float) -> float:
    """Clamp ``x`` to [0, 1]."""
    return min(1.0, max(0.0, x))


def classify(points: float, sanctioned: bool = False) -> CoopClass:
    """Map a total score to a class.

    FOUND (Circular 09/2017/TT-BNNPTNT; same thresholds in Circular 01/2020/TT-BKHDT):
    good 80-100, fair 65-<80, average 50-<65, weak <50 or sanctioned in the year.

    Args:
        points: Total points.
        sanctioned: Whether the cooperative was administratively sanctioned.

    Returns:
        The class; always WEAK when ``sanctioned``.

    Raises:
        ValueError: If ``points`` is NaN.
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
    """Return the rating regime used for a rating year.

    FOUND: Circular 01/2020/TT-BKHDT is in force from 1 April 2020 and replaces
    Circular 09/2017/TT-BNNPTNT (in force 2018). ASSUMED: ratings of year 2020 onwards
    use 01/2020, and every earlier year (including pre-2018 years) uses 09/2017.

    Args:
        year: Rating year.

    Returns:
        ``"09/2017"`` for ``year <= 2019``, ``"01/2020"`` otherwise.
    """
    return REGIME_01 if year >= CIRCULAR_01_FIRST_YEAR else REGIME_09


def size_class(members: int) -> str:
    """Size class by number of members.

    FOUND (project facts sheet): micro < 50, small 50-300, medium 301-1,000,
    large > 1,000 members.

    Args:
        members: Number of members (>= 0).

    Returns:
        ``"micro"``, ``"small"``, ``"medium"`` or ``"large"``.

    Raises:
        ValueError: If ``members`` is negative.
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


def points_revenue_vs_plan(revenue: float, plan: float) -> float:
    """Circular 09 criterion 1 sub-item: revenue vs plan (max 8).

    FOUND (Circular 09/2017/TT-BNNPTNT, lawnet.vn guideline): < 100 % of plan = 0;
    100-<120 % = 4; >= 120 % = 8.

    Args:
        revenue: Annual revenue, m VND.
        plan: Planned revenue, m VND (> 0).

    Returns:
        0, 4 or 8 points.

    Raises:
        ValueError: If ``plan`` is not positive.
    """
    if not plan > 0:
        raise ValueError(f"points_revenue_vs_plan: plan must be > 0; got plan={plan!r}")
    ratio = revenue / plan
    if ratio < 1.0:
        return 0.0
    if ratio < 1.2:
        return 4.0
    return 8.0


def points_annual_revenue(revenue: float) -> float:
    """Circular 09 criterion 1 sub-item: annual revenue (max 10).

    FOUND (Circular 09/2017/TT-BNNPTNT, lawnet.vn guideline): < 1 bn VND = 4;
    1-<5 bn = 6; 5-<10 bn = 8; >= 10 bn = 10. ASSUMED: revenue <= 0 gives 0 (a
    cooperative with no business scores nothing here).

    Args:
        revenue: Annual revenue, m VND.

    Returns:
        0, 4, 6, 8 or 10 points.
    """
    if revenue <= 0:
        return 0.0
    if revenue < 1000:
        return 4.0
    if revenue < 5000:
        return 6.0
    if revenue < 10000:
        return 8.0
    return 10.0


def points_income_per_member(income: float, profit: float) -> float:
    """Circular 09 criterion 1 sub-item: income per member after obligations (max 10).

    FOUND (Circular 09/2017/TT-BNNPTNT, lawnet.vn guideline): no profit = 0;
    < 1 m VND = 2; 1-<5 m = 4; 5-<10 m = 7; >= 10 m = 10. "No profit" is read as
    ``profit <= 0``.

    Args:
        income: Income per member after obligations, m VND/year.
        profit: Annual profit, m VND.

    Returns:
        0, 2, 4, 7 or 10 points.
    """
    if profit <= 0:
        return 0.0
    if income < 1:
        return 2.0
    if income < 5:
        return 4.0
    if income < 10:
        return 7.0
    return 10.0


def fraction_operating_capital(capital: float) -> float:
    """Fraction of the capital criterion earned by operating capital.

    ASSUMED (no grading found): <= 0 -> 0; < 500 m VND -> 0.5; 500-<2000 -> 0.8;
    2000-<5000 -> 0.9; >= 5000 -> 1.0. Lenient on purpose: with cooperatives of
    ordinary size and capital (revenue ~1.6 bn VND, facts: mid-2019), 23% of a
    province's cooperatives were rated good (facts: nongthon.vn proxy), which a
    strict grading of criteria 2-6 would rule out.

    Args:
        capital: Capital at work, m VND.

    Returns:
        A fraction in {0, 0.5, 0.8, 0.9, 1}.
    """
    if capital <= 0:
        return 0.0
    if capital < 500:
        return 0.5
    if capital < 2000:
        return 0.8
    if capital < 5000:
        return 0.9
    return 1.0


def fraction_membership(members: int) -> float:
    """Fraction of the membership criterion earned by membership scale.

    Size classes FOUND (project facts sheet, see :func:`size_class`); fractions
    ASSUMED, lenient for the reason given in :func:`fraction_operating_capital`:
    0 members -> 0; micro -> 0.5; small -> 0.8; medium -> 0.9; large -> 1.

    Args:
        members: Number of members (>= 0).

    Returns:
        A fraction in {0, 0.5, 0.8, 0.9, 1}.

    Raises:
        ValueError: If ``members`` is negative.
    """
    if members == 0:
        return 0.0
    return {"micro": 0.5, "small": 0.8, "medium": 0.9, "large": 1.0}[size_class(members)]


def _fund_points(rec: CoopRecord, dev_points: float, reserve_points: float) -> tuple[float, float]:
    """Points for the development (>= 20 %) and reserve (>= 5 %) funds; need profit > 0."""
    if rec.profit <= 0:
        return 0.0, 0.0
    dev = dev_points if rec.dev_fund_share >= 0.20 else 0.0
    reserve = reserve_points if rec.reserve_fund_share >= 0.05 else 0.0
    return dev, reserve


def _finish(rec: CoopRecord, criteria: dict[str, float], regime: str) -> Score:
    """Sum criteria, cap at 100, round float noise away and classify."""
    total = round(min(_C09_TOTAL, math.fsum(criteria.values())), _TOTAL_DECIMALS)
    rated = rec.age_months >= MIN_RATED_AGE_MONTHS
    coop_class = classify(total, rec.sanctioned) if rated else None
    return Score(total=total, criteria=criteria, regime=regime, coop_class=coop_class)


def score_circular_09(rec: CoopRecord, weights: ScoringWeights = DEFAULT_WEIGHTS) -> Score:
    """Score a record under Circular 09/2017/TT-BNNPTNT (six criteria, 100 points).

    Criterion 1, revenue and business results (38, FOUND, lawnet.vn guideline):
    :func:`points_revenue_vs_plan` (8), :func:`points_annual_revenue` (10),
    :func:`points_income_per_member` (10), development investment fund >= 20 % of
    income (5) and reserve fund >= 5 % of income (5); ASSUMED: the fund points need
    ``profit > 0``.

    Criterion 2, member benefits (``c09_member_benefits``): 8 points if members get a
    price advantage (FOUND: priority service prices, 8 points) plus
    ``(w - 8) * services_use_share`` (ASSUMED). Criterion 3, operating capital:
    ``w * fraction_operating_capital`` (ASSUMED grading). Criterion 4, membership:
    ``w * fraction_membership`` (size classes FOUND, fractions ASSUMED). Criterion 5,
    commendations: ``w`` if commended (ASSUMED all-or-nothing). Criterion 6,
    satisfaction: ``w * clamp(member_satisfaction, 0, 1)`` (ASSUMED linear).

    Args:
        rec: The cooperative's figures for the rating year.
        weights: Points of criteria 2-6 (assumptions).

    Returns:
        The score; ``coop_class`` is None for cooperatives under 12 months old.

    Raises:
        ValueError: If the record is invalid (see :func:`validate_record`).
    """
    validate_record(rec)
    w = weights
    dev, reserve = _fund_points(rec, 5.0, 5.0)
    price = C09_PRIORITY_PRICE_POINTS if rec.member_price_advantage > 0 else 0.0
    criteria = {
        "C1.revenue_vs_plan": points_revenue_vs_plan(rec.revenue, rec.revenue_plan),
        "C1.annual_revenue": points_annual_revenue(rec.revenue),
        "C1.income_per_member": points_income_per_member(rec.income_per_member, rec.profit),
        "C1.development_fund": dev,
        "C1.reserve_fund": reserve,
        "C2.priority_prices": price,
        "C2.services_use": (w.c09_member_benefits - C09_PRIORITY_PRICE_POINTS)
        * rec.services_use_share,
        "C3.operating_capital": w.c09_capital * fraction_operating_capital(rec.operating_capital),
        "C4.membership": w.c09_membership * fraction_membership(rec.members),
        "C5.commendations": w.c09_commendations if rec.commended else 0.0,
        "C6.member_satisfaction": w.c09_satisfaction * _clamp01(rec.member_satisfaction),
    }
    return _finish(rec, criteria, REGIME_09)


def _points_indivisible_assets(assets: float) -> float:
    """Circular 01 I. indivisible assets (max 6).

    ASSUMED grading 0/3/5/6 at 0 / <500 / <2000 / >=2000 m VND (lenient, see
    :func:`fraction_operating_capital`).
    """
    if assets <= 0:
        return 0.0
    if assets < 500:
        return 3.0
    if assets < 2000:
        return 5.0
    return 6.0


def _c01_finance(rec: CoopRecord) -> dict[str, float]:
    """Circular 01 group I, Finance (30 = capital 7, assets 6, results 11, funds 6)."""
    rvp = points_revenue_vs_plan(rec.revenue, rec.revenue_plan)
    ipm = points_income_per_member(rec.income_per_member, rec.profit)
    dev, reserve = _fund_points(rec, 3.0, 3.0)
    return {
        "I.capital": 7.0 * fraction_operating_capital(rec.operating_capital),
        "I.indivisible_assets": _points_indivisible_assets(rec.indivisible_assets),
        "I.business_results": 5.5 * rvp / 8.0 + 5.5 * ipm / 10.0,
        "I.funds": dev + reserve,
    }


def _c01_governance(rec: CoopRecord) -> dict[str, float]:
    """Circular 01 group II, Governance and capacity (30 = 8 + 6 + 6 + 6 + 4)."""
    legal = 0.0 if rec.sanctioned else 8.0 * _clamp01(rec.legal_compliance)
    disputes = 6.0 if rec.disputes == 0 else 3.0 if rec.disputes == 1 else 0.0
    tech = (
        (1.0 if rec.has_brand else 0.0)
        + (2.0 if rec.has_value_chain_contract else 0.0)
        + (1.0 if rec.uses_technology else 0.0)
    )
    return {
        "II.legal_compliance": legal,
        "II.disputes": disputes,
        "II.manager_qualifications": (0.0, 3.0, 6.0)[rec.manager_qualification],
        "II.member_policies": 6.0 * rec.services_use_share,
        "II.tech_brand_chain": tech,
    }


def _c01_members(rec: CoopRecord, w: ScoringWeights) -> dict[str, float]:
    """Circular 01 group III, Members and community (40; split ASSUMED via weights)."""
    price = 0.5 if rec.member_price_advantage > 0 else 0.0
    ipm = points_income_per_member(rec.income_per_member, rec.profit)
    return {
        "III.participation": w.c01_participation * rec.member_participation,
        "III.benefits": w.c01_benefits * (price + 0.5 * ipm / 10.0),
        "III.services": w.c01_services * rec.services_use_share,
        "III.training": w.c01_training * rec.training_share,
        "III.community": w.c01_community * _clamp01(rec.community_impact),
        "III.commendations": w.c01_commendations if rec.commended else 0.0,
    }


def score_circular_01(rec: CoopRecord, weights: ScoringWeights = DEFAULT_WEIGHTS) -> Score:
    """Score a record under Circular 01/2020/TT-BKHDT (three groups, 100 points).

    Group and sub-item maxima of groups I and II are FOUND (Circular 01/2020/TT-BKHDT);
    the gradings inside them are ASSUMED:

    * I. Finance (30): capital ``7 * fraction_operating_capital``; indivisible assets
      6 (0 if <= 0, 3 if < 500, 5 if < 2000, else 6 m VND); business results 11
      (``5.5 * revenue_vs_plan/8 + 5.5 * income_per_member/10``); funds 6 (3 for a
      development fund >= 20 % and 3 for a reserve fund >= 5 %, both need profit > 0).
    * II. Governance (30): legal compliance ``8 * clamp(legal_compliance)`` (0 if
      sanctioned); disputes 6/3/0 for 0/1/>=2 disputes; manager qualifications 0/3/6
      (untrained/trained/university); member policies ``6 * services_use_share``;
      technology/branding/value chain 4 (brand 1, value-chain contract 2, technology 1).
    * III. Members and community (40, FOUND; split ASSUMED via ``c01_*`` weights):
      participation, benefits (half for a price advantage, half scaled by
      income-per-member points), services, training, community impact, commendations.

    Args:
        rec: The cooperative's figures for the rating year.
        weights: Group III split (assumption).

    Returns:
        The score; ``coop_class`` is None for cooperatives under 12 months old.

    Raises:
        ValueError: If the record is invalid (see :func:`validate_record`).
    """
    validate_record(rec)
    criteria = {**_c01_finance(rec), **_c01_governance(rec), **_c01_members(rec, weights)}
    return _finish(rec, criteria, REGIME_01)


def score(rec: CoopRecord, year: int, weights: ScoringWeights = DEFAULT_WEIGHTS) -> Score:
    """Score a record under the regime in force for ``year`` (see :func:`regime_for_year`).

    Args:
        rec: The cooperative's figures for the rating year.
        year: Rating year.
        weights: Assumed criterion points.

    Returns:
        The score from :func:`score_circular_09` or :func:`score_circular_01`.

    Raises:
        ValueError: If the record is invalid (see :func:`validate_record`).
    """
    if regime_for_year(year) == REGIME_01:
        return score_circular_01(rec, weights)
    return score_circular_09(rec, weights)
