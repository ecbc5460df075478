"""The scenario table of docs/ODD.md section 9, from a `coopsim compare` folder.

    coopsim compare baseline directive27 ... --reps 5 --years 10 --seed 1 --out out/odd_scenarios
    python scripts/odd_scenario_table.py out/odd_scenarios

Prints one Markdown row per scenario: means over the replications (range in brackets
for the official weak share), and the split of the difference in weak cooperatives
against the first scenario (decomposition.csv).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def main(folder: Path) -> None:
    yearly = pd.read_csv(folder / "runs_yearly.csv")
    runs = pd.read_csv(folder / "runs_summary.csv")
    parts = pd.read_csv(folder / "decomposition.csv").set_index("scenario")
    order = list(dict.fromkeys(runs.scenario))
    first, last = int(yearly.year.min()) + 1, int(yearly.year.max())
    print(f"| Scenario | Weak % {first} | Weak % {last} | Weak or ceased % of live {last} | "
          f"Good+fair % {last} | Weak / good+fair (n) | Live | Not rated, ceased | "
          f"Linked % | Contracts | Businesses linked % | Member households % | "
          "With a loan % | Spent, bn VND/yr | "
          "Weak vs first: improvement / ceasing / removal / entry |")
    print("|" + "---|" * 15)
    for name in order:
        y = yearly[yearly.scenario == name]
        early, end = y[y.year == first], y[y.year == last]
        r = runs[runs.scenario == name]
        split = "" if name not in parts.index else " / ".join(
            f"{parts.at[name, f'{c}_mean']:+.1f}" for c in ("improvement", "ceasing",
                                                            "removal", "entry"))
        cells = [
            f"{100 * early.weak_share.mean():.1f}",
            f"{100 * end.weak_share.mean():.1f} ({100 * end.weak_share.min():.1f}-"
            f"{100 * end.weak_share.max():.1f})",
            f"{100 * end.weak_or_ceased_share.mean():.1f}",
            f"{100 * end.good_fair_share.mean():.1f}",
            f"{end.n_weak.mean():.0f} / {end.n_good_fair.mean():.0f}",
            f"{end.n_live.mean():.0f}", f"{end.n_not_rated_ceased.mean():.1f}",
            f"{100 * end.linked_share.mean():.1f}", f"{end.links_active.mean():.0f}",
            f"{100 * end.businesses_linked_share.mean():.1f}",
            f"{100 * end.membership_rate.mean():.1f}",
            f"{100 * (end.loans_active / end.n_live).mean():.1f}",
            f"{r.budget_spent_total.mean() / (last - first + 2) / 1000:.2f}", split]
        print(f"| `{name}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/odd_scenarios"))
