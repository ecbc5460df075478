"""Results are never silently wrong: one test per fault of issue 11.

Each test reproduces a fault that gave a wrong result, a traceback or a lost result
(Dask key collisions, changed inputs on resume, relative paths on Dask workers,
failed runs, dead pool workers, concurrent writers, corrupt stores, half-written
outputs) and checks what coopsim does now.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import shutil
import signal
import sqlite3
import threading
import time

import numpy as np
import pandas as pd
import pytest

from coopsim.cli import main
from coopsim.core.errors import RefusedError, RunsFailedError
from coopsim.core.outputs import MARKER, atomic_write
from coopsim.experiment.designs import Design, scenario_comparison
from coopsim.experiment.engine import run_experiment
from coopsim.experiment.executors import DaskExecutor, ProcessExecutor, SerialExecutor
from coopsim.experiment.store import Store, StoreError, StoreWriteError
from coopsim.policy.scenarios import load_scenario, save_scenario
from coopsim.world.params import ParameterError

TINY = {"scale": 0.02}
FAST = ["--scale", "0.02", "--years", "1", "--quiet", "--executor", "serial"]


def tiny_design(scenarios=("baseline", "only_manager_training"), reps=3, seed=5):
    return scenario_comparison(list(scenarios), reps=reps, master_seed=seed, years=1,
                               overrides=TINY)


def _local_cluster():
    """Two single-threaded worker processes on loopback, no dashboard port clash."""
    from distributed import LocalCluster

    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address=":0")


def fake_outcome(spec):
    """A cheap stand-in for a run: its figures are its seed, so mix-ups show."""
    return {"yearly": [{"year": 2018, "weak_share": spec.seed % 1000 / 1000}],
            "summary": {"weak_share": spec.seed % 1000 / 1000, "seed_echo": spec.seed},
            "provenance": {"seed": spec.seed}}


def stored(store):
    frame = store.summary_frame().sort_values("run_id").reset_index(drop=True)
    return frame.drop(columns=[c for c in frame if c.startswith("param_")])


class StopAfter:
    """A worker that runs ``n`` runs for real, then stops the driver (as a kill would)."""

    def __init__(self, n, worker=fake_outcome):
        self.n, self.worker, self.calls = n, worker, 0

    def __call__(self, spec):
        self.calls += 1
        if self.calls > self.n:
            raise KeyboardInterrupt
        return self.worker(spec)


# ---- 1 and 3: Dask ----------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A local Dask cluster whose workers started in a directory of their own."""
    elsewhere = tmp_path_factory.mktemp("workers_start_here")
    here = os.getcwd()
    os.chdir(elsewhere)
    try:
        cl = _local_cluster()
    finally:
        os.chdir(here)
    yield cl
    cl.close()


def test_two_experiments_on_one_dask_scheduler_keep_their_own_results(cluster, tmp_path):
    designs = {"e1": tiny_design(("baseline", "directive27"), seed=5),
               "e2": tiny_design(("baseline", "only_credit_access"), seed=7)}
    barrier, stores, errors = threading.Barrier(2), {}, []

    def drive(name):
        try:
            barrier.wait()
            stores[name] = run_experiment(designs[name], tmp_path / f"{name}.sqlite",
                                          DaskExecutor(cluster.scheduler_address))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=drive, args=(n,)) for n in designs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for name, design in designs.items():
        alone = run_experiment(design, tmp_path / f"{name}_serial.sqlite", SerialExecutor())
        pd.testing.assert_frame_equal(stored(stores[name]), stored(alone))
        stores[name].close()
        alone.close()


def test_relative_scenario_paths_mean_the_drivers_directory_on_dask(cluster, tmp_path,
                                                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    scenario = load_scenario("only_manager_training")
    scenario.name = "mine"
    save_scenario(scenario, tmp_path / "mine.toml")
    design = tiny_design(("baseline", "mine.toml"), reps=2)
    with run_experiment(design, tmp_path / "d.sqlite",
                        DaskExecutor(cluster.scheduler_address)) as store:
        assert store.counts() == {"done": 4}
        dask_runs = stored(store)
    with run_experiment(design, tmp_path / "s.sqlite") as store:
        pd.testing.assert_frame_equal(dask_runs, stored(store))


# ---- 2: changed inputs on resume ------------------------------------------------------
def _interrupted(design, path, n=3):
    with pytest.raises(KeyboardInterrupt):
        run_experiment(design, path, worker=StopAfter(n))
    with Store(path, readonly=True) as store:
        assert store.counts() == {"done": n, "pending": design.n_runs - n}


def test_a_scenario_file_edited_before_a_resume_is_refused(tmp_path):
    path = tmp_path / "my.toml"
    save_scenario(load_scenario("directive27"), path)
    design = tiny_design(("baseline", str(path)), reps=6)
    _interrupted(design, tmp_path / "x.sqlite", n=9)
    text = path.read_text()
    path.write_text(text.replace("budget = 20000.0", "budget = 25000.0"))
    with pytest.raises(StoreError, match=rf"scenario '{path}' \({path}\) changed since the "
                                         r"experiment started"):
        run_experiment(design, tmp_path / "x.sqlite", worker=fake_outcome)
    with Store(tmp_path / "x.sqlite", readonly=True) as store:
        assert store.counts() == {"done": 9, "pending": 3}  # nothing was added
    path.write_text("# a comment changes nothing that runs\n" + text)
    with run_experiment(design, tmp_path / "x.sqlite", worker=fake_outcome) as store:
        assert store.counts() == {"done": 12}


def test_a_province_file_edited_before_a_resume_is_refused(tmp_path):
    assert main(["province", "--save", str(tmp_path / "p.toml")]) == 0
    design = Design("explicit", [{"scenario": "baseline", "overrides": TINY}], reps=4,
                    years=1, province=str(tmp_path / "p.toml"))
    _interrupted(design, tmp_path / "x.sqlite", n=2)
    province = tmp_path / "p.toml"
    province.write_text(province.read_text().replace("households = ", "households = 1", 1))
    with pytest.raises(StoreError, match="the province .*p.toml.* changed"):
        run_experiment(design, tmp_path / "x.sqlite", worker=fake_outcome)


def test_a_store_started_by_other_code_is_refused(tmp_path):
    design = tiny_design(reps=2)
    with run_experiment(design, tmp_path / "x.sqlite", worker=StopAfter(1_000)):
        pass
    with sqlite3.connect(tmp_path / "x.sqlite") as db:  # as if made by another version
        record = json.loads(db.execute("SELECT value FROM meta WHERE key='inputs'")
                            .fetchone()[0])
        record["code"] = "0" * 64
        db.execute("UPDATE meta SET value=? WHERE key='inputs'", (json.dumps(record),))
    with pytest.raises(StoreError, match="coopsim's code changed since the experiment "
                                         "started"):
        run_experiment(design, tmp_path / "x.sqlite", worker=fake_outcome)


def test_a_result_computed_by_other_code_is_not_kept(tmp_path):
    def other_version(spec):
        out = fake_outcome(spec)
        out["provenance"]["code_sha256"] = "f" * 64
        return out

    with run_experiment(tiny_design(reps=1), tmp_path / "x.sqlite", retries=0,
                        worker=other_version) as store:
        assert store.counts() == {"failed": 2}
        assert store.failed_frame().reason.str.contains("other coopsim code").all()


def test_the_compare_command_refuses_a_resume_with_an_edited_scenario(tmp_path, capsys,
                                                                      monkeypatch):
    path = tmp_path / "my.toml"
    save_scenario(load_scenario("only_consolidation"), path)
    out = tmp_path / "cmp"
    args = ["compare", "baseline", str(path), "--reps", "2", *FAST, "--out", str(out)]
    assert main(args) == 0
    path.write_text(path.read_text().replace("budget_share = 1.0", "budget_share = 0.5"))
    def outputs():  # the store's lock file says who last held it: not an output
        return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.endswith(".lock")}

    before = outputs()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "cannot be resumed" in err and str(path) in err and "Traceback" not in err
    assert outputs() == before


# ---- 4: failed runs ----------------------------------------------------------------------
@pytest.fixture
def breaking_seed(monkeypatch):
    """Make every run with one seed raise (in this process: use the serial executor)."""
    import coopsim.policy.runner

    real = coopsim.policy.runner.run
    seeds = scenario_comparison(["baseline"], reps=3, master_seed=3).seeds()
    state = {"broken": seeds[1]}

    def run(*args, **kwargs):
        if kwargs.get("seed") == state["broken"]:
            raise RuntimeError("this seed breaks")
        return real(*args, **kwargs)

    monkeypatch.setattr(coopsim.policy.runner, "run", run)
    return state


def test_compare_with_a_failed_run_compares_the_complete_pairs_and_exits_3(
        tmp_path, capsys, breaking_seed):
    out = tmp_path / "cmp"
    args = ["compare", "baseline", "only_consolidation", "--reps", "3", "--seed", "3",
            *FAST, "--out", str(out)]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert "2 of 6 runs failed" in err and "RuntimeError: this seed breaks" in err
    assert "Traceback" not in err
    summary = pd.read_csv(out / "summary.csv")
    assert summary.n.tolist() == [2, 2]  # the replications both scenarios completed
    failed = pd.read_csv(out / "failed_runs.csv")
    assert sorted(failed.rep) == [1, 1] and set(failed.scenario) == {"baseline",
                                                                      "only_consolidation"}
    report = (out / "report.md").read_text()
    assert "Not every run finished" in report and "2 replications" in report
    breaking_seed["broken"] = None  # the cause is fixed: a rerun retries the failed runs
    assert main(args) == 0
    assert pd.read_csv(out / "summary.csv").n.tolist() == [3, 3]
    assert pd.read_csv(out / "failed_runs.csv").empty


def test_compare_with_too_few_complete_pairs_says_so(tmp_path, capsys, breaking_seed):
    out = tmp_path / "cmp"
    assert main(["compare", "baseline", "only_consolidation", "--reps", "2", "--seed", "3",
                 *FAST, "--out", str(out)]) == 3  # reps 2 share seeds with reps 3
    err = capsys.readouterr().err
    assert "only 1 replications finished under every scenario" in err
    assert "Traceback" not in err


def test_sweep_exits_3_and_names_the_failures_even_when_quiet(tmp_path, capsys,
                                                              breaking_seed):
    import tomli_w

    spec = tmp_path / "s.toml"
    spec.write_text(tomli_w.dumps({"sweep": {"design": "factorial", "reps": 3, "years": 1,
                                             "seed": 3},
                                   "levels": {"credit_access": [0.1, 0.2]},
                                   "fixed": TINY}))
    out = tmp_path / "sw"
    args = ["sweep", str(spec), "--out", str(out), "--executor", "serial", "--quiet"]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert "2 of 6 runs failed" in err and str(out / "failed_runs.csv") in err
    assert len(pd.read_csv(out / "failed_runs.csv")) == 2
    breaking_seed["broken"] = None
    assert main([*args, "--resume"]) == 0
    runs = pd.read_csv(out / "runs.csv")
    assert (runs.status == "done").all() and sorted(runs.attempts) == [1] * 4 + [3] * 2


# ---- 5: a worker process dies ----------------------------------------------------------
def dies_on_run_2(spec):
    """Kill the worker process on run 2 (always, or once if a marker file is given)."""
    marker = os.environ.get("COOPSIM_TEST_DIE_ONCE")
    if spec.run_id == 2 and not (marker and os.path.exists(marker)):
        if marker:
            open(marker, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    return fake_outcome(spec)


def test_a_run_that_kills_its_worker_fails_alone_and_the_others_finish(tmp_path):
    design = tiny_design(reps=4)
    with ProcessExecutor(2) as ex:
        store = run_experiment(design, tmp_path / "x.sqlite", ex, retries=1,
                               worker=dies_on_run_2)
        assert ex.restarts >= 2  # at least once per attempt of run 2
    runs = store.runs_frame().set_index("run_id")
    assert runs.loc[2, "status"] == "failed" and runs.loc[2, "attempts"] == 2
    assert "worker process running this run died (signal 9)" in runs.loc[2, "error"]
    others = runs.drop(index=2)
    assert (others.status == "done").all() and (others.attempts == 1).all()
    serial = run_experiment(design, tmp_path / "s.sqlite", worker=fake_outcome)
    pd.testing.assert_frame_equal(stored(store), stored(serial).query("run_id != 2")
                                  .reset_index(drop=True))


def test_a_worker_killed_once_costs_one_attempt(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPSIM_TEST_DIE_ONCE", str(tmp_path / "died"))
    with run_experiment(tiny_design(reps=4), tmp_path / "x.sqlite", ProcessExecutor(2),
                        retries=1, worker=dies_on_run_2) as store:
        runs, results = store.runs_frame().set_index("run_id"), stored(store)
    assert (runs.status == "done").all()
    # run 2 is charged an attempt if it died alone; run again among the suspects, it
    # may instead have finished at once: either way no other run is charged
    assert runs.attempts.drop(index=2).eq(1).all() and runs.attempts[2] in (1, 2)
    serial = run_experiment(tiny_design(reps=4), tmp_path / "s.sqlite", worker=fake_outcome)
    pd.testing.assert_frame_equal(results, stored(serial))


def test_a_dask_worker_lost_with_its_run_is_a_failed_run(tmp_path):
    """Dask retries a task whose worker died on other workers (3 times by default),
    then gives up with KilledWorker: the run is failed, the experiment goes on. Tasks
    queued on a dying worker may be lost with it; the engine's retries run them again."""
    with _local_cluster() as cl, \
            run_experiment(tiny_design(reps=4), tmp_path / "x.sqlite",
                           DaskExecutor(cl.scheduler_address, stall_timeout=90), retries=2,
                           worker=dies_on_run_2) as store:
        runs = store.runs_frame().set_index("run_id")
    assert runs.loc[2, "status"] == "failed" and "KilledWorker" in runs.loc[2, "error"]
    assert runs.loc[2, "attempts"] == 3 and (runs.drop(index=2).status == "done").all()


def hangs_on_run_2(spec):
    """A run that never ends on its own (as a task a cluster lost would)."""
    if spec.run_id == 2:
        time.sleep(600)
    return fake_outcome(spec)


def test_a_dask_run_that_never_finishes_is_given_up_and_reported(tmp_path):
    """Seen in full test runs: a cluster whose workers died can leave a task that never
    finishes; the executor gives the runs in flight up after its stall timeout, the
    engine reports them failed (here after its retry), and the others are stored."""
    t0 = time.monotonic()
    with _local_cluster() as cl, \
            run_experiment(tiny_design(reps=3), tmp_path / "x.sqlite",
                           DaskExecutor(cl.scheduler_address, stall_timeout=10), retries=1,
                           worker=hangs_on_run_2) as store:
        runs = store.runs_frame().set_index("run_id")
    assert time.monotonic() - t0 < 300  # the hung run sleeps 600 s: it was not waited for
    assert runs.loc[2, "status"] == "failed" and runs.loc[2, "attempts"] == 2
    assert "no run finished on the Dask cluster for 10 s" in runs.loc[2, "error"]
    assert (runs.drop(index=2).status == "done").all()


def test_the_stall_timeout_is_checked():
    with pytest.raises(ParameterError, match="stall_timeout"):
        DaskExecutor(stall_timeout=0)


# ---- 6: one writer per store -------------------------------------------------------------
def _hold(path, ready, release):
    with Store(path):
        ready.set()
        release.wait(60)


class held_by_another_process:  # noqa: N801 - used as a context manager
    """A store held open for writing by another process, for the ``with`` block."""

    def __init__(self, path):
        ctx = mp.get_context("fork")
        self.ready, self.release = ctx.Event(), ctx.Event()
        self.proc = ctx.Process(target=_hold, args=(path, self.ready, self.release))

    def __enter__(self):
        self.proc.start()
        assert self.ready.wait(30)
        return self.proc.pid

    def __exit__(self, *exc):
        self.release.set()
        self.proc.join(30)


def test_a_second_writer_is_refused_while_the_first_holds_the_store(tmp_path):
    design = tiny_design(reps=2)
    run_experiment(design, tmp_path / "x.sqlite", worker=StopAfter(1_000)).close()
    with held_by_another_process(tmp_path / "x.sqlite") as pid:
        with pytest.raises(StoreError, match=r"x.sqlite is in use by coopsim process "
                                             rf"{pid} .*one experiment has one writer"):
            run_experiment(design, tmp_path / "x.sqlite", worker=fake_outcome)
        with Store(tmp_path / "x.sqlite", readonly=True) as reader:  # readers are welcome
            assert reader.counts() == {"done": 4}
    with run_experiment(design, tmp_path / "x.sqlite", worker=fake_outcome) as again:
        assert again.runs_frame().attempts.tolist() == [1] * 4  # nothing computed twice


def _race(path, barrier, results):
    design = tiny_design(reps=3)
    barrier.wait()
    try:
        with run_experiment(design, path, worker=fake_outcome):
            results.put("ran")
    except StoreError as exc:
        results.put("refused" if "in use" in str(exc) else f"other: {exc}")
    except Exception as exc:  # noqa: BLE001 - the failure this test looks for
        results.put(f"{type(exc).__name__}: {exc}")


def test_two_processes_creating_one_store_never_collide(tmp_path):
    ctx = mp.get_context("fork")
    for trial in range(20):
        path = tmp_path / f"race{trial}.sqlite"
        barrier, results = ctx.Barrier(2), ctx.Queue()
        procs = [ctx.Process(target=_race, args=(path, barrier, results)) for _ in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        outcomes = sorted(results.get(timeout=10) for _ in procs)
        assert outcomes in (["ran", "ran"], ["ran", "refused"]), outcomes
        with Store(path, readonly=True) as store:
            assert store.counts() == {"done": 6}
            assert store.runs_frame().attempts.tolist() == [1] * 6


def test_a_second_compare_on_the_same_folder_is_refused_cleanly(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", "baseline", "directive27", "--reps", "2", *FAST,
                 "--out", str(out)]) == 0
    with held_by_another_process(out / "experiment.sqlite"):  # another compare, running
        assert main(["compare", "baseline", "directive27", "--reps", "2", *FAST,
                     "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "is in use by coopsim process" in err and "Traceback" not in err


# ---- 7: corrupt stores ------------------------------------------------------------------
@pytest.fixture(scope="module")
def good_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "x.sqlite"
    run_experiment(tiny_design(reps=20), path, worker=fake_outcome).close()
    return path


def _foreign_sqlite(path):
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")


@pytest.mark.parametrize(("damage", "message"), [
    (lambda p: p.write_bytes(b""), r"is empty \(0 bytes\), so it is not a coopsim store"),
    (lambda p: p.write_bytes(b"garbage " * 1000), "is not a readable coopsim store"),
    (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
     "(is damaged|is not a readable coopsim store)"),
    (_foreign_sqlite, "is an SQLite file but not a coopsim store"),
])
def test_a_damaged_store_is_refused_and_left_as_it_is(tmp_path, good_store, damage,
                                                     message):
    path = tmp_path / "x.sqlite"
    shutil.copy(good_store, path)
    damage(path)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=message):
        run_experiment(tiny_design(reps=20), path, worker=fake_outcome)
    assert path.read_bytes() == before


def test_the_cli_reports_a_damaged_store_without_a_traceback(tmp_path, capsys):
    out = tmp_path / "cmp"
    out.mkdir()
    (out / MARKER).write_text(json.dumps({"kind": "compare"}))
    (out / "experiment.sqlite").write_bytes(b"\x00" * 4096)
    assert main(["compare", "baseline", "directive27", "--reps", "2", *FAST,
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "experiment.sqlite is not a readable coopsim store" in err
    assert "Traceback" not in err


def test_a_full_disk_rolls_the_run_back_and_keeps_the_others(tmp_path):
    design = tiny_design(reps=4)
    with run_experiment(design, tmp_path / "x.sqlite", worker=StopAfter(1_000)) as store:
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
        big = fake_outcome(design.runs()[0])
        big["yearly"] = [{"year": 2018 + i, "x": "y" * 5000} for i in range(50)]
        with pytest.raises(StoreWriteError, match="cannot write to .*x.sqlite .*full.* the "
                                                  "runs stored so far are intact"):
            store.record_success(design.runs()[0], big)
        assert store.counts() == {"done": 8}
        assert len(store.yearly_frame()) == 8  # run 0 keeps its one earlier row


# ---- 8: outputs written whole, into their own folder -------------------------------------
def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = atomic_write(tmp_path / "t.csv", "old,complete\n")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, pd.DataFrame({"new": range(1000)}))
    assert target.read_text() == "old,complete\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]  # no temporary file left


def test_atomic_write_leaves_the_old_file_when_the_content_fails_half_written(tmp_path):
    """Arrays and figures are written straight into the temporary file (issue 14: a copy in
    memory tripled a run's snapshots); a failure part-way still leaves the old file."""
    target = atomic_write(tmp_path / "s.npz", {"a": np.arange(3)})

    class Unsaveable:
        def __array__(self, *args, **kwargs):
            raise RuntimeError("cannot be an array")

    with pytest.raises(RuntimeError, match="cannot be an array"):
        atomic_write(target, {"big": np.zeros(100_000), "bad": Unsaveable()})
    assert np.load(target)["a"].tolist() == [0, 1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["s.npz"]


def test_compare_and_sweep_write_no_file_in_place(tmp_path, monkeypatch):
    """Every table, figure and text goes through a temporary file (none written in place)."""
    import pathlib

    import matplotlib.figure
    import tomli_w

    spec = tmp_path / "s.toml"
    spec.write_text(tomli_w.dumps({"sweep": {"design": "explicit", "years": 1},
                                   "points": [{"credit_access": 0.1}], "fixed": TINY}))
    real_csv, real_fig = pd.DataFrame.to_csv, matplotlib.figure.Figure.savefig
    real_text, real_bytes = pathlib.Path.write_text, pathlib.Path.write_bytes

    def to_csv(self, path_or_buf=None, *args, **kwargs):
        assert path_or_buf is None, f"a table written in place: {path_or_buf}"
        return real_csv(self, None, *args, **kwargs)

    def savefig(self, fname, *args, **kwargs):
        assert not isinstance(fname, str | os.PathLike), f"a figure written in place: {fname}"
        return real_fig(self, fname, *args, **kwargs)

    def guard(real):
        def write(self, *args, **kwargs):
            assert tmp_path / "out" not in self.parents, f"a file written in place: {self}"
            return real(self, *args, **kwargs)
        return write

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    monkeypatch.setattr(pathlib.Path, "write_text", guard(real_text))
    monkeypatch.setattr(pathlib.Path, "write_bytes", guard(real_bytes))
    out = tmp_path / "out"
    assert main(["compare", "baseline", "only_consolidation", "--reps", "2", *FAST,
                 "--out", str(out / "cmp")]) == 0
    assert main(["sensitivity", "--param", "credit_access=0,0.3", "--n", "2", "--reps", "1",
                 *FAST, "--out", str(out / "sens")]) == 0
    assert main(["sweep", str(spec), "--out", str(out / "sweep"), "--executor", "serial",
                 "--quiet"]) == 0
    assert main(["run", "--years", "1", "--scale", "0.02", "--quiet", "--network",
                 "n.graphml", "--out", str(out / "run")]) == 0


def test_run_refuses_a_folder_holding_another_commands_output(tmp_path, capsys):
    import tomli_w

    spec = tmp_path / "s.toml"
    spec.write_text(tomli_w.dumps({"sweep": {"design": "explicit", "years": 1},
                                   "points": [{"credit_access": 0.1}], "fixed": TINY}))
    out = tmp_path / "sw"
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial",
                 "--quiet"]) == 0
    before = (out / "yearly.csv").read_bytes()
    assert main(["run", "--years", "1", "--scale", "0.02", "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "holds the output of `coopsim sweep`" in err and "Traceback" not in err
    assert (out / "yearly.csv").read_bytes() == before
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my own file")
    assert main(["run", "--years", "1", "--scale", "0.02", "--quiet", "--out", str(mine)]) == 2
    assert "holds no coopsim output" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_runs_failed_and_refused_errors_are_coopsim_errors():
    assert issubclass(StoreError, RefusedError) and not issubclass(RunsFailedError,
                                                                   RefusedError)


def test_the_engine_runs_what_run_runs():
    """A run through the engine (content shipped in the spec) equals runner.run: the same
    scenario with its levers in the file's order, the same province, the same bits."""
    from coopsim.experiment.engine import execute
    from coopsim.experiment.inputs import read_inputs
    from coopsim.policy.runner import run

    design = scenario_comparison(["directive27"], reps=1, master_seed=11, years=3,
                                 overrides={"scale": 0.1})
    spec = read_inputs(design).attach(design.runs()[0])
    shipped = execute(spec)
    direct = run("directive27", {"scale": 0.1}, seed=spec.seed, years=3)
    pd.testing.assert_frame_equal(pd.DataFrame(shipped["yearly"]), direct.yearly,
                                  check_dtype=False, check_exact=True)


# ---- found by a second reader ----------------------------------------------------------
def _stop_dead(path, n):
    """Run ``n`` runs into ``path`` and end the process at once (no close, WAL left)."""
    def worker(spec, count=[0]):  # noqa: B006 - a counter across calls
        count[0] += 1
        if count[0] > n:
            os._exit(0)
        return fake_outcome(spec)

    run_experiment(tiny_design(reps=3), path, worker=worker)


def test_a_deleted_store_does_not_come_back_from_its_wal_file(tmp_path):
    path = tmp_path / "x.sqlite"
    child = mp.get_context("fork").Process(target=_stop_dead, args=(path, 4))
    child.start()
    child.join(60)
    assert (tmp_path / "x.sqlite-wal").exists(), "the test needs a left-over WAL file"
    path.unlink()  # the user starts over
    counting = StopAfter(1_000)
    with run_experiment(tiny_design(reps=3), path, worker=counting) as store:
        assert store.counts() == {"done": 6}
    assert counting.calls == 6  # every run computed again: nothing came back from the WAL


def test_a_store_path_with_uri_characters_opens_read_only(tmp_path):
    path = tmp_path / "runs #1 ?a=b %20" / "x.sqlite"
    with run_experiment(tiny_design(reps=1), path, worker=fake_outcome):
        pass
    with Store(path, readonly=True) as store:
        assert store.counts() == {"done": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["runs #1 ?a=b %20"]  # no stray file


def test_an_unreachable_scheduler_is_refused_before_anything_is_written(tmp_path, capsys,
                                                                         monkeypatch):
    import coopsim.experiment.executors as executors

    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", 1)
    out = tmp_path / "cmp"
    assert main(["compare", "baseline", "directive27", "--reps", "2", "--scale", "0.02",
                 "--years", "1", "--quiet", "--executor", "dask",
                 "--scheduler", "tcp://127.0.0.1:9", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert "Traceback" not in err and not out.exists()


def test_sensitivity_with_a_failed_run_writes_no_indices_and_exits_3(tmp_path, capsys,
                                                                     monkeypatch):
    import coopsim.policy.runner

    real, calls = coopsim.policy.runner.run, []

    def run(*args, **kwargs):  # the third run breaks
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the third run breaks")
        return real(*args, **kwargs)

    monkeypatch.setattr(coopsim.policy.runner, "run", run)
    out = tmp_path / "sens"
    args = ["sensitivity", "--param", "credit_access=0,0.3", "--n", "2", "--reps", "1",
            *FAST, "--retries", "0", "--out", str(out)]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert "1 of 4 runs failed" in err and "the indices need every run" in err
    assert not (out / "indices.csv").exists()
    assert main(args) == 0 and (out / "indices.csv").exists()  # the rerun retries it


def test_an_out_folder_that_cannot_be_created_is_refused_before_the_run(tmp_path, capsys):
    out = "/proc/coopsim-cannot-be-here"
    assert main(["run", "--years", "1", "--scale", "0.02", "--quiet", "--out", out]) == 2
    err = capsys.readouterr().err
    assert f"--out {out} cannot be created in /proc" in err and "Traceback" not in err


def test_a_second_run_into_its_own_folder_leaves_no_file_of_the_first(tmp_path):
    out = tmp_path / "run"
    args = ["run", "--years", "1", "--scale", "0.02", "--quiet", "--out", str(out)]
    assert main([*args, "--network", "net.graphml"]) == 0
    assert "net.graphml" in {p.name for p in out.iterdir()}
    assert main(args) == 0
    names = {p.name for p in out.iterdir()}
    assert "net.graphml" not in names
    assert json.loads((out / MARKER).read_text())["files"] == sorted(names - {MARKER})


def test_an_unclosed_store_in_this_process_is_named_as_such(tmp_path):
    design = tiny_design(reps=1)
    first = run_experiment(design, tmp_path / "x.sqlite", worker=fake_outcome)
    with pytest.raises(StoreError, match="still open in this process .* store.close()"):
        run_experiment(design, tmp_path / "x.sqlite", worker=fake_outcome)
    del first  # a store that is dropped lets go of its lock
    import gc

    gc.collect()
    with run_experiment(design, tmp_path / "x.sqlite", worker=fake_outcome) as store:
        assert store.counts() == {"done": 2}


def test_designs_take_numpy_numbers(tmp_path):
    import numpy as np

    from coopsim.experiment.designs import explicit

    design = explicit([{"credit_access": np.float64(0.2), "exit_patience": np.int64(4),
                        "scale": np.float32(0.02)}], years=1)
    with run_experiment(design, tmp_path / "x.sqlite") as store:
        assert store.counts() == {"done": 1}
