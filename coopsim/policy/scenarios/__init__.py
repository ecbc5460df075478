"""Scenarios: a policy package plus the external conditions it is tested under.

A scenario file (TOML) separates what the province chooses (``[policy]`` budget and
``[levers.NAME]`` tables) from uncertain external conditions (``[external]``: prices,
yield shocks, demand growth), and may set other model parameters (``[parameters]``).
Shipped scenarios live beside this module; ``coopsim scenarios`` lists them. Every
key and value is checked when a file is read; an error names the file, key and value.

The external conditions draw from their own random stream, so two scenarios run with
the same seed face the same prices and harvests (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w

from coopsim.core.checks import expect_table, number_problem
from coopsim.core.tomlfile import read_toml
from coopsim.policy.levers import Lever, lever_from_dict
from coopsim.policy.package import Policy, PolicyError
from coopsim.world.params import ParameterError, Params, param_specs

__all__ = ["Scenario", "load_scenario", "save_scenario", "shipped_scenarios"]

_TOP = {"scenario", "policy", "levers", "external", "parameters"}
#: most yearly budget a scenario may give, m VND (100 trillion VND: more than a
#: province's whole yearly budget; a larger figure is a typo)
MAX_BUDGET = 1e8


@dataclass
class Scenario:
    """A named policy package with its external conditions and parameter overrides.

    Attributes:
        name, description: shown by ``coopsim scenarios``.
        budget: yearly budget of the package at full scale, m VND (scaled with the
            simulated share of households).
        levers: the levers with their schedules and budget shares.
        external: overrides of the external-condition parameters.
        parameters: other parameter overrides.
    """

    name: str
    description: str = ""
    budget: float = 0.0
    levers: list[Lever] = field(default_factory=list)
    external: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)

    def overrides(self) -> dict[str, Any]:
        """All parameter overrides of the scenario (external conditions included)."""
        return {**self.parameters, **self.external}

    def policy(self) -> Policy | None:
        """A fresh :class:`Policy` for one run (None when the scenario has no levers)."""
        if not self.levers:
            return None
        import copy

        return Policy(copy.deepcopy(self.levers), self.budget)

    def to_dict(self) -> dict[str, Any]:
        """The scenario in the file's layout."""
        out: dict[str, Any] = {"scenario": {"name": self.name, "description": self.description},
                               "policy": {"budget": self.budget},
                               "levers": {lv.name: lv.to_dict() for lv in self.levers}}
        if self.external:
            out["external"] = dict(self.external)
        if self.parameters:
            out["parameters"] = dict(self.parameters)
        return out


def scenario_from_dict(data: dict[str, Any], origin: str) -> Scenario:
    """Build and validate a scenario from the file layout, naming ``origin`` on error."""
    def fail(key: str, msg: str):
        raise PolicyError(f"scenario file {origin}: {key}: {msg}")

    for key in data:
        if key not in _TOP:
            fail(key, f"unknown table (allowed: {', '.join(sorted(_TOP))})")
        if expect_table(data[key]):
            fail(key, f"must be a table, got {data[key]!r}")
    head = data.get("scenario", {})
    if not isinstance(head.get("name"), str) or not head["name"]:
        fail("scenario.name", f"must be a non-empty string, got {head.get('name')!r}")
    for key in head:
        if key not in ("name", "description"):
            fail(f"scenario.{key}", "unknown key (allowed: name, description)")
    if not isinstance(head.get("description", ""), str):
        fail("scenario.description", f"must be a text, got {head['description']!r}")
    policy = data.get("policy", {})
    for key in policy:
        if key != "budget":
            fail(f"policy.{key}", "unknown key (allowed: budget)")
    budget = policy.get("budget", 0.0)
    if number_problem(budget, lo=0.0):
        fail("policy.budget", f"must be a non-negative number of m VND, got {budget!r}")
    if budget > MAX_BUDGET:
        fail("policy.budget", f"must be at most {MAX_BUDGET:g} m VND a year, got {budget!r}")
    for name, table in data.get("levers", {}).items():
        if expect_table(table):
            fail(f"levers.{name}", f"must be a table, got {table!r}")
    levers = [lever_from_dict(name, table, f"scenario file {origin}: levers.{name}")
              for name, table in data.get("levers", {}).items()]
    external = dict(data.get("external", {}))
    parameters = dict(data.get("parameters", {}))
    specs = param_specs()
    for key in external:
        if key not in specs or specs[key].group != "external":
            allowed = ", ".join(n for n, s in specs.items() if s.group == "external")
            fail(f"external.{key}", f"not an external condition (allowed: {allowed})")
    try:
        Params.from_overrides({**parameters, **external})
    except (ParameterError, ValueError) as exc:
        fail("parameters" if parameters else "external", str(exc))
    try:
        Policy(levers, float(budget))
    except PolicyError as exc:
        fail("levers", str(exc))
    return Scenario(name=head["name"], description=head.get("description", ""),
                    budget=float(budget), levers=levers, external=external,
                    parameters=parameters)


def shipped_scenarios() -> dict[str, Path]:
    """The scenario files that ship with coopsim, by name."""
    folder = resources.files("coopsim.policy.scenarios")
    return {Path(str(f)).stem: Path(str(f)) for f in folder.iterdir()
            if str(f).endswith(".toml")}


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a shipped scenario by name, or a scenario file by path.

    Raises:
        PolicyError: unknown name, unreadable file, bad TOML, or a bad key or value.
    """
    shipped = shipped_scenarios()
    path = shipped.get(str(name_or_path)) or Path(name_or_path)
    if str(name_or_path) not in shipped and path.suffix != ".toml":
        raise PolicyError(f"unknown scenario {str(name_or_path)!r} (shipped: "
                          f"{', '.join(sorted(shipped))}; or give a path to a .toml file)")
    return scenario_from_dict(read_toml(path, "scenario file", PolicyError), str(path))


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write ``scenario`` as a TOML file that :func:`load_scenario` reads back equal."""
    path = Path(path)
    path.write_text(tomli_w.dumps(scenario.to_dict()), encoding="utf-8")
    return path
