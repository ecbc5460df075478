"""``coopsim compare``: scenarios over common replication seeds, summarised and reported.

:func:`compare` runs each scenario over the same replication seeds on the engine (so it
is parallel, Dask-capable and resumable: the store lives in the output folder), then
writes every run's yearly outcomes, a summary per scenario (mean and 95% interval
across replications) and paired differences against the first scenario with
significance tests. Its figures and one-page report are drawn by
:func:`coopsim.presentation.report.write_comparison_report`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coopsim.core.errors import RunsFailedError
from coopsim.core.outputs import atomic_write
from coopsim.experiment.designs import scenario_comparison
from coopsim.experiment.engine import run_into
from coopsim.experiment.stats import ensemble_summary, paired_difference
from coopsim.experiment.store import describe_failures
from coopsim.model.outcomes import headline
from coopsim.model.stock import STOCK_COLUMNS

__all__ = ["COMPARED", "COMPONENTS", "Comparison", "common_reps", "compare",
           "decompose_weak", "failed_note", "summarise_comparison", "summarise_decomposition"]

#: per-run figures compared across scenarios (final year unless "total"): the
#: registry's headline outcomes (:func:`coopsim.model.outcomes.headline`)
COMPARED = tuple(headline())


@dataclass
class Comparison:
    """What :func:`compare` produced.

    Attributes:
        runs: one row per run (its summary figures); yearly: every run's yearly rows.
        summary: per scenario, mean/sd/95% interval of each compared figure, and the
            cost per weak cooperative avoided against the first scenario.
        differences: per scenario and figure, the paired difference to the first.
        files: paths written, by name.
        failed: the runs that failed (empty when every run finished).
        decomposition: per scenario and component, the difference in weak cooperatives
            against the first scenario that each part explains (:func:`decompose_weak`).
        stock: per scenario and year, the mean over replications of the stock's
            movement (:data:`coopsim.model.stock.STOCK_COLUMNS`).
        cohort: per scenario, year, first class and fate, the mean number of the
            starting stock's cooperatives.
    """

    runs: pd.DataFrame
    yearly: pd.DataFrame
    summary: pd.DataFrame
    differences: pd.DataFrame
    files: dict[str, Path]
    failed: pd.DataFrame = field(default_factory=pd.DataFrame)
    decomposition: pd.DataFrame = field(default_factory=pd.DataFrame)
    stock: pd.DataFrame = field(default_factory=pd.DataFrame)
    cohort: pd.DataFrame = field(default_factory=pd.DataFrame)


def common_reps(runs: pd.DataFrame, scenarios: Sequence[str]) -> list[int]:
    """The replications that finished under every scenario (the pairs compared)."""
    if runs.empty:
        return []
    return sorted(set.intersection(*(set(runs.rep[runs.scenario == name])
                                      for name in scenarios)))


def summarise_comparison(runs: pd.DataFrame, scenarios: Sequence[str]
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Summary per scenario and paired differences against the first (from run rows).

    Only the replications that finished under every scenario are used
    (:func:`common_reps`), so every figure and difference rests on the same seeds.
    """
    runs = runs[runs.rep.isin(common_reps(runs, scenarios))].copy()
    base = runs[runs.scenario == scenarios[0]].set_index("rep").sort_index()
    runs["weak_avoided"] = runs.n_weak.rsub(runs.rep.map(base.n_weak))
    summary = ensemble_summary(runs, ["scenario"], [*COMPARED, "weak_avoided"])
    summary = summary.set_index("scenario").loc[list(scenarios)].reset_index()
    avoided = summary.weak_avoided_mean
    summary["cost_per_weak_avoided"] = np.where(avoided > 0,
                                                summary.budget_spent_total_mean / avoided,
                                                np.nan)
    rows = []
    for name in scenarios[1:]:
        other = runs[runs.scenario == name].set_index("rep").loc[base.index]
        for fig in COMPARED:
            d = paired_difference(base[fig].to_numpy(float), other[fig].to_numpy(float))
            rows.append({"scenario": name, "against": scenarios[0], "figure": fig, **d})
    return summary, pd.DataFrame(rows)


#: the parts of a difference in weak cooperatives between two scenarios
COMPONENTS = ("improvement", "ceasing", "removal", "entry")


def decompose_weak(fates: pd.DataFrame, base: str, other: str) -> pd.DataFrame:
    """Split each replication's difference in weak cooperatives (``other`` - ``base``).

    Replication *r* of both scenarios starts from the same stock (same seed), so each
    cooperative of the starting stock is followed in both runs, and the difference in
    live cooperatives classed weak at the end is the sum of:

    * ``improvement``: cooperatives live and rated in both runs (rated better or worse);
    * ``ceasing``: live in both, rated in one only (one ceased operating, or is new);
    * ``removal``: live in one run only (dissolved or merged in the other);
    * ``entry``: cooperatives founded during the runs (weak among them).

    Args:
        fates: the ``fates`` tables of both scenarios' runs (columns ``scenario``,
            ``rep``, ``coop``, ``initial``, ``status``, ``coop_class``).

    Returns:
        One row per replication: ``rep``, the four components and ``total``.
    """
    f = fates.assign(live=~fates.status.isin(["dissolved", "merged"]),
                     weak=fates.coop_class == "weak", rated=fates.coop_class.notna())
    rows = []
    for rep in sorted(set(f.rep[f.scenario == base]) & set(f.rep[f.scenario == other])):
        b = f[(f.scenario == base) & (f.rep == rep)]
        o = f[(f.scenario == other) & (f.rep == rep)]
        pair = pd.merge(b[b.initial], o[o.initial], on="coop", how="outer",
                        suffixes=("_b", "_o"))
        pair = pair.fillna({"live_b": False, "live_o": False, "weak_b": False,
                            "weak_o": False, "rated_b": False, "rated_o": False})
        delta = pair.weak_o.astype(int) - pair.weak_b.astype(int)
        both = pair.live_b & pair.live_o
        rated = both & pair.rated_b & pair.rated_o
        row = {"rep": int(rep), "improvement": int(delta[rated].sum()),
               "ceasing": int(delta[both & ~rated].sum()),
               "removal": int(delta[~both].sum()),
               "entry": int((~o.initial & o.weak).sum() - (~b.initial & b.weak).sum())}
        row["total"] = int(o.weak.sum() - b.weak.sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=["rep", *COMPONENTS, "total"])


def summarise_decomposition(fates: pd.DataFrame, scenarios: Sequence[str]) -> pd.DataFrame:
    """Mean and 95% interval over replications of each part, per scenario vs the first."""
    parts = [decompose_weak(fates, scenarios[0], name).assign(scenario=name)
             for name in scenarios[1:]]
    if not parts or all(p.empty for p in parts):
        return pd.DataFrame()
    per_rep = pd.concat(parts, ignore_index=True)
    table = ensemble_summary(per_rep, ["scenario"], [*COMPONENTS, "total"])
    return table.set_index("scenario").loc[list(scenarios[1:])].reset_index()


def _stock_means(yearly: pd.DataFrame, cohort: pd.DataFrame, scenarios: Sequence[str]
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per scenario and year, the stock's movement and the cohort, averaged over reps."""
    cols = [c for c in STOCK_COLUMNS if c != "year"]
    stock = yearly.groupby(["scenario", "year"], sort=False)[cols].mean().reset_index()
    if cohort.empty:
        return stock, cohort
    reps = cohort.groupby("scenario").rep.nunique()
    sums = cohort.groupby(["scenario", "year", "first_class", "fate"], sort=False
                          ).cooperatives.sum().reset_index()
    sums["cooperatives_mean"] = sums.cooperatives / sums.scenario.map(reps)
    return stock, sums.drop(columns="cooperatives")


def compare(scenarios: Sequence[str], out: str | Path, reps: int = 30, years: int = 10,
            master_seed: int = 0, overrides: dict[str, Any] | None = None,
            executor: Any = None, retries: int = 1,
            progress: Callable[[dict[str, int]], None] | None = None,
            province: str | Path | None = None) -> Comparison:
    """Run and compare ``scenarios`` (the first is the reference); write into ``out``.

    ``overrides`` apply to every run (model parameters, ``policy.budget``, lever fields:
    :mod:`coopsim.policy.point`); ``province`` is a province file (default: the
    embedded one).

    Running it again with the same folder and arguments resumes the stored experiment
    and tries failed runs again. When runs failed, the comparison is made on the
    replications that finished under every scenario, the report says so, and
    :attr:`Comparison.failed` lists the failures (``failed_runs.csv``).

    Raises:
        ParameterError, PolicyError, ProvinceError: bad arguments or input files
            (nothing is written).
        RefusedError: ``out`` holds other output, or a store that cannot be resumed.
        RunsFailedError: fewer than 2 replications finished under every scenario
            (the store keeps what finished; run again to retry).
    """
    design = scenario_comparison(list(scenarios), reps, master_seed, years, overrides,
                                 province)
    with run_into(design, out, "compare", executor, retries, progress) as store:
        runs, yearly, failed = store.summary_frame(), store.yearly_frame(), store.failed_frame()
        fates, cohort = store.table_frame("fates"), store.table_frame("cohort")
        where = {name: store.table_frame(name) for name in WHERE}
    out = Path(out)
    paired = common_reps(runs, scenarios)
    if len(paired) < 2:
        raise RunsFailedError(f"only {len(paired)} replications finished under every "
                              f"scenario, too few to compare; {failed_note(failed)}")
    summary, differences = summarise_comparison(runs, scenarios)
    keep = fates.rep.isin(paired) if len(fates) else []
    decomposition = summarise_decomposition(fates[keep], scenarios) if len(fates) else \
        pd.DataFrame()
    stock, cohort = _stock_means(yearly[yearly.rep.isin(paired)],
                                 cohort[cohort.rep.isin(paired)] if len(cohort) else cohort,
                                 scenarios)
    files = _write_tables(out, {"runs_yearly.csv": yearly, "runs_summary.csv": runs,
                                "summary.csv": summary, "differences.csv": differences,
                                "failed_runs.csv": failed,
                                "decomposition.csv": decomposition, "stock.csv": stock,
                                "cohort.csv": cohort,
                                **{f"{name}.csv": where_means(frame, paired, WHERE[name])
                                   for name, frame in where.items()}})
    return Comparison(runs, yearly, summary, differences, files, failed, decomposition,
                      stock, cohort)


#: the per-run tables of where and for whom, and the column that names each group
WHERE = {"districts": "district", "income_quintiles": "quintile"}


def where_means(frame: pd.DataFrame, paired: Sequence[int], group: str) -> pd.DataFrame:
    """Each figure's mean over the paired replications, per scenario, year and group.

    The group is a district or an income quintile; ``n`` is the number of replications,
    and each share and rate also gets its sd across them. Stores made before the tables
    existed give an empty frame.
    """
    if frame.empty:
        return pd.DataFrame()
    frame = frame[frame.rep.isin(paired)]
    keys = ["scenario", "year", group] + (["district_name"] if group == "district" else [])
    values = [c for c in frame.columns if c not in {*keys, "run_id", "point", "rep", "seed"}]
    grouped = frame.groupby(keys, sort=False)
    means = grouped[values].mean().add_suffix("_mean")
    shares = [c for c in values if c.endswith(("_share", "_rate")) and c != "simulated_share"]
    sds = grouped[shares].std(ddof=1).add_suffix("_sd")
    return means.join(sds).assign(n=grouped.size()).reset_index()


def failed_note(failed: pd.DataFrame) -> str:
    """One sentence on the failed runs, for messages and the report."""
    if failed.empty:
        return "no run failed"
    return (f"{describe_failures(failed)}; the store keeps every error, and running the "
            "same command again tries the failed runs again")


def _write_tables(out: Path, tables: dict[str, pd.DataFrame]) -> dict[str, Path]:
    """The comparison's tables, each written whole (figures and report: presentation)."""
    return {name.removesuffix(".csv"): atomic_write(out / name, frame)
            for name, frame in tables.items()}
