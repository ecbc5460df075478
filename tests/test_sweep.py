"""coopsim sweep and coopsim sensitivity: specs, resumable runs, indices."""

import pandas as pd
import pytest
import tomli_w

from coopsim.cli import main
from coopsim.experiment.sweep import design_from_spec
from coopsim.world.params import ParameterError

SPEC = {"sweep": {"design": "lhs", "reps": 2, "years": 1, "seed": 3, "n": 3},
        "bounds": {"credit_access": [0.0, 0.4], "exit_patience": [3, 9]},
        "fixed": {"scale": 0.02}}


def test_sweep_runs_a_spec_and_resumes(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text(tomli_w.dumps(SPEC))
    out = tmp_path / "out"
    args = ["sweep", str(spec), "--out", str(out), "--executor", "serial", "--quiet"]
    assert main(args) == 0
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 6 and (runs.status == "done").all()
    by_point = pd.read_csv(out / "summary_by_point_year.csv")
    assert set(by_point.point) == {0, 1, 2} and (by_point.n == 2).all()
    assert main(args) == 2  # the folder holds an experiment: resuming must be asked for
    assert "pass --resume" in capsys.readouterr().err
    assert main([*args, "--resume"]) == 0  # nothing left to run
    assert pd.read_csv(out / "runs.csv").attempts.tolist() == [1] * 6


@pytest.mark.parametrize(("change", "pattern"), [
    ({"sweep": {"design": "grid"}}, r"sweep\.design: must be one of"),
    ({"sweep": {"design": "lhs", "repz": 2}}, r"sweep\.repz: unknown key"),
    ({"bounds": {"credit_access": [0.5, 0.1]}}, "low must be < high"),
    ({"bounds": {"credit_acces": [0.0, 0.1]}}, "unknown parameter 'credit_acces'"),
    ({"extra": {}}, "extra: unknown table"),
])
def test_bad_specs_are_rejected(change, pattern):
    spec = {**SPEC, **change}
    with pytest.raises(ParameterError, match=pattern):
        design_from_spec(spec, "s.toml")


def test_sensitivity_writes_indices_and_figures(tmp_path, capsys):
    out = tmp_path / "sens"
    assert main(["sensitivity", "--method", "morris", "--param", "credit_access=0,0.5",
                 "--param", "exit_patience=3,12", "--n", "3", "--reps", "1", "--years", "1",
                 "--scale", "0.02", "--executor", "serial", "--out", str(out), "--quiet"]) == 0
    indices = pd.read_csv(out / "indices.csv")
    assert set(indices.parameter) == {"credit_access", "exit_patience"}
    assert set(indices.output) == {"weak_share", "linked_share"}
    assert (out / "indices_weak_share.png").exists()
    assert "mu_star" in capsys.readouterr().out
