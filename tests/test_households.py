"""Household rules on hand-made stores (noise switched off so outcomes are exact)."""

import numpy as np
import pytest

from coopsim import Params
from coopsim.model.households import (
    CoopArrays,
    HouseholdStore,
    sell_month,
    update_membership,
)

EXACT = Params(output_noise=0.0, offer_dispersion=0.0, membership_fee=0.0,
               service_fee_rate=0.0)


def store(n, coop, loyalty=0.0, cash=10.0, awareness=0.5):
    f32 = np.float32
    return HouseholdStore(
        commune=np.zeros(n, np.int32), district=np.zeros(n, np.int16),
        product=np.zeros(n, np.int16), cell=np.zeros(n, np.int32),
        capacity=np.full(n, 12.0, f32), cash=np.full(n, cash), income=np.zeros((12, n), f32),
        income12=np.zeros(n), awareness=np.full(n, awareness, f32),
        trust=np.full(n, 0.5, f32), satisfaction=np.zeros(n, f32),
        loyalty=np.full(n, loyalty, f32), coop=np.asarray(coop, np.int32),
        capital=np.where(np.asarray(coop) >= 0, 2.0, 0.0), patronage=np.zeros(n),
        unhappy=np.zeros(n, np.int16), base_output=np.ones((12, n), f32),
        cost_share=np.full(n, 0.5, f32))


def terms(price=1.1, capacity=100.0, saving=0.0, open_=True, best=-1, rate=0.0):
    return CoopArrays(open=np.array([open_]), price=np.array([price]),
                      capacity=np.array([capacity]), saving=np.array([saving]),
                      benefit_rate=np.array([rate]), best_in_cell=np.array([best], np.int32))


def sell(hh, coops, spot=1.0, params=EXACT):
    return sell_month(hh, coops, 0, np.array([spot]), params, np.random.default_rng(0))


def test_members_sell_to_their_cooperative_and_gain_the_price_difference():
    hh = store(3, [0, 0, -1])
    s = sell(hh, terms(price=1.1))
    assert s.delivered_m.tolist() == pytest.approx([1.0, 1.0])
    assert s.benefit_m.tolist() == pytest.approx([0.1, 0.1])
    # net income: output x (price - cost share); non-member at spot
    assert s.net_income.tolist() == pytest.approx([0.6, 0.6, 0.5])
    assert s.coop_paid[0] == pytest.approx(2.2)


def test_members_side_sell_when_the_spot_price_beats_price_plus_loyalty():
    hh = store(2, [0, 0], loyalty=0.05)
    hh.loyalty[1] = 0.2
    s = sell(hh, terms(price=1.0), spot=1.1)   # 1.1 > 1.0 * 1.05 but < 1.0 * 1.2
    assert s.delivered_m.tolist() == pytest.approx([0.0, 1.0])
    assert s.side_sold == pytest.approx(1.0)


def test_offers_beyond_capacity_are_rationed_pro_rata():
    hh = store(2, [0, 0])
    hh.base_output[0] = [1.0, 3.0]
    s = sell(hh, terms(price=1.0, capacity=2.0))
    assert s.delivered_m.tolist() == pytest.approx([0.5, 1.5])
    assert s.coop_bought_qty[0] == pytest.approx(2.0)


def test_members_of_a_closed_cooperative_get_nothing_from_it():
    hh = store(2, [0, 0])
    s = sell(hh, terms(open_=False, saving=0.1))
    assert len(s.rows) == 0 and s.coop_paid[0] == 0.0
    assert s.net_income.tolist() == pytest.approx([0.5, 0.5])


def test_input_savings_raise_members_income():
    hh = store(1, [0])
    s = sell(hh, terms(price=1.0, saving=0.05))
    assert s.benefit_m[0] == pytest.approx(0.05)
    assert s.net_income[0] == pytest.approx(0.55)


def test_unhappy_members_leave_after_exit_patience_months():
    params = EXACT.replace(exit_patience=3, join_threshold=0.03, review_rate=0.0)
    hh = store(2, [0, 0])
    coops = terms(open_=False)
    cell_size = np.array([2])
    leavers = []
    for month in range(3):
        s = sell(hh, coops, params=params)
        _, leavers, _ = update_membership(hh, coops, s, month, cell_size, params,
                                          np.random.default_rng(month))
    assert hh.unhappy.tolist() == [3, 3]
    assert leavers.tolist() == [0, 1]


def test_joining_needs_an_open_cooperative_in_the_cell_and_the_capital():
    params = EXACT.replace(review_rate=1.0, join_threshold=0.0, join_slope=1000.0,
                           capital_contribution=2.0)
    hh = store(3, [-1, -1, -1], awareness=1.0)
    hh.cash[2] = 1.0  # cannot pay the contribution
    open_coop = terms(best=0, rate=0.5)
    s = sell(hh, open_coop, params=params)
    joiners, _, _ = update_membership(hh, open_coop, s, 0, np.array([3]), params,
                                      np.random.default_rng(1))
    assert joiners.tolist() == [0, 1]
    none_open = terms(best=-1, rate=0.5)
    joiners, _, _ = update_membership(hh, none_open, s, 1, np.array([3]), params,
                                      np.random.default_rng(1))
    assert joiners.tolist() == []


def test_income_is_booked_into_a_rolling_twelve_months():
    hh = store(1, [-1])
    coops = terms()
    for month in range(14):
        s = sell(hh, coops)
        update_membership(hh, coops, s, month % 12, np.array([1]), EXACT.replace(review_rate=0.0),
                          np.random.default_rng(month))
    assert hh.income12[0] == pytest.approx(12 * 0.5)


def test_household_view_reads_one_row(small_run):
    hh = small_run.households
    view = hh[5]
    assert view.commune == hh.commune[5] and view.coop == hh.coop[5]
    assert view.base_output.shape == (12,)
    assert "Household(5" in repr(view)
    with pytest.raises(IndexError):
        hh[len(hh)]
    members = hh.members_of(0)
    assert (hh.coop[members] == 0).all() and len(members) == small_run.coops[0].members


def test_household_views_copy_and_pickle(small_run):
    import copy
    import pickle

    view = small_run.households[3]
    assert copy.copy(view).coop == view.coop
    assert pickle.loads(pickle.dumps(view)).income12 == view.income12
