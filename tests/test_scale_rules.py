"""Rules that must not depend on the simulated scale (issue 13: scale consistency).

At reduced scale a district simulates a share of its communes. A rule that searches or
counts within a district must treat those communes as standing for the whole district;
the slow test ``tests/test_scale_consistency.py`` checks the outcome, these the rules.
"""

import numpy as np
import pytest

from coopsim.model.business import _first_groups, _uncontracted_supply, enter_businesses
from coopsim.model.coop_model import CoopModel
from coopsim.model.cooperative import ACTIVE
from coopsim.model.scoring import CoopClass
from coopsim.policy.levers import _merge_target


def _no_target_in_district(model: CoopModel):
    """A cooperative whose district has no other non-weak cooperative of its product."""
    active = [c for c in model.coops if c.status == ACTIVE]
    counts: dict[int, int] = {}
    for c in active:
        counts[c.product] = counts.get(c.product, 0) + 1
    coop = next(c for c in active if counts[c.product] >= 5)
    for c in active:
        if c.product == coop.product:
            c.coop_class = CoopClass.WEAK if c.district == coop.district else CoopClass.FAIR
    return coop


def test_at_full_scale_a_case_without_a_target_in_its_district_is_not_merged():
    model = CoopModel(seed=5, scale=1.0)
    coop = _no_target_in_district(model)
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    assert _merge_target(model, coop, rng) is None
    assert rng.bit_generator.state == state  # no draw: full-scale runs are unchanged


def test_at_reduced_scale_the_unsimulated_communes_may_hold_the_target():
    model = CoopModel(seed=5, scale=0.25)
    coop = _no_target_in_district(model)
    same = [c for c in model.coops if c.status == ACTIVE and c is not coop
            and c.product == coop.product and c.coop_class > CoopClass.WEAK]
    district = model.province.districts[coop.district]
    unsimulated = district.communes * (1.0 - model.district_share[coop.district])
    lam = len(same) / len(model.commune_district) * unsimulated
    rng = np.random.default_rng(1)
    found = [_merge_target(model, coop, rng) for _ in range(2000)]
    share = np.mean([t is not None for t in found])
    expected = 1.0 - np.exp(-lam)
    assert 0.0 < expected < 1.0
    assert share == pytest.approx(expected, abs=4.5 * np.sqrt(expected * (1 - expected) / 2000))
    best = max(same, key=lambda c: (c.last_score.total if c.last_score else 0, -c.idx))
    assert {t.idx for t in found if t is not None} == {best.idx}  # it stands for the target
    assert all(t.district != coop.district for t in found if t is not None)


def _eligible_cells(model: CoopModel) -> dict[tuple[int, int], float]:
    """Uncontracted supply of the cells of products the province has businesses for."""
    products = _first_groups(model)
    return {k: v for k, v in _uncontracted_supply(model).items() if k[1] in products}


def test_business_entry_chance_scales_with_the_districts_simulated_share():
    model = CoopModel(seed=4, scale=0.1, business_entry_rate=1.0, entry_supply=0.0)
    for _ in range(11):
        model.step()
    cells = [k for k, v in _eligible_cells(model).items() if v > 0]
    share = float(np.mean([model.district_share[d] for d, _ in cells]))
    calls = 40
    entered = sum(len(enter_businesses(model)) for _ in range(calls))
    trials = calls * len(cells)
    assert entered / trials == pytest.approx(share, abs=4.5 * np.sqrt(share / trials))


def test_business_entry_compares_the_whole_districts_supply_with_entry_supply():
    probe = CoopModel(seed=4, scale=0.1, business_entry_rate=1.0)
    for _ in range(11):
        probe.step()
    left = _eligible_cells(probe)
    (d, prod), most = max(left.items(), key=lambda kv: kv[1])
    # above the simulated supply of every cell, below the whole district's of the largest
    threshold = 0.5 * (max(left.values()) + most / probe.district_share[d])
    assert most < threshold < most / probe.district_share[d]
    model = CoopModel(seed=4, scale=0.1, business_entry_rate=1.0, entry_supply=threshold)
    for _ in range(11):
        model.step()
    entrants = [b for _ in range(60) for b in enter_businesses(model)]
    assert entrants  # chance 1 x share a call: 60 calls cannot all miss by chance
    eligible = {k for k, v in left.items() if v / probe.district_share[k[0]] > threshold}
    assert {(b.district, b.product) for b in entrants} <= eligible
