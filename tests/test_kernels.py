"""The compiled household loops give the whole-array code's bits (tests/reference_households)."""

import copy

import numpy as np
import pytest

from coopsim.model import households
from coopsim.model.coop_model import CoopModel
from coopsim.policy.scenarios import load_scenario
from tests import reference_households as ref


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    return type(a) is type(b) and a == b


def _store_differences(a, b) -> list[str]:
    return [f for f in a.__dataclass_fields__ if not _same(getattr(a, f), getattr(b, f))]


@pytest.mark.parametrize("scenario", [None, "directive27"])
def test_a_month_of_household_rules_is_bit_for_bit_the_array_code(scenario):
    chosen = load_scenario(scenario or "baseline")
    params = {**chosen.overrides(), "scale": 0.1, "snapshot_every": 0}
    model = CoopModel(seed=7, policy=chosen.policy(), **params)
    months = members_moved = 0
    for _ in range(26):
        model.step()
        arrays, month0, hh = model._coop_arrays(), model.month % 12, model.households
        if not arrays.open.any():
            continue
        start = model.rng.bit_generator.state
        results = []
        for fn in (ref, households):
            model.rng.bit_generator.state = start
            sales = fn.sell_month(hh, arrays, month0, model.spot, model.params, model.rng,
                                  model.yield_factor)
            store = copy.deepcopy(hh)
            moves = fn.update_membership(store, arrays, sales, month0, model._cell_size,
                                         model.params, model.rng)
            results.append((sales, store, moves))
        (s1, h1, m1), (s2, h2, m2) = results
        assert [f for f in s1.__dataclass_fields__
                if not _same(getattr(s1, f), getattr(s2, f))] == []
        assert _store_differences(h1, h2) == []
        assert all(_same(np.asarray(x), np.asarray(y)) for x, y in zip(m1, m2, strict=True))
        months += 1
        members_moved += len(m1[0]) + len(m1[1])
        model.rng.bit_generator.state = start
    assert months >= 20 and members_moved > 0  # open cooperatives, joiners and leavers


def test_sales_without_a_yield_shock_match_too():
    model = CoopModel(seed=3, scale=0.05, snapshot_every=0)
    for _ in range(5):
        model.step()
    arrays, month0 = model._coop_arrays(), model.month % 12
    start = model.rng.bit_generator.state
    a = ref.sell_month(model.households, arrays, month0, model.spot, model.params,
                       model.rng, None)
    model.rng.bit_generator.state = start
    b = households.sell_month(model.households, arrays, month0, model.spot, model.params,
                              model.rng, None)
    assert all(_same(getattr(a, f), getattr(b, f)) for f in a.__dataclass_fields__)


def test_a_member_with_almost_no_output_is_rated_against_the_float32_floor():
    from coopsim.model import kernels

    output = np.array([0.0, 5e-4, 2.0], np.float32)  # the first two below the 1e-3 floor
    benefit = np.array([1e-4, 1e-4, 0.3])
    rows = members = np.arange(3)
    sat, unhappy = np.zeros(3, np.float32), np.zeros(3, np.int16)
    kernels.member_satisfaction(members, rows, benefit, output, sat, unhappy,
                                np.zeros(3, np.int32), 1, np.float32(0.05),
                                np.float32(0.05), np.float32(0.0), np.float32(1.0))
    # the array code: rate = benefit / np.maximum(output, 1e-3) with a float32 floor
    rate = (benefit / np.maximum(output, 1e-3)).astype(np.float32)
    expected = np.clip((rate - np.float32(0.05)) / np.float32(0.05), -1.0, 1.0)
    assert sat.tobytes() == expected.astype(np.float32).tobytes()
    assert float(np.float32(1e-3)) != 1e-3  # the floor's two precisions differ: the test can fail
