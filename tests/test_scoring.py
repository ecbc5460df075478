"""The official classification: each criterion and sub-item against hand-computed cases.

The cases follow the points tables as implemented in coopsim.model.scoring (FOUND rules
from Circulars 09/2017/TT-BNNPTNT and 01/2020/TT-BKHĐT; ASSUMED bands where the texts
read did not give them), and the rules for who is rated: age under 12 months (both),
ceased operating for more than 3 months of the year (01/2020 only), and the sanction
rule (09/2017 forces weak; 01/2020 costs the law-compliance points).
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from coopsim.core.errors import ParameterError
from coopsim.model.scoring import (
    CIRCULAR_01_FIRST_YEAR,
    CLASS_THRESHOLDS,
    NOT_RATED_CEASED,
    NOT_RATED_NEW,
    CoopClass,
    CoopRecord,
    Score,
    ScoringWeights,
    band,
    classify,
    fraction_membership,
    fraction_operating_capital,
    points_annual_revenue,
    points_income_per_member,
    points_revenue_vs_plan,
    regime_for_year,
    score,
    score_circular_01,
    score_circular_09,
    size_class,
)

# A record that earns every point in both regimes (default weights).
#   09/2017: C1 = 8 (12000/10000 = 1.2) + 10 (>= 10 bn) + 10 (income 12) + 5 + 5 = 38;
#            C2 = 8 (price advantage) + 12 (benefit 0.1 = full); C3 = 12 (capital 5 bn);
#            C4 = 15 (1500 members, large); C5 = 5; C6 = 10                      -> 100
#   01/2020: I = 7 (capital 60 bn: 6, growth: 1) + 6 (indivisible 6 bn: 5, growth: 1)
#                + 11 (revenue 4, three services 3, profit 4) + 6 (funds 2 + 2 + 2) = 30;
#            II = 8 + 6 + 6 (board 2 + 2 + 2) + 6 (dividend 3, benefit 3) + 4 = 30;
#            III = 10 + 10 + 8 + 4 + 4 + 4 = 40                                 -> 100
MAX = CoopRecord(
    age_months=36, months_ceased=0, revenue=12000.0, revenue_plan=10000.0, profit=600.0,
    members=1500, income_per_member=12.0, dev_fund_share=0.20, reserve_fund_share=0.05,
    other_fund_share=0.05, capital_avg=60000.0, capital_growth=0.1, indivisible_avg=6000.0,
    indivisible_growth=0.1, service_types=3, input_use=1.0, marketing_use=1.0,
    processes=True, participation=1.0, benefit_rate=0.10, price_advantage=0.1,
    dividend_paid=True, satisfaction=1.0, legal_compliance=1.0, sanctioned=False,
    disputes=0, board_degree_share=1.0, board_course_share=1.0, board_young_share=1.0,
    training_share=1.0, community_share=1.0, commended=True, has_brand=True, ocop_stars=4,
    linked=True)

# A record that earns nothing in either regime (2 disputes: no dispute points).
ZERO = CoopRecord(age_months=36, months_ceased=0, revenue=0.0, revenue_plan=100.0,
                  profit=0.0, members=0, income_per_member=0.0, legal_compliance=0.0,
                  disputes=2)


def mk(base: CoopRecord = ZERO, **kw: object) -> CoopRecord:
    return dataclasses.replace(base, **kw)


def c09(**kw: object) -> dict[str, float]:
    return score_circular_09(mk(**kw)).criteria


def c01(**kw: object) -> dict[str, float]:
    return score_circular_01(mk(**kw)).criteria


# ---- classes, regimes, who is rated ---------------------------------------------------
def test_class_order_labels_and_thresholds() -> None:
    assert CoopClass.WEAK < CoopClass.AVERAGE < CoopClass.FAIR < CoopClass.GOOD
    assert [c.label for c in CoopClass] == ["weak", "average", "fair", "good"]
    assert CLASS_THRESHOLDS == {CoopClass.GOOD: 80.0, CoopClass.FAIR: 65.0,
                                CoopClass.AVERAGE: 50.0}


@pytest.mark.parametrize(("points", "expected"), [
    (100.0, CoopClass.GOOD), (80.0, CoopClass.GOOD), (79.999, CoopClass.FAIR),
    (65.0, CoopClass.FAIR), (64.999, CoopClass.AVERAGE), (50.0, CoopClass.AVERAGE),
    (49.999, CoopClass.WEAK), (0.0, CoopClass.WEAK)])
def test_classify_thresholds(points: float, expected: CoopClass) -> None:
    assert classify(points) == expected


def test_classify_sanctioned_and_nan() -> None:
    assert classify(95.0, sanctioned=True) == CoopClass.WEAK
    with pytest.raises(ValueError, match="points"):
        classify(math.nan)


def test_regimes_and_dispatch() -> None:
    assert regime_for_year(2018) == regime_for_year(2019) == "09/2017"
    assert regime_for_year(CIRCULAR_01_FIRST_YEAR) == regime_for_year(2030) == "01/2020"
    assert score(MAX, 2019).regime == "09/2017" and score(MAX, 2020).regime == "01/2020"


def test_a_cooperative_under_12_months_is_rated_under_neither() -> None:
    for fn in (score_circular_09, score_circular_01):
        s = fn(mk(MAX, age_months=11))
        assert s.coop_class is None and s.not_rated == NOT_RATED_NEW and s.total == 100.0
        assert fn(mk(MAX, age_months=12)).coop_class == CoopClass.GOOD


def test_a_cooperative_closed_for_four_months_is_not_rated_under_01_2020() -> None:
    closed = mk(MAX, months_ceased=4)
    s = score_circular_01(closed)
    assert s.coop_class is None and s.not_rated == NOT_RATED_CEASED
    assert score_circular_01(mk(MAX, months_ceased=3)).coop_class == CoopClass.GOOD
    # 09/2017 has no such rule in its text: the same cooperative is rated
    assert score_circular_09(closed).coop_class == CoopClass.GOOD


def test_sanctions_force_weak_under_09_2017_only() -> None:
    assert score_circular_09(mk(MAX, sanctioned=True)).coop_class == CoopClass.WEAK
    s = score_circular_01(mk(MAX, sanctioned=True))
    assert s.criteria["5.law_compliance"] == 0.0 and s.total == 92.0
    assert s.coop_class == CoopClass.GOOD  # by its points (Art. 8(2))


def test_size_class() -> None:
    assert [size_class(n) for n in (0, 49, 50, 300, 301, 1000, 1001)] == [
        "micro", "micro", "small", "small", "medium", "medium", "large"]
    with pytest.raises(ValueError, match="members"):
        size_class(-1)


def test_band() -> None:
    edges, points = (10.0, 20.0), (0.0, 1.0, 2.0)
    assert [band(v, edges, points) for v in (-1, 9.99, 10, 19.99, 20, 1e9)] == [
        0, 0, 1, 1, 2, 2]


# ---- totals ----------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [score_circular_09, score_circular_01])
def test_the_full_record_scores_100_and_the_empty_one_0(fn) -> None:
    assert fn(MAX).total == 100.0 and fn(MAX).coop_class == CoopClass.GOOD
    assert fn(ZERO).total == 0.0 and fn(ZERO).coop_class == CoopClass.WEAK
    assert math.fsum(fn(MAX).criteria.values()) == pytest.approx(100.0)


def test_circular_01_groups_are_30_30_40() -> None:
    crit = score_circular_01(MAX).criteria
    group = {"I": ("1", "2", "3", "4"), "II": ("5", "6", "7", "8", "9"),
             "III": ("10", "11", "12", "13", "14", "15")}
    totals = {g: sum(v for k, v in crit.items() if k.split(".")[0].rstrip("abc") in ids)
              for g, ids in group.items()}
    assert totals == {"I": 30.0, "II": 30.0, "III": 40.0}


# ---- Circular 09/2017, criterion by criterion ---------------------------------------------
@pytest.mark.parametrize(("revenue", "plan", "pts"), [
    (999.0, 1000.0, 0.0), (1000.0, 1000.0, 4.0), (1199.0, 1000.0, 4.0),
    (1200.0, 1000.0, 8.0)])
def test_09_revenue_against_plan(revenue: float, plan: float, pts: float) -> None:
    assert points_revenue_vs_plan(revenue, plan) == pts
    assert c09(revenue=revenue, revenue_plan=plan)["C1.revenue_vs_plan"] == pts
    with pytest.raises(ValueError, match="plan"):
        points_revenue_vs_plan(1.0, 0.0)


@pytest.mark.parametrize(("revenue", "pts"), [
    (0.0, 0.0), (1.0, 4.0), (999.9, 4.0), (1000.0, 6.0), (4999.0, 6.0), (5000.0, 8.0),
    (9999.0, 8.0), (10000.0, 10.0)])
def test_09_annual_revenue(revenue: float, pts: float) -> None:
    assert points_annual_revenue(revenue) == pts == c09(revenue=revenue)["C1.annual_revenue"]


@pytest.mark.parametrize(("income", "profit", "pts"), [
    (50.0, 0.0, 0.0), (0.5, 1.0, 2.0), (1.0, 1.0, 4.0), (4.99, 1.0, 4.0), (5.0, 1.0, 7.0),
    (10.0, 1.0, 10.0)])
def test_09_income_per_member(income: float, profit: float, pts: float) -> None:
    assert points_income_per_member(income, profit) == pts
    assert c09(income_per_member=income, profit=profit)["C1.income_per_member"] == pts


def test_09_funds_need_a_profit_and_the_thresholds() -> None:
    assert c09(profit=10.0, dev_fund_share=0.2)["C1.development_fund"] == 5.0
    assert c09(profit=10.0, dev_fund_share=0.19)["C1.development_fund"] == 0.0
    assert c09(profit=10.0, reserve_fund_share=0.05)["C1.reserve_fund"] == 5.0
    assert c09(profit=0.0, dev_fund_share=0.5)["C1.development_fund"] == 0.0


def test_09_criterion_2_needs_a_realised_price_advantage_and_benefits() -> None:
    assert c09(price_advantage=0.05, marketing_use=0.1)["C2.priority_prices"] == 8.0
    assert c09(price_advantage=0.05, marketing_use=0.0)["C2.priority_prices"] == 0.0
    assert c09(price_advantage=0.0, marketing_use=0.5)["C2.priority_prices"] == 0.0
    assert c09(benefit_rate=0.05)["C2.member_benefits"] == pytest.approx(6.0)  # 12 x 0.5
    assert c09(benefit_rate=0.3)["C2.member_benefits"] == 12.0


def test_09_criteria_3_to_6() -> None:
    assert [fraction_operating_capital(c) for c in (0, 499, 500, 1999, 2000, 5000)] == [
        0.0, 0.5, 0.8, 0.8, 0.9, 1.0]
    assert c09(capital_avg=2500.0)["C3.operating_capital"] == pytest.approx(12 * 0.9)
    assert [fraction_membership(m) for m in (0, 10, 100, 500, 2000)] == [
        0.0, 0.5, 0.8, 0.9, 1.0]
    assert c09(members=100)["C4.membership"] == pytest.approx(15 * 0.8)
    assert c09(commended=True)["C5.commendations"] == 5.0
    assert c09(satisfaction=0.7)["C6.member_satisfaction"] == pytest.approx(7.0)


# ---- Circular 01/2020, group I ------------------------------------------------------------
@pytest.mark.parametrize(("capital", "pts"), [
    (0.0, 0.0), (1.0, 2.0), (999.0, 2.0), (1000.0, 4.0), (4999.0, 4.0), (5000.0, 5.0),
    (49999.0, 5.0), (50000.0, 6.0)])
def test_01_1a_average_capital_by_size_class(capital: float, pts: float) -> None:
    assert c01(capital_avg=capital)["1a.capital_average"] == pts


def test_01_1b_and_2b_growth() -> None:
    assert c01(capital_growth=0.01)["1b.capital_growth"] == 1.0
    assert c01(capital_growth=0.0)["1b.capital_growth"] == 0.0
    assert c01(capital_growth=-0.2)["1b.capital_growth"] == 0.0
    assert c01(indivisible_growth=0.01)["2b.indivisible_growth"] == 1.0
    assert c01(indivisible_growth=-0.01)["2b.indivisible_growth"] == 0.0


@pytest.mark.parametrize(("assets", "pts"), [
    (0.0, 0.0), (50.0, 1.0), (100.0, 2.0), (499.0, 2.0), (500.0, 3.0), (999.0, 3.0),
    (1000.0, 4.0), (5000.0, 5.0)])
def test_01_2a_indivisible_assets(assets: float, pts: float) -> None:
    assert c01(indivisible_avg=assets)["2a.indivisible_average"] == pts


@pytest.mark.parametrize(("revenue", "pts"), [
    (0.0, 0.0), (10.0, 1.0), (1000.0, 2.0), (5000.0, 3.0), (10000.0, 4.0)])
def test_01_3a_revenue(revenue: float, pts: float) -> None:
    assert c01(revenue=revenue)["3a.revenue"] == pts


def test_01_3b_needs_met_counts_the_services_used() -> None:
    assert [c01(service_types=k)["3b.needs_met"] for k in (0, 1, 2, 3)] == [0, 1, 2, 3]


@pytest.mark.parametrize(("profit", "pts"), [
    (-5.0, 0.0), (0.0, 0.0), (10.0, 1.0), (50.0, 2.0), (199.0, 2.0), (200.0, 3.0),
    (500.0, 4.0)])
def test_01_3c_profit(profit: float, pts: float) -> None:
    assert c01(profit=profit)["3c.profit"] == pts


def test_01_4_funds() -> None:
    crit = c01(profit=100.0, dev_fund_share=0.2, reserve_fund_share=0.05)
    assert (crit["4a.development_fund"], crit["4b.reserve_fund"], crit["4c.other_funds"]) \
        == (2.0, 2.0, 0.0)
    assert c01(profit=100.0, other_fund_share=0.1)["4c.other_funds"] == 2.0
    assert c01(profit=0.0, dev_fund_share=0.3)["4a.development_fund"] == 0.0


# ---- Circular 01/2020, group II -----------------------------------------------------------
def test_01_5_law_compliance_and_6_disputes() -> None:
    assert c01(legal_compliance=0.75)["5.law_compliance"] == 6.0
    assert c01(legal_compliance=1.0, sanctioned=True)["5.law_compliance"] == 0.0
    assert [c01(disputes=d)["6.disputes"] for d in (0, 1, 2, 7)] == [6.0, 3.0, 0.0, 0.0]


def test_01_7_managers_is_three_shares_of_a_board() -> None:
    crit = c01(board_degree_share=1 / 3, board_course_share=2 / 3, board_young_share=0.0)
    assert crit["7a.managers_degree"] == pytest.approx(2 / 3)
    assert crit["7b.managers_course"] == pytest.approx(4 / 3)
    assert crit["7c.managers_young"] == 0.0
    # a course for every manager earns at most the 2 points of sub-item b
    trained = c01(board_course_share=1.0)
    assert trained["7b.managers_course"] == 2.0 and trained["7a.managers_degree"] == 0.0


def test_01_8_policies_and_9_technology() -> None:
    assert c01(dividend_paid=True)["8.member_policies"] == 3.0
    assert c01(benefit_rate=0.05)["8.member_policies"] == pytest.approx(1.5)
    assert c01(processes=True, has_brand=True)["9.technology_brand_chain"] == 2.0
    assert c01(ocop_stars=3, linked=True)["9.technology_brand_chain"] == 2.0


def test_01_9_counts_numpy_booleans_as_points() -> None:
    # np.True_ + True is np.True_ (a logical or): a processing, branded cooperative
    # whose `processes` came from a NumPy comparison scored 1 point instead of 2
    import numpy as np

    crit = c01(processes=np.True_, has_brand=True, linked=np.True_)
    assert crit["9.technology_brand_chain"] == 3.0


# ---- Circular 01/2020, group III ----------------------------------------------------------
def test_01_group_iii() -> None:
    crit = c01(participation=0.5, benefit_rate=0.02, input_use=1.0, marketing_use=0.3,
               processes=True, training_share=0.25, community_share=0.5, commended=True)
    assert crit["10.participation"] == pytest.approx(5.0)
    assert crit["11.member_benefits"] == pytest.approx(2.0)
    assert crit["12.services"] == pytest.approx(8 * (1.0 + 0.3 + 0.3) / 3)
    assert crit["13.information_training"] == pytest.approx(1.0)
    assert crit["14.community"] == pytest.approx(2.0)
    assert crit["15.commendations"] == 4.0


def test_services_points_change_with_what_members_use_while_it_stays_open() -> None:
    """Open all year both times: only the use of its services differs."""
    base = mk(MAX, months_ceased=0, input_use=1.0, processes=False)
    little, much = mk(base, marketing_use=0.05, service_types=2), mk(base, marketing_use=0.6,
                                                                   service_types=2)
    a, b = score_circular_01(little), score_circular_01(much)
    assert b.criteria["12.services"] - a.criteria["12.services"] == pytest.approx(
        8 * 0.55 / 3)
    assert b.total > a.total and a.coop_class is not None and b.coop_class is not None


# ---- weights, validation, monotonicity ------------------------------------------------------
def test_weights_are_parameters_checked_for_their_sums() -> None:
    with pytest.raises(ParameterError, match=r"sum to 62.*c09_member_benefits=28\.0"):
        ScoringWeights(c09_member_benefits=28.0)
    with pytest.raises(ParameterError, match=r"c09_member_benefits.*7\.0"):
        ScoringWeights(c09_member_benefits=7.0, c09_capital=25.0)
    with pytest.raises(ParameterError, match=r"c01.*40.*c01_participation=12\.0"):
        ScoringWeights(c01_participation=12.0)
    w = ScoringWeights(c01_participation=14.0, c01_services=4.0)
    assert score_circular_01(mk(participation=1.0), w).criteria["10.participation"] == 14.0


@pytest.mark.parametrize(("field", "value"), [
    ("members", -1), ("age_months", -1), ("disputes", -1), ("revenue_plan", 0.0),
    ("dev_fund_share", 1.5), ("marketing_use", 1.01), ("participation", -0.01),
    ("board_young_share", 2.0), ("months_ceased", 13), ("months_ceased", -1),
    ("service_types", 4), ("revenue", math.nan), ("profit", math.inf)])
@pytest.mark.parametrize("fn", [score_circular_09, score_circular_01])
def test_invalid_records_are_rejected(fn, field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        fn(mk(MAX, **{field: value}))


LADDERS: list[tuple[str, list[object]]] = [
    ("revenue", [0.0, 500.0, 1000.0, 5000.0, 12000.0]),
    ("profit", [-100.0, 0.0, 10.0, 50.0, 300.0, 1000.0]),
    ("members", [0, 10, 100, 500, 2000]),
    ("income_per_member", [0.0, 0.5, 2.0, 6.0, 20.0]),
    ("capital_avg", [0.0, 100.0, 1000.0, 5000.0, 60000.0]),
    ("indivisible_avg", [0.0, 50.0, 600.0, 2000.0, 9000.0]),
    ("service_types", [0, 1, 2, 3]),
    ("marketing_use", [0.0, 0.2, 1.0]),
    ("participation", [0.0, 0.5, 1.0]),
    ("benefit_rate", [0.0, 0.02, 0.2]),
    ("satisfaction", [0.0, 0.5, 1.0]),
    ("board_degree_share", [0.0, 1.0]),
    ("board_course_share", [0.0, 1.0]),
    ("ocop_stars", [0, 3]),
    ("linked", [False, True]),
]


@pytest.mark.parametrize("base", [ZERO, MAX, mk(MAX, revenue=900.0, profit=30.0,
                                                capital_avg=700.0, participation=0.4)])
@pytest.mark.parametrize("fn", [score_circular_09, score_circular_01])
def test_more_of_a_good_thing_never_lowers_the_score(fn, base: CoopRecord) -> None:
    for field, ladder in LADDERS:
        totals = [fn(mk(base, **{field: v})).total for v in ladder]
        assert totals == sorted(totals), (field, totals)


@pytest.mark.parametrize("fn", [score_circular_09, score_circular_01])
def test_disputes_and_sanctions_never_raise_the_score(fn) -> None:
    for field, ladder in (("disputes", [0, 1, 2, 5]), ("sanctioned", [False, True])):
        totals = [fn(mk(MAX, **{field: v})).total for v in ladder]
        assert totals == sorted(totals, reverse=True), (field, totals)


def test_score_is_frozen() -> None:
    s = score_circular_09(MAX)
    assert isinstance(s, Score)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.total = 1.0  # type: ignore[misc]
