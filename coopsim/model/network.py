"""The value-chain network: cooperatives and businesses as nodes, contracts as edges.

:func:`build_network` makes a :class:`networkx.MultiGraph` of the contracts running at
a step (or of every contract ever made), with each contract's attributes on its edge;
:func:`network_metrics` summarises it and :func:`write_network` exports it (GraphML or
an edge-list CSV).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from coopsim.core.outputs import atomic_write
from coopsim.model.contracts import Contract

if TYPE_CHECKING:  # networkx is imported only when a graph is built (it is slow to import)
    import networkx as nx

__all__ = ["build_network", "business_node", "coop_node", "link_metrics", "network_metrics",
           "write_network"]


def coop_node(idx: int) -> str:
    """Node name of a cooperative."""
    return f"coop_{idx}"


def business_node(idx: int) -> str:
    """Node name of a business."""
    return f"business_{idx}"


def build_network(coops: Iterable[Any], businesses: Iterable[Any],
                  contracts: Iterable[Contract], step: int | None = None,
                  include_ended: bool = False) -> nx.MultiGraph:
    """The network at ``step`` (contracts started by then and not yet ended).

    Args:
        coops, businesses: the agents (every one becomes a node with its attributes).
        contracts: the run's contracts.
        step: the step to look at; ``None`` means now (the contracts' current state).
        include_ended: also keep contracts that had ended by then (edge ``status`` says).
    """
    import networkx as nx

    g = nx.MultiGraph()
    for c in coops:
        label = c.coop_class.label if c.coop_class is not None else "unrated"
        g.add_node(coop_node(c.idx), kind="cooperative", coop_class=label, status=c.status,
                   product=int(c.product), district=int(c.district), members=int(c.members),
                   ocop_stars=int(c.ocop_stars), has_brand=bool(c.has_brand))
    for b in businesses:
        g.add_node(business_node(b.idx), kind=b.kind, status="open" if b.open else "closed",
                   product=int(b.product), district=int(b.district))
    for k in contracts:
        if step is not None and k.start > step:
            continue
        running = k.end is None or (step is not None and k.end > step)
        if not (running or include_ended):
            continue
        attrs = {key: (-1 if val is None else val) for key, val in k.to_dict().items()}
        if running and k.end is not None:
            attrs["status"] = "active"  # looking back to a step when it still ran
        g.add_edge(coop_node(k.coop), business_node(k.business), key=k.id, **attrs)
    return g


def network_metrics(g: nx.MultiGraph) -> dict[str, float]:
    """Links, linked shares, cooperatives' degree distribution and the largest component.

    Only active edges count. Degrees and the linked share are over operating
    (active) cooperatives; the largest component counts every node.
    """
    import networkx as nx

    active = nx.Graph()
    active.add_nodes_from(g.nodes(data=True))
    active.add_edges_from((u, v) for u, v, s in g.edges(data="status") if s == "active")
    coops = [n for n, d in active.nodes(data=True)
             if d["kind"] == "cooperative" and d["status"] == "active"]
    buses = [n for n, k in active.nodes(data="kind") if k != "cooperative"]
    degrees = np.array([active.degree(n) for n in coops]) if coops else np.zeros(0)
    linked_nodes = [c for c in nx.connected_components(active) if len(c) > 1]
    largest = max((len(c) for c in linked_nodes), default=0)
    return {
        "links_active": sum(1 for *_, s in g.edges(data="status") if s == "active"),
        "coops_linked_share": float((degrees > 0).mean()) if len(degrees) else 0.0,
        "businesses_with_coop_share": (sum(1 for b in buses if active.degree(b) > 0)
                                       / len(buses)) if buses else 0.0,
        "coop_degree_mean": float(degrees.mean()) if len(degrees) else 0.0,
        "coop_degree_max": int(degrees.max()) if len(degrees) else 0,
        "largest_component": largest,
        "largest_component_share": largest / active.number_of_nodes() if len(active) else 0.0,
        **_degree_histogram(degrees),
    }


def write_network(g: nx.MultiGraph, path: str | Path) -> Path:
    """Write ``g`` as GraphML (``.graphml``) or as an edge-list CSV (``.csv``), whole."""
    import networkx as nx

    path = Path(path)
    if path.suffix == ".graphml":
        return atomic_write(path, "\n".join(nx.generate_graphml(g)) + "\n")
    if path.suffix == ".csv":
        import pandas as pd

        rows = [{"source": u, "target": v, **d} for u, v, d in g.edges(data=True)]
        return atomic_write(path, pd.DataFrame(rows))
    raise ValueError(f"network file must end in .graphml or .csv, got {path.name!r}")


def link_metrics(n_coops: int, n_businesses: int, active: Sequence[Contract],
                 operating: np.ndarray | None = None) -> dict[str, float]:
    """Degree and largest-component figures of the active links, without networkx.

    The largest component counts nodes in the biggest group joined by active
    contracts; degrees are over the cooperatives that operate (``operating`` mask;
    all when omitted), as in :func:`network_metrics`.
    """
    n = n_coops + n_businesses
    degrees = np.bincount([c.coop for c in active], minlength=n_coops)
    if operating is not None:
        degrees = degrees[operating]
    largest = 0
    if active:
        rows = [c.coop for c in active]
        cols = [n_coops + c.business for c in active]
        adj = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        largest = int(np.bincount(connected_components(adj, directed=False)[1]).max())
    return {"largest_component": largest,
            "coop_degree_mean": float(degrees.mean()) if len(degrees) else 0.0,
            "coop_degree_max": int(degrees.max()) if len(degrees) else 0,
            **_degree_histogram(degrees)}


def _degree_histogram(degrees: np.ndarray) -> dict[str, int]:
    """Cooperatives with 1, 2, 3 and 4+ active contracts (all ever created count)."""
    return {**{f"coops_with_degree_{d}": int((degrees == d).sum()) for d in (1, 2, 3)},
            "coops_with_degree_4plus": int((degrees >= 4).sum())}
