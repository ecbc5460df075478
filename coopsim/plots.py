"""Pictures of runs.

Each function takes data and an optional matplotlib ``ax`` and returns the figure;
nothing is shown or saved here (the caller owns paths).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["CLASS_COLOURS", "EDGE_STATUS_COLOURS", "KIND_COLOURS", "plot_class_shares",
           "plot_network"]

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
        graph: a network from :func:`coopsim.network.build_network`.
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
    ax.set_axis_off()
    return ax.figure
