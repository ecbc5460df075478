"""Outlets with finite demand (issue 13): what a district's buyers without a contract take."""

import numpy as np
import pytest

from coopsim.model.coop_model import CoopModel
from coopsim.model.cooperative import ACTIVE, INACTIVE, CoopMonth
from coopsim.model.outlets import fill_shares
from tests.conftest import step_conserving


def test_sellers_of_a_full_outlet_share_what_it_takes():
    offered = np.array([60.0, 40.0, 30.0])
    share = fill_shares(offered, np.array([0, 0, 1]), np.array([50.0, 100.0]))
    assert share == pytest.approx([0.5, 0.5, 1.0])
    # a contract takes part of the first seller's produce off the outlet: the rest sells
    # at the full price to a larger share
    lifted = fill_shares(np.array([10.0, 40.0, 30.0]), np.array([0, 0, 1]),
                         np.array([50.0, 100.0]))
    assert lifted == pytest.approx([1.0, 1.0, 1.0])


@pytest.fixture(scope="module")
def tight():
    model = CoopModel(seed=3, scale=0.05, outlet_capacity=0.02)
    # ends in November: the month's sales cover every cooperative
    step_conserving(model, 23, books=True)
    return model


def test_a_cooperative_offering_more_than_its_outlets_take_sells_at_a_lower_price(tight):
    coop = next(c for c in tight.coops if c.status == ACTIVE)
    n = len(tight.coops)
    month = CoopMonth([0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n, [1.0] * 9)
    unlimited = coop._own_sales(100.0, 1.0, month, coop.idx)
    half = coop._own_sales(100.0, 1.0, month._replace(full_share=[0.5] * n), coop.idx)
    floor = 1.0 - tight.params.outlet_discount
    assert unlimited == pytest.approx(100.0 * (1 + coop.markup))
    assert half == pytest.approx(50.0 * (1 + coop.markup) + 50.0 * floor)
    assert half < unlimited


def test_tight_outlets_lower_what_cooperatives_pay_and_raise_side_selling(tight):
    free = CoopModel(seed=3, scale=0.05, outlet_capacity=0.0)
    for _ in range(23):
        free.step()
    active = [c for c in tight.coops if c.status == ACTIVE]
    assert min(c.outlet_fill for c in active) < 0.9
    assert all(c.expected_markup <= c.markup for c in active)
    assert np.mean([c.unsold_y for c in active]) > 0
    assert tight.metrics["side_selling_rate"] > free.metrics["side_selling_rate"]


def test_contracted_deliveries_do_not_count_against_the_outlets(tight):
    coop = next(c for c in tight.coops if c.status == ACTIVE
                and tight.sales.coop_bought_qty[c.idx] > 0)
    before = tight._outlet_shares(tight.month - 1)
    saved = coop.contract_qty_m
    coop.contract_qty_m = float(tight.sales.coop_bought_qty[coop.idx])  # all contracted
    try:
        after = tight._outlet_shares(tight.month - 1)
    finally:
        coop.contract_qty_m = saved
    peers = [c.idx for c in tight.coops if c.district == coop.district
             and c.product == coop.product and c is not coop]
    assert all(after[i] >= before[i] for i in peers)


def test_outlets_are_finite_by_default_and_unlimited_when_switched_off():
    assert CoopModel(seed=1, scale=0.05).outlets is not None
    assert CoopModel(seed=1, scale=0.05, outlet_capacity=0.0).outlets is None


# ---- breach by the cooperative: diverting contracted produce ------------------------------
def _fixed_contract(seed=5, **params):
    from coopsim.model.contracts import FIXED

    model = CoopModel(seed=seed, scale=0.1, **params)
    model.step()
    products = {b.product for b in model.businesses}
    coop = max((c for c in model.coops if c.status == ACTIVE and c.product in products),
               key=lambda c: model.sales.coop_bought_qty[c.idx])
    assert model.sales.coop_bought_qty[coop.idx] > 0.5
    bus = next(b for b in model.businesses if b.product == coop.product)
    vc = model.value_chain
    for c in list(vc.active):  # only the test's contract
        vc._end(c, "ended_by_exit", model.steps)
    contract = vc._add(model, coop.idx, bus.idx, FIXED, 1.0, 0.5, 12)
    return model, coop, bus, contract


def test_a_cooperative_diverts_contracted_produce_when_spot_rises_past_its_threshold():
    model, coop, bus, c = _fixed_contract(divert_rate=1.0)
    model.spot[coop.product] = 3.0  # far above the fixed price of 1
    total, cash_c, cash_b = model.total_money(), coop.cash, bus.cash
    model.value_chain.fulfil(model)
    assert c.diverted > 0 and c.deliveries_missed == 1 and c.delivered == 0.0
    penalty = model.params.breach_penalty * c.diverted * c.price
    assert coop.cash == pytest.approx(cash_c - penalty)
    assert bus.cash == pytest.approx(cash_b + penalty)
    assert model.total_money() == pytest.approx(total)
    assert model.value_chain.trust_in_coop[(coop.idx, bus.idx)] < 0.5


def test_no_diversion_below_the_threshold_or_when_switched_off():
    model, coop, bus, c = _fixed_contract(divert_rate=1.0)
    model.spot[coop.product] = 1.0  # own outlets pay about the fixed price
    model.value_chain.fulfil(model)
    assert c.diverted == 0.0 and c.delivered > 0
    model, coop, bus, c = _fixed_contract(divert_rate=0.0)  # switched off
    model.spot[coop.product] = 3.0
    model.value_chain.fulfil(model)
    assert c.diverted == 0.0 and c.delivered > 0


# ---- foundings need a viable plan ---------------------------------------------------------
def _two_years(**params):
    model = CoopModel(seed=2, scale=0.1, founding_rate=1.0, **params)
    for _ in range(24):
        model.step()
    return model


def test_a_founding_without_a_viable_plan_does_not_happen():
    free = _two_years(plan_min_volume=0.0)
    assert free.founded > 0 and free.foundings_refused == 0
    planned = _two_years(plan_min_volume=1e6)  # no founders produce that much
    assert planned.founded == 0 and planned.foundings_refused >= free.founded


def test_the_plan_checks_capital_and_the_outlets():
    from coopsim.model.world_init import viable_plan

    model = CoopModel(seed=2, scale=0.1, plan_min_volume=0.0, outlet_capacity=0.0)
    founders = np.arange(7)
    cell = int(model.households.cell[0])
    assert viable_plan(model, cell, founders)
    rich = model.params.capital_contribution * 7
    model.params = model.params.replace(plan_capital=rich + 1.0)
    assert not viable_plan(model, cell, founders)
    full = CoopModel(seed=2, scale=0.1, outlet_capacity=1e-6, plan_min_fill=0.5,
                     plan_min_volume=0.0)
    assert not viable_plan(full, cell, founders)  # outlets too small to take the plan


# ---- a living business side: entry ---------------------------------------------------------
def test_a_business_enters_where_cooperatives_have_supply_left():
    from coopsim.model.business import enter_businesses

    model = CoopModel(seed=4, scale=0.1, business_entry_rate=1.0, entry_supply=0.0)
    for _ in range(11):
        model.step()
    total, before = model.total_money(), len(model.businesses)
    supplied = {(c.district, c.product) for c in model.coops
                if c.status == ACTIVE and c.recent_bought > 0}
    entrants = enter_businesses(model)
    assert entrants and len(model.businesses) == before + len(entrants)
    for bus in entrants:
        assert (bus.district, bus.product) in supplied and bus.cash == pytest.approx(
            3.0 * bus.demand)
    assert model.total_money() == pytest.approx(total)  # the start-up capital came in
    step_conserving(model, 13, total)  # entrants trade and the books still hold
    assert model.businesses_entered > 0


def test_no_business_enters_without_supply_or_when_switched_off():
    from coopsim.model.business import enter_businesses

    model = CoopModel(seed=4, scale=0.1, business_entry_rate=1.0, entry_supply=1e6)
    model.step()
    assert enter_businesses(model) == []
    assert enter_businesses(CoopModel(seed=4, scale=0.1, business_entry_rate=0.0)) == []



def test_the_business_count_path_adds_up():
    """Open businesses at each year end = last year's + entrants - closures."""
    # losses: some close; scale 0.25, as entry at scale s has chance rate x s a cell
    model = CoopModel(seed=4, scale=0.25, business_entry_rate=1.0, entry_supply=0.0,
                      business_margin=0.0, contract_premium=1.0)
    start = len(model.businesses)
    for _ in range(48):
        model.step()
    y = model.datacollector.get_table_dataframe("yearly")
    opened = np.concatenate([[start], y.businesses_open.to_numpy()[:-1]])
    assert (y.businesses_open == opened + y.businesses_entered - y.businesses_closed).all()
    assert y.businesses_entered.sum() > 0 and y.businesses_closed.sum() > 0
    assert y.businesses_open.iloc[-1] == sum(b.open for b in model.businesses)

# ---- cooperatives look for buyers ------------------------------------------------------------
def _linked_after(months=12, **params):
    model = CoopModel(seed=6, scale=0.1, search_rate=0.0, outlet_capacity=0.02, **params)
    formed0 = model.value_chain.formed
    for _ in range(months):
        model.step()
    return model, model.value_chain.formed - formed0


def test_cooperatives_short_of_outlets_find_buyers_at_a_cost():
    quiet, formed_quiet = _linked_after(coop_search_rate=0.0)  # nobody searches
    assert formed_quiet - quiet.value_chain.renewed == 0
    active, formed = _linked_after(coop_search_rate=1.0)
    assert formed - active.value_chain.renewed > 0
    assert active.world.flows["buyer_search"] < 0  # searches were paid to the world


def test_no_cooperative_searches_with_unlimited_outlets():
    model = CoopModel(seed=6, scale=0.1, search_rate=0.0, coop_search_rate=1.0,
                      outlet_capacity=0.0)
    for _ in range(6):
        model.step()
    assert model.world.flows["buyer_search"] == 0


# ---- entry with the growth of demand (off until recalibrated) --------------------------------
def _growth_model(**params):
    model = CoopModel(seed=4, scale=0.25, **params)
    for _ in range(11):
        model.step()
    return model


def _expected_entrants(model, share, growth):
    from coopsim.model.business import _first_groups, _uncontracted_supply

    supply = _uncontracted_supply(model)
    return sum(share * growth * sum(b.demand for b in model.businesses
                                    if b.open and b.product == prod)
               / (g.demand_median * np.exp(0.125))  # the mean of lognormal(0, 0.5)
               for prod, g in _first_groups(model).items()
               if any(v > 0 for (_, q), v in supply.items() if q == prod))


def test_businesses_enter_to_serve_the_growth_of_demand_where_supply_is_left():
    from coopsim.model.business import _uncontracted_supply, enter_on_growth

    model = _growth_model(growth_entry_share=0.5, demand_growth=0.3)
    supplied = {k for k, v in _uncontracted_supply(model).items() if v > 0}
    total, counts, expected = model.total_money(), [], []
    for _ in range(30):
        expected.append(_expected_entrants(model, 0.5, 0.3))  # entrants add demand
        batch = enter_on_growth(model)
        counts.append(len(batch))
        assert all((b.district, b.product) in supplied for b in batch)
    assert model.total_money() == pytest.approx(total)  # start-up capital from the world
    assert expected[0] > 1.0
    # Poisson counts: the total is within 4 standard deviations of its expectation
    assert abs(sum(counts) - sum(expected)) < 4.0 * np.sqrt(sum(expected))


def test_with_growth_entry_incumbents_grow_by_the_rest():
    on = CoopModel(seed=4, scale=0.25, growth_entry_share=0.25, demand_growth=0.2)
    off = CoopModel(seed=4, scale=0.25, growth_entry_share=0.0, demand_growth=0.2)
    start = len(off.businesses)
    assert len(on.businesses) == start
    for model in (on, off):
        for _ in range(13):  # January of the second year grows the demand once
            model.step()
    for a, b in zip(on.businesses[:start], off.businesses[:start], strict=True):
        assert a.demand == pytest.approx(b.demand / 1.2 * (1.0 + 0.2 * 0.75))


def test_entrants_take_no_share_of_a_decline_and_no_growth_is_lost_without_supply():
    from coopsim.model.business import enter_on_growth

    on = CoopModel(seed=4, scale=0.25, growth_entry_share=0.5, demand_growth=-0.2)
    off = CoopModel(seed=4, scale=0.25, growth_entry_share=0.0, demand_growth=-0.2)
    for model in (on, off):
        for _ in range(13):
            model.step()
    start = len(CoopModel(seed=4, scale=0.25).businesses)
    for a, b in zip(on.businesses[:start], off.businesses[:start], strict=True):
        assert a.demand == pytest.approx(b.demand)  # incumbents shrink by the full decline
    model = _growth_model(growth_entry_share=0.5, demand_growth=0.2)
    for coop in model.coops:
        coop.recent_bought = 0.0  # no supply anywhere: no entrant can be placed
    before = {b.idx: b.demand for b in model.businesses if b.open}
    assert enter_on_growth(model) == []
    for b in model.businesses:
        if b.idx in before:
            assert b.demand == pytest.approx(before[b.idx] * 1.2 / 1.1)


def test_no_growth_entry_when_off_and_no_draw_is_made():
    from coopsim.model.business import enter_on_growth

    model = _growth_model(growth_entry_share=0.0)
    state = model.rng.bit_generator.state
    assert enter_on_growth(model) == [] and model.rng.bit_generator.state == state
    assert enter_on_growth(_growth_model(growth_entry_share=1.0, demand_growth=0.0)) == []


def test_money_is_conserved_with_growth_entry_on():
    model = CoopModel(seed=8, scale=0.25, growth_entry_share=1.0, demand_growth=0.3,
                      business_entry_rate=0.0)
    step_conserving(model, 25)
    assert model.businesses_entered > 0


def test_irregular_sellers_get_a_lower_price_at_the_outlets(tight):
    coop = next(c for c in tight.coops if c.status == ACTIVE)
    saved = list(coop._season_ring), list(coop._missed_ring)
    season = list(tight._season[coop.product])
    p = tight.params
    try:
        coop._season_ring, coop._missed_ring = list(season), [0.0] * 12
        coop._update_regularity()
        regular = coop.outlet_markup(1e9)  # a large seller: no small-seller discount
        assert coop.regularity == 1.0
        assert regular == pytest.approx(coop.markup)
        peak, low = int(np.argmax(season)), int(np.argmin(season))
        coop._missed_ring = [season[m] if m == peak else 0.0 for m in range(12)]
        coop._update_regularity()
        missed_peak = coop.outlet_markup(1e9)
        assert coop.regularity == pytest.approx(1.0 - season[peak] / sum(season))
        assert missed_peak == pytest.approx(
            regular - p.irregular_seller_discount * season[peak] / sum(season))
        coop._missed_ring = [season[m] if m == low else 0.0 for m in range(12)]
        coop._update_regularity()
        assert season[low] < season[peak], "pick a product with a harvest calendar"
        assert missed_peak < coop.outlet_markup(1e9) < regular  # an off-season gap costs less
    finally:
        coop._season_ring, coop._missed_ring = saved
        coop._update_regularity()


def test_a_cooperative_that_stopped_selling_is_an_irregular_seller(tight):
    for coop in tight.coops:
        assert 0.0 <= coop.regularity <= 1.0
    stopped = [c for c in tight.coops if c.status == INACTIVE
               or (c.status == ACTIVE and c.idle_months >= 3)]
    assert stopped, "the tight world should have cooperatives that stopped selling"
    assert all(c.regularity < 1.0 for c in stopped if sum(c._season_ring) > 0)
    selling = [c for c in tight.coops if c.status == ACTIVE and c.idle_months == 0]
    assert max(c.regularity for c in selling) == 1.0


def test_a_month_is_recorded_with_its_own_seasonal_factor_and_contract_sales_count():
    model = CoopModel(seed=5, scale=0.05)
    step_conserving(model, 7)
    # outside a step, coop.step() replays the last month (steps = 7): its slot and month
    slot, month = model.steps % 12, model.month
    row = model._season[:, month - 1]
    coop = next(c for c in model.coops if c.status == ACTIVE  # a factor of its own month
                and row[c.product] not in (model._season[c.product, month % 12],
                                           model._season[c.product, month - 2]))
    season = float(row[coop.product])
    coop._own_sales = lambda *args: 0.0  # nothing sold at the outlets this month
    coop.contract_revenue_m = 5.0  # but a contract took its produce
    coop.step()
    assert coop._season_ring[slot] == season and coop._missed_ring[slot] == 0.0
    coop.contract_revenue_m = 0.0  # a month with neither: the harvest's share is missed
    model.steps += 1
    coop.step()
    nxt = (slot + 1) % 12
    assert coop._season_ring[nxt] == float(model._season[coop.product, month % 12])
    assert coop._missed_ring[nxt] == coop._season_ring[nxt]
