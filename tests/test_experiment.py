"""The experiment engine: designs, seeds, executors, the store, resume and failures."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from coopsim.experiment.designs import (
    explicit,
    full_factorial,
    latin_hypercube,
    replication_seeds,
    scenario_comparison,
    sobol_sequence,
)
from coopsim.experiment.engine import run_experiment
from coopsim.experiment.executors import DaskExecutor, ProcessExecutor, SerialExecutor
from coopsim.experiment.store import Store, StoreError
from coopsim.world.params import ParameterError

TINY = {"scale": 0.02}


def small_design(reps=3):
    return scenario_comparison(["baseline", "only_manager_training"], reps=reps,
                               master_seed=5, years=1, overrides=TINY)


# ---- designs -----------------------------------------------------------------------
def test_design_sizes_and_bounds():
    fac = full_factorial({"credit_access": [0.1, 0.3], "exit_patience": [3, 6, 9]}, reps=2)
    assert len(fac.points) == 6 and len(fac.runs()) == 12
    bounds = {"credit_access": (0.0, 0.5), "exit_patience": (2, 12)}
    for design in (latin_hypercube(bounds, 10, master_seed=1),
                   sobol_sequence(bounds, 8, master_seed=1)):
        values = [p["overrides"] for p in design.points]
        assert len(values) == len(design.points)
        assert all(0.0 <= v["credit_access"] <= 0.5 for v in values)
        assert all(isinstance(v["exit_patience"], int) and 2 <= v["exit_patience"] <= 12
                   for v in values)
    lhs = latin_hypercube(bounds, 10, master_seed=1)
    # a Latin hypercube puts exactly one point in each of the n strata of each dimension
    strata = np.floor(np.array([p["overrides"]["credit_access"] for p in lhs.points]) / 0.05)
    assert sorted(strata.astype(int).tolist()) == list(range(10))
    assert len(explicit([{"credit_access": 0.2}, {"scenario": "directive27"}]).points) == 2


def test_seeds_are_distinct_stable_and_shared_by_points():
    a, b = replication_seeds(7, 20), replication_seeds(7, 20)
    assert a == b and len(set(a)) == 20 and replication_seeds(8, 20) != a
    assert all(0 <= s < 2**63 for s in a)
    runs = small_design().runs()
    assert [r.seed for r in runs if r.point == 0] == [r.seed for r in runs if r.point == 1]
    assert len({r.run_id for r in runs}) == len(runs)


@pytest.mark.parametrize(("build", "pattern"), [
    (lambda: latin_hypercube({"credit_acess": (0, 1)}, 4), "unknown parameter 'credit_acess'"),
    (lambda: latin_hypercube({"credit_access": (0.5, 0.1)}, 4), "low must be < high"),
    (lambda: explicit([{"credit_access": 3.0}]), "design point 0: parameter 'credit_access'"),
    (lambda: scenario_comparison(["baseline", "baseline"], 2), "scenarios must be distinct"),
    (lambda: scenario_comparison(["baseline"], 0), "reps must be an integer >= 1"),
])
def test_bad_designs_are_rejected_before_any_run(build, pattern):
    with pytest.raises(ParameterError, match=pattern):
        build()


# ---- executors give identical stored results -------------------------------------------
def _stored(tmp_path, name, executor):
    store = run_experiment(small_design(), tmp_path / f"{name}.sqlite", executor)
    frame = store.yearly_frame().sort_values(["run_id", "year"]).reset_index(drop=True)
    return frame, store.summary_frame().sort_values("run_id").reset_index(drop=True)


def test_serial_process_spawn_and_dask_store_identical_results(tmp_path):
    serial = _stored(tmp_path, "serial", SerialExecutor())
    process = _stored(tmp_path, "process", ProcessExecutor(2))
    dask = _stored(tmp_path, "dask", DaskExecutor(workers=2))
    spawned = _stored(tmp_path, "spawn", ProcessExecutor(2, start_method="spawn"))
    for other in (process, dask, spawned):
        assert serial[0].equals(other[0]) and serial[1].equals(other[1])
    assert len(serial[0]) == 6  # 2 points x 3 replications x 1 year


# ---- store -------------------------------------------------------------------------
def test_store_refuses_another_design_and_exports(tmp_path):
    store = run_experiment(small_design(2), tmp_path / "x.sqlite")
    with pytest.raises(StoreError, match="different experiment"):
        store.init(small_design(3))
    files = store.export(tmp_path / "export", formats=("csv", "parquet"))
    assert {p.name for p in files} >= {"yearly.csv", "summary.parquet", "runs.csv"}
    summary = store.summary_frame()
    yearly = store.yearly_frame()
    last = yearly[yearly.year == yearly.year.max()].set_index("run_id")
    assert np.allclose(summary.set_index("run_id").weak_share, last.weak_share)
    assert store.provenance(0)["seed"] == summary.seed.iloc[0]


def breaks_under_training(spec):
    """The real worker, except that every run of one scenario raises."""
    from coopsim.experiment.engine import execute

    if spec.scenario == "only_manager_training":
        raise RuntimeError("this scenario's runs break")
    return execute(spec)


def test_a_failing_run_is_recorded_and_the_others_complete(tmp_path):
    store = run_experiment(small_design(2), tmp_path / "f.sqlite", retries=1,
                           worker=breaks_under_training)
    runs = store.runs_frame()
    failed = runs[runs.scenario == "only_manager_training"]
    assert (failed.status == "failed").all() and (failed.attempts == 2).all()
    assert failed.error.str.contains("RuntimeError: this scenario's runs break").all()
    assert (runs[runs.scenario == "baseline"].status == "done").all()
    assert store.failed_frame().reason.tolist() == [
        "RuntimeError: this scenario's runs break"] * 2


def test_an_unknown_scenario_is_refused_before_any_run(tmp_path):
    from coopsim.policy.package import PolicyError

    design = scenario_comparison(["baseline", "no_such_scenario"], reps=2, master_seed=1,
                                 years=1, overrides=TINY)
    with pytest.raises(PolicyError, match="unknown scenario 'no_such_scenario'"):
        run_experiment(design, tmp_path / "f.sqlite")
    assert not (tmp_path / "f.sqlite").exists()


def test_retried_runs_that_fail_once_then_succeed(tmp_path):
    from coopsim.experiment.engine import execute

    calls = {}

    def flaky(spec):
        calls[spec.run_id] = calls.get(spec.run_id, 0) + 1
        return {"error": "boom"} if calls[spec.run_id] == 1 and spec.rep == 0 else execute(spec)

    store = run_experiment(small_design(2), tmp_path / "r.sqlite", retries=1, worker=flaky)
    runs = store.runs_frame()
    assert (runs.status == "done").all()
    assert runs[runs.rep == 0].attempts.tolist() == [2, 2]


# ---- resume after kill -9 ------------------------------------------------------------
DRIVER = textwrap.dedent("""
    import sys
    from coopsim.experiment.designs import scenario_comparison
    from coopsim.experiment.engine import run_experiment
    if __name__ == "__main__":
        d = scenario_comparison(["baseline", "only_manager_training"], reps=6,
                                master_seed=5, years=1, overrides={"scale": 0.02})
        run_experiment(d, sys.argv[1])
""")


def test_a_killed_sweep_resumes_to_the_same_results(tmp_path):
    path = tmp_path / "killed.sqlite"
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    proc = subprocess.Popen([sys.executable, str(script), str(path)],
                            env={**os.environ, "PYTHONPATH": os.getcwd()})
    deadline = time.time() + 120
    while time.time() < deadline:
        if path.exists():
            try:
                with Store(path, readonly=True) as s:  # the driver holds the writer's lock
                    if s.counts().get("done", 0) >= 3:
                        break
            except Exception:  # noqa: BLE001 - the file may be mid-creation
                pass
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Store(path) as s:
        assert 3 <= s.counts().get("done", 0) < 12, "killed before the end"
    design = scenario_comparison(["baseline", "only_manager_training"], reps=6,
                                 master_seed=5, years=1, overrides=TINY)
    resumed = run_experiment(design, path)
    fresh = run_experiment(design, tmp_path / "fresh.sqlite")
    runs = resumed.runs_frame()
    assert (runs.status == "done").all() and (runs.attempts == 1).all()
    a = resumed.yearly_frame().sort_values(["run_id", "year"]).reset_index(drop=True)
    b = fresh.yearly_frame().sort_values(["run_id", "year"]).reset_index(drop=True)
    assert len(a) == 12 and a.equals(b)
