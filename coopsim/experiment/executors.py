"""Executors: how runs are carried out, behind one interface.

Each executor is a context manager whose :meth:`map` yields ``(spec, outcome)`` pairs
as runs finish (in any order). Workers never write to the store; they return results
to the driving process. The worker function must be picklable (a module-level
function), as :func:`coopsim.experiment.engine.execute` is.

* :class:`SerialExecutor`: in this process, one run after another.
* :class:`ProcessExecutor`: a pool of local processes (default: the machine's cores),
  reused across runs. The multiprocessing start method is chosen explicitly (``fork``
  where the platform has it, else ``spawn``), because importing Mesa sets ``spawn``
  process-wide.
* :class:`DaskExecutor`: a Dask distributed cluster, given by its scheduler address,
  or a local cluster the executor starts (and stops) itself.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from coopsim.experiment.designs import RunSpec

__all__ = ["DaskExecutor", "KeepOpen", "ProcessExecutor", "SerialExecutor", "make_executor"]

Outcome = dict[str, Any]


class SerialExecutor:
    """Run everything in this process."""

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def map(self, fn: Callable[[RunSpec], Outcome], specs: Iterable[RunSpec]
            ) -> Iterator[tuple[RunSpec, Outcome]]:
        """Yield ``(spec, fn(spec))`` one by one."""
        for spec in specs:
            yield spec, fn(spec)


class ProcessExecutor:
    """A pool of local worker processes, reused across runs.

    Args:
        workers: number of processes (default: the machine's cores).
        start_method: ``"fork"``, ``"spawn"`` or ``"forkserver"`` (default: ``fork``
            where available, else ``spawn``).
    """

    def __init__(self, workers: int | None = None, start_method: str | None = None):
        self.workers = workers or os.cpu_count() or 1
        methods = mp.get_all_start_methods()
        self.start_method = start_method or ("fork" if "fork" in methods else "spawn")
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ProcessExecutor:
        ctx = mp.get_context(self.start_method)
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def map(self, fn: Callable[[RunSpec], Outcome], specs: Iterable[RunSpec]
            ) -> Iterator[tuple[RunSpec, Outcome]]:
        """Yield ``(spec, outcome)`` as runs finish, keeping every worker busy."""
        assert self._pool is not None, "use the executor as a context manager"
        todo = list(specs)
        running = {}
        while todo or running:
            while todo and len(running) < 2 * self.workers:
                spec = todo.pop(0)
                running[self._pool.submit(fn, spec)] = spec
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                yield running.pop(fut), fut.result()


class DaskExecutor:
    """Run on a Dask distributed cluster.

    Args:
        address: scheduler address (``tcp://host:port``); ``None`` starts a local
            cluster of ``workers`` single-threaded worker processes on loopback.
        workers: workers of the local cluster.
    """

    def __init__(self, address: str | None = None, workers: int = 2):
        self.address, self.workers = address, workers
        self._client = self._cluster = None

    def __enter__(self) -> DaskExecutor:
        from distributed import Client, LocalCluster

        if self.address is None:
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                         processes=True, host="127.0.0.1",
                                         dashboard_address=None)
            self._client = Client(self._cluster)
        else:
            self._client = Client(self.address)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def map(self, fn: Callable[[RunSpec], Outcome], specs: Iterable[RunSpec]
            ) -> Iterator[tuple[RunSpec, Outcome]]:
        """Submit every run; yield ``(spec, outcome)`` as they finish."""
        from distributed import as_completed

        futures = {}
        for spec in specs:
            futures[self._client.submit(fn, spec, pure=False, key=f"run-{spec.run_id}")] = spec
        for fut in as_completed(futures):
            yield futures[fut], fut.result()


class KeepOpen:
    """An entered executor that later ``with`` blocks reuse without closing it.

    A study made of several experiments (the generations of a calibration) enters its
    executor once, so one process pool or Dask cluster serves them all::

        with ProcessExecutor() as ex:
            run_experiment(design_a, "a.sqlite", KeepOpen(ex))
            run_experiment(design_b, "b.sqlite", KeepOpen(ex))
    """

    def __init__(self, executor: Any):
        self.executor = executor

    def __enter__(self) -> Any:
        return self.executor

    def __exit__(self, *exc: Any) -> None:
        return None


def make_executor(kind: str = "process", workers: int | None = None,
                  scheduler: str | None = None):
    """An executor by name: ``serial``, ``process`` or ``dask``."""
    if kind == "serial":
        return SerialExecutor()
    if kind == "process":
        return ProcessExecutor(workers)
    if kind == "dask":
        return DaskExecutor(scheduler, workers or 2)
    raise ValueError(f"executor must be serial, process or dask, got {kind!r}")
