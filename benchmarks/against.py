"""Whole-process speed of the working tree against a named commit, timed alternately.

    python benchmarks/bench_model.py --against COMMIT [--pairs 5] [--json out.json]

Absolute times on a shared machine drift 2-3x between days, so a speed claim is a ratio
measured in one session: ``COMMIT`` is exported with ``git archive`` into a temporary
folder and the two codes run ``coopsim run --years 10`` of the default province at full
scale alternately (A B A B ...), each in a fresh process with ``PYTHONPATH`` pointing at
its own code (same interpreter and libraries), same seed. Each child reports which
coopsim it imported (checked) and its own peak RSS (``os.wait4``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PROBE = ("import runpy, sys, coopsim; sys.stderr.write('COOPSIM ' + coopsim.__file__ + '\\n');"
         " sys.argv = ['coopsim'] + sys.argv[1:]; runpy.run_module('coopsim.cli', "
         "run_name='__main__')")


def export(commit: str, dest: Path) -> str:
    """Export ``commit`` of this repository into ``dest``; return its full hash."""
    full = subprocess.run(["git", "rev-parse", "--verify", f"{commit}^{{commit}}"], cwd=REPO,
                          capture_output=True, text=True)
    if full.returncode != 0:
        raise SystemExit(f"--against: {commit!r} is not a commit of {REPO}")
    archive = subprocess.run(["git", "archive", "--format=tar", full.stdout.strip()],
                             cwd=REPO, capture_output=True, check=True).stdout
    tar_path = dest / "code.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(dest / "code", filter="data")
    return full.stdout.strip()


def _one(run_child: Callable, code: Path, seed: int, years: int, work: Path) -> dict:
    with tempfile.TemporaryDirectory(dir=work) as out:
        env = dict(os.environ, PYTHONPATH=str(code))
        cmd = [sys.executable, "-c", PROBE, "run", "--years", str(years), "--seed",
               str(seed), "--out", out, "--quiet"]
        res = run_child(cmd, work, env)
        if res["returncode"] != 0:
            raise RuntimeError(f"coopsim run ({code}) failed:\n{res['stderr']}")
        imported = res["stderr"].split("COOPSIM ", 1)[1].split("\n", 1)[0]
        if Path(imported).resolve().parent != (code / "coopsim").resolve():
            raise RuntimeError(f"child imported {imported}, not the code under {code}")
    return {"wall_s": res["wall_s"], "peak_rss_mib": res["peak_rss_mib"],
            "contended": res["contended"]}


def bench_against(run_child: Callable, commit: str, pairs: int, years: int = 10,
                  seed: int = 2018) -> dict[str, Any]:
    """Time A (``commit``) and B (working tree) alternately; medians and ratios."""
    with tempfile.TemporaryDirectory(prefix="coopsim-against-") as tmp:
        work = Path(tmp)
        full = export(commit, work)
        codes = {"A": work / "code", "B": REPO}
        _one(run_child, codes["A"], seed, 1, work)  # warm caches; not counted
        _one(run_child, codes["B"], seed, 1, work)
        runs: dict[str, list[dict]] = {"A": [], "B": []}
        for i in range(pairs):
            for who in ("A", "B") if i % 2 == 0 else ("B", "A"):
                runs[who].append(_one(run_child, codes[who], seed, years, work))
                r = runs[who][-1]
                print(f"  {who} pair {i + 1}: {r['wall_s']:.2f} s, {r['peak_rss_mib']:.0f} MiB"
                      + (" (contended)" if r["contended"] else ""), flush=True)
    med = {who: {k: statistics.median(r[k] for r in rs) for k in ("wall_s", "peak_rss_mib")}
           for who, rs in runs.items()}
    return {"commit": full, "pairs": pairs, "years": years, "seed": seed, "runs": runs,
            "median": med, "speedup": med["A"]["wall_s"] / med["B"]["wall_s"],
            "rss_ratio": med["B"]["peak_rss_mib"] / med["A"]["peak_rss_mib"]}


def report(rep: dict[str, Any]) -> str:
    """Two lines: medians of A and B and the ratio."""
    a, b = rep["median"]["A"], rep["median"]["B"]
    return (f"A = {rep['commit'][:10]}: {a['wall_s']:.2f} s, {a['peak_rss_mib']:.0f} MiB; "
            f"B = working tree: {b['wall_s']:.2f} s, {b['peak_rss_mib']:.0f} MiB "
            f"(medians of {rep['pairs']}, alternated)\n"
            f"speed-up A/B = {rep['speedup']:.3f}x; peak RSS B/A = {rep['rss_ratio']:.3f}")


def write_json(rep: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rep, indent=2))
