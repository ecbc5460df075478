"""Reports: the figures and Markdown pages written beside an experiment's tables.

The experiment and calibration layers compute and write tables only; what a reader
looks at is drawn here, from their results:

* :func:`write_comparison_report`: ``shares.png``, ``final.png``, ``cost.png`` and
  ``report.md`` for a :class:`~coopsim.experiment.compare.Comparison`;
* :func:`write_sensitivity_figures`: one bar chart of indices per output;
* :func:`write_fit_report`: ``fit_report.md`` and ``fit.png`` for a calibration.

Every file is written whole (:func:`coopsim.core.outputs.atomic_write`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from coopsim.core.outputs import atomic_write

__all__ = ["comparison_markdown", "decomposition_lines", "fit_report_markdown",
           "write_comparison_report",
           "write_fit_report", "write_sensitivity_figures"]


def write_comparison_report(comparison: Any, out: str | Path) -> dict[str, Path]:
    """Draw the comparison's figures and write ``report.md`` into ``out``.

    Args:
        comparison: what :func:`coopsim.experiment.compare.compare` returned.
        out: its output folder.

    Returns:
        The paths written, by name.
    """
    import matplotlib.pyplot  # the caller's backend is kept (inline in a notebook)

    from coopsim.experiment.compare import common_reps
    from coopsim.experiment.stats import ensemble_summary
    from coopsim.presentation import plots

    out = Path(out)
    summary = comparison.summary
    scenarios = list(summary.scenario)
    yearly = comparison.yearly
    paired = yearly[yearly.rep.isin(common_reps(comparison.runs, scenarios))]
    bands = ensemble_summary(paired, ["scenario", "year"], ["weak_share", "good_fair_share",
                                                            "linked_share"])
    shares, axes = matplotlib.pyplot.subplots(1, 3, figsize=(18, 4.2), layout="constrained")
    for ax, value in zip(axes, ("weak_share", "good_fair_share", "linked_share"), strict=True):
        plots.plot_scenario_bands(bands, scenarios, value, ax=ax)
    figures = {"shares": shares, "final": plots.plot_final_comparison(summary),
               "cost": plots.plot_cost_effectiveness(summary)}
    files = {}
    for name, fig in figures.items():
        files[f"fig_{name}"] = atomic_write(out / f"{name}.png", fig)
        matplotlib.pyplot.close(fig)
    files["report"] = atomic_write(out / "report.md", comparison_markdown(comparison))
    return files


def comparison_markdown(comparison: Any) -> str:
    """The comparison's one-page Markdown report."""
    from coopsim.experiment.compare import failed_note

    summary, differences, failed = comparison.summary, comparison.differences, \
        comparison.failed
    scenarios = list(summary.scenario)
    reps = int(summary.n.min())
    cols = {"weak_share": "weak share", "good_fair_share": "good+fair share",
            "linked_share": "linked share", "members": "members",
            "budget_spent_total": "budget spent (m VND)"}
    lines = [f"# Scenario comparison: {', '.join(scenarios)}", "",
             f"{reps} replications per scenario over the same seeds (common random numbers); "
             "figures are at the end of the last simulated year; intervals are 95% "
             "t-intervals across replications. Budget and counts are at the simulated scale.",
             ""]
    if not failed.empty:
        lines += [f"**Not every run finished.** {failed_note(failed)}. The figures below "
                  f"use only the {reps} replications that finished under every scenario "
                  "(`failed_runs.csv` lists the failures).", ""]
    lines += ["| scenario | " + " | ".join(cols.values()) + " | cost per weak avoided |",
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
    lines += decomposition_lines(comparison.decomposition, scenarios[0])
    lines += ["",
              "![class shares](shares.png)", "", "![final shares](final.png)", "",
              "![cost-effectiveness](cost.png)", "",
              "Every run's yearly outcomes: `runs_yearly.csv`; the store: "
              "`experiment.sqlite` (re-running the same command resumes it)."]
    return "\n".join(lines) + "\n"


def decomposition_lines(decomposition: pd.DataFrame, base: str) -> list[str]:
    """Where each scenario's difference in weak cooperatives comes from, in words."""
    if decomposition.empty:
        return []
    from coopsim.experiment.compare import COMPONENTS

    meaning = {"improvement": "cooperatives rated in both runs were rated differently",
               "ceasing": "cooperatives live in both runs were rated in one only (one "
                          "ceased operating, or was too young)",
               "removal": "cooperatives were dissolved or merged in one run only",
               "entry": "cooperatives founded during the runs"}
    lines = ["", f"Where the difference in weak cooperatives against {base} comes from "
                 "(mean and 95% interval over the paired replications, at the simulated "
                 "scale; `decomposition.csv`):", ""]
    for _, row in decomposition.iterrows():
        parts = ", ".join(f"{c} {row[f'{c}_mean']:+.1f} [{row[f'{c}_lo']:+.1f}, "
                          f"{row[f'{c}_hi']:+.1f}]" for c in COMPONENTS)
        lines.append(f"- {row['scenario']}: {row['total_mean']:+.1f} weak cooperatives "
                     f"[{row['total_lo']:+.1f}, {row['total_hi']:+.1f}] = {parts}. "
                     + _dominant_part(row, COMPONENTS, meaning))
    return lines


def _dominant_part(row: pd.Series, components: tuple[str, ...], meaning: dict[str, str]
                   ) -> str:
    """Which part dominates, among those whose interval excludes zero, in words."""
    clear = [c for c in components
             if row[f"{c}_lo"] > 0 or row[f"{c}_hi"] < 0]
    if not clear:
        return "No part differs from zero at this number of replications."
    main = max(clear, key=lambda c: abs(row[f"{c}_mean"]))
    text = f"The largest part that differs from zero is {main}: {meaning[main]}."
    against = [c for c in clear if row[f"{c}_mean"] * row[f"{main}_mean"] < 0]
    if against:
        text += " " + ", ".join(f"{c} ({row[f'{c}_mean']:+.1f})" for c in against) + \
            " works the other way."
    return text


def write_sensitivity_figures(indices: pd.DataFrame, kind: str, out: str | Path
                              ) -> dict[str, Path]:
    """One bar chart of the indices of each output (``indices_<output>.png``)."""
    import matplotlib.pyplot

    from coopsim.presentation.plots import plot_sensitivity

    files = {}
    for output, table in indices.groupby("output", sort=False):
        fig = plot_sensitivity(table, kind, title=f"{kind.capitalize()} indices of final "
                                              f"{str(output).replace('_', ' ')}")
        files[f"indices_{output}"] = atomic_write(Path(out) / f"indices_{output}.png", fig)
        matplotlib.pyplot.close(fig)
    return files


def write_fit_report(result: Any, spec: Any, out: str | Path) -> dict[str, Path]:
    """Write a calibration's ``fit_report.md`` and ``fit.png`` into ``out``.

    Args:
        result: what :func:`coopsim.calibration.calibrate` returned.
        spec: its :class:`~coopsim.calibration.spec.CalibrationSpec`.
        out: its output folder.
    """
    import matplotlib.pyplot

    from coopsim.presentation.plots import plot_fit_report

    out = Path(out)
    fig = plot_fit_report(spec, result.report, result.checks["fitted"])
    files = {"fit.png": atomic_write(out / "fit.png", fig),
             "fit_report.md": atomic_write(out / "fit_report.md", fit_report_markdown(
                 result.report, result.summary, result.fit.history, result.record))}
    matplotlib.pyplot.close(fig)
    return files


def fit_report_markdown(report: pd.DataFrame, summary: pd.DataFrame, history: pd.DataFrame,
                        record: dict) -> str:
    """A readable fit report (Markdown): parameters, generations, each target by use."""
    lines = [f"# Calibration report: {record['targets']['name']}", "",
             f"Method: {record['method']}. Seed {record['seed']}, coopsim "
             f"{record['coopsim']}, {record['date']}; {record['runs']} runs. Targets: "
             f"`{record['targets']['file']}` (sha256 {record['targets']['sha256'][:12]}).",
             "", "## Fitted parameters (weighted posterior)", "",
             "`fitted` is the weighted posterior median, the value shipped or to use; "
             "`shrinkage` is 1 - (q95 - q05) / (0.9 x prior width): near 0 the targets "
             "do not identify the parameter.", "",
             _table(summary.round(4)), "", "## Generations", "", _stopping(history, record),
             "", _table(history.round(4)), "",
             "In the tables of targets: mean, sd and quantiles over the runs of the fitted "
             "point; `z` = (mean - value) / (range / 4); `inside`: the mean lies in the "
             "range; `coverage`: share of those runs inside it; `post_q05`-`post_q95`: over "
             "the runs of posterior draws.", ""]
    titles = {"fit": "Fitted targets", "check": "Held-out checks (not fitted)",
              "init": "Set at initialisation (no evidence)"}
    for use, title in titles.items():
        part = report[report.use == use].drop(columns="use")
        if len(part):
            hits = int(part.inside.sum())
            lines += [f"## {title}: {hits} of {len(part)} means inside the range", "",
                      _table(part.round(4)), ""]
    return "\n".join(lines)


def _stopping(history: pd.DataFrame, record: dict) -> str:
    """Why the sampler stopped, and what that means."""
    settings, last = record["settings"], history.iloc[-1]
    if len(history) > 1 and last.p_acc < settings["p_acc_min"]:
        return (f"Stopped after generation {int(last.generation)}: p_acc {last.p_acc:.3f} < "
                f"p_acc_min {settings['p_acc_min']} (new proposals rarely improve the fit).")
    return (f"Stopped at max_generations ({settings['max_generations']}) with p_acc "
            f"{last.p_acc:.3f} >= p_acc_min {settings['p_acc_min']}: the tolerance was still "
            "falling, so the posterior may be wider than a longer run would give.")


def _table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([head, rule, *body])
