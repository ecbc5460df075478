"""Tests for coopsim.model.scoring (annual classification of cooperatives)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from coopsim.model.scoring import (
    CIRCULAR_01_FIRST_YEAR,
    CLASS_THRESHOLDS,
    CoopClass,
    CoopRecord,
    Score,
    ScoringWeights,
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

# A record that earns every available point in both regimes (default weights).
#   Circular 09: C1 = 8 (12000/10000 = 1.2) + 10 (>= 10 bn) + 10 (income 12 >= 10)
#                + 5 (dev 0.2) + 5 (reserve 0.05) = 38
#                C2 = 8 (price adv) + 12 * 1.0 = 20; C3 = 12 (capital 5000);
#                C4 = 15 (1500 members); C5 = 5; C6 = 10 * 1.0 = 10   -> 100
#   Circular 01: I = 7 + 6 + (5.5 + 5.5) + (3 + 3) = 30
#                II = 8 + 6 + 6 + 6 + (1 + 2 + 1) = 30
#                III = 10 + 10 + 8 + 4 + 4 + 4 = 40                  -> 100
MAX = CoopRecord(
    age_months=36,
    revenue=12000.0,
    revenue_plan=10000.0,
    profit=500.0,
    members=1500,
    income_per_member=12.0,
    dev_fund_share=0.20,
    reserve_fund_share=0.05,
    member_price_advantage=0.1,
    services_use_share=1.0,
    operating_capital=5000.0,
    indivisible_assets=2000.0,
    member_satisfaction=1.0,
    commended=True,
    sanctioned=False,
    manager_qualification=2,
    legal_compliance=1.0,
    disputes=0,
    member_participation=1.0,
    training_share=1.0,
    community_impact=1.0,
    has_brand=True,
    has_value_chain_contract=True,
    uses_technology=True,
)

# A record that earns nothing in either regime (2 disputes -> 0 dispute points).
ZERO = CoopRecord(
    age_months=36,
    revenue=0.0,
    revenue_plan=100.0,
    profit=0.0,
    members=0,
    income_per_member=0.0,
    dev_fund_share=0.0,
    reserve_fund_share=0.0,
    member_price_advantage=0.0,
    services_use_share=0.0,
    operating_capital=0.0,
    indivisible_assets=0.0,
    member_satisfaction=0.0,
    commended=False,
    sanctioned=False,
    manager_qualification=0,
    legal_compliance=0.0,
    disputes=2,
    member_participation=0.0,
    training_share=0.0,
    community_impact=0.0,
)


def mk(base: CoopRecord = MAX, **kw: object) -> CoopRecord:
    return dataclasses.replace(base, **kw)


# ---------------------------------------------------------------- classes, regimes


def test_class_order_and_labels() -> None:
    assert CoopClass.WEAK < CoopClass.AVERAGE < CoopClass.FAIR < CoopClass.GOOD
    assert [c.label for c in CoopClass] == ["weak", "average", "fair", "good"]
    assert CLASS_THRESHOLDS == {
        CoopClass.GOOD: 80.0,
        CoopClass.FAIR: 65.0,
        CoopClass.AVERAGE: 50.0,
    }


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (100.0, CoopClass.GOOD),
        (80.0, CoopClass.GOOD),
        (79.999, CoopClass.FAIR),
        (65.0, CoopClass.FAIR),
        (64.999, CoopClass.AVERAGE),
        (50.0, CoopClass.AVERAGE),
        (49.999, CoopClass.WEAK),
        (0.0, CoopClass.WEAK),
        (-3.0, CoopClass.WEAK),
    ],
)
def test_classify_thresholds(points: float, expected: CoopClass) -> None:
    assert classify(points) is expected


def test_classify_sanctioned_and_nan() -> None:
    assert classify(100.0, sanctioned=True) is CoopClass.WEAK
    assert classify(95.0, True) is CoopClass.WEAK
    with pytest.raises(ValueError, match="points"):
        classify(math.nan)


def test_regime_switch() -> None:
    assert CIRCULAR_01_FIRST_YEAR == 2020
    assert regime_for_year(2018) == "09/2017"
    assert regime_for_year(2019) == "09/2017"
    assert regime_for_year(2020) == "01/2020"
    assert regime_for_year(2025) == "01/2020"


def test_score_dispatches_by_year() -> None:
    rec = mk(sanctioned=True)  # 09 ignores sanctions in the points (100), 01 zeroes legal (92)
    s19, s20 = score(rec, 2019), score(rec, 2020)
    assert s19 == score_circular_09(rec)
    assert s20 == score_circular_01(rec)
    assert (s19.regime, s19.total) == ("09/2017", 100.0)
    assert (s20.regime, s20.total) == ("01/2020", 92.0)


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        (0, "micro"),
        (49, "micro"),
        (50, "small"),
        (300, "small"),
        (301, "medium"),
        (1000, "medium"),
        (1001, "large"),
    ],
)
def test_size_class(members: int, expected: str) -> None:
    assert size_class(members) == expected


def test_size_class_negative() -> None:
    with pytest.raises(ValueError, match="members"):
        size_class(-1)


# ---------------------------------------------------------------- extremes


@pytest.mark.parametrize("fn", [score_circular_09, score_circular_01])
def test_max_record_scores_100(fn) -> None:
    s = fn(MAX)
    assert s.total == 100.0
    assert s.coop_class is CoopClass.GOOD
    assert math.fsum(s.criteria.values()) == pytest.approx(100.0)


@pytest.mark.parametrize("fn", [score_circular_09, score_circular_01])
def test_zero_record_scores_0(fn) -> None:
    s = fn(ZERO)
    assert s.total == 0.0
    assert s.coop_class is CoopClass.WEAK
    assert all(v == 0.0 for v in s.criteria.values())


def test_criterion1_is_38_points() -> None:
    c = score_circular_09(MAX).criteria
    c1 = {k: v for k, v in c.items() if k.startswith("C1.")}
    assert c1 == {
        "C1.revenue_vs_plan": 8.0,
        "C1.annual_revenue": 10.0,
        "C1.income_per_member": 10.0,
        "C1.development_fund": 5.0,
        "C1.reserve_fund": 5.0,
    }


def test_group_totals_circular_01() -> None:
    c = score_circular_01(MAX).criteria
    groups = {g: math.fsum(v for k, v in c.items() if k.split(".")[0] == g) for g in ("I", "II")}
    assert groups == {"I": 30.0, "II": 30.0}
    assert math.fsum(v for k, v in c.items() if k.startswith("III.")) == pytest.approx(40.0)


# ---------------------------------------------------------------- boundaries, Circular 09
#
# Base: MAX with commended=False (C5 = 0), services_use_share=u, member_satisfaction=s:
#   38 (C1) + 8 + 12u (C2) + 12 (C3) + 15 (C4) + 0 (C5) + 10s (C6) = 73 + 12u + 10s
# MID09 additionally: member_price_advantage=0 (C2 price 0, i.e. -8),
#   capital=3000 (2000-<5000, C3 = 12 * 0.9 = 10.8, i.e. -1.2),
#   members=200 (small, C4 = 15 * 0.8 = 12, i.e. -3)
#   -> 73 - 8 - 1.2 - 3 = 60.8 + 12u + 10s
# LOW09 additionally: income_per_member=3 (C1 4 instead of 10, i.e. -6),
#   capital=1000 (500-<2000, C3 = 12 * 0.8 = 9.6, i.e. -1.2 vs MID09),
#   members=40 (micro, C4 = 15 * 0.5 = 7.5, i.e. -4.5 vs MID09)
#   -> 60.8 - 6 - 1.2 - 4.5 = 49.1 + 12u + 10s

BASE09 = mk(commended=False)
MID09 = mk(BASE09, member_price_advantage=0.0, operating_capital=3000.0, members=200)
LOW09 = mk(MID09, income_per_member=3.0, operating_capital=1000.0, members=40)


@pytest.mark.parametrize(
    ("rec", "total", "cls"),
    [
        # 73 + 12*0.25 + 10*0.4 = 73 + 3 + 4 = 80
        (mk(BASE09, services_use_share=0.25, member_satisfaction=0.4), 80.0, CoopClass.GOOD),
        # 73 + 3 + 10*0.399 = 79.99
        (mk(BASE09, services_use_share=0.25, member_satisfaction=0.399), 79.99, CoopClass.FAIR),
        # 60.8 + 12*0.1 + 10*0.3 = 60.8 + 1.2 + 3 = 65
        (mk(MID09, services_use_share=0.1, member_satisfaction=0.3), 65.0, CoopClass.FAIR),
        # 60.8 + 1.2 + 10*0.29 = 64.9
        (mk(MID09, services_use_share=0.1, member_satisfaction=0.29), 64.9, CoopClass.AVERAGE),
        # 49.1 + 12*0.05 + 10*0.03 = 49.1 + 0.6 + 0.3 = 50
        (mk(LOW09, services_use_share=0.05, member_satisfaction=0.03), 50.0, CoopClass.AVERAGE),
        # 49.1 + 0.6 + 10*0.02 = 49.9
        (mk(LOW09, services_use_share=0.05, member_satisfaction=0.02), 49.9, CoopClass.WEAK),
    ],
)
def test_boundaries_circular_09(rec: CoopRecord, total: float, cls: CoopClass) -> None:
    s = score_circular_09(rec)
    assert s.regime == "09/2017"
    assert s.total == pytest.approx(total, abs=1e-9)
    assert s.coop_class is cls


# ---------------------------------------------------------------- boundaries, Circular 01
#
# Base: MAX with commended=False (III.commendations 0, -4), member_participation=p,
# training_share=0, community_impact=0:
#   100 - 4 - 10 - 4 - 4 + 10p = 78 + 10p
# MID01 additionally: disputes=2 (-6), manager_qualification=0 (-6), no brand/chain/tech (-4)
#   -> 62 + 10p
# LOW01 additionally: capital=1000 (500-<2000, 7 * 0.8 = 5.6, -1.4),
#   indivisible_assets=100 (<500, 3, -3),
#   services_use_share=0.25 (member_policies 6 * 0.25 = 1.5 (-4.5), III.services 8 * 0.25 = 2 (-6))
#   -> 62 - 1.4 - 3 - 4.5 - 6 = 62 - 14.9 = 47.1 + 10p

BASE01 = mk(commended=False, training_share=0.0, community_impact=0.0)
MID01 = mk(
    BASE01,
    disputes=2,
    manager_qualification=0,
    has_brand=False,
    has_value_chain_contract=False,
    uses_technology=False,
)
LOW01 = mk(MID01, operating_capital=1000.0, indivisible_assets=100.0, services_use_share=0.25)


@pytest.mark.parametrize(
    ("rec", "total", "cls"),
    [
        # 78 + 10*0.2 = 80
        (mk(BASE01, member_participation=0.2), 80.0, CoopClass.GOOD),
        # 78 + 10*0.199 = 79.99
        (mk(BASE01, member_participation=0.199), 79.99, CoopClass.FAIR),
        # 62 + 10*0.3 = 65
        (mk(MID01, member_participation=0.3), 65.0, CoopClass.FAIR),
        # 62 + 10*0.29 = 64.9
        (mk(MID01, member_participation=0.29), 64.9, CoopClass.AVERAGE),
        # 47.1 + 10*0.29 = 50
        (mk(LOW01, member_participation=0.29), 50.0, CoopClass.AVERAGE),
        # 47.1 + 10*0.28 = 49.9
        (mk(LOW01, member_participation=0.28), 49.9, CoopClass.WEAK),
    ],
)
def test_boundaries_circular_01(rec: CoopRecord, total: float, cls: CoopClass) -> None:
    s = score_circular_01(rec)
    assert s.regime == "01/2020"
    assert s.total == pytest.approx(total, abs=1e-9)
    assert s.coop_class is cls


def test_circular_01_partial_items() -> None:
    # revenue 11000/10000 = 1.1 -> 4 pts; income 3 -> 4 pts:
    #   business_results = 5.5*4/8 + 5.5*4/10 = 2.75 + 2.2 = 4.95
    # 1 dispute -> 3; manager trained -> 3; legal 0.5 -> 4; only a brand -> 1
    # no price advantage: III.benefits = 10 * (0 + 0.5*4/10) = 2
    rec = mk(
        revenue=11000.0,
        income_per_member=3.0,
        disputes=1,
        manager_qualification=1,
        legal_compliance=0.5,
        has_value_chain_contract=False,
        uses_technology=False,
        member_price_advantage=0.0,
    )
    c = score_circular_01(rec).criteria
    assert c["I.business_results"] == pytest.approx(4.95)
    assert c["II.disputes"] == 3.0
    assert c["II.manager_qualifications"] == 3.0
    assert c["II.legal_compliance"] == 4.0
    assert c["II.tech_brand_chain"] == 1.0
    assert c["III.benefits"] == pytest.approx(2.0)


# ---------------------------------------------------------------- sanctions, age


def test_sanctioned_is_weak_at_95_points() -> None:
    rec = mk(commended=False, sanctioned=True)  # Circular 09: 100 - 5 = 95
    s = score_circular_09(rec)
    assert s.total == 95.0
    assert s.coop_class is CoopClass.WEAK
    s01 = score_circular_01(mk(sanctioned=True))  # 100 - 8 (legal compliance) = 92
    assert s01.total == 92.0
    assert s01.criteria["II.legal_compliance"] == 0.0
    assert s01.coop_class is CoopClass.WEAK


@pytest.mark.parametrize("fn", [score_circular_09, score_circular_01])
def test_young_cooperative_not_rated(fn) -> None:
    s11 = fn(mk(age_months=11))
    assert s11.coop_class is None
    assert s11.total == 100.0
    assert fn(mk(age_months=12)).coop_class is CoopClass.GOOD
    assert fn(mk(age_months=0, sanctioned=True)).coop_class is None


# ---------------------------------------------------------------- criterion 1 thresholds


@pytest.mark.parametrize(
    ("revenue", "plan", "pts"),
    [
        (999.0, 1000.0, 0.0),
        (1000.0, 1000.0, 4.0),
        (1199.0, 1000.0, 4.0),
        (1200.0, 1000.0, 8.0),
        (120.0, 100.0, 8.0),
        (0.0, 1000.0, 0.0),
    ],
)
def test_points_revenue_vs_plan(revenue: float, plan: float, pts: float) -> None:
    assert points_revenue_vs_plan(revenue, plan) == pts


def test_points_revenue_vs_plan_rejects_bad_plan() -> None:
    with pytest.raises(ValueError, match="plan"):
        points_revenue_vs_plan(100.0, 0.0)


@pytest.mark.parametrize(
    ("revenue", "pts"),
    [
        (-5.0, 0.0),
        (0.0, 0.0),
        (0.1, 4.0),
        (999.9, 4.0),
        (1000.0, 6.0),
        (4999.9, 6.0),
        (5000.0, 8.0),
        (9999.9, 8.0),
        (10000.0, 10.0),
    ],
)
def test_points_annual_revenue(revenue: float, pts: float) -> None:
    assert points_annual_revenue(revenue) == pts


@pytest.mark.parametrize(
    ("income", "profit", "pts"),
    [
        (0.99, 1.0, 2.0),
        (1.0, 1.0, 4.0),
        (4.99, 1.0, 4.0),
        (5.0, 1.0, 7.0),
        (9.99, 1.0, 7.0),
        (10.0, 1.0, 10.0),
        (50.0, 0.0, 0.0),
        (50.0, -10.0, 0.0),
    ],
)
def test_points_income_per_member(income: float, profit: float, pts: float) -> None:
    assert points_income_per_member(income, profit) == pts


def test_criterion1_thresholds_through_score() -> None:
    def c1(**kw: object) -> dict[str, float]:
        crit = score_circular_09(mk(**kw)).criteria
        return {k: v for k, v in crit.items() if k.startswith("C1.")}

    assert c1(revenue=999.9, revenue_plan=900.0)["C1.annual_revenue"] == 4.0
    assert c1(revenue=1000.0, revenue_plan=900.0)["C1.annual_revenue"] == 6.0
    assert c1(revenue=9999.0, revenue_plan=10000.0)["C1.revenue_vs_plan"] == 0.0
    assert c1(revenue=10000.0, revenue_plan=10000.0)["C1.revenue_vs_plan"] == 4.0
    assert c1(income_per_member=9.99)["C1.income_per_member"] == 7.0
    assert c1(dev_fund_share=0.1999)["C1.development_fund"] == 0.0
    assert c1(dev_fund_share=0.2)["C1.development_fund"] == 5.0
    assert c1(reserve_fund_share=0.0499)["C1.reserve_fund"] == 0.0
    assert c1(reserve_fund_share=0.05)["C1.reserve_fund"] == 5.0
    no_profit = c1(profit=0.0)
    assert no_profit["C1.income_per_member"] == 0.0
    assert no_profit["C1.development_fund"] == 0.0
    assert no_profit["C1.reserve_fund"] == 0.0


@pytest.mark.parametrize(
    ("capital", "frac"),
    [
        (-1.0, 0.0),
        (0.0, 0.0),
        (0.1, 0.5),
        (499.9, 0.5),
        (500.0, 0.8),
        (1999.9, 0.8),
        (2000.0, 0.9),
        (4999.9, 0.9),
        (5000.0, 1.0),
    ],
)
def test_fraction_operating_capital(capital: float, frac: float) -> None:
    assert fraction_operating_capital(capital) == frac


@pytest.mark.parametrize(
    ("members", "frac"),
    [
        (0, 0.0),
        (1, 0.5),
        (49, 0.5),
        (50, 0.8),
        (300, 0.8),
        (301, 0.9),
        (1000, 0.9),
        (1001, 1.0),
    ],
)
def test_fraction_membership(members: int, frac: float) -> None:
    assert fraction_membership(members) == frac


# Capital, membership and indivisible assets on both sides of every threshold, through the
# score functions (default weights): C3 = 12 * capital fraction, C4 = 15 * membership
# fraction, I.capital = 7 * capital fraction, I.indivisible_assets graded 0/3/5/6.
@pytest.mark.parametrize(
    ("capital", "c3", "i_capital"),
    [
        (0.0, 0.0, 0.0),
        (0.1, 6.0, 3.5),  # 12 * 0.5 = 6; 7 * 0.5 = 3.5
        (499.9, 6.0, 3.5),
        (500.0, 9.6, 5.6),  # 12 * 0.8 = 9.6; 7 * 0.8 = 5.6
        (1999.9, 9.6, 5.6),
        (2000.0, 10.8, 6.3),  # 12 * 0.9 = 10.8; 7 * 0.9 = 6.3
        (4999.9, 10.8, 6.3),
        (5000.0, 12.0, 7.0),  # 12 * 1.0; 7 * 1.0
    ],
)
def test_capital_points_through_score(capital: float, c3: float, i_capital: float) -> None:
    rec = mk(operating_capital=capital)
    assert score_circular_09(rec).criteria["C3.operating_capital"] == pytest.approx(c3, abs=1e-9)
    assert score_circular_01(rec).criteria["I.capital"] == pytest.approx(i_capital, abs=1e-9)


@pytest.mark.parametrize(
    ("members", "c4"),
    [
        (0, 0.0),
        (1, 7.5),  # micro: 15 * 0.5
        (49, 7.5),
        (50, 12.0),  # small: 15 * 0.8
        (300, 12.0),
        (301, 13.5),  # medium: 15 * 0.9
        (1000, 13.5),
        (1001, 15.0),  # large: 15 * 1.0
    ],
)
def test_membership_points_through_score(members: int, c4: float) -> None:
    c = score_circular_09(mk(members=members)).criteria
    assert c["C4.membership"] == pytest.approx(c4, abs=1e-9)


@pytest.mark.parametrize(
    ("assets", "pts"),
    [
        (-1.0, 0.0),
        (0.0, 0.0),
        (0.1, 3.0),
        (499.9, 3.0),
        (500.0, 5.0),
        (1999.9, 5.0),
        (2000.0, 6.0),
        (1e5, 6.0),
    ],
)
def test_indivisible_assets_points_circular_01(assets: float, pts: float) -> None:
    c = score_circular_01(mk(indivisible_assets=assets)).criteria
    assert c["I.indivisible_assets"] == pts


# ---------------------------------------------------------------- weights


def test_weights_fields_have_metadata() -> None:
    for f in dataclasses.fields(ScoringWeights):
        assert f.metadata["unit"] == "points"
        assert f.metadata["doc"]
        assert f.metadata["source"].startswith("assumed")


def test_weights_wrong_c09_sum() -> None:
    with pytest.raises(ValueError, match=r"sum to 62.*70\.0.*c09_member_benefits=28\.0"):
        ScoringWeights(c09_member_benefits=28.0)


def test_weights_member_benefits_below_found_points() -> None:
    with pytest.raises(ValueError, match=r"c09_member_benefits.*7\.0"):
        ScoringWeights(c09_member_benefits=7.0, c09_capital=25.0)


def test_weights_wrong_c01_sum() -> None:
    with pytest.raises(ValueError, match=r"c01.*40.*c01_participation=12\.0"):
        ScoringWeights(c01_participation=12.0)


def test_weights_negative() -> None:
    with pytest.raises(ValueError, match=r"c09_commendations=-1\.0"):
        ScoringWeights(c09_commendations=-1.0, c09_satisfaction=16.0)


def test_custom_weights_change_scores() -> None:
    w = ScoringWeights(
        c09_member_benefits=8.0, c09_capital=24.0, c01_participation=20.0, c01_benefits=0.0
    )
    assert score_circular_09(MAX, w).total == 100.0
    assert score_circular_01(MAX, w).total == 100.0
    # services do not count any more in C2; capital is worth 24 (400 m VND -> 0.5 -> 12)
    rec = mk(services_use_share=0.0, operating_capital=400.0)
    s = score(rec, 2019, w)
    assert s.criteria["C2.services_use"] == 0.0
    assert s.criteria["C3.operating_capital"] == 12.0
    assert s.total == 88.0  # 100 - 24 + 12


# ---------------------------------------------------------------- record validation


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("members", -1),
        ("age_months", -1),
        ("disputes", -1),
        ("revenue_plan", 0.0),
        ("revenue_plan", -5.0),
        ("dev_fund_share", 1.5),
        ("reserve_fund_share", -0.1),
        ("services_use_share", 1.01),
        ("member_participation", -0.01),
        ("training_share", 2.0),
        ("manager_qualification", 3),
        ("manager_qualification", -1),
        ("revenue", math.nan),
        ("profit", math.inf),
    ],
)
@pytest.mark.parametrize("fn", [score_circular_09, score_circular_01, lambda r: score(r, 2021)])
def test_invalid_record_rejected(fn, field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        fn(mk(**{field: value}))


def test_indices_are_clamped_not_rejected() -> None:
    rec = mk(member_satisfaction=1.3, legal_compliance=1.2, community_impact=1.5)
    assert score_circular_09(rec).total == 100.0
    assert score_circular_01(rec).total == 100.0


# ---------------------------------------------------------------- monotonicity

# Inputs where "more" is "better"; (field, increasing values). revenue_plan, disputes and
# sanctioned are excluded on purpose (more of them is worse).
LADDERS: list[tuple[str, list[object]]] = [
    ("revenue", [-10.0, 0.0, 500.0, 999.9, 1000.0, 4000.0, 5000.0, 9000.0, 12000.0, 1e6]),
    ("profit", [-100.0, 0.0, 0.01, 50.0, 1000.0]),
    ("members", [0, 1, 49, 50, 300, 301, 1000, 1001, 5000]),
    ("income_per_member", [-1.0, 0.0, 0.99, 1.0, 4.99, 5.0, 9.99, 10.0, 40.0]),
    ("dev_fund_share", [0.0, 0.1, 0.1999, 0.2, 0.5, 1.0]),
    ("reserve_fund_share", [0.0, 0.0499, 0.05, 0.3, 1.0]),
    ("member_price_advantage", [-0.1, 0.0, 0.01, 0.5]),
    ("services_use_share", [0.0, 0.3, 0.7, 1.0]),
    ("operating_capital", [-5.0, 0.0, 100.0, 500.0, 2000.0, 5000.0, 1e5]),
    ("indivisible_assets", [-5.0, 0.0, 100.0, 500.0, 2000.0, 1e5]),
    ("member_satisfaction", [-0.5, 0.0, 0.5, 1.0, 1.5]),
    ("commended", [False, True]),
    ("manager_qualification", [0, 1, 2]),
    ("legal_compliance", [0.0, 0.5, 1.0]),
    ("member_participation", [0.0, 0.5, 1.0]),
    ("training_share", [0.0, 0.5, 1.0]),
    ("community_impact", [0.0, 0.5, 1.0]),
    ("has_brand", [False, True]),
    ("has_value_chain_contract", [False, True]),
    ("uses_technology", [False, True]),
]

MONO_BASES = [
    ZERO,
    MAX,
    LOW09,
    MID01,
    mk(
        ZERO,
        revenue=3000.0,
        revenue_plan=2800.0,
        profit=40.0,
        members=120,
        income_per_member=4.0,
        services_use_share=0.4,
        operating_capital=800.0,
        member_satisfaction=0.6,
        manager_qualification=1,
        legal_compliance=0.7,
        disputes=1,
        member_participation=0.3,
    ),
]


@pytest.mark.parametrize("base", MONO_BASES)
@pytest.mark.parametrize("fn", [score_circular_09, score_circular_01])
def test_monotonicity(fn, base: CoopRecord) -> None:
    for field, ladder in LADDERS:
        totals = [fn(mk(base, **{field: v})).total for v in ladder]
        assert totals == sorted(totals), (field, totals)


@pytest.mark.parametrize("fn", [score_circular_09, score_circular_01])
def test_more_disputes_or_sanction_never_raise_total(fn) -> None:
    base = MONO_BASES[-1]
    for field, ladder in [("disputes", [0, 1, 2, 5]), ("sanctioned", [False, True])]:
        totals = [fn(mk(base, **{field: v})).total for v in ladder]
        assert totals == sorted(totals, reverse=True), (field, totals)


def test_score_is_frozen() -> None:
    s = score_circular_09(MAX)
    assert isinstance(s, Score)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.total = 1.0  # type: ignore[misc]
