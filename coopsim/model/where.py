"""Where and for whom: each December's figures per district and per income quintile.

A package's effect on the province may sit in a few districts or with some households.
Each December, after the ratings, :func:`district_rows` records per district the
cooperatives by class, the value-chain links and the members, and
:func:`quintile_rows` records per quintile of the households' 12-month income at the
start (fixed groups, so that scenarios run with the same seed compare the same
households) membership and 12-month incomes. Both are counted at the simulated scale;
a district's row gives the share of its communes that is simulated. The columns are
declared in :mod:`coopsim.model.outcomes` (``DISTRICT_OUTCOMES``, ``QUINTILE_OUTCOMES``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from coopsim.model.cooperative import ACTIVE
from coopsim.model.outcomes import CLASSES

if TYPE_CHECKING:
    from coopsim.model.coop_model import CoopModel

__all__ = ["N_QUINTILES", "district_rows", "quintile_rows", "start_quintiles"]

N_QUINTILES = 5


def start_quintiles(income12: np.ndarray) -> np.ndarray:
    """Each household's quintile (1-5) of 12-month income (ties go to the lower one)."""
    edges = np.quantile(income12, np.arange(1, N_QUINTILES) / N_QUINTILES)
    return (np.searchsorted(edges, income12, side="left") + 1).astype(np.int8)


def _mean(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    """``total / count``, NaN where ``count`` is 0."""
    return np.divide(total, count, out=np.full(len(total), np.nan), where=count > 0)


def _household_figures(model: CoopModel, group: np.ndarray, n: int,
                       linked_coops: np.ndarray) -> dict[str, np.ndarray]:
    """Households, members, linked members and incomes per group (0..n-1)."""
    hh = model.households
    member = hh.coop >= 0
    linked = np.zeros(len(hh), bool)
    linked[member] = linked_coops[hh.coop[member]]
    count = np.bincount(group, minlength=n)
    n_mem = np.bincount(group[member], minlength=n)
    inc_all = np.bincount(group, hh.income12, n)
    inc_mem = np.bincount(group[member], hh.income12[member], n)
    return {"households": count, "members": n_mem,
            "membership_rate": _mean(n_mem.astype(float), count),
            "linked_member_rate": _mean(np.bincount(group[linked], minlength=n)
                                        .astype(float), count),
            "income_mean": _mean(inc_all, count),
            "income_member": _mean(inc_mem, n_mem),
            "income_nonmember": _mean(inc_all - inc_mem, count - n_mem)}


def _rows(year: int, key: str, labels: list[Any], columns: dict[str, np.ndarray],
          extra: dict[str, list[Any]] | None = None) -> list[dict[str, Any]]:
    out = []
    for i, label in enumerate(labels):
        row: dict[str, Any] = {"year": year, key: label}
        row.update({k: v[i] for k, v in (extra or {}).items()})
        row.update({k: v[i].item() for k, v in columns.items()})
        out.append(row)
    return out


def district_rows(model: CoopModel, links: np.ndarray) -> list[dict[str, Any]]:
    """This December's row per district (columns: ``outcomes.DISTRICT_OUTCOMES``).

    ``links``: running contracts per cooperative (``ValueChain.links_per_coop``).
    """
    nd = len(model.province.districts)
    counts = {name: np.zeros(nd, np.int64) for name in
              ("n_live", "n_rated", *(f"n_{c}" for c in CLASSES), "n_active", "n_linked",
               "links_active")}
    for c in model.live_coops():
        d = c.district
        counts["n_live"][d] += 1
        cls = c.current_class
        if cls is not None:
            counts["n_rated"][d] += 1
            counts[f"n_{cls.label}"][d] += 1
        if c.status == ACTIVE:
            counts["n_active"][d] += 1
            counts["n_linked"][d] += int(links[c.idx] > 0)
        counts["links_active"][d] += int(links[c.idx])
    shares = {"weak_share": _mean(counts["n_weak"].astype(float), counts["n_rated"]),
              "linked_share": _mean(counts["n_linked"].astype(float), counts["n_active"])}
    people = _household_figures(model, model.households.district.astype(np.intp), nd,
                                links > 0)
    names = [d.name for d in model.province.districts]
    return _rows(model.year, "district", list(range(nd)), {**counts, **shares, **people},
                 {"district_name": names,
                  "simulated_share": [float(s) for s in model.district_share]})


def quintile_rows(model: CoopModel, links: np.ndarray) -> list[dict[str, Any]]:
    """This December's row per start-income quintile (``outcomes.QUINTILE_OUTCOMES``).

    ``links``: running contracts per cooperative (``ValueChain.links_per_coop``).
    """
    people = _household_figures(model, model.start_quintile.astype(np.intp) - 1,
                                N_QUINTILES, links > 0)
    return _rows(model.year, "quintile", list(range(1, N_QUINTILES + 1)), people)
