"""Tally the directive's consolidation cases by reason, origin and outcome (ODD run A12b).

    python scripts/probe_consolidation_cases.py [SEED]

Runs `CoopModel` with the `directive27` package for ten years at full scale, wrapping
`Consolidation._handle`, and prints one line per (reason, origin, outcome): reason is
inactive, two weak ratings running (`weak_years`) or surplus in a commune's product;
origin is whether the cooperative belongs to the starting stock (index below the initial
count) or was founded during the run.
"""

from __future__ import annotations

import collections
import sys

from coopsim.model.coop_model import CoopModel
from coopsim.model.cooperative import INACTIVE
from coopsim.policy import levers
from coopsim.policy.scenarios import load_scenario


def main(seed: int) -> None:
    tally: collections.Counter = collections.Counter()
    original = levers.Consolidation._handle
    model = CoopModel(seed=seed, policy=load_scenario("directive27").policy())
    initial = len(model.coops)

    def handle(self, model, policy, coop):
        inactive = coop.status == INACTIVE
        reason = "inactive" if inactive else (
            "weak_years" if coop.weak_years >= self.weak_years else "surplus")
        target = levers._merge_target(model, coop)
        outcome = "merge" if target is not None and not inactive else "dissolve"
        tally[(reason, "new" if coop.idx >= initial else "initial", outcome)] += 1
        original(self, model, policy, coop)

    levers.Consolidation._handle = handle
    for _ in range(120):
        model.step()
    for key, count in sorted(tally.items()):
        print(*key, count)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
