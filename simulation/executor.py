"""Run many replicates: in-process, in local worker processes, or on a Dask cluster.

A :class:`Task` is one replicate of one scenario (small and picklable). ``run_many`` hands tasks
to a backend and returns their results **in task order**, whatever order they finish in, so the
written outputs are byte-identical for any ``--jobs`` and either executor (each replicate is a
pure function of its task: common random numbers live in the task's seed and replicate number).

Backends:

* ``jobs=1``: a plain loop in this process (no pool; easiest to debug and profile).
* ``executor="local"``: a ``ProcessPoolExecutor`` with an explicit ``spawn`` context (importing
  Mesa may change the default start method, so we never rely on it). Tasks go in chunks so a
  worker is not round-tripped per tiny task.
* ``executor="dask"``: ``client.map(..., pure=False)`` (Dask would otherwise merge identical
  calls) on the scheduler at ``scheduler`` or on a ``LocalCluster`` started for this call.
"""

from __future__ import annotations

import importlib.util
import math
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from simulation.errors import CarepathsError
from simulation.params import Parameters

EXECUTORS = ("local", "dask")
CHUNKS_PER_WORKER = 4  # enough chunks to balance uneven replicates, few enough to amortise IPC

DASK_MISSING = "--executor dask needs Dask: pip install carepaths[dask]"

Progress = Callable[[], None]


@dataclass(frozen=True)
class Task:
    """One replicate of one scenario: everything a worker needs, nothing else."""

    scenario: str
    params: Parameters
    years: int
    seed: int
    replicate: int


def run_task(task: Task) -> Any:
    """Run one task with the real model (module-level, so it pickles by reference)."""
    from simulation.runner import run_replicate

    return run_replicate(task.params, task.years, task.seed, task.replicate)


def _run_chunk(fn: Callable[[Any], Any], chunk: Sequence[Any]) -> list[Any]:
    return [fn(task) for task in chunk]


def worker_count(jobs: int) -> int:
    """``jobs`` as a number of workers: 0 means every core."""
    if jobs < 0:
        raise CarepathsError(f"--jobs must be 0 (all cores) or more, got {jobs}")
    return jobs or os.cpu_count() or 1


def check_executor(executor: str, scheduler: str | None, jobs: int) -> int:
    """Validate the executor options before any work; return the number of workers."""
    if executor not in EXECUTORS:
        raise CarepathsError(f"unknown executor {executor!r}; use 'local' or 'dask'")
    if scheduler is not None and executor != "dask":
        raise CarepathsError("--scheduler is only used with --executor dask")
    if executor == "dask" and importlib.util.find_spec("distributed") is None:
        raise CarepathsError(DASK_MISSING)
    return worker_count(jobs)


def run_many(
    tasks: Sequence[Any],
    jobs: int = 0,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
    fn: Callable[[Any], Any] = run_task,
) -> list[Any]:
    """Run ``fn(task)`` for every task and return the results in task order.

    ``progress`` is called once per finished task. ``fn`` must be a module-level function
    (it is pickled by reference); tests inject a cheap fake, production uses :func:`run_task`.
    """
    workers = check_executor(executor, scheduler, jobs)
    if executor == "dask":
        return _run_dask(list(tasks), workers, scheduler, progress, fn)
    if workers == 1 or len(tasks) <= 1:
        return _run_inline(tasks, progress, fn)
    return _run_processes(list(tasks), workers, progress, fn)


def _run_inline(
    tasks: Sequence[Any], progress: Progress | None, fn: Callable[[Any], Any]
) -> list[Any]:
    results = []
    for task in tasks:
        results.append(fn(task))
        if progress:
            progress()
    return results


def _chunks(tasks: list[Any], workers: int) -> list[tuple[int, list[Any]]]:
    """Split into contiguous chunks, each tagged with its first task's index."""
    size = max(1, math.ceil(len(tasks) / (workers * CHUNKS_PER_WORKER)))
    return [(i, tasks[i : i + size]) for i in range(0, len(tasks), size)]


def _run_processes(
    tasks: list[Any], workers: int, progress: Progress | None, fn: Callable[[Any], Any]
) -> list[Any]:
    results: list[Any] = [None] * len(tasks)
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(tasks)), mp_context=context, initializer=_ignore_interrupts
    )
    try:
        pending: dict[Future[list[Any]], int] = {
            pool.submit(_run_chunk, fn, chunk): start for start, chunk in _chunks(tasks, workers)
        }
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                start = pending.pop(future)
                chunk_results = future.result()
                results[start : start + len(chunk_results)] = chunk_results
                for _ in chunk_results:
                    if progress:
                        progress()
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    return results


def _ignore_interrupts() -> None:
    """Workers ignore Ctrl-C: the parent gets it, stops them and cleans up the run folder."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel queued work and kill running workers now (shutdown alone would let every task
    already handed to a worker run to its end before the program can exit)."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    # Before 3.14 there is no public way; take the processes before shutdown() drops them.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


def _dask_client(workers: int, scheduler: str | None) -> Any:
    """A Dask client on ``scheduler``, or on a new local cluster of ``workers`` processes."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise CarepathsError(DASK_MISSING) from None
    try:
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port: never clashes with another cluster
            )
            return Client(cluster)
        return Client(scheduler, timeout="15s")
    except (OSError, TimeoutError) as exc:
        where = scheduler or "a local cluster"
        raise CarepathsError(f"cannot connect to the Dask scheduler at {where}: {exc}") from None


def _run_dask(
    tasks: list[Any],
    workers: int,
    scheduler: str | None,
    progress: Progress | None,
    fn: Callable[[Any], Any],
) -> list[Any]:
    from dask.distributed import as_completed

    client = _dask_client(workers, scheduler)
    try:
        futures = client.map(fn, tasks, pure=False)
        for _ in as_completed(futures):
            if progress:
                progress()
        return client.gather(futures)
    finally:
        cluster = client.cluster if scheduler is None else None
        client.close()
        if cluster is not None:
            cluster.close()
