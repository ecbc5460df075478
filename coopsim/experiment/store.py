"""The embedded results store: one SQLite file per experiment.

It holds the design, the content digests of its input files and of coopsim's code,
every run's status, seed, parameters, outcomes (yearly rows and a final summary) and
provenance. Guarantees:

* **One writer.** Opening a store for writing takes an exclusive lock
  (``.<store>.lock`` beside it, an ``flock`` that the kernel releases when the process ends, even
  on ``kill -9``); a second writer is refused at once with a message naming the
  process that holds it. Readers (``readonly=True``) take no lock.
* **Whole runs only.** Each finished run is written in one transaction, so a killed
  process loses at most the runs in flight and never leaves a half-written run.
* **Whole stores only.** A new store is built under a temporary name (schema, design,
  inputs and every run) and renamed into place, so a store file on disk always holds
  a complete design. A file that is empty, not SQLite, damaged, or not a coopsim store
  is refused with a message saying what is wrong and what to do; it is never
  overwritten.
* **Same inputs on resume.** :meth:`Store.init` refuses a resume whose design, input
  files or code differ from what the store was started with, naming what changed.

Only the process that drives an experiment writes to its store (workers return
results to it).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import sqlite3
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from coopsim.core.errors import RefusedError, RunsFailedError
from coopsim.core.outputs import atomic_write
from coopsim.experiment.designs import Design, RunSpec

__all__ = ["Store", "StoreError", "StoreWriteError", "describe_failures"]

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
    run_id INTEGER PRIMARY KEY, point INTEGER NOT NULL, rep INTEGER NOT NULL,
    seed INTEGER NOT NULL, scenario TEXT NOT NULL, overrides TEXT NOT NULL,
    years INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0, error TEXT, wall REAL, finished TEXT);
CREATE TABLE yearly (
    run_id INTEGER NOT NULL, year INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (run_id, year));
CREATE TABLE summary (run_id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE provenance (run_id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE run_tables (run_id INTEGER NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL,
                         PRIMARY KEY (run_id, name));
"""
_TABLES = {"meta", "runs", "yearly", "summary", "provenance"}
_HELD: set[int] = set()  # descriptors of the writer locks this process holds


def _drop_locks_in_child() -> None:
    """A forked worker does not keep its parent's locks (closing a copy keeps the lock)."""
    for fd in _HELD:
        os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_drop_locks_in_child)


class StoreError(RefusedError):
    """The store belongs to another experiment, is in use, damaged, or cannot be used."""


class StoreWriteError(RunsFailedError):
    """A result could not be written (a full disk); the runs stored before are intact."""


class Store:
    """An experiment's SQLite store (see the module docstring).

    Args:
        path: the database file. A missing file is created by :meth:`init`.
        readonly: open an existing store to read it, without the writer's lock (for
            watching an experiment that another process runs).

    Raises:
        StoreError: another process writes to it; the file is empty, damaged or not a
            coopsim store; ``readonly`` and the file does not exist.
    """

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self.db: sqlite3.Connection | None = None
        self._lock: int | None = None
        if readonly:
            if not self.path.is_file():
                raise StoreError(f"{self.path}: no such store")
            self.db = self._open(self.path.resolve().as_uri() + "?mode=ro")
            return
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a store file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = _acquire(self.path.with_name(f".{self.path.name}.lock"))
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot be opened for writing ({exc})") from None
        self._finalizer = weakref.finalize(self, _release, self._lock)
        try:
            if self.path.exists():
                self.db = self._open(str(self.path))
                self.db.execute("PRAGMA journal_mode=WAL")
        except BaseException:
            self.close()
            raise

    def _open(self, target: str) -> sqlite3.Connection:
        """Connect to an existing store and check that it is whole and coopsim's."""
        if self.path.stat().st_size == 0:
            raise StoreError(f"{self.path} is empty (0 bytes), so it is not a coopsim store "
                             "(a disk that filled up, or a copy that failed?); nothing was "
                             "changed: move it away or delete it to start the experiment "
                             "over")
        db = sqlite3.connect(target, isolation_level=None, timeout=30,
                             uri=target.startswith("file:"), check_same_thread=False)
        try:
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master "
                                               "WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            db.close()
            raise StoreError(f"{self.path} is not a readable coopsim store (SQLite: {exc}); "
                             "nothing was changed: move it away to start the experiment "
                             "over, or restore it from a copy") from None
        if check != "ok":
            db.close()
            raise StoreError(f"{self.path} is damaged (SQLite integrity check: {check}); "
                             "nothing was changed: restore it from a copy, or move it away "
                             "to start over")
        if not tables >= _TABLES or db.execute(
                "SELECT 1 FROM meta WHERE key='design'").fetchone() is None:
            db.close()
            raise StoreError(f"{self.path} is an SQLite file but not a coopsim store (no "
                             "recorded design); nothing was changed: choose another "
                             "output")
        if not self.readonly:
            db.execute("PRAGMA synchronous=FULL")
        return db

    def close(self) -> None:
        """Close the connection and release the writer's lock."""
        if self.db is not None:
            self.db.close()
            self.db = None
        if self._lock is not None:
            self._finalizer.detach()
            _release(self._lock)
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _conn(self) -> sqlite3.Connection:
        if self.db is None:
            raise StoreError(f"{self.path} holds no experiment yet")
        return self.db

    # ---- design and runs -------------------------------------------------------------
    def init(self, design: Design, inputs: Any = None) -> None:
        """Record ``design`` (and its :class:`~coopsim.experiment.inputs.Inputs`).

        A new store is built under a temporary name and renamed into place. An
        existing store must hold the same design, and the inputs it was started with
        must read the same now.

        Raises:
            StoreError: another design, or changed inputs (each change named).
        """
        if self.readonly:
            raise StoreError(f"{self.path} is open read-only")
        record = inputs.record() if inputs is not None else None
        if self.db is not None:
            self._check_same(design, inputs)
            return
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.new")
        try:
            _remove_leftovers(self.path)
            db = sqlite3.connect(tmp, isolation_level=None)
            try:
                db.executescript(SCHEMA)  # rollback journal while building: no -wal file
                _fill(db, design, record, inputs)
            finally:
                db.close()
            os.replace(tmp, self.path)
        except (OSError, sqlite3.Error) as exc:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"{self.path} could not be created ({exc}); nothing was "
                             "stored") from None
        self.db = self._open(str(self.path))
        self.db.execute("PRAGMA journal_mode=WAL")

    def _check_same(self, design: Design, inputs: Any) -> None:
        from coopsim.experiment.inputs import changes

        stored = self.meta("design")
        if stored != design.to_json():
            raise StoreError(f"{self.path} holds a different experiment; use another "
                             "output folder, or the same design to resume")
        record = self.meta("inputs")
        if inputs is None:
            return
        if record is None:
            raise StoreError(f"{self.path} was made by an older coopsim that did not record "
                             "its input files and code, so a resume cannot be checked; start "
                             "the experiment in another folder")
        diffs = changes(json.loads(record), inputs)
        if diffs:
            raise StoreError(f"{self.path} cannot be resumed: " + "; ".join(diffs)
                             + ". Its runs and new ones would not be comparable: restore "
                               "what changed, or start a new experiment in another folder")

    def meta(self, key: str) -> str | None:
        """A value of the store's meta table (``design``, ``inputs``, ``created``...)."""
        row = self._conn().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def design(self) -> Design:
        """The design this store holds."""
        return Design.from_json(self.meta("design"))

    def pending(self) -> list[RunSpec]:
        """Runs not done yet (never run, or failed before), in run order."""
        specs = {s.run_id: s for s in self.design().runs()}
        rows = self._conn().execute("SELECT run_id FROM runs WHERE status != 'done' "
                                    "ORDER BY run_id").fetchall()
        return [specs[r[0]] for r in rows]

    def counts(self) -> dict[str, int]:
        """Runs by status."""
        return dict(self._conn().execute("SELECT status, COUNT(*) FROM runs GROUP BY status"))

    # ---- results -------------------------------------------------------------------
    def record_success(self, spec: RunSpec, outcome: dict[str, Any]) -> None:
        """Store a finished run's outcomes and provenance, all in one transaction."""
        with self._tx() as db:
            db.execute("DELETE FROM yearly WHERE run_id=?", (spec.run_id,))
            db.executemany("INSERT INTO yearly VALUES (?, ?, ?)",
                           [(spec.run_id, int(r["year"]), json.dumps(r))
                            for r in outcome["yearly"]])
            db.execute("INSERT OR REPLACE INTO summary VALUES (?, ?)",
                       (spec.run_id, json.dumps(outcome["summary"])))
            db.execute("INSERT OR REPLACE INTO provenance VALUES (?, ?)",
                       (spec.run_id, json.dumps(outcome["provenance"], default=str)))
            db.executemany("INSERT OR REPLACE INTO run_tables VALUES (?, ?, ?)",
                           [(spec.run_id, name, json.dumps(rows))
                            for name, rows in outcome.get("tables", {}).items()])
            db.execute("UPDATE runs SET status='done', attempts=attempts+1, error=NULL, "
                       "wall=?, finished=? WHERE run_id=?",
                       (outcome.get("wall"), _now(), spec.run_id))

    def record_failure(self, spec: RunSpec, error: str) -> None:
        """Mark a run as failed with its traceback (a later rerun tries it again)."""
        with self._tx() as db:
            db.execute("UPDATE runs SET status='failed', attempts=attempts+1, error=?, "
                       "finished=? WHERE run_id=?", (error, _now(), spec.run_id))

    def _tx(self) -> _Transaction:
        if self.readonly:
            raise StoreError(f"{self.path} is open read-only")
        return _Transaction(self._conn(), self.path)

    # ---- reading back --------------------------------------------------------------
    def runs_frame(self) -> pd.DataFrame:
        """One row per run: ids, seed, scenario, overrides, status, attempts, error."""
        return pd.read_sql_query("SELECT * FROM runs ORDER BY run_id", self._conn())

    def failed_frame(self) -> pd.DataFrame:
        """The runs that failed: ids, scenario, attempts and the last line of the error."""
        runs = self.runs_frame()
        failed = runs[runs.status == "failed"].copy()
        failed["reason"] = [str(e).strip().splitlines()[-1] if e else ""
                            for e in failed.error]
        return failed[["run_id", "point", "rep", "seed", "scenario", "attempts", "reason"]]

    def yearly_frame(self) -> pd.DataFrame:
        """Every finished run's yearly rows, with point, rep, seed and scenario."""
        rows = self._conn().execute(
            "SELECT y.run_id, r.point, r.rep, r.seed, r.scenario, y.data "
            "FROM yearly y JOIN runs r USING (run_id) ORDER BY y.run_id, y.year").fetchall()
        return pd.DataFrame([{"run_id": a, "point": p, "rep": r, "seed": s, "scenario": sc,
                              **json.loads(d)} for a, p, r, s, sc, d in rows])

    def summary_frame(self) -> pd.DataFrame:
        """One row per finished run: its final summary figures."""
        rows = self._conn().execute(
            "SELECT s.run_id, r.point, r.rep, r.seed, r.scenario, r.overrides, s.data "
            "FROM summary s JOIN runs r USING (run_id) ORDER BY s.run_id").fetchall()
        return pd.DataFrame([{"run_id": a, "point": p, "rep": r, "seed": s, "scenario": sc,
                              **{f"param_{k}": v for k, v in json.loads(o).items()},
                              **json.loads(d)} for a, p, r, s, sc, o, d in rows])

    def table_frame(self, name: str) -> pd.DataFrame:
        """A per-run table (``events``, ``cohort``, ``fates``) of every finished run.

        Each row carries the run's id, point, replication, seed and scenario.
        """
        rows = self._conn().execute(
            "SELECT t.run_id, r.point, r.rep, r.seed, r.scenario, t.data FROM run_tables t "
            "JOIN runs r USING (run_id) WHERE t.name=? ORDER BY t.run_id", (name,)).fetchall()
        return pd.DataFrame([{"run_id": a, "point": p, "rep": r, "seed": s, "scenario": sc,
                              **row} for a, p, r, s, sc, d in rows for row in json.loads(d)])

    def provenance(self, run_id: int) -> dict[str, Any]:
        """The provenance record of one run."""
        row = self._conn().execute("SELECT data FROM provenance WHERE run_id=?",
                                   (run_id,)).fetchone()
        return json.loads(row[0]) if row else {}

    def export(self, folder: str | Path, formats: Iterable[str] = ("csv",)) -> list[Path]:
        """Write runs, yearly and summary tables as CSV and/or Parquet into ``folder``.

        Each file is written under a temporary name and renamed into place.
        """
        formats = list(formats)
        for fmt in formats:
            if fmt not in ("csv", "parquet"):
                raise ValueError(f"export format must be csv or parquet, got {fmt!r}")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in (("runs", self.runs_frame()), ("yearly", self.yearly_frame()),
                            ("summary", self.summary_frame())):
            for fmt in formats:
                written.append(atomic_write(folder / f"{name}.{fmt}", frame))
        return written


def describe_failures(failed: pd.DataFrame, total: int | None = None) -> str:
    """``"2 of 6 runs failed (first: run 1, baseline, replication 1: RuntimeError: ...)"``.

    Args:
        failed: rows of :meth:`Store.failed_frame`.
        total: the experiment's number of runs, if it is to be named.
    """
    if failed.empty:
        return "no run failed"
    first = failed.iloc[0]
    of = f" of {total}" if total is not None else ""
    return (f"{len(failed)}{of} runs failed (first: run {first.run_id}, {first.scenario}, "
            f"replication {first.rep}: {first.reason})")


def _fill(db: sqlite3.Connection, design: Design, record: dict[str, Any] | None,
          inputs: Any) -> None:
    """Write the design, its inputs and every run into a new store, in one transaction."""
    from coopsim import __version__

    meta = {"design": design.to_json(), "created": _now(), "coopsim": __version__}
    if record is not None:
        meta["inputs"] = json.dumps(record, sort_keys=True)
        meta["input_data"] = json.dumps(inputs.data, sort_keys=True)
    db.execute("BEGIN")
    db.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
    db.executemany(
        "INSERT INTO runs (run_id, point, rep, seed, scenario, overrides, years) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(s.run_id, s.point, s.rep, s.seed, s.scenario,
          json.dumps(s.overrides_dict, sort_keys=True), s.years) for s in design.runs()])
    db.execute("COMMIT")


def _remove_leftovers(path: Path) -> None:
    """Delete what a killed process or a deleted store left beside ``path``.

    Called while holding the lock, when ``path`` does not exist: an old ``-wal`` file
    beside it would be replayed into the new store by SQLite (bringing back the old
    results), and half-built stores of killed processes are of no use.
    """
    for suffix in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    for stale in path.parent.glob(f".{path.name}.*.new*"):
        stale.unlink()


def _release(fd: int) -> None:
    """Release a writer's lock (closing the descriptor releases the flock).

    Only a descriptor this process still holds is closed: in a forked child the locks
    were dropped at the fork, and the number may since name another file.
    """
    if fd in _HELD:
        _HELD.discard(fd)
        os.close(fd)


def _acquire(lock_path: Path) -> int:
    """Take the store's exclusive writer lock, or raise naming the process holding it."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
        os.close(fd)
        store = lock_path.with_name(lock_path.name[1:].removesuffix(".lock"))
        if holder.startswith(f"coopsim process {os.getpid()} "):
            raise StoreError(f"{store} is still open in this process (another Store of it "
                             "was not closed): close it with store.close(), or use "
                             "`with run_experiment(...) as store:`") from None
        raise StoreError(f"{store} is in use by {holder}: one experiment has one writer. "
                         "Wait for it to finish (then run the same command again to "
                         "resume), or choose another output folder") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"coopsim process {os.getpid()} on {socket.gethostname()} since "
                 f"{_now()}".encode())
    _HELD.add(fd)
    return fd


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; SQLite errors named."""

    def __init__(self, db: sqlite3.Connection, path: Path):
        self.db, self.path = db, path

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            try:
                self.db.execute("COMMIT")
                return False
            except sqlite3.Error as err:
                exc_type, exc = type(err), err
        if self.db.in_transaction:  # SQLite rolls some failures back by itself (a full disk)
            self.db.execute("ROLLBACK")
        if issubclass(exc_type, sqlite3.Error):
            raise StoreWriteError(f"cannot write to {self.path} (SQLite: {exc}); the runs "
                             "stored so far are intact: free space or fix the cause, then "
                             "run the same command again to resume") from None
        return False


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
