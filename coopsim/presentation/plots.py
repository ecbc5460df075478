"""Pictures of runs.

Each function takes data and an optional matplotlib ``ax`` and returns the figure;
nothing is shown or saved here (the caller owns paths).
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["CLASS_COLOURS", "EDGE_STATUS_COLOURS", "KIND_COLOURS", "SHARE_LABELS",
           "plot_class_share_bands", "plot_class_shares", "plot_cost_effectiveness",
           "plot_final_comparison", "plot_fit", "plot_fit_report", "plot_life_line",
           "plot_network", "plot_scenario_bands", "plot_sensitivity"]

CLASS_COLOURS = {"good": "#1a9850", "fair": "#91cf60", "average": "#fee08b", "weak": "#d73027"}


def plot_class_shares(yearly: pd.DataFrame, ax: Axes | None = None,
                      title: str = "Cooperatives by official class") -> Figure:
    """Stacked areas of the share of rated cooperatives in each class, by year.

    Args:
        yearly: a run's yearly table (columns ``year`` and ``n_good`` ... ``n_weak``).
        ax: axes to draw on; a new figure is made when omitted.
        title: the axes title.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    counts = yearly[[f"n_{c}" for c in CLASS_COLOURS]].to_numpy(float)
    shares = 100 * counts / counts.sum(axis=1, keepdims=True).clip(min=1)
    ax.stackplot(yearly["year"], shares.T, labels=list(CLASS_COLOURS),
                 colors=list(CLASS_COLOURS.values()), alpha=0.9)
    ax.set(xlabel="year (rating at December)", ylabel="share of rated cooperatives (%)",
           ylim=(0, 100), xlim=(yearly["year"].min(), yearly["year"].max()), title=title)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return ax.figure


KIND_COLOURS = {"processor": "#4575b4", "exporter": "#313695", "trader": "#74add1",
                "retailer": "#abd9e9"}
EDGE_STATUS_COLOURS = {"active": "#333333", "completed": "#999999",
                       "breached_by_coop": "#d73027", "breached_by_business": "#fc8d59",
                       "ended_by_exit": "#bbbbbb"}


def plot_network(graph, ax: Axes | None = None, title: str = "Value-chain network",
                 seed: int = 0) -> Figure:
    """Draw cooperatives (circles, by class) and businesses (squares, by kind).

    Edges are contracts, coloured by status. Nodes without any edge are left out to
    keep the picture readable (the title says how many were).

    Args:
        graph: a network from :func:`coopsim.model.network.build_network`.
        ax: axes to draw on; a new figure is made when omitted.
        title: the axes title.
        seed: seed of the spring layout (the picture is reproducible).
    """
    import networkx as nx
    from matplotlib.lines import Line2D

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6), layout="constrained")
    linked = graph.subgraph([n for n in graph if graph.degree(n) > 0])
    pos = nx.spring_layout(linked, seed=seed)
    coops = [n for n, k in linked.nodes(data="kind") if k == "cooperative"]
    buses = [n for n in linked if n not in set(coops)]
    nx.draw_networkx_nodes(linked, pos, nodelist=coops, ax=ax, node_size=40, node_shape="o",
                           node_color=[CLASS_COLOURS.get(linked.nodes[n]["coop_class"], "#cccccc")
                                       for n in coops])
    nx.draw_networkx_nodes(linked, pos, nodelist=buses, ax=ax, node_size=60, node_shape="s",
                           node_color=[KIND_COLOURS.get(linked.nodes[n]["kind"], "#888888")
                                       for n in buses])
    edges = list(linked.edges(data="status"))
    nx.draw_networkx_edges(linked, pos, ax=ax, edgelist=[(u, v) for u, v, _ in edges],
                           edge_color=[EDGE_STATUS_COLOURS.get(s, "#000000") for *_, s in edges],
                           width=2.0)
    handles = ([Line2D([], [], marker="o", ls="", color=c, label=f"cooperative: {k}")
                for k, c in CLASS_COLOURS.items()]
               + [Line2D([], [], marker="s", ls="", color=c, label=k)
                  for k, c in KIND_COLOURS.items()]
               + [Line2D([], [], color=c, label=f"contract {k}")
                  for k, c in EDGE_STATUS_COLOURS.items()])
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False,
              fontsize="small")
    hidden = graph.number_of_nodes() - linked.number_of_nodes()
    ax.set_title(f"{title}\n({hidden} unlinked nodes not shown)")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("spring layout: positions carry no units; linked nodes sit close")
    return ax.figure


SHARE_LABELS = {"weak_share": "weak cooperatives (% of rated)",
                "good_fair_share": "good + fair cooperatives (% of rated)",
                "linked_share": "active cooperatives with a contract (%)"}


def plot_scenario_bands(bands: pd.DataFrame, scenarios: list[str], value: str = "weak_share",
                        ax: Axes | None = None, title: str | None = None) -> Figure:
    """A share over time per scenario: mean line and 95% band across replications.

    Args:
        bands: output of :func:`coopsim.experiment.stats.ensemble_summary` grouped by
            ``scenario`` and ``year`` (columns ``{value}_mean``, ``_lo``, ``_hi``).
        scenarios: which scenarios, in legend order.
        value: the share to draw.
        ax: axes to draw on; a new figure is made when omitted.
        title: the axes title (default: from ``value``).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
    for name in scenarios:
        b = bands[bands.scenario == name].sort_values("year")
        line, = ax.plot(b.year, 100 * b[f"{value}_mean"], marker="o", ms=3, label=name)
        ax.fill_between(b.year, 100 * b[f"{value}_lo"], 100 * b[f"{value}_hi"],
                        color=line.get_color(), alpha=0.2)
    ax.set(xlabel="year", ylabel=SHARE_LABELS.get(value, value),
           title=title or SHARE_LABELS.get(value, value).split(" (")[0].capitalize()
           + " by scenario (95% band)")
    ax.legend(frameon=False, fontsize="small")
    return ax.figure


def plot_final_comparison(summary: pd.DataFrame, ax: Axes | None = None,
                          values: tuple[str, ...] = ("weak_share", "linked_share"),
                          title: str = "Final-year shares by scenario (mean, 95% interval)"
                          ) -> Figure:
    """Grouped bars of final-year shares per scenario with 95% intervals.

    Args:
        summary: the comparison summary (columns ``scenario``, ``{value}_mean/_lo/_hi``).
        ax: axes to draw on; a new figure is made when omitted.
        values: which shares.
        title: the axes title.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6, 1.2 * len(summary)), 3.8), layout="constrained")
    x = np.arange(len(summary))
    width = 0.8 / len(values)
    for i, v in enumerate(values):
        mean = 100 * summary[f"{v}_mean"].to_numpy(float)
        err = 100 * np.vstack([summary[f"{v}_mean"] - summary[f"{v}_lo"],
                               summary[f"{v}_hi"] - summary[f"{v}_mean"]]).astype(float)
        ax.bar(x + (i - (len(values) - 1) / 2) * width, mean, width, yerr=np.nan_to_num(err),
               capsize=3, label=SHARE_LABELS.get(v, v))
    ax.set_xticks(x, summary.scenario, rotation=20, ha="right")
    ax.set(ylabel="% of cooperatives", title=title)
    ax.legend(frameon=False, fontsize="small")
    return ax.figure


def plot_cost_effectiveness(summary: pd.DataFrame, ax: Axes | None = None,
                            title: str = "Budget spent against weak cooperatives avoided"
                            ) -> Figure:
    """Each scenario's total budget spent against weak cooperatives avoided (vs the first).

    Args:
        summary: the comparison summary (``budget_spent_total_mean``,
            ``weak_avoided_mean`` and their intervals).
        ax: axes to draw on; a new figure is made when omitted.
        title: the axes title.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
    x, y = summary.weak_avoided_mean, summary.budget_spent_total_mean / 1000.0
    xerr = np.nan_to_num(np.vstack([x - summary.weak_avoided_lo,
                                    summary.weak_avoided_hi - x]).astype(float))
    ax.errorbar(x, y, xerr=xerr, fmt="o", capsize=3)
    for xi, yi, name in zip(x, y, summary.scenario, strict=True):
        ax.annotate(name, (xi, yi), textcoords="offset points", xytext=(4, 4),
                    fontsize="small")
    ax.set(xlabel="weak cooperatives avoided (count, vs the first scenario)",
           ylabel="budget spent over the run (bn VND)", title=title)
    ax.axvline(0, color="#999999", lw=0.8)
    return ax.figure


def plot_class_share_bands(yearly: pd.DataFrame, ax: Axes | None = None,
                           title: str = "Cooperatives by class across replications") -> Figure:
    """Stacked mean class shares over runs, with the 95% band of each class boundary.

    Args:
        yearly: yearly rows of several runs (columns ``run_id``, ``year``, ``n_good`` ...
            ``n_weak``), e.g. ``Store.yearly_frame()`` of one scenario.
        ax: axes to draw on; a new figure is made when omitted.
        title: the axes title.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    classes = list(CLASS_COLOURS)
    counts = yearly[[f"n_{c}" for c in classes]].to_numpy(float)
    shares = 100 * counts / counts.sum(axis=1, keepdims=True).clip(min=1)
    cum = pd.DataFrame(np.cumsum(shares, axis=1), columns=classes).assign(year=yearly.year.values)
    grouped = cum.groupby("year")
    mean, lo, hi = grouped.mean(), grouped.quantile(0.025), grouped.quantile(0.975)
    years = mean.index.to_numpy()
    bottom = np.zeros(len(years))
    for c in classes:
        ax.fill_between(years, bottom, mean[c], color=CLASS_COLOURS[c], alpha=0.85, label=c)
        ax.fill_between(years, lo[c], hi[c], color="black", alpha=0.12, lw=0)
        bottom = mean[c].to_numpy()
    ax.set(xlabel="year (rating at December)", ylabel="share of rated cooperatives (%)",
           ylim=(0, 100), title=title)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False,
              title="grey: 95% of runs")
    return ax.figure


def plot_life_line(coop_years: pd.DataFrame, contracts: pd.DataFrame, coop: int,
                   ax: Axes | None = None, title: str | None = None) -> Figure:
    """A cooperative's life: score and class each year, members, and its contracts.

    Args:
        coop_years: a run's ``coop_years`` table; contracts: its ``contracts`` table.
        coop: the cooperative's index.
        ax: axes to draw on (the score); members go on a twin axis.
        title: the axes title (default names the cooperative).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    rows = coop_years[coop_years.coop == coop].sort_values("year")
    ax.plot(rows.year, rows.score, color="#555555", zorder=1)
    for cls, colour in CLASS_COLOURS.items():
        pick = rows[rows.coop_class == cls]
        ax.scatter(pick.year, pick.score, color=colour, s=50, zorder=2, label=cls)
    for level in (50, 65, 80):
        ax.axhline(level, color="#bbbbbb", lw=0.8, ls=":")
    twin = ax.twinx()
    twin.bar(rows.year, rows.members, alpha=0.15, color="#4575b4", label="members")
    own = contracts[contracts.coop == coop] if len(contracts) else contracts
    first_year = int(rows.year.min()) if len(rows) else 2018
    last_step = (int(rows.year.max()) - first_year + 1) * 12 if len(rows) else 0

    def when(step: float) -> float:  # step 1 is January of the first year
        return first_year + (step - 1) / 12.0

    for i, k in enumerate(own.itertuples()):
        end = k.end if pd.notna(k.end) else last_step
        ax.hlines(5 + 3 * (i % 5), when(k.start), when(end), color="#1a9850", lw=3)
    ax.set(xlabel="year", ylabel="score (points; class lines at 50, 65, 80)", ylim=(0, 100),
           title=title or f"Cooperative {coop}: score, class, members and contracts (green)")
    twin.set_ylabel("members")
    ax.legend(loc="upper left", frameon=False, fontsize="small")
    return ax.figure


_USE_COLOURS = {"fit": "#91cf60", "check": "#fdae61", "init": "#cccccc"}


def plot_fit(targets: pd.DataFrame, simulated: pd.DataFrame, ax: Axes | None = None,
             title: str = "Simulated figures against targets") -> Figure:
    """Each target's range against the distribution of its simulated values.

    Values are shown relative to the middle of the target range, so figures in
    different units share one axis. Targets run top to bottom in the given order.

    Args:
        targets: columns ``figure``, ``low``, ``high``; optionally ``value`` (the
            target's central value, drawn as a black tick) and ``use`` (``fit``,
            ``check`` or ``init``: colours the range; default ``fit``).
        simulated: columns ``figure``, ``value`` (one row per run).
        ax: axes to draw on; a new figure is made when omitted.
        title: the axes title.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.42 * len(targets) + 1.5), layout="constrained")
    seen = set()
    for i, t in enumerate(targets.itertuples()):
        mid = (t.low + t.high) / 2 or 1.0
        use = getattr(t, "use", "fit")
        ax.fill_betweenx([i - 0.35, i + 0.35], t.low / mid, t.high / mid,
                         color=_USE_COLOURS.get(use, "#91cf60"), alpha=0.6,
                         label=f"target range ({use})" if use not in seen else None)
        seen.add(use)
        if hasattr(t, "value"):
            ax.plot([t.value / mid] * 2, [i - 0.35, i + 0.35], color="black", lw=1.5)
        vals = simulated.loc[simulated.figure == t.figure, "value"].to_numpy(float) / mid
        if len(vals):
            ax.boxplot(vals, positions=[i], orientation="horizontal", widths=0.5,
                       manage_ticks=False)
    ax.set_yticks(range(len(targets)), targets.figure)
    ax.set_ylim(len(targets) - 0.5, -0.5)
    ax.set(xlabel="value relative to the middle of the target range (black tick: target "
                  "value; boxes: runs)", title=title)
    ax.legend(frameon=False, loc="best", fontsize="small")
    return ax.figure


def plot_sensitivity(indices: pd.DataFrame, kind: str = "sobol", ax: Axes | None = None,
                     title: str | None = None) -> Figure:
    """Horizontal bars of sensitivity indices with their confidence half-widths.

    Args:
        indices: output of :func:`~coopsim.experiment.sensitivity.sobol_indices` or
            :func:`~coopsim.experiment.sensitivity.morris_indices`.
        kind: ``"sobol"`` (S1 and ST bars) or ``"morris"`` (mu* bars).
        ax: axes to draw on; a new figure is made when omitted.
        title: the axes title (a default naming the method when omitted).

    Returns:
        The figure drawn on (nothing is shown or saved).

    Raises:
        ValueError: on an unknown ``kind`` or missing columns.
    """
    cols = {"sobol": ["S1", "S1_conf", "ST", "ST_conf"],
            "morris": ["mu_star", "mu_star_conf"]}.get(kind)
    if cols is None:
        raise ValueError(f"kind must be 'sobol' or 'morris', got {kind!r}")
    missing = [c for c in ["parameter", *cols] if c not in indices.columns]
    if missing:
        raise ValueError(f"indices lack the {kind} columns {missing}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 1.5 + 0.45 * len(indices)), layout="constrained")
    _draw_bars(ax, indices.sort_values(cols[2] if kind == "sobol" else "mu_star"), kind)
    ax.set_title(title or ("Sobol' sensitivity indices" if kind == "sobol"
                           else "Morris screening"))
    ax.legend(loc="best")
    return ax.figure


def _draw_bars(ax: Axes, data: pd.DataFrame, kind: str) -> None:
    """The bars, error bars and axis labels of :func:`plot_sensitivity` (largest on top)."""
    y = np.arange(len(data))
    if kind == "sobol":
        ax.barh(y - 0.2, data.S1, height=0.4, xerr=data.S1_conf, capsize=3,
                color="#4575b4", label="first order (S1)")
        ax.barh(y + 0.2, data.ST, height=0.4, xerr=data.ST_conf, capsize=3,
                color="#d73027", label="total (ST)")
        ax.axvline(0.0, color="black", lw=0.8)
        ax.set_xlabel("index (share of output variance)")
    else:
        ax.barh(y, data.mu_star, height=0.6, xerr=data.mu_star_conf, capsize=3,
                color="#4575b4", label="mu* (95% bootstrap interval)")
        ax.set_xlabel("mu* (change in output per unit range)")
    ax.set_yticks(y, data.parameter)
    ax.set_ylabel("parameter")


def plot_fit_report(spec: Any, report: pd.DataFrame, fitted: pd.DataFrame,
                    title: str | None = None) -> Figure:
    """The fit picture of a calibration: each target's range against its fitted runs.

    Args:
        spec: the :class:`~coopsim.calibration.spec.CalibrationSpec`.
        report: :func:`coopsim.calibration.report.fit_report` of the fitted runs.
        fitted: the fitted point's check runs (one row per run, one column per target).
    """
    from coopsim.calibration.report import target_values

    labels = [f"{r.figure} {r.year} ({r.scenario})" for r in report.itertuples()]
    keys = [f"{r.figure}@{r.year}" for r in report.itertuples()]
    values = target_values(spec, fitted)
    targets = pd.DataFrame({"figure": labels, "low": report.low, "high": report.high,
                            "value": report.value, "use": report.use})
    simulated = pd.concat([pd.DataFrame({"figure": label, "value": values[key]})
                           for label, key in zip(labels, keys, strict=True)])
    return plot_fit(targets, simulated,
                    title=title or "Targets against runs of the fitted parameters")
