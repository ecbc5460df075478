"""Exploratory probe (not a result): issue 13's market mechanisms switched on, uncalibrated.

    python scripts/probe_markets_on.py            # the shipped defaults (mechanisms off)
    python scripts/probe_markets_on.py 0.1        # outlets at 0.1 and the other rules on

Runs `baseline` and `directive27` at scale 0.25 for ten years, seeds 1-3, and prints
the 2027 means of the weak share, linked share, active contracts, live cooperatives,
businesses with a cooperative supplier and member households. The values switched on
(divert_rate 0.3, business_entry_rate 0.1, coop_search_rate 0.05, plan_min_volume 300)
are placeholders until the recalibration of issue 13.
"""

from __future__ import annotations

import sys

import numpy as np

from coopsim.policy.runner import run

FIGURES = ("weak_share", "linked_share", "links_active", "n_live", "businesses_linked_share",
           "membership_rate")


def main(capacity: float | None) -> None:
    on = {} if capacity is None else {"outlet_capacity": capacity, "divert_rate": 0.3,
                                      "business_entry_rate": 0.1, "coop_search_rate": 0.05,
                                      "plan_min_volume": 300.0}
    for scenario in ("baseline", "directive27"):
        rows = [run(scenario, {"scale": 0.25, **on}, seed=seed, years=10).yearly.iloc[-1]
                for seed in (1, 2, 3)]
        means = np.mean([[row[f] for f in FIGURES] for row in rows], axis=0)
        print(scenario, " ".join(f"{f} {v:.3f}" for f, v in zip(FIGURES, means, strict=True)))


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else None)
