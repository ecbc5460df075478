"""How do results depend on the consolidation rule?

Runs the sweep spec ``consolidation_rule.toml`` beside this script (the directive with
its consolidation lever's rule swept: consecutive weak years before a merger, and the
most cooperatives of a product a commune keeps; common replication seeds) on the
engine, and plots the final weak share and membership by rule.

    python experiments/consolidation_rule.py --out out/consolidation
    python experiments/consolidation_rule.py --reps 2 --scale 0.1 --out out/quick

``--reps`` and ``--scale`` replace the spec's values (a store started with other
values is refused on resume: choose another ``--out``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from coopsim.experiment.executors import ProcessExecutor  # noqa: E402
from coopsim.experiment.sweep import design_from_spec, load_spec, run_sweep  # noqa: E402

SPEC = Path(__file__).with_name("consolidation_rule.toml")
WEAK, PER = "levers.consolidation.weak_years", "levers.consolidation.max_per_commune"


def rule_figure(summary: pd.DataFrame, rules: list[str]):
    """Final weak share and members (mean and 95% interval) per rule."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
    for ax, col, label, f in ((ax1, "weak_share", "final weak share (%)", 100),
                              (ax2, "members", "members at the end", 1)):
        mean = f * summary[f"{col}_mean"]
        ax.errorbar(range(len(summary)), mean,
                    yerr=[mean - f * summary[f"{col}_lo"], f * summary[f"{col}_hi"] - mean],
                    fmt="o", capsize=3)
        ax.set_xticks(range(len(summary)), rules, rotation=45, ha="right")
        ax.set(ylabel=label, title=label.capitalize() + " by consolidation rule")
    return fig


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=None, help="default: the spec's")
    ap.add_argument("--scale", type=float, default=None, help="default: the spec's")
    ap.add_argument("--out", type=Path, default=Path("out/consolidation"))
    args = ap.parse_args()
    spec = load_spec(SPEC)
    if args.reps is not None:
        spec["sweep"]["reps"] = args.reps
    if args.scale is not None:
        spec["fixed"]["scale"] = args.scale
    design = design_from_spec(spec, str(SPEC))
    run_sweep(design, args.out, ProcessExecutor(), outputs=("weak_share", "members",
                                                             "dissolved_total", "n_merged"))
    rules = pd.DataFrame({"point": range(len(design.points)), "rule": [
        f"weak {p['overrides'][WEAK]} y, {p['overrides'][PER] or 'any'} per commune"
        for p in design.points]})
    summary = pd.read_csv(args.out / "summary_by_point.csv").merge(rules, on="point")
    rules = list(summary.rule)
    rule_figure(summary, rules).savefig(args.out / "consolidation_rule.png", dpi=110)
    table = summary[["rule", "weak_share_mean", "members_mean",
                                        "dissolved_total_mean", "n_merged_mean"]]
    print(table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
