"""Value chains: invariants of links, deliveries and money; formation responds to promotion."""

import dataclasses

import networkx as nx
import numpy as np
import pytest

from coopsim.model.contracts import ACTIVE
from coopsim.model.cooperative import ACTIVE as COOP_ACTIVE
from coopsim.model.network import build_network, network_metrics, write_network
from coopsim.policy.runner import run
from coopsim.world.province import default_province
from tests.conftest import small_model


def _check_links(model, total_money):
    vc, s = model.value_chain, model.sales
    for c in vc.active:
        assert c.status == ACTIVE
        assert model.coops[c.coop].status == COOP_ACTIVE, c
        assert model.businesses[c.business].open, c
    member_output = np.bincount(s.of, s.output[s.rows], len(s.coop_bought_qty))
    for coop in model.coops[:len(s.coop_bought_qty)]:
        bought = s.coop_bought_qty[coop.idx]
        assert coop.contract_qty_m <= bought + 1e-9          # deliveries <= purchases
        assert bought <= member_output[coop.idx] + 1e-6     # purchases <= members' output
    delivered = sum(c.contract_qty_m for c in model.coops)
    received = sum(b.bought_contract_last for b in model.businesses)
    assert delivered == pytest.approx(received, abs=1e-9)   # goods conserved in a sale
    assert model.total_money() == pytest.approx(total_money, rel=1e-12, abs=1e-6)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_links_deliveries_and_money_are_consistent_every_step(seed):
    model = small_model(seed=seed, scale=0.15, linkage_promotion=0.6)
    total = model.total_money()
    formed_any = False
    for _ in range(36):
        model.step()
        _check_links(model, total)
        formed_any |= bool(model.value_chain.active)
    assert formed_any


def test_a_province_without_businesses_has_no_links():
    empty = dataclasses.replace(default_province(), businesses=())
    res = run(overrides={"scale": 0.1, "linkage_promotion": 1.0}, seed=1, years=2, province=empty)
    assert res.contracts.empty
    assert (res.yearly.links_active == 0).all() and (res.yearly.linked_share == 0).all()


def _mean_linked_share(promotion, seeds=(1, 2, 3)):
    shares = [run(overrides={"scale": 0.2, "linkage_promotion": promotion}, seed=s, years=3)
              .monthly.linked_share.mean() for s in seeds]
    return float(np.mean(shares))


def test_more_linkage_promotion_links_more_cooperatives():
    low, high = _mean_linked_share(0.0), _mean_linked_share(0.8)
    assert high > low * 1.2, (low, high)


def test_contract_table_and_network_agree_with_the_model(tmp_path):
    model = small_model(seed=5, scale=0.15, linkage_promotion=0.6)
    for _ in range(24):
        model.step()
    vc = model.value_chain
    g = model.network()
    assert g.number_of_edges() == len(vc.active)
    metrics = network_metrics(g)
    assert metrics["links_active"] == len(vc.active)
    linked = {c.coop for c in vc.active}
    n_active = sum(1 for c in model.coops if c.status == COOP_ACTIVE)
    assert model.metrics["linked_share"] == pytest.approx(len(linked) / n_active)
    # the network can be looked at as it was at an earlier step
    past = model.network(step=6)
    running_then = [c for c in vc.contracts if c.start <= 6 and (c.end is None or c.end > 6)]
    assert past.number_of_edges() == len(running_then)
    everything = build_network(model.coops, model.businesses, vc.contracts, include_ended=True)
    assert everything.number_of_edges() == len(vc.contracts)
    graphml = write_network(everything, tmp_path / "n.graphml")
    assert nx.read_graphml(graphml).number_of_edges() == len(vc.contracts)
    csv = write_network(everything, tmp_path / "n.csv")
    assert len(csv.read_text().splitlines()) == len(vc.contracts) + 1
    with pytest.raises(ValueError, match=".graphml or .csv"):
        write_network(g, tmp_path / "n.png")


def test_linked_cooperatives_score_the_value_chain_sub_item():
    model = small_model(seed=2, scale=0.15, linkage_promotion=0.8)
    for _ in range(36):  # the ratings of 2020 are under Circular 01/2020
        model.step()
    # months 25..36 are 2020: a contract running in any of them links its cooperative
    linked = {c.coop for c in model.value_chain.contracts
              if c.start < 36 and (c.end is None or c.end >= 25)}
    rated = [c for c in model.coops if c.last_score is not None
             and c.last_score.regime == "01/2020" and c.last_score.coop_class is not None]
    points = {c.idx: c.last_score.criteria["9.technology_brand_chain"] for c in rated}
    assert any(i in linked for i in points)
    rows = model.datacollector.get_table_dataframe("coop_years")
    rows2020 = rows[rows.year == 2020].set_index("coop")
    for idx in rows2020.index:  # the coop_years table says who was linked that year
        assert (rows2020.loc[idx, "linked_months"] > 0) == (idx in linked), idx
    for c in rated:  # 1 point each: processing, trademark, OCOP product, contract
        rec = c.last_record  # as they were at the rating
        others = int(rec.processes) + int(rec.has_brand) + int(rec.ocop_stars > 0)
        assert rec.linked == (c.idx in linked)
        assert points[c.idx] == others + (c.idx in linked), c


def test_brands_and_stars_raise_the_price_and_free_riding_costs_reputation():
    model = small_model(seed=3, free_riding=1.0, ocop_first_round=2100)
    coop = next(c for c in model.coops if c.status == COOP_ACTIVE)
    base = coop.markup
    coop.start_trademark()
    coop.complete_trademark()
    coop.develop_ocop_product()
    coop.rate_ocop_product(4, 2030)
    p = model.params
    assert coop.markup == pytest.approx(base + p.brand_premium + 4 * p.star_premium)
    coop.quality_incident()
    assert coop.brand_reputation == pytest.approx(0.5) and coop.ocop_stars == 3
    assert coop.quality_incidents == 1
    coop.quality_incident()  # below three stars the certificate is lost
    assert coop.ocop_stars == 0 and coop.n_ocop_products == 0


def test_ocop_support_pays_part_of_the_cost():
    for support in (0.0, 0.8):
        model = small_model(seed=4, brand_rate=1.0, ocop_support=support)
        for _ in range(12):  # the first year end starts registrations
            model.step()
        registering = sum(c.brand_pending for c in model.coops)
        spent = -model.world.flows["brand_registration"]
        assert registering > 0
        assert spent == pytest.approx(registering * model.params.brand_cost * (1 - support))


def test_network_figure_renders():
    import matplotlib

    matplotlib.use("Agg")
    from coopsim.presentation.plots import plot_network

    model = small_model(seed=5, scale=0.15, linkage_promotion=0.6)
    for _ in range(24):
        model.step()
    fig = plot_network(model.network(include_ended=True))
    ax = fig.axes[0]
    assert ax.get_title().startswith("Value-chain network")
    assert ax.get_legend() is not None
    assert len(ax.collections) >= 2                        # cooperatives and businesses
    assert len(ax.patches) + len(ax.collections) > 2        # and the contract edges


def test_link_metrics_agree_with_networkx():
    from coopsim.model.network import link_metrics

    model = small_model(seed=6, scale=0.2, linkage_promotion=1.0)
    for _ in range(18):
        model.step()
    operating = np.array([c.status == COOP_ACTIVE for c in model.coops])
    fast = link_metrics(len(model.coops), len(model.businesses), model.value_chain.active,
                        operating)
    slow = network_metrics(model.network())
    assert model.value_chain.active
    for key in ("largest_component", "coop_degree_mean", "coop_degree_max",
                "coops_with_degree_1", "coops_with_degree_2", "coops_with_degree_4plus"):
        assert fast[key] == pytest.approx(slow[key]), key
    assert slow["coops_linked_share"] == pytest.approx(model.metrics["linked_share"])


def test_link_metrics_of_a_province_where_no_cooperative_operates():
    """A tiny province can end a year with every cooperative dissolved or inactive:
    the degree figures are 0, not an error (found by a calibration check at scale 0.02)."""
    from coopsim.model.network import link_metrics

    fig = link_metrics(3, 2, [], np.zeros(3, bool))
    assert fig["coop_degree_mean"] == 0.0 and fig["coop_degree_max"] == 0
    assert fig["largest_component"] == 0 and fig["coops_with_degree_1"] == 0
