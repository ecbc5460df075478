"""Generate the notebooks in notebooks/ from the cell sources written below.

The notebooks are reviewed as code: edit the cells here, then run

    python scripts/make_notebooks.py          # (re)write notebooks/*.ipynb, without outputs
    python scripts/make_notebooks.py --check  # exit 1 if a committed notebook is stale

and commit this script and the notebooks together. ``tests/test_notebooks.py`` runs
every notebook top to bottom and checks that the committed files equal what this
script generates. Cell ids are fixed (``c00``, ``c01``...), so regenerating an
unchanged notebook gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                   "name": "python3"},
    "language_info": {"name": "python"},
}


def md(text: str) -> tuple[str, str]:
    return "markdown", text


def code(text: str) -> tuple[str, str]:
    return "code", text


# ---------------------------------------------------------------------------------------
# 01 getting started
# ---------------------------------------------------------------------------------------
NB01 = [
    md("""
    # 01 Getting started

    One run of the default province (a Quang Binh-like province from January 2018),
    then a look inside the model: one cooperative, its score under the official
    classification, its member households and its value-chain contracts.

    Runs are small here (`scale` 0.1 keeps a tenth of the communes, whole, at full
    density) so the notebook takes seconds. Outputs go to a temporary folder. Eight
    uncertain parameters are calibrated to 2018-2019 figures, the rest are set by hand,
    and several figures are still missed (notebook 04 and `docs/ODD.md`, section 8):
    read the figures as what the model does, not as forecasts.
    """),
    code(r'''
    %matplotlib inline
    import tempfile
    from pathlib import Path

    import numpy as np
    import pandas as pd

    from coopsim import CoopModel
    from coopsim.presentation.plots import plot_class_shares
    from coopsim.policy.runner import run
    from coopsim.model.scoring import CLASS_THRESHOLDS

    pd.set_option("display.width", 120)
    pd.set_option("display.max_columns", 20)
    tmp = tempfile.TemporaryDirectory(prefix="coopsim-01-")
    OUT = Path(tmp.name)  # everything this notebook writes goes here
    SCALE, YEARS, SEED = 0.1, 10, 1
    '''),
    md("""
    ## One run with `run()`

    `run(scenario, overrides, seed, years, province)` validates its inputs, builds the
    model, steps it month by month and returns a `RunResult` of tidy tables. The
    `baseline` scenario has no policy measures; `overrides` sets parameters (here only
    the scale); the same seed always gives the same tables.
    """),
    code(r'''
    result = run("baseline", overrides={"scale": SCALE}, seed=SEED, years=YEARS)
    prov = result.provenance
    print(f"{prov['households']:,} households simulated (scale {SCALE} of "
          f"{prov['province']['name']}), {YEARS} years in {prov['wall_seconds']} s")
    result.yearly[["year", "n_good", "n_fair", "n_average", "n_weak", "weak_share",
                   "n_active", "members", "membership_rate", "links_active",
                   "linked_share"]].round(3)
    '''),
    md("""
    The yearly table has one row per year, taken after the December rating. The other
    tables: `monthly` (one row per month), `coop_years` (one row per live cooperative
    and year), `contracts` (every value-chain contract), `spending` and `lever_figures`
    (what the policy levers spent and did: empty in the baseline, which has none), and
    `provenance` (versions, seed, all parameters, the province's digest).
    `RunResult.write()` saves them (CSV files, `provenance.json` and the household
    snapshots).
    """),
    code(r'''
    for name in ("monthly", "yearly", "coop_years", "contracts", "spending", "lever_figures"):
        table = getattr(result, name)
        print(f"{name:14} {table.shape[0]:5} rows x {table.shape[1]:3} columns")
    written = result.write(OUT / "run")
    print("written:", ", ".join(sorted(p.name for p in written.values())))
    '''),
    code(r'''
    plot_class_shares(result.yearly, title=f"Baseline, scale {SCALE}, seed {SEED}");
    '''),
    md("""
    ## Stepping the model yourself

    `CoopModel` is a `mesa.Model`; `run()` builds one from the same keyword arguments
    and calls `step()` once per month. Building it with the same seed and parameters
    and stepping it by hand gives the same run, with every agent open to inspection.
    """),
    code(r'''
    model = CoopModel(seed=SEED, scale=SCALE)
    for _ in range(12 * YEARS):
        model.step()
    yearly = model.datacollector.get_table_dataframe("yearly")
    print(f"stepped to {model.year}-{model.month:02d}: {len(model.households):,} households, "
          f"{len(model.coops)} cooperatives ever created, {len(model.live_coops())} live")
    print("same yearly table as run():", yearly.equals(result.yearly[yearly.columns]))
    '''),
    md("""
    ## A cooperative

    `model.coops` holds every cooperative ever created (Mesa agents, indexed by
    `coop.idx`), dissolved and merged ones included; `model.live_coops()` the active and
    inactive ones. We pick the live, rated cooperative with the most contracts.
    """),
    code(r'''
    contracts = pd.DataFrame([c.to_dict() for c in model.value_chain.contracts])
    n_contracts = contracts.groupby("coop").size()
    rated = [c for c in model.live_coops() if c.coop_class is not None]
    coop = max(rated, key=lambda c: (n_contracts.get(c.idx, 0), c.members))
    print(coop)
    province = model.province
    pd.Series({
        "district": province.districts[coop.district].name,
        "commune (index in this run)": coop.commune,
        "product": province.product_names[coop.product],
        "status": coop.status,
        "age (months)": coop.age_months,
        "members": coop.members,
        "manager competence (0-1)": round(coop.competence, 3),
        "manager qualification (0-2)": coop.qualification,
        "cash (m VND)": round(coop.cash, 1),
        "assets (m VND)": round(coop.assets, 1),
        "debt (m VND)": round(coop.debt, 1),
        "revenue, last 12 months (m VND)": round(coop.revenue_12m, 1),
        "profit, last 12 months (m VND)": round(coop.profit_12m, 1),
        "trademark": coop.has_brand,
        "OCOP stars": coop.ocop_stars,
        "class at the last rating": coop.coop_class.label,
    }, name=f"cooperative {coop.idx}").to_frame()
    '''),
    md("""
    ### Its score

    Every December, cooperatives of 12 months or more are scored under the circular in
    force (Circular 09/2017 for 2018-2019, Circular 01/2020 from 2020) and classed good
    (80 points or more), fair (65), average (50) or weak (below 50, or sanctioned in the
    year). `coop.last_score` keeps the points of each criterion.
    """),
    code(r'''
    score = coop.last_score
    criteria = pd.Series(score.criteria, name="points")
    print(f"rated {model.year} under Circular {score.regime}: {score.total:.1f} points "
          f"(criteria sum {criteria.sum():.1f}) -> {score.coop_class.label}")
    print("class thresholds:", {k.label: v for k, v in CLASS_THRESHOLDS.items()})
    criteria.round(2).to_frame()
    '''),
    code(r'''
    coop_years = model.datacollector.get_table_dataframe("coop_years")
    coop_years.loc[coop_years.coop == coop.idx,
                   ["year", "regime", "members", "revenue", "profit", "score", "coop_class",
                    "competence", "debt"]].round(2)
    '''),
    md("""
    ## Its members

    Households are not Mesa agents but rows of one structure of arrays
    (`model.households`, vectorised for speed). `households.members_of(idx)` gives the
    rows of a cooperative's members and `households[i]` a read-only `Household` view of
    one row. For many households at once, index the arrays directly.
    """),
    code(r'''
    hh = model.households
    members = hh.members_of(coop.idx)
    first = hh[members[0]]
    print(f"{len(members)} member households; the first: {first}")
    print("its net income by calendar month (m VND):", np.round(first.income, 2))
    print(f"awareness {first.awareness:.2f}, trust {first.trust:.2f}, loyalty "
          f"{first.loyalty:.3f}, capital contributed {first.capital:.1f} m VND")
    '''),
    code(r'''
    local = np.flatnonzero(hh.cell == coop.cell)  # its commune, its product
    print(f"members are {len(members) / len(local):.0%} of the {len(local)} households with "
          f"its product in its commune")
    outsiders = np.flatnonzero((hh.product == coop.product) & (hh.coop < 0))
    pd.DataFrame({
        "members": [len(members), hh.income12[members].mean(), hh.awareness[members].mean(),
                    hh.trust[members].mean(), hh.cash[members].mean()],
        "non-members with the same product (all communes)": [
            len(outsiders), hh.income12[outsiders].mean(), hh.awareness[outsiders].mean(),
            hh.trust[outsiders].mean(), hh.cash[outsiders].mean()],
    }, index=["households", "mean income, last 12 months (m VND)", "mean awareness",
              "mean trust", "mean cash (m VND)"]).round(2)
    '''),
    md("""
    ## Its contracts

    A value-chain link is a `Contract` between a cooperative and a business (processor,
    exporter, trader or retailer), with a price rule, a monthly volume, a duration and a
    record of deliveries and payments. `start` and `end` are model steps: step 12 is
    December 2018, and a negative start means the contract was already running when the
    simulation began.
    """),
    code(r'''
    kinds = {b.idx: b.kind for b in model.businesses}
    mine = contracts[contracts.coop == coop.idx].assign(kind=lambda d: d.business.map(kinds))
    print(f"cooperative {coop.idx}: {len(mine)} contracts; all {len(contracts)} contracts of "
          f"the run by status: {contracts.status.value_counts().to_dict()}")
    mine[["id", "business", "kind", "price_rule", "price", "volume", "start", "duration",
          "renewal_of", "deliveries_made", "deliveries_missed", "payments_late", "status",
          "end"]].round(3)
    '''),
    md("""
    ## Where next

    * `02_comparing_policies`: the directive's measures against the baseline, with
      replications and intervals.
    * `03_value_chains`: how the network of contracts grows and who gets linked.
    * `04_sensitivity_and_calibration`: which parameters matter, and how the defaults
      were calibrated.
    * `05_bring_your_own_province`: run the model on your own province file.
    """),
    code(r'''
    tmp.cleanup()
    '''),
]

# ---------------------------------------------------------------------------------------
# 02 comparing policies
# ---------------------------------------------------------------------------------------
NB02 = [
    md("""
    # 02 Comparing policies

    The baseline (no measures) against the whole package of Directive 27-CT/TU and two
    of its levers alone, each run over the same replication seeds. Scenarios run with the
    same seed face the same prices and harvests (common random numbers), so differences
    can be paired replication by replication.

    Every lever's effect size and unit cost and the directive's budget are assumptions
    (`docs/ODD.md`, sections 7.33-7.41 and 9), and the baseline's calibration misses
    several figures (section 8): this notebook shows how to compare policies, not what
    the directive achieved. The runs are small (scale 0.1, 10 replications); a study would use
    `coopsim compare ... --reps 30` at full scale.
    """),
    code(r'''
    %matplotlib inline
    import tempfile
    import time
    from pathlib import Path

    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
    from scipy import stats

    from coopsim.experiment import ProcessExecutor
    from coopsim.experiment.compare import compare
    from coopsim.presentation.report import write_comparison_report
    from coopsim.experiment.stats import ensemble_summary, paired_difference, replications_needed
    from coopsim.presentation.plots import (plot_cost_effectiveness, plot_final_comparison,
                                            plot_scenario_bands)
    from coopsim.policy.scenarios import load_scenario

    pd.set_option("display.width", 140)
    pd.set_option("display.max_colwidth", 70)
    tmp = tempfile.TemporaryDirectory(prefix="coopsim-02-")
    OUT = Path(tmp.name) / "comparison"
    SCENARIOS = ["baseline", "directive27", "only_credit_access", "only_linkage_promotion"]
    SCALE, REPS, YEARS, SEED = 0.1, 10, 10, 2018
    '''),
    md("""
    ## The scenarios

    A scenario is a TOML file: a yearly budget (m VND at full scale, scaled with the
    simulated share of households), the levers with their schedules and budget shares,
    and the external conditions. `coopsim scenarios` lists the shipped ones.
    """),
    code(r'''
    rows = []
    for name in SCENARIOS:
        s = load_scenario(name)
        rows.append({"scenario": name, "budget (m VND/yr, full scale)": s.budget,
                     "levers": ", ".join(lv.name for lv in s.levers) or "none",
                     "description": s.description})
    pd.DataFrame(rows).set_index("scenario")
    '''),
    md("""
    ## Run the comparison

    `compare()` runs every scenario over the same `REPS` replication seeds (derived from
    `master_seed`) on the experiment engine, here with two local worker processes, and
    writes a resumable SQLite store and CSV tables into the output folder;
    `write_comparison_report()` adds the figures and a one-page `report.md`, as
    `coopsim compare` does.
    """),
    code(r'''
    t0 = time.perf_counter()
    comparison = compare(SCENARIOS, OUT, reps=REPS, years=YEARS, master_seed=SEED,
                         overrides={"scale": SCALE}, executor=ProcessExecutor(workers=2))
    comparison.files.update(write_comparison_report(comparison, OUT))
    print(f"{len(comparison.runs)} runs in {time.perf_counter() - t0:.1f} s; written to "
          f"{OUT.name}/:", ", ".join(sorted(p.name for p in comparison.files.values())))
    %matplotlib inline
    '''),
    md("""
    ## Summary with intervals

    Final-year figures per scenario: mean and 95% t-interval of the mean across
    replications. Members and budget are counts and money at the simulated scale. The
    cost per weak cooperative avoided divides the budget by the weak cooperatives
    avoided against the baseline (n/a when none are avoided on average).
    """),
    code(r'''
    s = comparison.summary.set_index("scenario")


    def interval(figure, factor=1.0, fmt="{:.1f}"):
        """'mean [lo, hi]' of a figure per scenario, times ``factor``."""
        cols = [s[f"{figure}_{k}"] * factor for k in ("mean", "lo", "hi")]
        return [f"{fmt.format(m)} [{fmt.format(lo)}, {fmt.format(hi)}]"
                for m, lo, hi in zip(*cols, strict=True)]


    table = pd.DataFrame({
        "weak share (%)": interval("weak_share", 100),
        "good+fair share (%)": interval("good_fair_share", 100),
        "linked share (%)": interval("linked_share", 100),
        "members": interval("members", fmt="{:,.0f}"),
        "budget spent (m VND)": interval("budget_spent_total", fmt="{:,.0f}"),
    }, index=s.index)
    table["cost per weak coop avoided (m VND)"] = [
        "n/a" if pd.isna(v) else f"{v:,.0f}" for v in s.cost_per_weak_avoided]
    table
    '''),
    code(r'''
    bands = ensemble_summary(comparison.yearly, ["scenario", "year"],
                             ["weak_share", "good_fair_share", "linked_share"])
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.2), layout="constrained")
    for ax, value in zip(axes, ["weak_share", "good_fair_share", "linked_share"], strict=True):
        plot_scenario_bands(bands, SCENARIOS, value, ax=ax)
    '''),
    code(r'''
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.4), layout="constrained")
    plot_final_comparison(comparison.summary, ax=axes[0])
    plot_cost_effectiveness(comparison.summary, ax=axes[1]);
    '''),
    md("""
    ## Paired differences

    Because replication *r* of every scenario used the same seed, `compare()` tests each
    scenario against the first one pair by pair (`coopsim.experiment.stats.
    paired_difference`): the mean difference (scenario minus baseline) with its 95%
    t-interval, a paired t-test and a Wilcoxon signed-rank test.
    """),
    code(r'''
    shown = ["weak_share", "good_fair_share", "linked_share", "members"]
    d = comparison.differences
    d[d.figure.isin(shown)].set_index(["scenario", "figure"])[
        ["n", "mean_diff", "lo", "hi", "p_ttest", "p_wilcoxon"]].round(4)
    '''),
    md("""
    Why pair: replication *r* of two scenarios starts from the same households and
    faces the same prices and harvests, so the more the paired runs are correlated, the
    narrower the paired interval is than an unpaired one from the same runs (once the
    measures act, the runs' random draws diverge and the correlation weakens). Below,
    both intervals for the directive's effect on the final weak share, the correlation,
    and how many replications a paired comparison would need for a half-width of 2
    percentage points.
    """),
    code(r'''
    runs = comparison.runs.set_index(["scenario", "rep"]).sort_index()
    a = runs.loc["baseline", "weak_share"].to_numpy(float)
    b = runs.loc["directive27", "weak_share"].to_numpy(float)
    paired = paired_difference(a, b)
    welch = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    print(f"directive27 - baseline, final weak share: {100 * paired['mean_diff']:+.1f} points")
    print(f"  paired 95% interval   [{100 * paired['lo']:+.1f}, {100 * paired['hi']:+.1f}]")
    print(f"  unpaired 95% interval [{100 * welch.low:+.1f}, {100 * welch.high:+.1f}]")
    print(f"  correlation of the paired runs: {np.corrcoef(a, b)[0, 1]:.2f}")
    print("  replications for a +/-2-point paired interval:",
          replications_needed(b - a, half_width=0.02))
    '''),
    code(r'''
    tmp.cleanup()
    '''),
]

# ---------------------------------------------------------------------------------------
# 03 value chains
# ---------------------------------------------------------------------------------------
NB03 = [
    md("""
    # 03 Value chains

    Businesses (processors, exporters, traders, retailers) look for cooperative
    suppliers; a link is a `Contract` that completes, is breached by either side, ends
    when a party exits, and may be renewed. This notebook follows the network of
    contracts over a decade, draws it, and asks which cooperatives get linked.

    All runs are baselines of the default province at scale 0.3; the value-chain
    parameters are assumed (`docs/ODD.md`, 7.23-7.30), so the patterns below describe
    the model's rules, not the province.
    """),
    code(r'''
    %matplotlib inline
    import tempfile
    from pathlib import Path

    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from coopsim import CoopModel
    from coopsim.model.network import business_node, network_metrics, write_network
    from coopsim.presentation.plots import plot_network
    from coopsim.policy.runner import run

    pd.set_option("display.width", 140)
    tmp = tempfile.TemporaryDirectory(prefix="coopsim-03-")
    OUT = Path(tmp.name)
    SCALE, YEARS = 0.3, 10
    '''),
    md("""
    ## Network growth over time

    `run(..., network=True)` also returns the final network (a networkx `MultiGraph`
    with every contract ever made as an edge; its `status` says which still run). The
    yearly table counts active contracts (`links_active`), the share of active
    cooperatives holding one (`linked_share`), contracts formed and ended in the year,
    the share of businesses with a cooperative supplier and the largest connected group.
    """),
    code(r'''
    result = run("baseline", overrides={"scale": SCALE}, seed=1, years=YEARS, network=True)
    growth = result.yearly[["year", "n_active", "links_active", "linked_share", "links_formed",
                            "links_ended", "businesses_linked_share", "largest_component",
                            "coop_degree_mean", "coop_degree_max"]]
    growth.round(3)
    '''),
    code(r'''
    monthly = result.monthly
    when = monthly.year + (monthly.month - 1) / 12
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 3.8), layout="constrained")
    ax1.plot(when, monthly.links_active, label="active contracts (monthly)")
    ax1.bar(growth.year + 0.5, growth.links_formed, width=0.35, alpha=0.5,
            label="formed in the year")
    ax1.set(xlabel="year", ylabel="contracts", title="Contracts")
    ax1.legend(frameon=False)
    ax2.plot(growth.year, 100 * growth.linked_share, marker="o",
             label="active cooperatives with a contract")
    ax2.plot(growth.year, 100 * growth.businesses_linked_share, marker="s",
             label="businesses with a cooperative supplier")
    ax2.set(xlabel="year (December)", ylabel="%", ylim=(0, None), title="Linked shares")
    ax2.legend(frameon=False);
    '''),
    md("""
    How the run's contracts ended, by the kind of business (a renewal is a new contract
    that follows a completed one):
    """),
    code(r'''
    c = result.contracts.copy()
    c["kind"] = [result.network.nodes[business_node(b)]["kind"] for b in c.business]
    print(f"{len(c)} contracts, of which renewals {c.renewal_of.notna().mean():.0%} and "
          f"formed with linkage support {c.supported.mean():.0%}")
    path = write_network(result.network, OUT / "network.graphml")
    print(f"network written to {path.name} ({path.stat().st_size:,} bytes)")
    pd.crosstab(c.kind, c.status, margins=True)
    '''),
    md("""
    ## The network at a step

    `model.network(step)` rebuilds the contracts that ran at an earlier step, but its
    nodes carry the agents' attributes *now* (class, status). To draw the network as it
    was, with each cooperative's class at the time, draw it while stepping. Below: the
    same run (seed 1) at the end of its fifth and tenth year. Cooperatives are circles
    coloured by class, businesses squares coloured by kind; unlinked nodes are left out.
    """),
    code(r'''
    model = CoopModel(seed=1, scale=SCALE)  # the run above, stepped by hand
    fig, axes = plt.subplots(1, 2, figsize=(16, 6.5), layout="constrained")
    metrics = {}
    for ax, until in zip(axes, (12 * YEARS // 2, 12 * YEARS), strict=True):
        while model.steps < until:
            model.step()
        graph = model.network()  # contracts running now
        metrics[f"{model.year}-{model.month:02d}"] = network_metrics(graph)
        plot_network(graph, ax=ax, title=f"Active contracts, December {model.year}")
    pd.DataFrame(metrics).round(3)
    '''),
    code(r'''
    past = model.network(step=24)  # December 2019, rebuilt from the contracts' records
    print(f"contracts running at step 24: {past.number_of_edges()}; "
          f"links_active in the 2019 row: {growth.set_index('year').links_active[2019]}")
    '''),
    md("""
    ## Which cooperatives get linked?

    A business that needs supply ranks the open cooperatives of its product by fit
    (class, trust, trademark and OCOP stars weighed by its kind, manager competence
    against the quality it requires, a penalty for another district, noise). A
    cooperative refuses volume beyond what its members recently sold it, a price below
    its own resale price less the value of a secure outlet, or a business it distrusts
    (`docs/ODD.md`, 7.24). The tables below ask the simulated
    data which traits go with getting a contract, as an analyst would ask survey data.

    The unit is a cooperative-year: an active, rated cooperative without a running
    contract at a December rating (2018-2026), with its figures at that rating; the
    outcome is whether it signs a new contract (not a renewal) in the next 12 months.
    Trademarks and OCOP stars are not in `coop_years`, so we step the model and read
    them from the agents every December. Three seeds are pooled.
    """),
    code(r'''
    SEEDS = (1, 2, 3)


    def coop_year_panel(seed):
        """Every rated, active cooperative at each December, with its contract status."""
        model = CoopModel(seed=seed, scale=SCALE)
        agents = []
        for _ in range(12 * YEARS):
            model.step()
            if model.month == 12:  # after the rating, dissolutions and the brand year
                agents += [{"year": model.year, "step": model.steps, "coop": c.idx,
                            "status_now": c.status, "has_brand": c.has_brand,
                            "ocop_stars": c.ocop_stars} for c in model.coops]
        years = model.datacollector.get_table_dataframe("coop_years").drop(
            columns=["has_brand", "ocop_stars"])  # taken after the December brand year below
        panel = years.merge(pd.DataFrame(agents), on=["year", "coop"])
        panel = panel[(panel.status_now == "active") & panel.coop_class.notna()]
        contracts = pd.DataFrame([k.to_dict() for k in model.value_chain.contracts])

        def linked(row):
            """Linked at the rating; a new contract (not a renewal) within 12 months."""
            k = contracts[contracts.coop == row.coop]
            now = (k.start <= row.step) & (k.end.isna() | (k.end > row.step))
            new = (k.start > row.step) & (k.start <= row.step + 12) & k.renewal_of.isna()
            return pd.Series({"linked_now": now.any(), "new_contract": new.any()})

        return panel.join(panel.apply(linked, axis=1)).assign(seed=seed)


    panel = pd.concat([coop_year_panel(seed) for seed in SEEDS], ignore_index=True)
    at_risk = panel[~panel.linked_now & (panel.year < panel.year.max())].copy()
    at_risk["coop_class"] = pd.Categorical(at_risk.coop_class,
                                           ["good", "fair", "average", "weak"], ordered=True)
    print(f"{len(panel)} cooperative-years; {panel.linked_now.mean():.0%} held a contract at "
          f"the rating. Without one: {len(at_risk)}, of which {int(at_risk.new_contract.sum())} "
          f"signed a new contract within a year ({at_risk.new_contract.mean():.1%}).")
    '''),
    code(r'''
    groups = {
        "class": at_risk.coop_class,
        "trademark": at_risk.has_brand.map({True: "yes", False: "no"}),
        "OCOP product": np.where(at_risk.ocop_stars > 0, "3-5 stars", "none"),
        "manager competence": pd.qcut(at_risk.competence, 3, labels=["low", "mid", "high"]),
        "members": pd.qcut(at_risk.members, 3, labels=["fewest", "middle", "most"]),
        "product": at_risk["product"],
    }
    rates = pd.concat({name: at_risk.groupby(values, observed=True).new_contract.agg(
        ["mean", "size"]) for name, values in groups.items()}, names=["trait", "group"])
    rates.columns = ["share signing a new contract", "cooperative-years"]
    rates.round(3)
    '''),
    md("""
    The same traits side by side for cooperatives that did and did not get a contract
    (the standardised difference divides the gap by the trait's standard deviation), and
    a logistic regression of the outcome on all of them at once, fitted by Newton's
    method in a few lines of numpy. Competence and (log) members are in standard
    deviations, so their odds ratios are per standard deviation.
    """),
    code(r'''
    X = pd.DataFrame({
        "good or fair class": at_risk.coop_class.isin(["good", "fair"]),
        "manager competence": at_risk.competence,
        "members (log)": np.log1p(at_risk.members),
        "trademark": at_risk.has_brand,
        "OCOP product": at_risk.ocop_stars > 0,
        "rice (main product)": at_risk["product"] == "rice",
    }).astype(float)
    y = at_risk.new_contract.to_numpy(float)
    gap = pd.DataFrame({"got a contract": X[y == 1].mean(), "did not": X[y == 0].mean()})
    gap["standardised difference"] = (gap["got a contract"] - gap["did not"]) / X.std()
    gap.round(3)
    '''),
    code(r'''
    def logistic(X, y, iterations=50):
        """Maximum-likelihood logistic regression (Newton-Raphson), as a table."""
        A = np.column_stack([np.ones(len(X)), X.to_numpy(float)])
        beta = np.zeros(A.shape[1])
        for _ in range(iterations):
            p = 1.0 / (1.0 + np.exp(-A @ beta))
            hessian = A.T @ (A * (p * (1.0 - p))[:, None])
            step = np.linalg.solve(hessian, A.T @ (y - p))
            beta += step
            if np.abs(step).max() < 1e-10:
                break
        se = np.sqrt(np.diag(np.linalg.inv(hessian)))
        return pd.DataFrame({"coefficient": beta, "std. error": se, "z": beta / se,
                             "odds ratio": np.exp(beta)}, index=["intercept", *X.columns])


    Z = X.copy()
    for col in ["manager competence", "members (log)"]:
        Z[col] = (Z[col] - Z[col].mean()) / Z[col].std()
    Z = Z.rename(columns={"manager competence": "manager competence (per sd)",
                          "members (log)": "members, log (per sd)"})
    logistic(Z, y).round(3)
    '''),
    md("""
    Read these as associations in simulated data. They recover ingredients of the
    matching rule above, mixed with what goes with them (class and competence move
    together), and the market each product faces: every business buys one product, so
    a cooperative's chances depend on how much demand there is for its product and how
    many cooperatives share it (below, for seed 1 at the end of the run). Cooperative-
    years of the same cooperative are not independent, so the standard errors are too
    small. The real province's answer needs its real contracts; the model's answer
    changes with the assumed value-chain parameters.
    """),
    code(r'''
    names = model.province.product_names
    demand = pd.Series([b.demand for b in model.businesses],
                       index=[names[b.product] for b in model.businesses])
    by_product = pd.DataFrame({
        "live cooperatives": pd.Series([names[c.product] for c in model.live_coops()])
        .value_counts(),
        "businesses": demand.index.value_counts(),
        "business demand (units/month)": demand.groupby(level=0).sum(),
    }).fillna(0)
    by_product["demand per cooperative"] = (by_product["business demand (units/month)"]
                                            / by_product["live cooperatives"].replace(0, np.nan))
    by_product.round(1)
    '''),
    code(r'''
    tmp.cleanup()
    '''),
]

# ---------------------------------------------------------------------------------------
# 04 sensitivity and calibration
# ---------------------------------------------------------------------------------------
NB04 = [
    md("""
    # 04 Sensitivity and calibration

    Part 1 screens a few parameters with the Morris method: which of them move the
    final weak share and linked share most over their ranges. Part 2 shows the
    calibration behind the shipped defaults: the targets, the posterior of the fitted
    parameters and how well the defaults reproduce each target, fitted or held out.

    The Morris study is deliberately tiny (a few trajectories, one replication per
    point, a tenth of the province, 8 years) so that it runs in seconds;
    `coopsim sensitivity` and `coopsim sweep` run real ones.
    """),
    code(r'''
    %matplotlib inline
    import tempfile
    import time
    from pathlib import Path

    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from coopsim.experiment import ProcessExecutor
    from coopsim.presentation.plots import plot_sensitivity
    from coopsim.experiment.sweep import run_sensitivity, sensitivity_design
    from coopsim.world.params import param_specs
    from coopsim.policy.runner import run

    pd.set_option("display.width", 140)
    pd.set_option("display.max_colwidth", 80)
    tmp = tempfile.TemporaryDirectory(prefix="coopsim-04-")
    OUT = Path(tmp.name)
    SCALE, YEARS, TRAJECTORIES = 0.1, 8, 8
    specs = param_specs()
    '''),
    md("""
    ## Part 1: Morris screening

    Each Morris trajectory starts at a random point of a grid over the ranges and moves
    one parameter at a time; the change in the output per step is that parameter's
    elementary effect. `mu*` (mean absolute effect, in output units over the full range)
    ranks influence; `sigma` (their spread) signals non-linearity or interactions. The
    ranges below are screening choices for this example, inside each parameter's
    declared range.
    """),
    code(r'''
    BOUNDS = {
        "credit_access": (0.0, 0.2),
        "handling_turnover": (0.03, 0.12),
        "competence_drift": (-0.01, 0.01),
        "search_rate": (0.01, 0.1),
        "awareness_diffusion": (0.01, 0.1),
    }
    pd.DataFrame({name: {"default": specs[name].default, "from": lo, "to": hi,
                         "unit": specs[name].unit, "meaning": specs[name].doc}
                  for name, (lo, hi) in BOUNDS.items()}).T
    '''),
    code(r'''
    design = sensitivity_design("morris", BOUNDS, n=TRAJECTORIES, fixed={"scale": SCALE},
                                reps=1, master_seed=7, years=YEARS)
    print(f"{len(design.points)} design points ({TRAJECTORIES} trajectories x "
          f"{len(BOUNDS) + 1} points), {design.reps} replication each: "
          f"{len(design.runs())} runs")
    t0 = time.perf_counter()
    indices = run_sensitivity(design, OUT / "morris", executor=ProcessExecutor(workers=2))
    print(f"done in {time.perf_counter() - t0:.1f} s; files:",
          ", ".join(sorted(p.name for p in (OUT / "morris").iterdir())))
    indices.round(4)
    '''),
    md("""
    `run_sensitivity` writes the indices as a table (`indices.csv`); the same indices as
    bars:
    """),
    code(r'''
    fig, axes = plt.subplots(1, 2, figsize=(13, 3.8), layout="constrained")
    for ax, (output, table) in zip(axes, indices.groupby("output", sort=False), strict=True):
        plot_sensitivity(table, "morris", ax=ax,
                         title=f"Morris: final {output.replace('_', ' ')}")
    '''),
    md("""
    With one replication per point, every elementary effect also carries the model's
    own randomness. An elementary effect divides the difference of two single runs by
    the grid step (2/3 of the range with the default 4 levels), so if the two runs'
    noise (standard deviation s) were independent, noise alone would give a `mu*` of
    about 2s / (step x sqrt(pi)), roughly 1.7 s (the shared seed makes it smaller while
    runs stay alike). Below, s across seeds at the defaults, that noise floor, and each
    `mu*` against it: a ratio near 1 is indistinguishable from noise in a study this
    small. More trajectories, replications and a larger scale sharpen the screening.
    """),
    code(r'''
    noise = pd.DataFrame([run(overrides={"scale": SCALE}, seed=seed, years=YEARS)
                          .yearly.iloc[-1][["weak_share", "linked_share"]]
                          for seed in range(1, 9)]).astype(float)
    step = 4 / (2 * (4 - 1))  # Morris grid step with 4 levels, as a share of each range
    floor = 2 * noise.std() / (step * np.sqrt(np.pi))
    print("sd of the final figures across 8 seeds at the defaults:",
          noise.std().round(4).to_dict())
    print("mu* from independent noise alone, about:", floor.round(4).to_dict())
    indices.assign(mu_star_over_noise=indices.mu_star / indices.output.map(floor)).round(3)
    '''),
    md("""
    ## Part 2: the calibration behind the defaults

    Eight uncertain parameters were fitted to 2018-2019 figures from the facts sheet
    (class shares, value-chain linkage, size, revenue, profit, dissolutions, the income
    premium of linked members) with approximate Bayesian computation (APMC) on the
    experiment engine: `coopsim calibrate` with the shipped spec. The shipped defaults
    of those eight are the fitted values, read from the calibration record; the other
    parameters stay as set by hand. Below: the record, the posterior of each fitted
    parameter against its prior, and every target against runs of the fitted defaults
    (the record's own fit report is in `docs/calibration/`).
    """),
    code(r'''
    from coopsim.calibration import load_spec, load_targets
    from coopsim.world.params import CALIBRATION

    record = CALIBRATION
    print(f"method: {record['method']}")
    print(f"seed {record['seed']}, coopsim {record['coopsim']}, {record['date']}, "
          f"{record['runs']} runs; targets {record['targets']['file']} "
          f"(sha256 {record['targets']['sha256'][:12]})")
    posterior = pd.DataFrame(record["posterior"]).set_index("parameter")
    posterior.assign(shipped_default={k: specs[k].default for k in posterior.index}).round(4)
    '''),
    md("""
    `shrinkage` is 1 minus the width of the 90% posterior interval over 90% of the
    prior's: near 0, the targets say little about that parameter; near 1, they pin it
    down. The targets, with the use each is put to (`fit`; `check`, held out; `init`,
    set at initialisation, so no evidence):
    """),
    code(r'''
    targets = load_targets()
    targets.frame()[["figure", "year", "use", "scenario", "low", "value", "high", "unit",
                     "source"]]
    '''),
    md("""
    A quick check of the shipped defaults against every target: a few runs at a fifth
    of the province (the record's report uses 20 at full scale). Each target is run
    under its own scenario: national and other provinces' figures under the baseline,
    Quang Binh's later figures under the directive as implemented.
    """),
    code(r'''
    from coopsim.calibration import Measures
    from coopsim.calibration.report import fit_report
    from coopsim.presentation.plots import plot_fit_report

    spec = load_spec(scale=0.2)
    keys = tuple((t.figure, t.year) for t in targets.targets)
    rows = []
    for scenario in spec.scenarios():
        for seed in (1, 2, 3):
            res = run(scenario, {"scale": 0.2, "snapshot_every": 0}, seed=seed, years=7)
            rows.append({"scenario": scenario, "point": 0, "rep": seed, **Measures(keys)(res)})
    runs = pd.DataFrame(rows)
    report = fit_report(spec, runs)
    fig = plot_fit_report(spec, report, runs)
    report[["figure", "year", "use", "scenario", "low", "high", "mean", "inside"]].round(3)
    '''),
    md("""
    Read the misses as much as the hits: the fit is to proxies and national means, the
    held-out checks (`check`) were not used, and where a mean lies outside its range the
    model does not reproduce that figure (docs/ODD.md, sections 8 and 9, discusses each
    miss). The levers' effect sizes and costs were not calibrated: no figures were found.
    """),
    code(r'''
    tmp.cleanup()
    '''),
]

# ---------------------------------------------------------------------------------------
# 05 bring your own province
# ---------------------------------------------------------------------------------------
NB05 = [
    md("""
    # 05 Bring your own province

    The world a run starts from (districts, communes, households, product mix, the 2018
    cooperative stock, businesses) is a province file in TOML, validated field by field
    when it is read. This notebook saves the default province, edits the file's data,
    loads it back, runs it and compares it with the default. Files go to a temporary
    folder.
    """),
    code(r'''
    %matplotlib inline
    import dataclasses
    import tempfile
    import tomllib
    from pathlib import Path

    import matplotlib.pyplot as plt
    import pandas as pd
    import tomli_w

    from coopsim.presentation.plots import plot_class_shares
    from coopsim.world.province import ProvinceError, default_province, load_province, save_province
    from coopsim.policy.runner import run

    pd.set_option("display.width", 140)
    tmp = tempfile.TemporaryDirectory(prefix="coopsim-05-")
    OUT = Path(tmp.name)
    SCALE, YEARS, SEEDS = 0.2, 10, (1, 2, 3)
    '''),
    md("""
    ## Save the default province

    `save_province` writes a file that `load_province` reads back equal (the CLI's
    `coopsim province --save qb.toml` does the same). Each table names its `source`,
    or says *assumed*.
    """),
    code(r'''
    base = default_province()
    default_file = save_province(base, OUT / "default_province.toml")
    text = default_file.read_text("utf-8")
    print(f"{default_file.name}: {len(text.splitlines())} lines; reads back equal:",
          load_province(default_file) == base)
    print("\n".join(text.splitlines()[:14]))
    '''),
    code(r'''
    data = tomllib.loads(text)
    districts = pd.DataFrame(data["districts"]).set_index("name")
    mix = pd.DataFrame(list(districts.product_mix), index=districts.index)
    districts.drop(columns=["product_mix", "source"]).join(mix)
    '''),
    md("""
    ## Edit it

    Two changes to the file's data, as you would make them in an editor:

    1. the district with the most households loses half of its communes, households and
       2018 cooperatives;
    2. in every district, half of the households growing rice grow aquaculture instead
       (each district's product shares must still sum to 1).

    The business groups (`data["businesses"]`) and the cooperative stock
    (`data["cooperatives"]`) can be edited the same way.
    """),
    code(r'''
    largest = max(data["districts"], key=lambda d: d["households"])
    for key in ("communes", "households", "cooperatives"):
        largest[key] = max(1, largest[key] // 2)
    for district in data["districts"]:
        moved = district["product_mix"]["rice"] / 2
        district["product_mix"]["rice"] -= moved
        district["product_mix"]["aquaculture"] += moved
        district["source"] = "edited in notebook 05 from the default province"
    data["province"]["name"] = "Edited province (notebook 05)"

    my_file = OUT / "my_province.toml"
    my_file.write_text(tomli_w.dumps(data), encoding="utf-8")
    mine = load_province(my_file)
    print(f"halved: {largest['name']}; households {base.households:,} -> {mine.households:,}")
    '''),
    md("""
    A malformed file stops before any work, with a message naming the file, the row and
    the field:
    """),
    code(r'''
    broken = tomllib.loads(my_file.read_text("utf-8"))
    broken["districts"][0]["product_mix"]["rice"] += 0.1
    (OUT / "broken.toml").write_text(tomli_w.dumps(broken), encoding="utf-8")
    try:
        load_province(OUT / "broken.toml")
    except ProvinceError as err:
        print("ProvinceError:", err)
    '''),
    md("""
    The same edit can be made in Python: `Province` and `District` are frozen
    dataclasses, so `dataclasses.replace` builds a changed copy, which `run()` accepts
    directly (save it with `save_province` to keep a file that reproduces the run).
    """),
    code(r'''
    def edited(d):
        """District ``d`` with the two edits made to the file above."""
        m = dict(d.product_mix)
        m["aquaculture"] += m["rice"] / 2
        m["rice"] -= m["rice"] / 2
        changes = {"product_mix": m,
                   "source": "edited in notebook 05 from the default province"}
        if d.name == largest["name"]:
            changes.update({k: max(1, getattr(d, k) // 2)
                            for k in ("communes", "households", "cooperatives")})
        return dataclasses.replace(d, **changes)


    in_python = dataclasses.replace(base, name="Edited province (notebook 05)",
                                    districts=tuple(edited(d) for d in base.districts))
    print("same province as the edited file:", in_python == mine,
          "| same digest:", in_python.digest() == mine.digest())
    '''),
    md("""
    ## Run both and compare

    The same seeds for both provinces, at scale 0.2 (about a fifth of each district's
    communes, whole). `run()` takes a `Province` or a path; the provenance records the
    province's name and digest.
    """),
    code(r'''
    provinces = {"default": base, "edited": my_file}
    results = {(name, seed): run("baseline", overrides={"scale": SCALE}, seed=seed,
                                 years=YEARS, province=prov)
               for name, prov in provinces.items() for seed in SEEDS}
    for name in provinces:
        p = results[name, SEEDS[0]].provenance
        print(f"{name:8} {p['province']['name']!r}: sha256 {p['province']['sha256'][:12]}..., "
              f"{p['households']:,} households simulated (seed {SEEDS[0]})")
    yearly = pd.concat([r.yearly.assign(province=name, seed=seed)
                        for (name, seed), r in results.items()], ignore_index=True)
    '''),
    code(r'''
    final = yearly[yearly.year == yearly.year.max()]
    cols = ["n_active", "members", "membership_rate", "weak_share", "good_fair_share",
            "linked_share", "income_member", "income_nonmember"]
    print(f"final year ({yearly.year.max()}), mean over seeds {SEEDS}:")
    final.groupby("province")[cols].mean().T.round(3)
    '''),
    code(r'''
    last = yearly.year.max()
    products = pd.concat([r.coop_years.query("year == @last and coop_class.notna()")
                          .assign(province=name) for (name, _), r in results.items()])
    print("rated cooperatives in the final year by product (all seeds):")
    pd.crosstab(products["product"], products.province, margins=True)
    '''),
    code(r'''
    fig, axes = plt.subplots(1, 3, figsize=(18, 3.8), layout="constrained")
    for ax, name in zip(axes[:2], provinces, strict=True):
        plot_class_shares(results[name, SEEDS[0]].yearly, ax=ax,
                          title=f"{name} province, seed {SEEDS[0]}")
    means = yearly.groupby(["province", "year"]).linked_share.mean().unstack(0)
    (100 * means).plot(ax=axes[2], marker="o", title="Linked share, mean over seeds")
    axes[2].set(xlabel="year", ylabel="active cooperatives with a contract (%)");
    '''),
    code(r'''
    tmp.cleanup()
    '''),
]

NOTEBOOKS = {
    "01_getting_started.ipynb": NB01,
    "02_comparing_policies.ipynb": NB02,
    "03_value_chains.ipynb": NB03,
    "04_sensitivity_and_calibration.ipynb": NB04,
    "05_bring_your_own_province.ipynb": NB05,
}


def notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook of ``cells`` with fixed cell ids and no outputs."""
    nb = new_notebook(metadata=METADATA)
    for i, (kind, text) in enumerate(cells):
        source = textwrap.dedent(text).strip("\n")
        cell = new_markdown_cell(source) if kind == "markdown" else new_code_cell(source)
        cell.id = f"c{i:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def build() -> dict[str, nbformat.NotebookNode]:
    """Every notebook, by file name."""
    return {name: notebook(cells) for name, cells in NOTEBOOKS.items()}


def render(nb: nbformat.NotebookNode) -> str:
    """The file text of a notebook (what is committed)."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 if a notebook differs from its generated text")
    ap.add_argument("--out", type=Path, default=NOTEBOOK_DIR, help="folder of the notebooks")
    args = ap.parse_args(argv)
    stale = []
    for name, nb in build().items():
        path, text = args.out / name, render(nb)
        current = path.read_text("utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if args.check and stale:
        print("stale (run python scripts/make_notebooks.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
