"""OCOP as a programme (issue 13, deliverable 5): yearly rounds with a target."""

import math

import pytest

from coopsim.model.cooperative import ACTIVE
from coopsim.model.ocop import coop_points, points, stars_for
from tests.conftest import small_model


@pytest.mark.parametrize(("score", "year", "stars"), [
    (95.0, 2019, 5), (90.0, 2019, 5), (89.9, 2019, 4), (70.0, 2019, 4), (55.0, 2019, 3),
    (35.0, 2019, 2), (10.0, 2019, 1), (95.0, 2023, 5), (55.0, 2023, 3), (49.9, 2023, 0),
    (10.0, 2024, 0),
])
def test_stars_follow_the_bands_of_decision_1048_and_148(score, year, stars):
    assert stars_for(score, year) == stars


def test_the_three_parts_weigh_35_25_40():
    assert points(1.0, 0.0, 0.0) == pytest.approx(35.0)
    assert points(0.0, 1.0, 0.0) == pytest.approx(25.0)
    assert points(0.0, 0.0, 1.0) == pytest.approx(40.0)


def _run(years: int, **overrides):
    model = small_model(seed=11, scale=0.1, ocop_rate=1.0, **overrides)
    rounds = []
    for _ in range(12 * years):
        model.step()
        if model.month == 12:
            reg = model.ocop
            rounds.append((model.year, reg.candidates, reg.rated, list(reg.last_stars),
                           [c.n_ocop_products for c in model.coops]))
    return model, rounds


def test_a_round_rates_at_most_its_target():
    model, rounds = _run(4, ocop_target=40.0)
    scaled = 40.0 * len(model.households) / model.province.households
    played = [r for r in rounds if r[0] >= 2019]
    assert played and all(r[2] <= math.ceil(scaled) for r in played)
    assert any(r[1] > r[2] for r in played)  # the target binds: candidates wait
    assert all(r[1] == 0 for r in rounds if r[0] < 2019)  # no round before the first


def test_without_a_binding_target_every_ratable_candidate_is_rated():
    _, rounds = _run(3, ocop_target=10000.0)
    # before 2023 every score earns at least one star, so all candidates are rated
    assert all(r[1] == r[2] for r in rounds if r[0] >= 2019)


def test_from_2023_no_product_is_rated_below_three_stars_and_several_per_cooperative():
    _, rounds = _run(7, ocop_target=10000.0, ocop_max_products=3)
    early = [s for r in rounds if 2019 <= r[0] < 2023 for s in r[3]]
    late = [s for r in rounds if r[0] >= 2023 for s in r[3]]
    assert min(early) < 3 and late and min(late) >= 3
    assert max(n for r in rounds for n in r[4]) > 1  # several products of one cooperative
    assert max(n for r in rounds for n in r[4]) <= 3


def test_certificates_lapse_after_their_validity():
    model, rounds = _run(6, ocop_target=10000.0, ocop_validity=2, ocop_renewal=0.0,
                         ocop_max_products=1)
    for coop in model.coops:
        assert all(valid >= model.year for _, valid in coop.ocop_products)
    # certified in 2019, valid 2019-2020: lapsed at the 2021 round, and a holder cannot
    # have a new product certified before 2022 (developed only once it holds none)
    assert rounds[1][0] == 2019
    holders = [i for i, n in enumerate(rounds[1][4]) if n]
    assert holders and all(rounds[2][4][i] == 1 for i in holders)
    assert all(rounds[3][4][i] == 0 for i in holders)


def test_producers_are_cooperatives_enterprises_and_household_businesses():
    model, _ = _run(4, ocop_target=10000.0, ocop_household_candidates=200.0)
    kinds = {kind for kind, *_ in model.ocop.others}
    assert kinds == {"enterprise", "household"}
    assert any(c.n_ocop_products for c in model.coops)
    figures = model.ocop.figures(model.live_coops())
    assert figures["ocop_producers_all"] > figures["ocop_coop_producers_n"] > 0


def test_the_trademark_is_a_criterion_not_a_gate():
    model, _ = _run(3, ocop_target=10000.0, brand_rate=0.0)
    assert not any(c.has_brand for c in model.coops)
    assert any(c.ocop_stars >= 3 for c in model.coops)  # certified without a trademark
    coop = next(c for c in model.coops if c.status == ACTIVE)
    without = coop_points(coop, linked=False, draw=0.5)
    coop.start_trademark()
    coop.complete_trademark()
    assert coop_points(coop, linked=False, draw=0.5) == pytest.approx(
        without + 25.0 * 0.4 * coop.brand_reputation)


def test_a_higher_target_certifies_more_products():
    low, _ = _run(4, ocop_target=10.0)
    high, _ = _run(4, ocop_target=200.0)
    count = lambda m: m.ocop.figures(m.live_coops())["ocop_products_all"]  # noqa: E731
    assert count(high) > count(low)
