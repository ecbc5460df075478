"""``coopsim compare``: scenarios over common replication seeds, summarised and reported.

:func:`compare` runs each scenario over the same replication seeds on the engine (so it
is parallel, Dask-capable and resumable: the store lives in the output folder), then
writes every run's yearly outcomes, a summary per scenario (mean and 95% interval
across replications), paired differences against the first scenario with significance
tests, figures and a one-page Markdown report linking them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coopsim.experiment.designs import scenario_comparison
from coopsim.experiment.engine import run_experiment
from coopsim.experiment.stats import ensemble_summary, paired_difference
from coopsim.experiment.store import Store

__all__ = ["COMPARED", "Comparison", "compare", "summarise_comparison"]

#: per-run figures compared across scenarios (final year unless "total")
COMPARED = ("weak_share", "good_fair_share", "linked_share", "members", "income_member",
            "dissolved_total", "n_merged", "budget_spent_total", "n_weak")


@dataclass
class Comparison:
    """What :func:`compare` produced.

    Attributes:
        runs: one row per run (its summary figures); yearly: every run's yearly rows.
        summary: per scenario, mean/sd/95% interval of each compared figure, and the
            cost per weak cooperative avoided against the first scenario.
        differences: per scenario and figure, the paired difference to the first.
        files: paths written, by name.
    """

    runs: pd.DataFrame
    yearly: pd.DataFrame
    summary: pd.DataFrame
    differences: pd.DataFrame
    files: dict[str, Path]


def summarise_comparison(runs: pd.DataFrame, scenarios: Sequence[str]
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Summary per scenario and paired differences against the first (from run rows)."""
    runs = runs.copy()
    base = runs[runs.scenario == scenarios[0]].set_index("rep")
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


def compare(scenarios: Sequence[str], out: str | Path, reps: int = 30, years: int = 10,
            master_seed: int = 0, overrides: dict[str, Any] | None = None,
            executor: Any = None, retries: int = 1,
            progress: Callable[[dict[str, int]], None] | None = None) -> Comparison:
    """Run and compare ``scenarios`` (the first is the reference); write into ``out``.

    Running it again with the same folder and arguments resumes the stored experiment.
    """
    out = Path(out)
    design = scenario_comparison(list(scenarios), reps, master_seed, years, overrides)
    out.mkdir(parents=True, exist_ok=True)
    store = run_experiment(design, Store(out / "experiment.sqlite"), executor, retries,
                           progress)
    runs, yearly = store.summary_frame(), store.yearly_frame()
    if runs.scenario.nunique() < len(scenarios) or runs.groupby("scenario").size().min() < 2:
        failed = store.runs_frame().query("status != 'done'")
        raise RuntimeError(f"too few finished runs to compare ({len(failed)} not done; "
                           f"see the runs table in {store.path})")
    summary, differences = summarise_comparison(runs, scenarios)
    files = _write_outputs(out, scenarios, runs, yearly, summary, differences)
    store.close()
    return Comparison(runs, yearly, summary, differences, files)


def _write_outputs(out: Path, scenarios: Sequence[str], runs: pd.DataFrame,
                   yearly: pd.DataFrame, summary: pd.DataFrame,
                   differences: pd.DataFrame) -> dict[str, Path]:
    import matplotlib.pyplot  # the caller's backend is kept (inline in a notebook)

    from coopsim import plots

    files = {"runs_yearly": out / "runs_yearly.csv", "runs": out / "runs_summary.csv",
             "summary": out / "summary.csv", "differences": out / "differences.csv"}
    yearly.to_csv(files["runs_yearly"], index=False)
    runs.to_csv(files["runs"], index=False)
    summary.to_csv(files["summary"], index=False)
    differences.to_csv(files["differences"], index=False)
    bands = ensemble_summary(yearly, ["scenario", "year"], ["weak_share", "good_fair_share",
                                                            "linked_share"])
    shares, axes = matplotlib.pyplot.subplots(1, 3, figsize=(18, 4.2), layout="constrained")
    for ax, value in zip(axes, ("weak_share", "good_fair_share", "linked_share"), strict=True):
        plots.plot_scenario_bands(bands, list(scenarios), value, ax=ax)
    figures = {
        "fig_shares": shares,
        "fig_final": plots.plot_final_comparison(summary),
        "fig_cost": plots.plot_cost_effectiveness(summary),
    }
    for name, fig in figures.items():
        files[name] = out / f"{name[4:]}.png"
        fig.savefig(files[name], dpi=110)
        matplotlib.pyplot.close(fig)
    files["report"] = out / "report.md"
    files["report"].write_text(_report(scenarios, summary, differences, runs), "utf-8")
    return files


def _report(scenarios: Sequence[str], summary: pd.DataFrame, differences: pd.DataFrame,
            runs: pd.DataFrame) -> str:
    reps = int(runs.groupby("scenario").size().min())
    cols = {"weak_share": "weak share", "good_fair_share": "good+fair share",
            "linked_share": "linked share", "members": "members",
            "budget_spent_total": "budget spent (m VND)"}
    lines = [f"# Scenario comparison: {', '.join(scenarios)}", "",
             f"{reps} replications per scenario over the same seeds (common random numbers); "
             "figures are at the end of the last simulated year; intervals are 95% "
             "t-intervals across replications. Budget and counts are at the simulated scale.",
             "", "| scenario | " + " | ".join(cols.values()) + " | cost per weak avoided |",
             "|---" * (len(cols) + 2) + "|"]
    for _, row in summary.iterrows():
        cells = [f"{row[f'{c}_mean']:.3g} [{row[f'{c}_lo']:.3g}, {row[f'{c}_hi']:.3g}]"
                 for c in cols]
        cost = row["cost_per_weak_avoided"]
        lines.append(f"| {row['scenario']} | " + " | ".join(cells)
                     + f" | {'n/a' if pd.isna(cost) else f'{cost:,.0f}'} |")
    lines += ["", f"Paired differences against {scenarios[0]} (all figures in "
              "`differences.csv`):", ""]
    for _, d in differences[differences.figure == "weak_share"].iterrows():
        lines.append(f"- {d['scenario']}: weak share {d['mean_diff']:+.3f} "
                     f"[{d['lo']:+.3f}, {d['hi']:+.3f}] (paired t-test p = {d['p_ttest']:.3g})")
    lines += ["",
              "![class shares](shares.png)", "", "![final shares](final.png)", "",
              "![cost-effectiveness](cost.png)", "",
              "Every run's yearly outcomes: `runs_yearly.csv`; the store: "
              "`experiment.sqlite` (re-running the same command resumes it)."]
    return "\n".join(lines) + "\n"
