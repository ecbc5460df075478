"""coopsim compare: every named output, and a summary that matches the stored runs."""

import json
import sqlite3

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from coopsim.cli import main

ARGS = ["compare", "baseline", "only_consolidation", "--reps", "4", "--years", "2",
        "--scale", "0.05", "--executor", "serial", "--quiet", "--seed", "3"]


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp")
    assert main([*ARGS, "--out", str(out)]) == 0
    return out


def test_compare_writes_every_output(compared):
    names = {p.name for p in compared.iterdir()}
    assert {"experiment.sqlite", "runs_yearly.csv", "runs_summary.csv", "summary.csv",
            "differences.csv", "shares.png", "final.png", "cost.png", "report.md"} <= names
    report = (compared / "report.md").read_text()
    assert "baseline" in report and "only_consolidation" in report and "shares.png" in report
    yearly = pd.read_csv(compared / "runs_yearly.csv")
    assert len(yearly) == 2 * 4 * 2  # scenarios x replications x years


def test_summary_matches_a_recomputation_from_the_store(compared):
    with sqlite3.connect(compared / "experiment.sqlite") as db:
        rows = db.execute("SELECT r.scenario, s.data FROM summary s JOIN runs r "
                          "USING (run_id)").fetchall()
    runs = pd.DataFrame([{"scenario": sc, **json.loads(d)} for sc, d in rows])
    summary = pd.read_csv(compared / "summary.csv").set_index("scenario")
    for name, group in runs.groupby("scenario"):
        x = group.weak_share.to_numpy(float)
        half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
        assert summary.loc[name, "weak_share_mean"] == pytest.approx(x.mean())
        assert summary.loc[name, "weak_share_hi"] == pytest.approx(x.mean() + half)
    diffs = pd.read_csv(compared / "differences.csv")
    weak = diffs[diffs.figure == "weak_share"].iloc[0]
    base = runs[runs.scenario == "baseline"].weak_share.to_numpy()
    other = runs[runs.scenario == "only_consolidation"].weak_share.to_numpy()
    assert weak.mean_diff == pytest.approx((other - base).mean())


def test_running_again_resumes_without_new_runs(compared, capsys):
    with sqlite3.connect(compared / "experiment.sqlite") as db:
        before = db.execute("SELECT SUM(attempts) FROM runs").fetchone()[0]
    assert main([*ARGS, "--out", str(compared)]) == 0
    with sqlite3.connect(compared / "experiment.sqlite") as db:
        assert db.execute("SELECT SUM(attempts) FROM runs").fetchone()[0] == before == 8


def test_compare_rejects_bad_input_before_running(tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["compare", "baseline", "nope", "--out", str(out), "--quiet"]) == 2
    assert "unknown scenario 'nope'" in capsys.readouterr().err
    assert main(["compare", "baseline", "directive27", "--reps", "1", "--out", str(out),
                 "--quiet"]) == 2
    assert "--reps must be at least 2" in capsys.readouterr().err
    assert not out.exists()
