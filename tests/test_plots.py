"""Every picture renders with the Agg backend: non-empty, titled, labelled, with a legend."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from coopsim.experiment.stats import ensemble_summary  # noqa: E402
from coopsim.policy.runner import run  # noqa: E402
from coopsim.presentation import plots  # noqa: E402


@pytest.fixture(scope="module")
def runs():
    out = {}
    for scenario in ("baseline", "directive27"):
        results = [run(scenario, {"scale": 0.05, "linkage_promotion": 0.8}, seed=s, years=3)
                   for s in (1, 2)]
        out[scenario] = results
    return out


def _check(fig, legend=True):
    ax = fig.axes[0]
    assert ax.get_title()
    assert ax.get_xlabel() or ax.get_ylabel()
    assert ax.has_data() or ax.collections or ax.patches
    if legend:
        assert ax.get_legend() is not None
    fig.canvas.draw()
    assert np.asarray(fig.canvas.buffer_rgba()).std() > 0  # not a blank canvas
    matplotlib.pyplot.close(fig)


def test_class_shares_single_run_and_bands(runs):
    _check(plots.plot_class_shares(runs["baseline"][0].yearly))
    yearly = pd.concat([r.yearly.assign(run_id=i) for i, r in enumerate(runs["baseline"])])
    _check(plots.plot_class_share_bands(yearly))


def test_scenario_comparison_pictures(runs):
    rows = []
    for name, results in runs.items():
        for i, r in enumerate(results):
            last = r.yearly.iloc[-1]
            rows.append({"scenario": name, "rep": i, "weak_share": last.weak_share,
                         "linked_share": last.linked_share,
                         "budget_spent_total": r.yearly.budget_spent.sum(),
                         "weak_avoided": 0.0})
    summary = ensemble_summary(pd.DataFrame(rows), "scenario",
                               ["weak_share", "linked_share", "budget_spent_total",
                                "weak_avoided"])
    _check(plots.plot_final_comparison(summary))
    _check(plots.plot_cost_effectiveness(summary), legend=False)
    yearly = pd.concat([r.yearly.assign(scenario=n) for n, rs in runs.items() for r in rs])
    bands = ensemble_summary(yearly, ["scenario", "year"], ["weak_share"])
    _check(plots.plot_scenario_bands(bands, list(runs)))


def test_network_life_line_fit_and_sensitivity(runs):
    from coopsim import CoopModel

    model = CoopModel(seed=5, scale=0.1, linkage_promotion=0.8)
    for _ in range(18):
        model.step()
    _check(plots.plot_network(model.network(include_ended=True)))
    r = runs["directive27"][0]
    coop = int(r.contracts.coop.iloc[0]) if len(r.contracts) else int(r.coop_years.coop.iloc[0])
    _check(plots.plot_life_line(r.coop_years, r.contracts, coop))
    targets = pd.DataFrame({"figure": ["weak_share", "linked_share"], "low": [0.11, 0.05],
                            "high": [0.16, 0.15]})
    simulated = pd.DataFrame({"figure": ["weak_share"] * 2 + ["linked_share"] * 2,
                              "value": [0.12, 0.2, 0.08, 0.1]})
    _check(plots.plot_fit(targets, simulated))
    indices = pd.DataFrame({"parameter": ["a", "b"], "S1": [0.3, 0.5], "S1_conf": [0.05, 0.05],
                            "ST": [0.4, 0.6], "ST_conf": [0.05, 0.05]})
    _check(plots.plot_sensitivity(indices, "sobol"))
