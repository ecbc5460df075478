"""Foundings as they happen and matchmaking (issue 13, deliverables 2 and 4)."""

import numpy as np
import pytest

from coopsim.model.cooperative import ACTIVE
from coopsim.model.scoring import CoopClass
from coopsim.model.world_init import commune_room, draw_founders
from tests.conftest import small_model, step_conserving

EASY = {"founding_rate": 1.0, "founding_awareness": 0.0, "min_founders": 2}


def _trusting(model):
    model.households.trust[:] = 1.0
    model.households.cash[:] = 1e6
    return model


def test_a_commune_holds_no_more_cooperatives_than_its_households_allow():
    model = _trusting(small_model(seed=2, scale=0.1, commune_coop_households=1e6, **EASY))
    room = commune_room(model)  # one cooperative per commune: most are full already
    assert (room <= 0).sum() > len(room) / 2
    founded = [int(cell) // model._n_products for cell, *_ in draw_founders(model)]
    assert all(room[c] > 0 for c in founded)
    assert all(founded.count(c) <= room[c] for c in set(founded))
    free = _trusting(small_model(seed=2, scale=0.1, **EASY))
    assert len(draw_founders(free)) > len(founded)  # the same world without the bound


def test_assisted_foundings_stay_within_staff_capacity():
    share = lambda m: len(m.households) / m.province.households  # noqa: E731
    model = _trusting(small_model(seed=3, scale=0.1, **{**EASY, "founding_rate": 0.0},
                                  founding_boost=1.0, founding_capacity=1.0))
    capacity = 2.0 / share(model)  # two assisted foundings a year at this scale
    model = _trusting(small_model(seed=3, scale=0.1, **{**EASY, "founding_rate": 0.0},
                                  founding_boost=1.0, founding_capacity=capacity))
    drawn = draw_founders(model)
    assert len(drawn) == 2 and all(assisted for *_, assisted in drawn)
    none = _trusting(small_model(seed=3, scale=0.1, **{**EASY, "founding_rate": 0.0},
                                 founding_boost=1.0, founding_capacity=0.0))
    assert draw_founders(none) == []


def test_assisted_foundings_need_their_grant_from_the_budget():
    from coopsim.model.coop_model import CoopModel
    from coopsim.policy.scenarios import load_scenario

    model = _trusting(CoopModel(seed=3, scale=0.1, policy=load_scenario("directive27").policy()))
    model.policy.budget.yearly = 0.0  # nothing for any lever
    assert not model.policy.affordable("founding_support", 1.0)
    model.params = model.params.replace(**{**EASY, "founding_rate": 0.0},
                                        founding_boost=1.0, founding_capacity=1e4,
                                        founding_support_grant=100.0)
    assert draw_founders(model) == []


def test_communes_without_an_effective_cooperative_found_more():
    counts = {}
    for push in (0.0, 19.0):
        model = _trusting(small_model(seed=4, scale=0.2, **{**EASY, "founding_rate": 0.05},
                                      nrd_push=push))
        effective = {c.commune for c in model.coops
                     if c.status == ACTIVE and c.coop_class is not None
                     and c.coop_class >= CoopClass.FAIR}
        drawn = draw_founders(model)
        counts[push] = sum(1 for cell, *_ in drawn
                           if int(cell) // model._n_products not in effective)
    assert counts[19.0] > 3 * max(counts[0.0], 1)


def test_matchmaking_introduces_buyers_to_cooperatives_short_of_outlets():
    model = small_model(seed=5, scale=0.15, outlet_capacity=0.02, matchmaking_deals=2000.0,
                        search_rate=0.0)
    step_conserving(model, 24)
    vc = model.value_chain
    assert vc.introductions > 0
    assert any(c.supported for c in vc.contracts if c.start > 0)
    off = small_model(seed=5, scale=0.15, outlet_capacity=0.02, search_rate=0.0)
    for _ in range(24):
        off.step()
    assert off.value_chain.introductions == 0
    assert len([c for c in vc.contracts if c.start > 0]) > \
        len([c for c in off.value_chain.contracts if c.start > 0])


def test_small_sellers_get_a_lower_price_at_the_outlets():
    model = small_model(seed=6, outlet_capacity=0.05)
    coop = next(c for c in model.coops if c.status == ACTIVE)
    p = model.params
    assert coop.outlet_markup(p.small_seller_volume * 2) == pytest.approx(coop.markup)
    assert coop.outlet_markup(0.0) == pytest.approx(coop.markup - p.small_seller_discount)
    assert coop.outlet_markup(p.small_seller_volume / 2) == pytest.approx(
        coop.markup - p.small_seller_discount / 2)
    assert np.isfinite(coop.expected_markup)
