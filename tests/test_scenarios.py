"""Scenario files: shipped ones load and run; round-trip; bad files are rejected clearly."""

import importlib.util
import tomllib
from pathlib import Path

import pytest
import tomli_w

from coopsim.cli import main
from coopsim.policy.package import PolicyError
from coopsim.policy.runner import run
from coopsim.policy.scenarios import load_scenario, save_scenario, shipped_scenarios

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_every_shipped_scenario_loads_round_trips_and_runs_a_year(name, tmp_path):
    scenario = load_scenario(name)
    assert scenario.name == name and scenario.description
    again = load_scenario(save_scenario(scenario, tmp_path / f"{name}.toml"))
    assert again == scenario
    res = run(scenario, overrides={"scale": 0.03}, seed=1, years=1)
    assert res.yearly.year.tolist() == [2018]
    assert res.provenance["scenario"]["scenario"]["name"] == name


def test_derived_scenarios_are_in_sync_with_their_generator():
    spec = importlib.util.spec_from_file_location("make_scenarios",
                                                  ROOT / "scripts" / "make_scenarios.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for stem, scenario in module.derived().items():
        assert load_scenario(stem) == scenario, stem


def _write(tmp_path, mutate):
    data = tomllib.loads((shipped_scenarios()["directive27"]).read_text())
    mutate(data)
    path = tmp_path / "bad.toml"
    path.write_text(tomli_w.dumps(data))
    return path


@pytest.mark.parametrize(("mutate", "pattern"), [
    (lambda d: d["levers"]["manager_training"].__setitem__("slots", 5),
     r"levers\.manager_training: unknown key 'slots'"),
    (lambda d: d["levers"]["credit_access"].__setitem__("start", "2018-13"),
     r"levers\.credit_access\.start: expected a month 'YYYY-MM', got '2018-13'"),
    (lambda d: d["levers"]["credit_access"].__setitem__("end", "2017-01"),
     r"levers\.credit_access: end 2017-01 is before start 2018-08"),
    (lambda d: d["policy"].__setitem__("budget", -5.0),
     r"policy\.budget: must be a non-negative number of m VND, got -5\.0"),
    (lambda d: d["levers"].__setitem__("free_lunch", {"start": "2018-08"}),
     r"levers\.free_lunch: unknown lever 'free_lunch'"),
    (lambda d: d["levers"]["manager_training"].__setitem__("targeting", "tallest"),
     r"targeting must be one of .*got 'tallest'"),
    (lambda d: d["levers"]["manager_training"].__setitem__("competence_gain", 3.0),
     r"competence_gain must be a number in \[0.0, 1.0\].*got 3.0"),
    (lambda d: d["levers"]["manager_training"].__setitem__("budget_share", 0.9),
     r"budget shares of the levers sum to 1.8"),
    (lambda d: d.__setitem__("external", {"markup_base": 0.1}),
     r"external\.markup_base: not an external condition"),
    (lambda d: d.__setitem__("parameters", {"credit_acess": 0.1}),
     r"unknown parameter 'credit_acess'"),
    (lambda d: d.__setitem__("extras", {}), r"extras: unknown table"),
])
def test_bad_scenario_files_name_the_file_key_and_value(tmp_path, mutate, pattern):
    path = _write(tmp_path, mutate)
    with pytest.raises(PolicyError, match=pattern) as err:
        load_scenario(path)
    assert str(path) in str(err.value)


def test_unknown_scenario_names_are_rejected_with_the_list():
    with pytest.raises(PolicyError, match="unknown scenario 'directive28'.*directive27"):
        load_scenario("directive28")


def test_external_conditions_are_separate_from_levers(tmp_path):
    data = tomllib.loads(shipped_scenarios()["baseline"].read_text())
    data["external"] = {"price_volatility": 0.1, "yield_shock": 0.2, "demand_growth": 0.0}
    path = tmp_path / "stormy.toml"
    path.write_text(tomli_w.dumps(data))
    scenario = load_scenario(path)
    assert scenario.overrides() == data["external"] and scenario.levers == []


def test_cli_runs_a_scenario_and_lists_them(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["run", "--scenario", "only_manager_training", "--years", "2", "--scale",
                 "0.05", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "scenario only_manager_training" in printed and "trainees" in printed
    assert (out / "spending.csv").exists() and (out / "lever_figures.csv").exists()
    assert main(["scenarios"]) == 0
    listed = capsys.readouterr().out
    assert "directive27 " in listed and "only_consolidation" in listed
    assert main(["run", "--scenario", "nope", "--out", str(tmp_path / "x"), "--quiet"]) == 2
    assert "unknown scenario 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
