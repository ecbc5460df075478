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


def test_compare_writes_the_decomposition_stock_and_cohort(compared):
    parts = pd.read_csv(compared / "decomposition.csv")
    assert list(parts.scenario) == ["only_consolidation"] and (parts.n == 4).all()
    for c in ("improvement", "ceasing", "removal", "entry", "total"):
        assert (parts[f"{c}_lo"] <= parts[f"{c}_mean"]).all()
        assert (parts[f"{c}_mean"] <= parts[f"{c}_hi"]).all()
    assert np.isclose(parts[[f"{c}_mean" for c in ("improvement", "ceasing", "removal",
                                                  "entry")]].sum(axis=1),
                      parts.total_mean).all()
    stock = pd.read_csv(compared / "stock.csv")
    assert set(stock.scenario) == {"baseline", "only_consolidation"}
    assert {"n_live", "dissolved_consolidation", "merged"} <= set(stock.columns)
    assert set(pd.read_csv(compared / "cohort.csv").scenario) == set(stock.scenario)
    report = (compared / "report.md").read_text()
    assert "only_consolidation:" in report and "removal" in report and "entry" in report


def _row(**parts):
    row = {"scenario": "x", "total_mean": 0.0, "total_lo": -1.0, "total_hi": 1.0}
    for c in ("improvement", "ceasing", "removal", "entry"):
        mean, lo, hi = parts.get(c, (0.0, -1.0, 1.0))
        row |= {f"{c}_mean": mean, f"{c}_lo": lo, f"{c}_hi": hi}
    return pd.DataFrame([row])


def test_the_report_names_the_part_that_dominates_and_the_one_against_it():
    from coopsim.presentation.report import decomposition_lines

    line = decomposition_lines(_row(removal=(-26.4, -32.6, -20.2),
                                    entry=(26.2, 16.7, 35.7),
                                    improvement=(-8.8, -13.2, -4.4)), "baseline")[-1]
    assert "The largest part that differs from zero is removal" in line
    assert "entry (+26.2) works the other way" in line


def test_the_report_names_no_part_when_none_differs_from_zero():
    from coopsim.presentation.report import decomposition_lines

    line = decomposition_lines(_row(entry=(1.4, -6.2, 9.0)), "baseline")[-1]
    assert "No part differs from zero" in line and "largest" not in line


def test_a_scenario_runs_the_same_whatever_else_is_compared(compared, tmp_path):
    """Replication seeds do not depend on the scenario list: a larger comparison (the
    ODD's A13) repeats the rows of a smaller one (``make demo``) bit for bit."""
    args = [a for a in ARGS if a != "only_consolidation"]
    args[1:2] = ["only_awareness_campaign", "baseline", "only_consolidation"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    keys = ["scenario", "rep", "year"]
    small = pd.read_csv(compared / "runs_yearly.csv").sort_values(keys)
    large = pd.read_csv(tmp_path / "runs_yearly.csv")
    large = large[large.scenario != "only_awareness_campaign"].sort_values(keys)
    # the larger table has the third scenario's lever columns as well
    assert set(small.columns) < set(large.columns) and len(small) == len(large)
    columns = [c for c in small.columns if c not in ("run_id", "point", "seconds")]
    pd.testing.assert_frame_equal(small[columns].reset_index(drop=True),
                                  large[columns].reset_index(drop=True), check_exact=True)
