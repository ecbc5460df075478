"""The input files of an experiment, read once by the driver and stored by content.

A design names its scenarios (shipped names or paths) and its province (a path, or the
embedded default). :func:`read_inputs` reads and validates each of them once, in the
driving process, and keeps their content and a SHA-256 of it; the engine then ships
the content to the workers inside each :class:`~coopsim.experiment.designs.RunSpec`
(so a relative path means the driver's directory, whatever a Dask worker's is) and
stores it with the design. Resuming a store whose inputs now read differently (a
scenario file edited, another province, other coopsim code) is refused with a message
naming what changed (:func:`changes`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coopsim.core.codeinfo import code_digest
from coopsim.experiment.designs import Design, RunSpec
from coopsim.policy.package import PolicyError
from coopsim.policy.point import resolve_point
from coopsim.policy.scenarios import Scenario, load_scenario, shipped_scenarios
from coopsim.world.params import ParameterError
from coopsim.world.province import load_province

__all__ = ["Inputs", "changes", "read_inputs"]


def _canonical(data: Any) -> str:
    """The content as JSON text, in the file's order (keys are not sorted).

    The order of a scenario's levers is the order they act in each month, so it is part
    of what runs.
    """
    return json.dumps(data, separators=(",", ":"))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Inputs:
    """What an experiment's runs read, by content.

    Attributes:
        scenarios: per scenario reference of the design, ``{"origin", "sha256"}``
            (origin: ``shipped scenario NAME`` or the file's absolute path).
        province: ``{"origin", "sha256"}`` of the province.
        code: :func:`~coopsim.core.codeinfo.code_digest` of the driver's coopsim.
        data: the canonical JSON content of each scenario (by reference) and of the
            province (key ``""``), as shipped to the workers.
    """

    scenarios: dict[str, dict[str, str]]
    province: dict[str, str]
    code: str
    data: dict[str, str]

    def record(self) -> dict[str, Any]:
        """What the store keeps to check a resume (origins and digests, no content)."""
        return {"scenarios": self.scenarios, "province": self.province, "code": self.code}

    def attach(self, spec: RunSpec) -> RunSpec:
        """``spec`` carrying the content of its scenario and of the province."""
        return dataclasses.replace(spec, scenario_data=self.data[spec.scenario],
                                   province_data=self.data[""])


def read_inputs(design: Design) -> Inputs:
    """Read and validate every input file ``design`` names (in this process's directory).

    Each point's overrides are applied to its scenario once here
    (:func:`~coopsim.policy.point.resolve_point`), so a point that cannot run is refused
    before any run starts.

    Raises:
        PolicyError: a scenario is unknown or malformed, or a point's lever fields do
        not fit its scenario. ProvinceError: likewise the province.
    """
    shipped = shipped_scenarios()
    scenarios, data, loaded = {}, {}, {}
    for ref in sorted({str(p.get("scenario", "baseline")) for p in design.points}):
        loaded[ref] = load_scenario(ref)
        text = _canonical(loaded[ref].to_dict())
        origin = (f"shipped scenario {ref}" if ref in shipped
                  else str(Path(ref).expanduser().resolve()))
        scenarios[ref] = {"origin": origin, "sha256": _digest(text)}
        data[ref] = text
    for i, point in enumerate(design.points):
        _check_against_scenario(i, point, loaded[str(point.get("scenario", "baseline"))])
    province = load_province(design.province)
    data[""] = _canonical(province.to_dict())
    origin = ("embedded default province" if design.province is None
              else str(Path(design.province).expanduser().resolve()))
    return Inputs(scenarios, {"origin": origin, "sha256": _digest(data[""])},
                  code_digest(), data)


def _check_against_scenario(i: int, point: dict[str, Any], scenario: Scenario) -> None:
    """Check that a point's overrides applied to its scenario make a valid run.

    The levers it sets must be in the scenario and the budget shares still fit; an
    error names the point.
    """
    try:
        resolve_point(scenario, point.get("overrides", {}))
    except (ParameterError, PolicyError) as exc:
        raise type(exc)(f"design point {i}: {exc}") from None


def changes(stored: dict[str, Any], now: Inputs) -> list[str]:
    """How ``now`` differs from the inputs ``stored`` with an experiment (empty: same)."""
    out = []
    for ref, was in stored["scenarios"].items():
        cur = now.scenarios.get(ref)
        if cur is not None and cur["sha256"] != was["sha256"]:
            out.append(f"scenario {ref!r} ({cur['origin']}) changed since the experiment "
                       f"started (then {was['origin']})")
    if stored["province"]["sha256"] != now.province["sha256"]:
        out.append(f"the province ({now.province['origin']}) changed since the experiment "
                   f"started (then {stored['province']['origin']})")
    if stored["code"] != now.code:
        out.append(f"coopsim's code changed since the experiment started (code digest "
                   f"{stored['code'][:12]} then, {now.code[:12]} now)")
    return out
