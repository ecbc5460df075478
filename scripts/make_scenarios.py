"""Regenerate the derived shipped scenarios from directive27.toml:

    python scripts/make_scenarios.py

baseline (no measures), one file per lever alone (that lever as in the directive, with
the budget the directive gives it), and the directive with half and double the budget.
A test checks the shipped files equal what this script writes.
"""

import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coopsim.policy.scenarios import Scenario, load_scenario, save_scenario  # noqa: E402

FOLDER = Path(__file__).resolve().parents[1] / "coopsim" / "policy" / "scenarios"


def derived() -> dict[str, Scenario]:
    """Every derived scenario, by file stem."""
    d27 = load_scenario(FOLDER / "directive27.toml")
    out = {"baseline": Scenario("baseline", "No directive measures (the counterfactual)")}
    for lever in d27.levers:
        alone = copy.deepcopy(lever)
        alone.budget_share = 1.0
        out[f"only_{lever.name}"] = Scenario(
            f"only_{lever.name}", f"Only the {lever.name.replace('_', ' ')} lever of the "
            f"directive (task {lever.task}), with its directive budget",
            budget=d27.budget * lever.budget_share, levers=[alone])
    for label, factor in (("half", 0.5), ("double", 2.0)):
        out[f"directive27_{label}"] = Scenario(
            f"directive27_{label}", f"The directive with {label} the budget "
            f"({d27.budget * factor:g} m VND/yr)", budget=d27.budget * factor,
            levers=copy.deepcopy(d27.levers))
    return out


if __name__ == "__main__":
    for stem, scenario in derived().items():
        save_scenario(scenario, FOLDER / f"{stem}.toml")
        print(f"wrote {stem}.toml")
