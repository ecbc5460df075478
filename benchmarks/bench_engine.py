"""Experiment-engine benchmark: a sweep against the same runs split by hand.

Target (issue #5): a sweep of 200 runs of the default province at scale 0.1 for 10
years finishes on this 2-core machine in at most 1.1x the time of the same runs
divided evenly over two processes by hand, and the store adds under 5% to the total.

    python benchmarks/bench_engine.py [--runs 200] [--scale 0.1] [--years 10]

It also prints the throughput (runs per hour on two processes); issue 14 asks for it at
full scale: ``--runs 20 --scale 1``.

Method: (1) "by hand": two forked processes each call ``coopsim.policy.runner.run`` on half
of the run specs and discard the results; (2) "engine": ``run_experiment`` with a
two-process ``ProcessExecutor`` into a fresh SQLite store, timing the store writes in
the driving process. Both use the same specs (seeds from one master seed). Ratios are
from the same invocation.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

from coopsim.experiment.designs import scenario_comparison
from coopsim.experiment.engine import run_experiment
from coopsim.experiment.executors import ProcessExecutor
from coopsim.experiment.store import Store


def _by_hand(specs) -> None:
    from coopsim.policy.runner import run

    for s in specs:
        run(s.scenario, s.overrides_dict, seed=s.seed, years=s.years)


class TimedStore(Store):
    """A store that adds up the time its writes take."""

    write_seconds = 0.0

    def record_success(self, spec, outcome):
        t0 = time.perf_counter()
        super().record_success(spec, outcome)
        self.write_seconds += time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--years", type=int, default=10)
    args = ap.parse_args()
    design = scenario_comparison(["baseline"], args.runs, master_seed=1, years=args.years,
                                 overrides={"scale": args.scale})
    specs = design.runs()
    ctx = mp.get_context("fork")
    t0 = time.perf_counter()
    procs = [ctx.Process(target=_by_hand, args=(specs[i::2],)) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    hand = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        store = TimedStore(Path(tmp) / "bench.sqlite")
        t0 = time.perf_counter()
        run_experiment(design, store, ProcessExecutor(2))
        engine = time.perf_counter() - t0
        done = store.counts().get("done", 0)
        writes = store.write_seconds
        store.close()
    print(f"{args.runs} runs, scale {args.scale}, {args.years} years, 2 processes")
    print(f"  by hand (two processes, results discarded): {hand:.1f} s")
    print(f"  engine (process pool + SQLite store):       {engine:.1f} s  ({done} runs stored)")
    ratio, share = engine / hand, writes / engine
    verdict = "PASS" if ratio <= 1.1 else "FAIL"
    print(f"  engine / by hand = {ratio:.3f}  (target <= 1.1: {verdict})")
    print(f"  throughput: {3600 * done / engine:,.0f} runs per hour through the engine, "
          f"{3600 * args.runs / hand:,.0f} by hand")
    print(f"  store writes {writes:.2f} s = {100 * share:.2f}% of the engine's time "
          f"(target < 5%: {'PASS' if share < 0.05 else 'FAIL'})")


if __name__ == "__main__":
    main()
