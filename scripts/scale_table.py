"""What scale a study can trust: headline outcomes at reduced scale against full scale.

For each scale and seed, ``baseline`` and ``directive27`` run ten years with the same
seed (common random numbers); for each headline outcome in the last year the table gives
the mean and standard deviation over seeds of each scenario and of the paired
difference, and Welch's p of the difference against full scale (p < 0.05: the scale
tells a different story). Counts are divided by the simulated scale (whole province).

    python scripts/scale_table.py --out out/scale_table [--seeds 10] [--scales 0.1 0.25 0.5 1]

Writes ``runs.csv`` (one row per run) and ``table.csv`` and ``table.md`` to ``--out``.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from coopsim.policy.runner import run

SCENARIOS = ("baseline", "directive27")
#: last-year outcomes compared; ``True``: a count, divided by the scale
OUTCOMES = {"weak_share": False, "good_fair_share": False, "membership_rate": False,
            "income_member": False, "linked_share": False,
            "businesses_linked_share": False, "cooperatives": False,
            "links_active": True, "budget_spent": True}


def one_run(args: tuple[float, int, str]) -> dict:
    """The last-year headline outcomes of one run."""
    scale, seed, scenario = args
    last = run(scenario, {"scale": scale, "snapshot_every": 0}, seed=seed,
               years=10).yearly.iloc[-1]
    row = {"scale": scale, "seed": seed, "scenario": scenario}
    for name, count in OUTCOMES.items():
        row[name] = float(last[name]) / (scale if count else 1.0)
    return row


def table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per scale and outcome: scenario means and spreads, the paired difference, p."""
    wide = runs.pivot_table(index=["scale", "seed"], columns="scenario",
                            values=list(OUTCOMES))
    full = wide.xs(1.0, level="scale") if 1.0 in wide.index.levels[0] else None
    rows = []
    for scale, w in wide.groupby(level="scale"):
        for name in OUTCOMES:
            base, pack = w[(name, "baseline")], w[(name, "directive27")]
            diff = pack - base
            row = {"scale": scale, "outcome": name, "n": len(diff),
                   "baseline": base.mean(), "baseline_sd": base.std(),
                   "directive": pack.mean(), "directive_sd": pack.std(),
                   "difference": diff.mean(), "difference_sd": diff.std()}
            if full is not None:
                ref = full[(name, "directive27")] - full[(name, "baseline")]
                row["p_difference_vs_full"] = stats.ttest_ind(diff, ref,
                                                              equal_var=False).pvalue
                row["p_baseline_vs_full"] = stats.ttest_ind(
                    base, full[(name, "baseline")], equal_var=False).pvalue
            rows.append(row)
    return pd.DataFrame(rows)


def markdown(t: pd.DataFrame) -> str:
    """A pipe table of ``t``."""
    lines = ["| " + " | ".join(t.columns) + " |", "|" + "---|" * len(t.columns)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in t.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--scales", type=float, nargs="+", default=[0.1, 0.25, 0.5, 1.0])
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    points = [(s, seed, sc) for s in a.scales for seed in range(1, a.seeds + 1)
              for sc in SCENARIOS]
    with ProcessPoolExecutor(a.workers) as pool:
        runs = pd.DataFrame(list(pool.map(one_run, points)))
    runs.to_csv(a.out / "runs.csv", index=False)
    t = table(runs)
    t.to_csv(a.out / "table.csv", index=False)
    (a.out / "table.md").write_text(markdown(t.round(4)))
    print(t.round(4).to_string(index=False))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
