"""The cooperative stock's movement: who entered, who left and why, and each one's fate.

Three tables a run returns beside its yearly figures (whose stock columns,
:data:`STOCK_COLUMNS`, say each December how many cooperatives are live, rated by
class, not rated and why, founded, dissolved by reason and merged):

* :func:`events_table`: one row per founding, dissolution (with its reason:
  ``insolvent``, ``authority`` for a paper cooperative struck off, ``consolidation``
  for the directive's review) and merger (with the cooperative it merged into);
* :func:`fates_table`: one row per cooperative: whether it was in the starting stock,
  its status and class at the end;
* :func:`cohort_table`: the starting stock by its class at the first rating, and each
  year how many of each first class were upgraded, kept their class, were downgraded,
  were not rated (ceased operating, or too young), were dissolved or merged: so "the
  weak ones got better" and "the weak ones were closed" can be told apart.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from coopsim.model.cooperative import DISSOLVED, MERGED
from coopsim.model.scoring import CoopClass

__all__ = ["COHORT_FATES", "STOCK_COLUMNS", "cohort_table", "events_table", "fates_table"]

#: the yearly table's columns that make the stock-movement table
STOCK_COLUMNS = ("year", "n_live", "n_active", "n_inactive", "n_rated", "n_good", "n_fair",
                 "n_average", "n_weak", "n_not_rated_new", "n_not_rated_ceased", "founded",
                 "dissolved", "dissolved_insolvent", "dissolved_authority",
                 "dissolved_consolidation", "merged")
COHORT_FATES = ("upgraded", "same", "downgraded", "rated later", "not rated (ceased)",
                "not rated (new)", "dissolved", "merged")
_EVENT_COLUMNS = ["year", "month", "coop", "event", "reason", "into"]


def _calendar(model: Any, step: int) -> tuple[int, int]:
    """Calendar year and month at the end of ``step`` (step 1 is the first month)."""
    months = model.province.start_month - 2 + step
    return model.province.start_year + months // 12, months % 12 + 1


def events_table(model: Any) -> pd.DataFrame:
    """Every founding during the run, and every dissolution and merger."""
    rows = []
    for c in model.coops:
        if c.founded_step > 0:
            rows.append({**dict(zip(("year", "month"), _calendar(model, c.founded_step),
                                    strict=True)), "coop": c.idx, "event": "founded",
                         "reason": "", "into": None})
        if c.ended_step is not None:
            rows.append({**dict(zip(("year", "month"), _calendar(model, c.ended_step),
                                    strict=True)), "coop": c.idx, "event": c.status,
                         "reason": c.ended_reason or "", "into": c.merged_into})
    frame = pd.DataFrame(rows, columns=_EVENT_COLUMNS)
    return frame.sort_values(["year", "month", "coop"], kind="stable").reset_index(drop=True)


def fates_table(model: Any) -> pd.DataFrame:
    """One row per cooperative: starting stock or not, status and class at the end."""
    rows = []
    for c in model.coops:
        live = c.status not in (DISSOLVED, MERGED)
        cls = c.current_class if live else None
        rows.append({"coop": c.idx, "initial": c.founded_step == 0, "status": c.status,
                     "coop_class": cls.label if cls is not None else None,
                     "not_rated": c.not_rated if live and cls is None else None})
    return pd.DataFrame(rows, columns=["coop", "initial", "status", "coop_class",
                                       "not_rated"])


def cohort_table(coop_years: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """The starting stock's fate each year, by its class at the first rating.

    Args:
        coop_years: the run's per-cooperative yearly rows (column ``initial`` marks
            the starting stock).
        events: :func:`events_table` of the run.

    Returns:
        One row per year, first class (``unrated`` if it was not rated at the first
        rating) and fate of :data:`COHORT_FATES`, with the number of cooperatives.
    """
    cols = ["year", "first_class", "fate", "cooperatives"]
    start = coop_years[coop_years.initial.astype(bool)] if len(coop_years) else coop_years
    if start.empty:
        return pd.DataFrame(columns=cols)
    years = sorted(coop_years.year.unique())
    first = start[start.year == years[0]].set_index("coop").coop_class
    grid = pd.MultiIndex.from_product([years, first.index], names=["year", "coop"])
    frame = pd.DataFrame(index=grid).reset_index()
    frame["first_class"] = frame.coop.map(first)
    rows = start.set_index(["year", "coop"])[["coop_class", "not_rated"]]
    frame = frame.join(rows, on=["year", "coop"])
    ended = events[events.event.isin([DISSOLVED, MERGED])].set_index("coop")
    frame["end_year"] = frame.coop.map(ended.year)
    frame["end_event"] = frame.coop.map(ended.event)
    frame["fate"] = _fates(frame)
    frame["first_class"] = frame.first_class.fillna("unrated")
    out = frame.value_counts(["year", "first_class", "fate"], sort=False)
    return out.rename("cooperatives").reset_index()[cols]


def _fates(f: pd.DataFrame) -> pd.Series:
    """The fate of each (year, cooperative) row of the starting stock (vectorised)."""
    rank = {c.label: int(c) for c in CoopClass}
    now, then = f.coop_class.map(rank), f.first_class.map(rank)
    fate = pd.Series("same", index=f.index, dtype=object)
    fate[now > then] = "upgraded"
    fate[now < then] = "downgraded"
    fate[now.notna() & then.isna()] = "rated later"
    unrated = now.isna()
    fate[unrated] = "not rated (new)"
    fate[unrated & (f.not_rated == "ceased")] = "not rated (ceased)"
    gone = f.end_year.notna() & (f.end_year <= f.year)
    fate[gone] = f.end_event[gone]
    return fate
