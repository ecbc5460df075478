"""One run point for everything that varies: model parameters, the budget, lever fields
and the province (coopsim.policy.point), through run(), the engine, the CLI and the page."""

import json

import pandas as pd
import pytest

from coopsim.cli import main
from coopsim.experiment.designs import Design, full_factorial, latin_hypercube
from coopsim.experiment.engine import execute, run_experiment
from coopsim.experiment.inputs import read_inputs
from coopsim.experiment.store import Store
from coopsim.experiment.sweep import design_from_spec
from coopsim.policy.package import PolicyError
from coopsim.policy.point import check_overrides, factor_names, factor_spec, resolve_point
from coopsim.policy.runner import run
from coopsim.policy.scenarios import load_scenario, save_scenario
from coopsim.world.params import ParameterError

TINY = {"scale": 0.05, "snapshot_every": 0}


def _yearly(outcome):
    assert "error" not in outcome, outcome.get("error")
    return pd.DataFrame(outcome["yearly"])


def test_a_lever_field_swept_in_a_factorial_runs_as_the_same_field_in_a_file(tmp_path):
    """Each level of levers.support_programme.intensity, run through the engine, equals
    the run of a scenario file with that intensity written in it (every bit); the two
    levels differ (the field reaches the model)."""
    design = full_factorial({"levers.support_programme.intensity": [0.0, 2.0]},
                            "directive27", reps=1, master_seed=5, years=2, fixed=TINY)
    inputs = read_inputs(design)
    swept = [_yearly(execute(inputs.attach(spec))) for spec in design.runs()]
    for level, got in zip((0.0, 2.0), swept, strict=True):
        scenario = load_scenario("directive27")
        lever = next(lv for lv in scenario.levers if lv.name == "support_programme")
        lever.schedule = type(lever.schedule)(lever.schedule.start, None, level)
        path = save_scenario(scenario, tmp_path / f"sp_{level}.toml")
        filed = run(str(path), TINY, seed=design.runs()[0].seed, years=2)
        pd.testing.assert_frame_equal(got, filed.yearly, check_dtype=False, check_exact=True)
    assert not swept[0].equals(swept[1])
    spent = [df.get("spent_support_programme", pd.Series([0.0])).sum() for df in swept]
    assert spent[1] > 0 == spent[0]


def test_the_budget_and_a_lever_field_reach_the_run_and_its_provenance():
    res = run("directive27", {**TINY, "policy.budget": 5000.0,
                              "levers.consolidation.weak_years": 3}, seed=2, years=1)
    scen = res.provenance["scenario"]
    assert scen["policy"]["budget"] == 5000.0
    assert scen["levers"]["consolidation"]["weak_years"] == 3
    full = run("directive27", TINY, seed=2, years=1)
    assert res.yearly.budget_spent.sum() < full.yearly.budget_spent.sum()


@pytest.mark.parametrize("overrides, error, message", [
    ({"levers.consolidaton.intensity": 1.0}, ParameterError, "did you mean 'consolidation'"),
    ({"levers.consolidation.speed": 1.0}, ParameterError, "has no field 'speed'"),
    ({"levers.consolidation.weak_years": 30}, ParameterError, r"weak_years must be an "
                                                               r"integer in \[1, 10\]"),
    ({"levers.manager_training.targeting": "best"}, ParameterError, "targeting must be one"),
    ({"policy.budget": -1.0}, ParameterError, "'policy.budget' must be a number"),
    ({"levers.consolidation": 1.0}, ParameterError, "levers.LEVER.FIELD"),
    ({"levers.consolidation.budget_share": 0.9}, PolicyError, "sum to 1.85 > 1"),
    ({"levers.consolidation.end": "2010-01"}, PolicyError, "before start"),
])
def test_a_bad_point_is_refused_naming_the_field_and_value(overrides, error, message):
    with pytest.raises(error, match=message):
        resolve_point(load_scenario("directive27"), overrides)


def test_a_lever_the_scenario_lacks_is_refused_before_any_run(tmp_path):
    design = full_factorial({"levers.consolidation.intensity": [0.0, 1.0]}, "baseline",
                            fixed=TINY, years=1)
    with pytest.raises(PolicyError, match="design point 0: .*scenario baseline has no lever "
                                          "consolidation"):
        run_experiment(design, tmp_path / "x.sqlite")
    assert not (tmp_path / "x.sqlite").exists()


def test_designs_take_lever_fields_as_factors_with_their_declared_types_and_ranges():
    d = latin_hypercube({"levers.consolidation.weak_years": (1, 4),
                         "levers.manager_training.intensity": (0.0, 2.0),
                         "policy.budget": (10_000.0, 30_000.0)}, 6, "directive27")
    for point in d.points:
        o = point["overrides"]
        assert isinstance(o["levers.consolidation.weak_years"], int)
        assert 0.0 <= o["levers.manager_training.intensity"] <= 2.0
    with pytest.raises(ParameterError, match="leave the parameter's valid range"):
        latin_hypercube({"levers.consolidation.weak_years": (0, 4)}, 4, "directive27")
    with pytest.raises(ParameterError, match="cannot be sampled between bounds"):
        latin_hypercube({"levers.manager_training.targeting": (0, 1)}, 4, "directive27")
    assert factor_spec("levers.consolidation.coverage").unit
    assert {"credit_access", "policy.budget", "levers.ocop_support.subsidy"} <= set(
        factor_names())


def test_check_overrides_gives_plain_values_stored_as_they_run():
    import numpy as np

    out = check_overrides({"levers.consolidation.weak_years": np.int64(2),
                           "levers.consolidation.intensity": 1, "credit_access": np.float64(.2)})
    assert out == {"levers.consolidation.weak_years": 2,
                   "levers.consolidation.intensity": 1.0, "credit_access": 0.2}
    assert type(out["levers.consolidation.weak_years"]) is int
    json.dumps(out)


def test_a_sweep_spec_reads_lever_levels_and_a_province(tmp_path):
    spec = {"sweep": {"design": "factorial", "scenario": "directive27", "province": "p.toml"},
            "levels": {"levers.consolidation.max_per_commune": [0, 2]}, "fixed": TINY}
    d = design_from_spec(spec)
    assert d.province == "p.toml" and len(d.points) == 2
    with pytest.raises(ParameterError, match="sweep spec <spec>: design point 0: "
                                             "'levers.consolidation.max_per_commune'"):
        design_from_spec({**spec, "levels": {"levers.consolidation.max_per_commune": [99]}})


def _edited_province(tmp_path):
    path = tmp_path / "my.toml"
    assert main(["province", "--save", str(path)]) == 0
    text = path.read_text().replace('name = "Quang Binh (default, 2018)"',
                                    'name = "Edited province"', 1)
    path.write_text(text.replace("households = 32000", "households = 16000", 1))
    return path


def test_compare_runs_on_the_province_it_is_given(tmp_path):
    path = _edited_province(tmp_path)
    args = ["compare", "baseline", "directive27", "--reps", "2", "--years", "1", "--scale",
            "0.05", "--executor", "serial", "--quiet", "--seed", "4"]
    assert main([*args, "--province", str(path), "--out", str(tmp_path / "mine")]) == 0
    assert main([*args, "--out", str(tmp_path / "default")]) == 0
    with Store(tmp_path / "mine" / "experiment.sqlite", readonly=True) as mine, \
            Store(tmp_path / "default" / "experiment.sqlite", readonly=True) as default:
        ours, theirs = mine.provenance(0), default.provenance(0)
    assert ours["province"]["name"] == "Edited province"
    assert theirs["province"]["name"].startswith("Quang Binh")
    assert ours["households"] < theirs["households"]


@pytest.mark.parametrize("command", [
    ["sweep", "SPEC"], ["sensitivity", "--method", "morris", "--n", "2"], ["calibrate"]])
def test_every_experiment_command_refuses_a_bad_province_before_any_work(tmp_path, capsys,
                                                                         command):
    bad = tmp_path / "bad.toml"
    bad.write_text("[province]\nname = 3\n")
    spec = tmp_path / "s.toml"
    spec.write_text('[sweep]\ndesign = "explicit"\nyears = 1\n[[points]]\nscale = 0.05\n')
    argv = [spec.as_posix() if a == "SPEC" else a for a in command]
    out = tmp_path / "out"
    assert main([*argv, "--province", str(bad), "--out", str(out), "--quiet",
                 "--executor", "serial"]) == 2
    assert "bad.toml" in capsys.readouterr().err
    assert not out.exists()


def test_the_calibration_runs_on_the_province_of_its_spec(tmp_path):
    from coopsim.calibration import load_spec
    from coopsim.calibration.fit import _design, run_years

    path = _edited_province(tmp_path)
    path.write_text(path.read_text().replace("start_year = 2018", "start_year = 2016", 1))
    spec = load_spec(province=str(path))
    assert run_years(spec, ("fit",)) == run_years(load_spec(), ("fit",)) + 2
    import numpy as np

    design = _design(spec, list(spec.prior), np.full((1, len(spec.prior)), 0.05), 1, 1, 0)
    assert design.province == str(path)


def test_run_echoes_a_lever_field_set_on_the_command_line(tmp_path):
    out = tmp_path / "r"
    assert main(["run", "--scenario", "directive27", "--years", "1", "--scale", "0.05",
                 "--set", "levers.consolidation.weak_years=3", "--quiet", "--out",
                 str(out)]) == 0
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["scenario"]["levers"]["consolidation"]["weak_years"] == 3


def test_the_page_builds_its_scenario_through_the_run_point():
    from coopsim.presentation import app

    m = app.ExploreModel(scenario="directive27", seed=1, scale=0.03, lever_consolidation=0.5)
    scen, _ = resolve_point(load_scenario("directive27"),
                            {"levers.consolidation.intensity": 0.5})
    lever = next(lv for lv in m.policy.levers if lv.name == "consolidation")
    assert lever.schedule == next(lv for lv in scen.levers
                                  if lv.name == "consolidation").schedule


def test_a_design_point_with_a_province_is_stored_with_the_provinces_digest(tmp_path):
    path = _edited_province(tmp_path)
    design = Design("explicit", [{"scenario": "baseline", "overrides": TINY}], years=1,
                    province=str(path))
    assert "Edited province" in read_inputs(design).data[""]


def test_the_shipped_consolidation_sweep_spec_is_valid_against_the_directive():
    from pathlib import Path

    from coopsim.experiment.sweep import load_spec

    path = Path(__file__).resolve().parents[1] / "experiments" / "consolidation_rule.toml"
    design = design_from_spec(load_spec(path), str(path))
    assert len(design.points) == 9 and design.points[0]["scenario"] == "directive27"
    read_inputs(design)  # every point applied to the directive, as the engine does


def test_a_model_override_is_checked_with_the_scenarios_values_not_the_defaults():
    """Scoring weights must sum to a total: a point that moves one weight back on a
    scenario that moved two is valid (the sum is checked on the merged values)."""
    from coopsim.policy.scenarios import Scenario

    scen = Scenario("moved", parameters={"c09_member_benefits": 15, "c09_capital": 17})
    _, params = resolve_point(scen, {"c09_member_benefits": 15})
    assert params.c09_capital == 17
    check_overrides({"c09_member_benefits": 15})  # alone: per-field checks only
    with pytest.raises(ParameterError, match="c09"):
        resolve_point(load_scenario("baseline"), {"c09_member_benefits": 15})


def test_a_lever_end_and_a_misspelt_budget_are_refused_without_the_scenario():
    with pytest.raises(ParameterError, match="expected a month 'YYYY-MM', got 5"):
        check_overrides({"levers.consolidation.end": 5})
    with pytest.raises(ParameterError, match="did you mean 'policy.budget'"):
        check_overrides({"policy.budgt": 1.0})


def test_params_lists_the_lever_fields_a_point_may_set(capsys):
    assert main(["params", "--levers"]) == 0
    out = capsys.readouterr().out
    assert "policy.budget" in out and "levers.consolidation.weak_years" in out
    names = [line.split()[0] for line in out.splitlines()[1:]]
    assert names and all(n == "policy.budget" or n.startswith("levers.") for n in names)


def test_a_page_slider_multiplies_a_levers_later_intensities_too(tmp_path):
    from coopsim.presentation import app

    path = tmp_path / "sch.toml"
    path.write_text('[scenario]\nname = "sch"\n[policy]\nbudget = 1000.0\n'
                    '[levers.manager_training]\nstart = "2018-08"\nintensity = 0.5\n'
                    'budget_share = 0.5\nschedule = [["2020-01", 1.0], ["2022-01", 0.2]]\n')
    m = app.ExploreModel(scenario=str(path), seed=1, scale=0.03, lever_manager_training=2.0)
    sched = m.policy.levers[0].schedule
    assert sched.intensity == 1.0 and sched.changes == (((2020, 1), 2.0), ((2022, 1), 0.4))
