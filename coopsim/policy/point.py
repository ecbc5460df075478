"""One run point: everything that varies between runs, named and validated in one place.

A run point is a scenario, a province and overrides. An override's name is one of

* a model parameter (``credit_access``; ``coopsim params`` lists them);
* ``policy.budget``: the package's yearly budget, m VND at full scale;
* ``levers.NAME.FIELD``: a field of a lever the scenario has: one of its declared
  fields (unit, range and source in :mod:`coopsim.policy.levers`), ``budget_share``,
  or its schedule's ``start``, ``end`` (``"YYYY-MM"``), ``intensity`` and ``schedule``
  (later changes of the intensity, as in a scenario file).

:func:`resolve_point` writes the policy overrides into the scenario's file layout and
validates the result as a scenario file is validated
(:func:`~coopsim.policy.scenarios.scenario_from_dict`), so a lever field set here runs
exactly as the same field written in the file. :func:`~coopsim.policy.runner.run`, the
CLI, the page and the engine (when it reads a design's inputs) all call it.
:func:`factor_spec` declares every name a design may vary (type, range, unit, source)
from the parameter and lever declarations, so designs and the CLI need no list of
their own.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from typing import Any

from coopsim.core.checks import number_problem
from coopsim.policy.levers import LEVERS, lever_from_dict
from coopsim.policy.package import PolicyError, parse_month
from coopsim.policy.scenarios import MAX_BUDGET, Scenario, scenario_from_dict
from coopsim.world.params import ParameterError, Params, ParamSpec, check_value, param_specs

__all__ = ["BUDGET", "check_overrides", "factor_names", "factor_spec", "is_policy_key",
           "resolve_point"]

#: the override name of the package's yearly budget
BUDGET = "policy.budget"
_SCHEDULE = {"intensity": (float, 1.0, 0.0, 10.0, "intensity",
                           "the lever's intensity from its start (1 = as declared)"),
             "start": (str, "2018-08", None, None, "YYYY-MM", "the month the lever starts"),
             "end": (str, None, None, None, "YYYY-MM", "the month the lever ends"),
             "schedule": (list, [], None, None, "[[YYYY-MM, intensity], ...]",
                          "later changes of the intensity")}


def is_policy_key(name: str) -> bool:
    """Whether an override names the package (budget or a lever field), not the model."""
    return name == BUDGET or name.startswith("levers.")


def _fields(lever: str) -> list[str]:
    """What ``levers.LEVER.FIELD`` may name for one lever: its schedule, then its fields."""
    return [*_SCHEDULE, *(f.name for f in dataclasses.fields(LEVERS[lever])
                          if f.name != "schedule")]


def _lever_field(name: str) -> tuple[str, str]:
    """``levers.NAME.FIELD`` split into lever and field; an error names what is wrong."""
    parts = name.split(".")
    if len(parts) != 3 or parts[0] != "levers":
        raise ParameterError(f"'{name}': a lever field is named levers.LEVER.FIELD, "
                             f"e.g. levers.consolidation.intensity")
    lever, fld = parts[1], parts[2]
    if lever not in LEVERS:
        close = difflib.get_close_matches(lever, LEVERS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ParameterError(f"'{name}': unknown lever '{lever}'{hint} "
                             f"(levers: {', '.join(LEVERS)})")
    allowed = _fields(lever)
    if fld not in allowed:
        raise ParameterError(f"'{name}': lever {lever} has no field '{fld}' "
                             f"(fields: {', '.join(allowed)})")
    return lever, fld


def factor_spec(name: str) -> ParamSpec:
    """The declaration of anything a run point may set: type, range, unit and source.

    Raises:
        ParameterError: an unknown name (with the closest known one).
    """
    if name == BUDGET:
        return ParamSpec(BUDGET, 0.0, float, 0.0, MAX_BUDGET, "m VND/year",
                         "the package's yearly budget at full scale", "assumed (scenario "
                         "file)", "policy")
    if name.startswith("levers."):
        lever, fld = _lever_field(name)
        if fld in _SCHEDULE:
            typ, default, lo, hi, unit, doc = _SCHEDULE[fld]
            return ParamSpec(name, default, typ, lo, hi, unit, doc, "scenario file", "lever")
        f = next(f for f in dataclasses.fields(LEVERS[lever]) if f.name == fld)
        meta = f.metadata
        return ParamSpec(name, f.default, type(f.default), meta.get("lo"), meta.get("hi"),
                         meta.get("unit") or "one of " + ", ".join(meta.get("choices", ())),
                         meta.get("doc", fld),
                         meta.get("source", "assumed"), "lever")
    specs = param_specs()
    if name not in specs:
        close = difflib.get_close_matches(name, factor_names(), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ParameterError(f"unknown parameter '{name}'{hint}")
    return specs[name]


def factor_names() -> list[str]:
    """Every name a run point may set: model parameters, the budget, each lever's fields."""
    levers = [f"levers.{lv}.{fld}" for lv in LEVERS for fld in _fields(lv)]
    return [*param_specs(), BUDGET, *levers]


def _plain(value: Any) -> Any:
    """Numpy numbers as Python ones (a design is stored as JSON exactly as it runs)."""
    return value.item() if hasattr(value, "item") else value


def check_overrides(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Check every name and value that does not depend on a scenario; plain values back.

    A model parameter's type and range are checked as :class:`Params` checks each field
    (the checks across fields, such as scoring weights that must sum to a total, need
    the scenario's values too and are made by :func:`resolve_point`); a lever field as a
    scenario file's lever table is (on a lever with its defaults; its schedule's end is
    checked against the scenario's start in :func:`resolve_point`).

    Raises:
        ParameterError: an unknown name or a bad value, naming both.
    """
    values = {k: _plain(v) for k, v in overrides.items()}
    out = {}
    for name, value in values.items():
        spec = factor_spec(name)
        if not is_policy_key(name):
            check_value(spec, value)
            out[name] = spec.type(value)
            continue
        if name == BUDGET:
            if number_problem(value, lo=0.0, hi=MAX_BUDGET):
                raise ParameterError(f"'{name}' must be a number of m VND in [0, "
                                     f"{MAX_BUDGET:g}], got {value!r}")
        elif name.endswith(".end"):  # its order against the start needs the scenario
            try:
                parse_month(value, f"'{name}'")
            except PolicyError as exc:
                raise ParameterError(str(exc)) from None
        else:
            lever, fld = _lever_field(name)
            try:
                lever_from_dict(lever, {fld: value}, f"'{name}'")
            except PolicyError as exc:
                raise ParameterError(str(exc)) from None
        out[name] = float(value) if spec.type is float else value
    return {k: out[k] for k in values}


def resolve_point(scenario: Scenario, overrides: Mapping[str, Any] | None = None
                  ) -> tuple[Scenario, Params]:
    """The scenario with the point's policy overrides applied, and the run's parameters.

    Parameters are the defaults, then the scenario's ``[parameters]`` and ``[external]``,
    then the point's model-parameter overrides.

    Raises:
        ParameterError: a bad name or value. PolicyError: the changed scenario is not
        valid (a lever it does not have, budget shares summing above 1, an end before
        the start), naming the scenario and the field.
    """
    values = check_overrides(dict(overrides or {}))
    policy = {k: v for k, v in values.items() if is_policy_key(k)}
    if policy:
        scenario = _with_policy(scenario, policy)
    model = {k: v for k, v in values.items() if not is_policy_key(k)}
    return scenario, Params.from_overrides({**scenario.overrides(), **model})


def _with_policy(scenario: Scenario, policy: Mapping[str, Any]) -> Scenario:
    """``scenario`` rebuilt from its file layout with the budget and lever fields set."""
    data = scenario.to_dict()
    for name, value in policy.items():
        if name == BUDGET:
            data["policy"]["budget"] = value
            continue
        lever, fld = _lever_field(name)
        if lever not in data["levers"]:
            have = ", ".join(data["levers"]) or "none"
            raise PolicyError(f"'{name}': scenario {scenario.name} has no lever {lever} "
                              f"(its levers: {have}); add it to the scenario file")
        data["levers"][lever][fld] = value
    return scenario_from_dict(data, f"{scenario.name} with {', '.join(sorted(policy))} set")
