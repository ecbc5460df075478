"""Where and for whom: the district and start-income quintile tables add up to the
province's figures, keep their groups fixed, and reach run outputs and comparisons."""

import numpy as np
import pandas as pd
import pytest

from coopsim.model.coop_model import CoopModel
from coopsim.model.outcomes import DISTRICT_OUTCOMES, QUINTILE_OUTCOMES
from coopsim.model.where import start_quintiles
from coopsim.policy.runner import run
from coopsim.policy.scenarios import load_scenario


@pytest.fixture(scope="module")
def model():
    m = CoopModel(seed=3, scale=0.05, snapshot_every=0, policy=load_scenario(
        "directive27").policy())
    q0 = m.start_quintile.copy()
    for _ in range(36):
        m.step()
    assert np.array_equal(q0, m.start_quintile)  # the groups never move
    return m


def test_district_rows_add_up_to_the_provinces_figures(model):
    d = model.datacollector.get_table_dataframe("districts")
    y = model.datacollector.get_table_dataframe("yearly").set_index("year")
    assert list(d.columns) == list(DISTRICT_OUTCOMES)
    sums = d.groupby("year")[["n_weak", "n_rated", "n_live", "members", "links_active",
                              "n_good", "households"]].sum()
    for col in ("n_weak", "n_rated", "n_live", "members", "links_active", "n_good"):
        assert (sums[col] == y.loc[sums.index, col]).all(), col
    assert (sums.households == len(model.households)).all()
    last = d[d.year == d.year.max()]
    with np.errstate(invalid="ignore"):
        assert np.allclose(last.weak_share, last.n_weak / last.n_rated, equal_nan=True)


def test_quintile_rows_split_the_households_into_fifths_and_add_up(model):
    q = model.datacollector.get_table_dataframe("quintiles")
    y = model.datacollector.get_table_dataframe("yearly").set_index("year")
    assert list(q.columns) == list(QUINTILE_OUTCOMES)
    n = len(model.households)
    assert (q.households.between(0.19 * n, 0.21 * n)).all()
    members = q.groupby("year").members.sum()
    assert (members == y.loc[members.index, "members"]).all()
    last = q[q.year == q.year.max()].sort_values("quintile")
    assert last.income_mean.is_monotonic_increasing  # the groups stay ordered by income


def test_start_quintiles_are_fifths_by_income():
    income = np.arange(100, dtype=float)
    q = start_quintiles(income)
    assert np.bincount(q)[1:].tolist() == [20] * 5
    assert q[0] == 1 and q[-1] == 5 and (np.diff(q) >= 0).all()


def test_the_same_seed_gives_the_same_quintile_groups_under_every_scenario():
    a = CoopModel(seed=9, scale=0.05, snapshot_every=0)
    b = CoopModel(seed=9, scale=0.05, snapshot_every=0,
                  policy=load_scenario("directive27").policy())
    assert np.array_equal(a.start_quintile, b.start_quintile)


def test_a_run_writes_the_district_and_quintile_tables(tmp_path):
    res = run("directive27", {"scale": 0.05, "snapshot_every": 0}, seed=1, years=2)
    files = res.write(tmp_path / "r")
    districts = pd.read_csv(files["districts"])
    assert districts.year.nunique() == 2 and districts.district.nunique() == 8
    assert set(pd.read_csv(files["income_quintiles"]).quintile) == {1, 2, 3, 4, 5}


def test_compare_writes_district_and_quintile_means_per_scenario(tmp_path):
    from coopsim.experiment.compare import compare

    out = tmp_path / "c"
    compare(["baseline", "directive27"], out, reps=2, years=1, master_seed=2,
            overrides={"scale": 0.05, "snapshot_every": 0})
    d = pd.read_csv(out / "districts.csv")
    assert set(d.scenario) == {"baseline", "directive27"}
    assert (d.n == 2).all() and {"weak_share_mean", "weak_share_sd",
                                 "linked_share_mean", "members_mean"} <= set(d.columns)
    stored = pd.read_csv(out / "runs_yearly.csv")
    for scen, rows in d.groupby("scenario"):
        mean_members = stored[stored.scenario == scen].members.mean()
        assert rows.members_mean.sum() == pytest.approx(mean_members)
    q = pd.read_csv(out / "income_quintiles.csv")
    assert len(q) == 2 * 5 and {"membership_rate_mean", "income_member_mean"} <= set(q)
