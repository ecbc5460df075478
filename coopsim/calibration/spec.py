"""What a calibration fits, to what, and how: the calibration spec (TOML).

::

    [calibration]
    targets = "targets_quang_binh.toml"   # relative to this file, or absolute
    scenario = "baseline"                 # scenario of the fit runs (and of every target
                                          # that names none)
    scale = 1.0                           # fraction of the province simulated
    province = "my_province.toml"         # optional: a province file (relative to this
                                          # file, or absolute); default: the embedded one
    particles = 300                       # APMC population size
    alpha = 0.5                           # share kept each generation
    p_acc_min = 0.1                       # stop when fewer new points are accepted
    max_generations = 10
    seed = 2018
    check_reps = 20                       # replications of the fitted point
    posterior_draws = 20                  # posterior points run once each
    digits = 3                            # significant digits of the fitted values

    [prior]                               # uniform priors of the fitted parameters
    handling_turnover = [0.02, 0.10]

    [fixed]                               # overrides for every run
    snapshot_every = 0

Every value is checked before any run (:func:`load_spec`); the error names the key
and value.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

from coopsim.calibration.targets import Target, TargetSet, load_targets
from coopsim.core.checks import expect_table, number_problem
from coopsim.core.tomlfile import read_toml
from coopsim.world.params import ParameterError, Params, param_specs
from coopsim.world.province import load_province

__all__ = ["CalibrationSpec", "default_spec_path", "load_spec"]


@dataclass(frozen=True)
class CalibrationSpec:
    """A validated calibration spec (see the module docstring for the fields)."""

    targets: TargetSet
    prior: dict[str, tuple[float, float]]
    scenario: str = "baseline"
    scale: float = 1.0
    particles: int = 300
    alpha: float = 0.5
    p_acc_min: float = 0.1
    max_generations: int = 10
    seed: int = 2018
    check_reps: int = 20
    posterior_draws: int = 20
    digits: int = 3
    fixed: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    province: str | None = None

    def __post_init__(self) -> None:
        _check_prior(self.prior)
        _check_settings(self)
        clash = sorted(set(self.fixed) & set(self.prior))
        if clash:
            raise ParameterError(f"fixed: {clash[0]} is also in the prior; fix it or fit it")
        Params.from_overrides({**self.fixed, "scale": self.scale})
        if "scale" in self.fixed:
            raise ParameterError("fixed: give scale in [calibration], not [fixed]")
        _check_scenarios(self)
        if self.province is not None:  # read now: a bad file stops before any run
            load_province(self.province)

    def scenario_of(self, target: Target) -> str:
        """The scenario whose runs a target is compared with."""
        return target.scenario or self.scenario

    def scenarios(self) -> list[str]:
        """Every scenario some target is compared under (the fit scenario first)."""
        rest = {self.scenario_of(t) for t in self.targets.targets} - {self.scenario}
        return [self.scenario, *sorted(rest)]

    @property
    def n_keep(self) -> int:
        """Particles kept each generation."""
        return max(2, int(round(self.alpha * self.particles)))

    def settings(self) -> dict[str, Any]:
        """The plain settings (for the calibration record).

        ``province`` only when the spec names one, so records of the embedded province
        made before the setting existed still match.
        """
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("targets", "path")
                and not (f.name == "province" and self.province is None)}


def _check_prior(prior: dict[str, tuple[float, float]]) -> None:
    if not prior:
        raise ParameterError("prior: name at least one parameter to fit")
    specs = param_specs()
    for name, pair in prior.items():
        if name not in specs:
            Params.from_overrides({name: None})  # raises with a did-you-mean hint
        if specs[name].type is not float:
            raise ParameterError(f"prior.{name}: only float parameters can be fitted "
                                 f"({name} is {specs[name].type.__name__})")
        if not isinstance(pair, tuple | list) or len(pair) != 2 \
                or any(number_problem(v) for v in pair):
            raise ParameterError(f"prior.{name}: must be [low, high], got {pair!r} (two "
                                 "finite numbers)")
        lo, hi = (float(v) for v in pair)
        if not lo < hi:
            raise ParameterError(f"prior.{name}: low must be < high, got [{lo}, {hi}]")
        if lo < specs[name].lo or hi > specs[name].hi:
            raise ParameterError(f"prior.{name}: [{lo}, {hi}] leaves the parameter's valid "
                                 f"range [{specs[name].lo}, {specs[name].hi}]")


#: integer settings: (least, most)
_INTS = {"particles": (4, 100_000), "max_generations": (1, 100), "seed": (0, 2**63 - 1),
         "check_reps": (1, 10_000), "posterior_draws": (0, 100_000), "digits": (1, 15)}


def _check_settings(spec: CalibrationSpec) -> None:
    for name, (least, most) in _INTS.items():
        value = getattr(spec, name)
        if number_problem(value, integer=True, lo=least, hi=most):
            raise ParameterError(f"calibration.{name}: must be an integer >= {least} and "
                                 f"<= {most:,}, got {value!r}")
    if number_problem(spec.alpha) or not 0.0 < spec.alpha < 1.0:
        raise ParameterError(f"calibration.alpha: must be in (0, 1), got {spec.alpha!r}")
    if number_problem(spec.p_acc_min) or not 0.0 <= spec.p_acc_min < 1.0:
        raise ParameterError(f"calibration.p_acc_min: must be in [0, 1), got "
                             f"{spec.p_acc_min!r}")
    if not isinstance(spec.scenario, str):
        raise ParameterError(f"calibration.scenario: must be a scenario name or file, "
                             f"got {spec.scenario!r}")


def _check_scenarios(spec: CalibrationSpec) -> None:
    from coopsim.policy.package import PolicyError
    from coopsim.policy.scenarios import load_scenario

    for t in spec.targets.targets:
        if t.use == "fit" and spec.scenario_of(t) != spec.scenario:
            raise ParameterError(f"target {t.key}: a fit target must take the fit scenario "
                                 f"{spec.scenario!r}, got scenario {t.scenario!r}")
    for name in {spec.scenario, *(t.scenario for t in spec.targets.targets if t.scenario)}:
        try:
            load_scenario(name)
        except PolicyError as exc:
            raise ParameterError(f"scenario {name!r}: {exc}") from None


def default_spec_path() -> Path:
    """The spec of the shipped calibration of the default province."""
    return Path(str(resources.files("coopsim") / "data" / "calibration_quang_binh.toml"))


_KEYS = {"targets", "scenario", "province", "scale", "particles", "alpha", "p_acc_min",
         "max_generations", "seed", "check_reps", "posterior_draws", "digits"}


def load_spec(path: str | Path | None = None, **changes: Any) -> CalibrationSpec:
    """Read and validate a calibration spec (the shipped one when ``path`` is None).

    Args:
        path: the spec file.
        **changes: settings that replace the file's (e.g. ``particles=40`` from the CLI).

    Raises:
        ParameterError: an unreadable file, an unknown table or key, or a bad value.
        TargetError: a malformed targets file.
    """
    path = Path(path) if path is not None else default_spec_path()
    data = read_toml(path, "calibration spec", ParameterError)
    for key in data:
        if key not in ("calibration", "prior", "fixed"):
            raise ParameterError(f"calibration spec {path}: unknown table '{key}' "
                                 "(allowed: calibration, prior, fixed)")
        if expect_table(data[key]):
            raise ParameterError(f"calibration spec {path}: {key}: must be a table, "
                                 f"got {data[key]!r}")
    head = {**data.get("calibration", {}), **{k: v for k, v in changes.items()
                                                if v is not None}}
    for key in head:
        if key not in _KEYS:
            raise ParameterError(f"calibration spec {path}: calibration.{key}: unknown key "
                                 f"(allowed: {', '.join(sorted(_KEYS))})")
    targets_path = head.pop("targets", "targets_quang_binh.toml")
    if not isinstance(targets_path, str):
        raise ParameterError(f"calibration spec {path}: calibration.targets: must be a file "
                             f"name, got {targets_path!r}")
    targets_path = Path(targets_path)
    if not targets_path.is_absolute():
        targets_path = path.parent / targets_path
    targets = load_targets(targets_path)
    if not isinstance(head.get("province", ""), str):
        raise ParameterError(f"calibration spec {path}: calibration.province: must be a "
                             f"file name, got {head['province']!r}")
    if head.get("province") and not Path(head["province"]).is_absolute():
        head["province"] = str(path.parent / head["province"])  # as targets
    prior = {k: tuple(v) if isinstance(v, list) else v for k, v in data.get("prior", {}).items()}
    try:
        return CalibrationSpec(targets=targets, prior=prior, fixed=data.get("fixed", {}),
                               path=str(path), **head)
    except (ParameterError, TypeError, ValueError) as exc:
        raise ParameterError(f"calibration spec {path}: {exc}") from None
