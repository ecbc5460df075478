"""How do results depend on the consolidation rule?

Sweeps the consolidation lever's rule (consecutive weak years before a merger, and the
most cooperatives of a product a commune keeps) with the directive's other levers on,
over common replication seeds, and plots the final weak share and membership by rule.

    python experiments/consolidation_rule.py --reps 6 --scale 0.2 --out out/consolidation
"""

from __future__ import annotations

import argparse
import copy
import itertools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from coopsim.experiment.compare import compare  # noqa: E402
from coopsim.experiment.executors import ProcessExecutor  # noqa: E402
from coopsim.policy.scenarios import load_scenario, save_scenario  # noqa: E402


def rule_scenarios(folder: Path) -> list[str]:
    """Write one scenario file per rule (the directive with that consolidation rule)."""
    folder.mkdir(parents=True, exist_ok=True)
    base = load_scenario("directive27")
    paths = []
    for weak_years, per_commune in itertools.product((1, 2, 3), (0, 1, 2)):
        scenario = copy.deepcopy(base)
        scenario.name = f"consolidation_w{weak_years}_c{per_commune}"
        lever = next(lv for lv in scenario.levers if lv.name == "consolidation")
        lever.weak_years, lever.max_per_commune = weak_years, per_commune
        paths.append(str(save_scenario(scenario, folder / f"{scenario.name}.toml")))
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=6)
    ap.add_argument("--scale", type=float, default=0.2)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--out", type=Path, default=Path("out/consolidation"))
    args = ap.parse_args()
    scenarios = ["baseline", *rule_scenarios(args.out / "scenarios")]
    result = compare(scenarios, args.out / "comparison", reps=args.reps, years=args.years,
                     master_seed=args.seed, overrides={"scale": args.scale},
                     executor=ProcessExecutor())
    s = result.summary.copy()
    s["rule"] = s.scenario.map(lambda x: Path(x).stem)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
    for ax, col, label in ((ax1, "weak_share", "final weak share (%)"),
                           (ax2, "members", "members at the end")):
        f = 100 if col == "weak_share" else 1
        ax.errorbar(range(len(s)), f * s[f"{col}_mean"],
                    yerr=[f * (s[f"{col}_mean"] - s[f"{col}_lo"]),
                          f * (s[f"{col}_hi"] - s[f"{col}_mean"])], fmt="o", capsize=3)
        ax.set_xticks(range(len(s)), s.rule, rotation=45, ha="right")
        ax.set(ylabel=label, title=label.capitalize() + " by consolidation rule")
    fig.savefig(args.out / "consolidation_rule.png", dpi=110)
    print(s[["rule", "weak_share_mean", "members_mean", "dissolved_total_mean",
             "n_merged_mean"]].round(3).to_string(index=False))


if __name__ == "__main__":
    main()
