"""Executors: how runs are carried out, behind one interface.

Each executor is a context manager whose :meth:`map` yields ``(spec, outcome)`` pairs
as runs finish (in any order). Workers never write to the store; they return results
to the driving process. The worker function must be picklable (a module-level
function), as :func:`coopsim.experiment.engine.execute` is. A run that cannot finish
comes back as ``{"error": text}``, never as an exception, whatever went wrong: the
worker raised, its process died, or the cluster lost it.

* :class:`SerialExecutor`: in this process, one run after another.
* :class:`ProcessExecutor`: a pool of local processes (default: the machine's cores),
  reused across runs. The multiprocessing start method is chosen explicitly (``fork``
  where the platform has it, else ``spawn``), because importing Mesa sets ``spawn``
  process-wide. When a worker process dies (the out-of-memory killer, a signal), the
  pool is rebuilt and the runs that were in flight are run again one at a time, so
  the run that kills its process is found and recorded as failed while the others
  finish.
* :class:`DaskExecutor`: a Dask distributed cluster, given by its scheduler address,
  or a local cluster the executor starts (and stops) itself. Task keys are unique to
  one :meth:`map` call, so experiments sharing a scheduler never share results.

Constructors only check their arguments (:class:`~coopsim.world.params.ParameterError`);
nothing starts until the executor is entered.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import time
import traceback
import uuid
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from coopsim.core.checks import number_problem
from coopsim.core.errors import RefusedError
from coopsim.experiment.designs import RunSpec
from coopsim.world.params import ParameterError

__all__ = ["DaskExecutor", "KeepOpen", "ProcessExecutor", "SerialExecutor", "make_executor"]

Outcome = dict[str, Any]
#: most worker processes (or local Dask workers) an executor starts
MAX_WORKERS = 256
#: runs submitted to a Dask scheduler at a time (at least; four per worker thread)
DASK_IN_FLIGHT = 64
#: seconds to wait for a Dask scheduler to answer
CONNECT_TIMEOUT = 10
#: seconds without any run finishing after which the runs on a Dask cluster are given up
DASK_STALL_TIMEOUT = 3600.0
_ADDRESS = re.compile(r"^(tcp|tls|inproc|ucx|ws|wss)://\S+$|^[\w.\-]+:\d{1,5}$")


def _check_workers(workers: Any) -> None:
    problem = number_problem(workers, integer=True, lo=1, hi=MAX_WORKERS)
    if problem:
        raise ParameterError(f"--workers {problem}, got {workers!r}")


def _failure(what: str) -> Outcome:
    return {"error": what}


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
            try:
                outcome = fn(spec)
            except Exception:  # noqa: BLE001 - a run's failure is its outcome
                outcome = _failure(traceback.format_exc())
            yield spec, outcome


class ProcessExecutor:
    """A pool of local worker processes, reused across runs.

    Args:
        workers: number of processes (default: the machine's cores).
        start_method: ``"fork"``, ``"spawn"`` or ``"forkserver"`` (default: ``fork``
            where available, else ``spawn``).
    """

    def __init__(self, workers: int | None = None, start_method: str | None = None):
        if workers is not None:
            _check_workers(workers)
        self.workers = workers or os.cpu_count() or 1
        methods = mp.get_all_start_methods()
        if start_method is not None and start_method not in methods:
            raise ParameterError(f"start method must be one of {', '.join(methods)}, "
                                 f"got {start_method!r}")
        self.start_method = start_method or ("fork" if "fork" in methods else "spawn")
        self._pool: ProcessPoolExecutor | None = None
        self._seen: set[Any] = set()  # the pool's worker processes, to read exit codes
        self.restarts = 0  # pools rebuilt after a worker process died

    def _new_pool(self) -> ProcessPoolExecutor:
        ctx = mp.get_context(self.start_method)
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)

    def __enter__(self) -> ProcessExecutor:
        self._pool = self._new_pool()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map(self, fn: Callable[[RunSpec], Outcome], specs: Iterable[RunSpec]
            ) -> Iterator[tuple[RunSpec, Outcome]]:
        """Yield ``(spec, outcome)`` as runs finish, keeping every worker busy.

        After a worker process dies, the runs that were in flight become suspects and
        run alone, one after another, until each has finished or has killed its
        process by itself (then it is yielded as failed).
        """
        if self._pool is None:
            raise RuntimeError("use the executor as a context manager")
        todo, suspects = deque(specs), deque()
        running: dict[Any, RunSpec] = {}
        while todo or suspects or running:
            lost: list[RunSpec] = []
            broke = not self._submit(fn, todo, suspects, running)
            if not broke:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    spec = running.pop(fut)
                    try:
                        yield spec, fut.result()
                    except BrokenProcessPool:
                        lost.append(spec)
                    except Exception:  # noqa: BLE001 - e.g. an outcome that cannot be pickled
                        yield spec, _failure(traceback.format_exc())
            if not (broke or lost):
                continue
            for fut, spec in running.items():  # the rest went down with the pool...
                if fut.done() and fut.exception() is None:
                    yield spec, fut.result()  # ...unless it had finished just before
                else:
                    lost.append(spec)
            running.clear()
            how = self._restart()
            if len(lost) == 1:  # it ran alone, so it killed its process
                yield lost[0], _failure(f"the worker process running this run died{how} "
                                        "(killed by the out-of-memory killer or a signal?); "
                                        "the pool was restarted and the other runs went on")
            else:
                suspects.extend(lost)

    def _submit(self, fn: Callable[[RunSpec], Outcome], todo: deque, suspects: deque,
                running: dict[Any, RunSpec]) -> bool:
        """Submit what may run now: one suspect alone, or fill the pool from ``todo``.

        Returns:
            False if the pool turned out to be broken.
        """
        try:
            queue, room = (suspects, 1) if suspects else (todo, 2 * self.workers)
            while queue and len(running) < room:
                fut = self._pool.submit(fn, queue[0])  # taken off the queue once submitted
                running[fut] = queue.popleft()
        except BrokenProcessPool:
            return False
        self._seen.update(getattr(self._pool, "_processes", {}).values())
        return True

    def _restart(self) -> str:
        """Replace a broken pool; say how its dead worker ended, where that is known.

        The worker processes are taken from the pool's ``_processes`` (a private
        attribute, so the exit status is reported only where it can be read).
        """
        self._pool.shutdown(wait=True, cancel_futures=True)  # reaps the dead and the rest
        codes = [p.exitcode for p in self._seen if p.exitcode and p.exitcode != -15]
        self._seen.clear()
        self._pool = self._new_pool()
        self.restarts += 1
        if codes and codes[0] < 0:
            return f" (signal {-codes[0]})"
        return f" (exit status {codes[0]})" if codes else ""


class DaskExecutor:
    """Run on a Dask distributed cluster.

    Args:
        address: scheduler address (``tcp://host:port``); ``None`` starts a local
            cluster of ``workers`` single-threaded worker processes on loopback.
        workers: workers of the local cluster.
        stall_timeout: seconds without any run finishing after which the runs in
            flight are given up and reported failed (a cluster that lost a task after
            its worker died would otherwise be waited on for ever); the engine's
            retries submit them again.
    """

    def __init__(self, address: str | None = None, workers: int = 2,
                 stall_timeout: float = DASK_STALL_TIMEOUT):
        if address is not None and (not isinstance(address, str) or not _ADDRESS.match(address)):
            raise ParameterError(f"--scheduler must be a Dask scheduler address such as "
                                 f"tcp://127.0.0.1:8786, got {address!r}")
        _check_workers(workers)
        problem = number_problem(stall_timeout, lo=0.1, hi=1e7)
        if problem:
            raise ParameterError(f"stall_timeout {problem}, got {stall_timeout!r}")
        self.address, self.workers, self.stall_timeout = address, workers, stall_timeout
        self._client = self._cluster = None

    def __enter__(self) -> DaskExecutor:
        from distributed import Client, LocalCluster

        if self.address is None:
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                         processes=True, host="127.0.0.1",
                                         dashboard_address=":0")
            self._client = Client(self._cluster)
            return self
        try:
            self._client = Client(self.address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise RefusedError(f"cannot reach the Dask scheduler at {self.address} "
                               f"({type(exc).__name__}: {exc}); start it, or check "
                               "--scheduler; nothing was run") from None
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def map(self, fn: Callable[[RunSpec], Outcome], specs: Iterable[RunSpec]
            ) -> Iterator[tuple[RunSpec, Outcome]]:
        """Submit runs under keys unique to this call; yield them as they finish.

        At most :data:`DASK_IN_FLIGHT` runs (or four per worker thread, if more) are
        submitted at a time, so the scheduler never holds every spec of a large design.
        """
        from distributed import as_completed

        token = uuid.uuid4().hex[:16]
        todo = deque(specs)
        room = max(DASK_IN_FLIGHT, 4 * sum(self._client.nthreads().values()))
        futures: dict[Any, RunSpec] = {}

        def submit() -> Any:
            spec = todo.popleft()
            fut = self._client.submit(fn, spec, pure=False,
                                      key=f"coopsim-{token}-run-{spec.run_id}")
            futures[fut] = spec
            return fut

        def start() -> Any:
            # this client's loop: as_completed would otherwise take the process's default
            # client's, which may belong to another experiment (or be closed) and never fire
            return as_completed([submit() for _ in range(min(room, len(todo)))],
                                loop=self._client.loop)

        pending, last = start(), time.monotonic()
        while futures:
            batch = pending.next_batch(block=False)
            if not batch:
                if time.monotonic() - last > self.stall_timeout:
                    yield from self._give_up(futures)
                    pending, last = start(), time.monotonic()
                time.sleep(0.05)
                continue
            last = time.monotonic()
            for fut in batch:
                spec = futures.pop(fut)
                try:  # bounded: fetching a result from a dying worker can wait for ever
                    outcome = fut.result(timeout=self.stall_timeout)
                except Exception:  # noqa: BLE001 - e.g. KilledWorker: the cluster lost the run
                    outcome = _failure(traceback.format_exc())
                fut.release()
                if todo:
                    pending.add(submit())
                yield spec, outcome

    def _give_up(self, futures: dict[Any, RunSpec]) -> Iterator[tuple[RunSpec, Outcome]]:
        """After a stall: report the runs in flight failed, cancel them, free their workers.

        A run that finished meanwhile is yielded with its result. Cancelling does not stop
        a task that is running, so the workers holding given-up runs are restarted (on a
        cluster without nannies this may fail; the message says so).
        """
        client, keys = self._client, {fut.key for fut in futures}
        try:  # a scheduler that does not answer within 30 s: restart nothing
            held = client.sync(client.scheduler.processing, workers=None, callback_timeout=30)
            busy = [w for w, tasks in held.items() if keys & set(tasks)]
        except Exception:  # noqa: BLE001
            busy = []
        for fut, spec in list(futures.items()):
            del futures[fut]
            if fut.status in ("finished", "error"):
                try:
                    yield spec, fut.result(timeout=30)
                except Exception:  # noqa: BLE001 - its own error, or a result not fetched
                    yield spec, _failure(traceback.format_exc())
                continue
            fut.cancel()
            yield spec, _failure(f"no run finished on the Dask cluster for "
                                 f"{self.stall_timeout:g} s; this run was given up (and is "
                                 "run again if retries are left)")
        if busy:
            try:
                # waited for as long as a stall is (at least 10 s, at most 60 s)
                wait = min(60.0, max(10.0, self.stall_timeout))
                client.sync(client._restart_workers, workers=busy, timeout=wait,
                            raise_for_error=True, callback_timeout=wait + 30)
            except Exception as exc:  # noqa: BLE001 - e.g. workers without a nanny
                warnings.warn(f"could not restart the Dask workers holding given-up runs "
                              f"({type(exc).__name__}: {exc}); they stay busy",
                              RuntimeWarning, stacklevel=2)


class KeepOpen:
    """An entered executor that later ``with`` blocks reuse without closing it.

    A study made of several experiments (the generations of a calibration) enters its
    executor once, so one process pool or Dask cluster serves them all::

        with ProcessExecutor() as ex:
            run_experiment(design_a, "a.sqlite", KeepOpen(ex)).close()
            run_experiment(design_b, "b.sqlite", KeepOpen(ex)).close()
    """

    def __init__(self, executor: Any):
        self.executor = executor

    def __enter__(self) -> Any:
        return self.executor

    def __exit__(self, *exc: Any) -> None:
        return None


def make_executor(kind: str = "process", workers: int | None = None,
                  scheduler: str | None = None):
    """An executor by name: ``serial``, ``process`` or ``dask`` (arguments checked).

    Raises:
        ParameterError: an unknown kind, a bad number of workers, a bad scheduler
            address, or a scheduler for an executor other than Dask.
    """
    if kind not in ("serial", "process", "dask"):
        raise ParameterError(f"--executor must be serial, process or dask, got {kind!r}")
    if scheduler is not None and kind != "dask":
        raise ParameterError(f"--scheduler is for --executor dask, not {kind}")
    if kind == "serial":
        if workers is not None:
            _check_workers(workers)
        return SerialExecutor()
    if kind == "process":
        return ProcessExecutor(workers)
    return DaskExecutor(scheduler, workers or 2)
