"""Linked share by cohort: the starting stock against cooperatives founded during the run.

A probe for the directive's effect on the linked share (ODD section 9): for each seed,
``baseline`` and ``directive27`` at full scale for ten years, and in 2021 and 2027 the
active cooperatives of each cohort with the share linked at some month of the year
(``linked_months > 0`` of ``coop_years``), the share classed good or fair and members.

    python scripts/probe_linked_cohorts.py [SEED ...]     # default seeds 11-14
"""

import sys

import pandas as pd

from coopsim.policy.runner import run


def cohort_rows(seed: int, scenario: str) -> list[dict]:
    """One row per year and cohort of one run."""
    cy = run(scenario, {"snapshot_every": 0}, seed=seed, years=10).coop_years
    rows = []
    for year in (2021, 2027):
        active = cy[(cy.year == year) & (cy.status == "active")]
        for initial, g in active.groupby("initial"):
            rows.append({"seed": seed, "scenario": scenario, "year": year,
                         "cohort": "starting stock" if initial else "founded in the run",
                         "n": len(g), "linked": float((g.linked_months > 0).mean()),
                         "good_fair": float(g.coop_class.isin(["good", "fair"]).mean()),
                         "members": float(g.members.mean())})
    return rows


if __name__ == "__main__":
    seeds = [int(a) for a in sys.argv[1:]] or [11, 12, 13, 14]
    rows = [r for s in seeds for sc in ("baseline", "directive27") for r in cohort_rows(s, sc)]
    table = pd.DataFrame(rows).groupby(["year", "scenario", "cohort"])[
        ["n", "linked", "good_fair", "members"]].mean()
    print(table.round(3).to_string())
    print("seeds", seeds)
