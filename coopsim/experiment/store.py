"""The embedded results store: one SQLite file per experiment.

It holds the design, every run's status, seed, parameters, outcomes (yearly rows and a
final summary) and provenance. Each finished run is written in one transaction, so a
killed process (even ``kill -9``) loses at most the runs in flight and never leaves a
half-written run; opening the same file again resumes. Only the process that drives an
experiment writes to its store (workers return results to it).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from coopsim.experiment.designs import Design, RunSpec

__all__ = ["Store", "StoreError"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, point INTEGER NOT NULL, rep INTEGER NOT NULL,
    seed INTEGER NOT NULL, scenario TEXT NOT NULL, overrides TEXT NOT NULL,
    years INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0, error TEXT, wall REAL, finished TEXT);
CREATE TABLE IF NOT EXISTS yearly (
    run_id INTEGER NOT NULL, year INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (run_id, year));
CREATE TABLE IF NOT EXISTS summary (run_id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS provenance (run_id INTEGER PRIMARY KEY, data TEXT NOT NULL);
"""


class StoreError(RuntimeError):
    """The store file belongs to another experiment, or cannot be used."""


class Store:
    """An experiment's SQLite store (see the module docstring).

    Args:
        path: the database file (created when missing).
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- design and runs -------------------------------------------------------------
    def init(self, design: Design) -> None:
        """Record ``design`` and its runs; an existing store must hold the same design."""
        text = design.to_json()
        row = self.db.execute("SELECT value FROM meta WHERE key='design'").fetchone()
        if row is not None:
            if row[0] != text:
                raise StoreError(f"{self.path} holds a different experiment; use another "
                                 "output folder, or the same design to resume")
            return
        from coopsim import __version__

        with self._tx():
            self.db.execute("INSERT INTO meta VALUES ('design', ?)", (text,))
            self.db.execute("INSERT INTO meta VALUES ('created', ?)", (_now(),))
            self.db.execute("INSERT INTO meta VALUES ('coopsim', ?)", (__version__,))
            self.db.executemany(
                "INSERT INTO runs (run_id, point, rep, seed, scenario, overrides, years) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(s.run_id, s.point, s.rep, s.seed, s.scenario,
                  json.dumps(s.overrides_dict, sort_keys=True), s.years)
                 for s in design.runs()])

    def design(self) -> Design:
        """The design this store holds."""
        row = self.db.execute("SELECT value FROM meta WHERE key='design'").fetchone()
        if row is None:
            raise StoreError(f"{self.path} holds no experiment yet")
        return Design.from_json(row[0])

    def pending(self, max_attempts: int) -> list[RunSpec]:
        """Runs not done yet that have been tried fewer than ``max_attempts`` times."""
        specs = {s.run_id: s for s in self.design().runs()}
        rows = self.db.execute("SELECT run_id FROM runs WHERE status != 'done' AND attempts < ? "
                               "ORDER BY run_id", (max_attempts,)).fetchall()
        return [specs[r[0]] for r in rows]

    def counts(self) -> dict[str, int]:
        """Runs by status."""
        return dict(self.db.execute("SELECT status, COUNT(*) FROM runs GROUP BY status"))

    # ---- results -------------------------------------------------------------------
    def record_success(self, spec: RunSpec, outcome: dict[str, Any]) -> None:
        """Store a finished run's outcomes and provenance, all in one transaction."""
        with self._tx():
            self.db.execute("DELETE FROM yearly WHERE run_id=?", (spec.run_id,))
            self.db.executemany("INSERT INTO yearly VALUES (?, ?, ?)",
                                [(spec.run_id, int(r["year"]), json.dumps(r))
                                 for r in outcome["yearly"]])
            self.db.execute("INSERT OR REPLACE INTO summary VALUES (?, ?)",
                            (spec.run_id, json.dumps(outcome["summary"])))
            self.db.execute("INSERT OR REPLACE INTO provenance VALUES (?, ?)",
                            (spec.run_id, json.dumps(outcome["provenance"], default=str)))
            self.db.execute("UPDATE runs SET status='done', attempts=attempts+1, error=NULL, "
                            "wall=?, finished=? WHERE run_id=?",
                            (outcome.get("wall"), _now(), spec.run_id))

    def record_failure(self, spec: RunSpec, error: str) -> None:
        """Mark a run as failed with its traceback (it may be retried)."""
        with self._tx():
            self.db.execute("UPDATE runs SET status='failed', attempts=attempts+1, error=?, "
                            "finished=? WHERE run_id=?", (error, _now(), spec.run_id))

    def requeue_failed(self) -> int:
        """Give failed runs a fresh set of attempts (after their cause was fixed).

        Returns:
            How many runs were requeued.
        """
        with self._tx():
            cur = self.db.execute("UPDATE runs SET status='pending', attempts=0 "
                                  "WHERE status='failed'")
        return cur.rowcount

    def _tx(self):
        return _Transaction(self.db)

    # ---- reading back --------------------------------------------------------------
    def runs_frame(self) -> pd.DataFrame:
        """One row per run: ids, seed, scenario, overrides, status, attempts, error."""
        return pd.read_sql_query("SELECT * FROM runs ORDER BY run_id", self.db)

    def yearly_frame(self) -> pd.DataFrame:
        """Every finished run's yearly rows, with point, rep, seed and scenario."""
        rows = self.db.execute("SELECT y.run_id, r.point, r.rep, r.seed, r.scenario, y.data "
                               "FROM yearly y JOIN runs r USING (run_id) "
                               "ORDER BY y.run_id, y.year").fetchall()
        return pd.DataFrame([{"run_id": a, "point": p, "rep": r, "seed": s, "scenario": sc,
                              **json.loads(d)} for a, p, r, s, sc, d in rows])

    def summary_frame(self) -> pd.DataFrame:
        """One row per finished run: its final summary figures."""
        rows = self.db.execute("SELECT s.run_id, r.point, r.rep, r.seed, r.scenario, "
                               "r.overrides, s.data FROM summary s JOIN runs r USING (run_id) "
                               "ORDER BY s.run_id").fetchall()
        return pd.DataFrame([{"run_id": a, "point": p, "rep": r, "seed": s, "scenario": sc,
                              **{f"param_{k}": v for k, v in json.loads(o).items()},
                              **json.loads(d)} for a, p, r, s, sc, o, d in rows])

    def provenance(self, run_id: int) -> dict[str, Any]:
        """The provenance record of one run."""
        row = self.db.execute("SELECT data FROM provenance WHERE run_id=?", (run_id,)).fetchone()
        return json.loads(row[0]) if row else {}

    def export(self, folder: str | Path, formats: Iterable[str] = ("csv",)) -> list[Path]:
        """Write runs, yearly and summary tables as CSV and/or Parquet into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in (("runs", self.runs_frame()), ("yearly", self.yearly_frame()),
                            ("summary", self.summary_frame())):
            for fmt in formats:
                path = folder / f"{name}.{fmt}"
                if fmt == "csv":
                    frame.to_csv(path, index=False)
                elif fmt == "parquet":
                    frame.to_parquet(path, index=False)
                else:
                    raise ValueError(f"export format must be csv or parquet, got {fmt!r}")
                written.append(path)
        return written


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *rest: Any) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
