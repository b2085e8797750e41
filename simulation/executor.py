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

Interruptions: worker processes ignore Ctrl-C (the parent stops them and cleans up) and end
when their parent dies, even by SIGKILL (local pool: a parent-watch thread; Dask's local
workers already do). A Dask run logs nothing of its own: a failed task or an interrupt is one
message from the caller.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import multiprocessing
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, suppress
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


SCHEDULER_RE = re.compile(
    r"^(?:(?P<scheme>tcp|tls|ucx|ws|wss)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)"
    r":(?P<port>\d{1,5})/?$"
)


def check_scheduler(address: str) -> str:
    """A Dask scheduler address ``[tcp://]HOST:PORT``, refused with one message otherwise."""
    match = SCHEDULER_RE.match(address.strip())
    if match is None or not 1 <= int(match.group("port")) <= 65535:
        raise CarepathsError(
            f"--scheduler {address!r} is not a Dask scheduler address; write it as "
            "tcp://HOST:PORT (port 1 to 65535), e.g. --scheduler tcp://127.0.0.1:8786"
        )
    return address.strip()


def check_executor(executor: str, scheduler: str | None, jobs: int) -> int:
    """Validate the executor options before any work; return the number of workers."""
    if executor not in EXECUTORS:
        raise CarepathsError(f"unknown executor {executor!r}; use 'local' or 'dask'")
    if scheduler is not None and executor != "dask":
        raise CarepathsError("--scheduler is only used with --executor dask")
    if scheduler is not None:
        check_scheduler(scheduler)
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
        max_workers=min(workers, len(tasks)),
        mp_context=context,
        initializer=_init_worker,
        initargs=(os.getpid(),),
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


PARENT_CHECK_SECONDS = 0.5


def _init_worker(parent: int) -> None:
    """Workers ignore Ctrl-C (the parent gets it, stops them and cleans up the run folder) and
    end when the parent is gone: a parent killed outright (SIGKILL) cannot stop them itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent)


def watch_parent(parent: int, every: float = PARENT_CHECK_SECONDS) -> threading.Thread:
    """Exit this process once ``parent`` is no longer its parent (it died; we were adopted)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(3)  # no clean-up to do: results go only to the parent, which is gone

    thread = threading.Thread(target=watch, name="carepaths-parent-watch", daemon=True)
    thread.start()
    return thread


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
        from dask.distributed import Client
    except ImportError:
        raise CarepathsError(DASK_MISSING) from None
    try:
        if scheduler is None:
            return _local_cluster_client(workers)
        return Client(scheduler, timeout="15s")
    except (OSError, TimeoutError, ValueError) as exc:
        where = scheduler or "a local cluster"
        raise CarepathsError(f"cannot connect to the Dask scheduler at {where}: {exc}") from None


@contextmanager
def _signals_deferred(ignore_ctrl_c: bool = False) -> Iterator[None]:
    """Hold off Ctrl-C and SIGTERM for a moment Dask must not be interrupted in; an
    interrupt that arrives is raised as KeyboardInterrupt as soon as the moment is over.

    With ``ignore_ctrl_c`` Ctrl-C is ignored instead (and so lost for that moment): worker
    processes started then inherit it, so a Ctrl-C while they import Dask cannot make each of
    them print its own traceback (their preload, :func:`dask_setup`, keeps it ignored).
    """
    if threading.current_thread() is not threading.main_thread():  # signals: main only
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: object) -> None:
        held.append(signum)

    old_int = signal.signal(signal.SIGINT, signal.SIG_IGN if ignore_ctrl_c else hold)
    old_term = signal.signal(signal.SIGTERM, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)
    if held:
        raise KeyboardInterrupt


SPAWN_WAIT_SECONDS = 10.0


def _local_cluster_client(workers: int) -> Any:
    """A client on a new local cluster, started in steps none of which an interrupt can
    leave half done: the scheduler (interrupts deferred), the worker processes (spawned with
    Ctrl-C ignored, see :func:`_signals_deferred`), then the wait for them (interruptible:
    the caller closes the cluster)."""
    from dask.distributed import Client, LocalCluster

    with _signals_deferred():
        cluster = LocalCluster(
            n_workers=0,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: never clashes with another cluster
            silence_logs=logging.CRITICAL,  # errors come back as our own one message
            preload=["simulation.executor"],  # runs dask_setup in each worker process
        )
        client = Client(cluster)
    try:
        before = len(multiprocessing.active_children())
        with _signals_deferred(ignore_ctrl_c=True):
            cluster.scale(workers)
            deadline = time.monotonic() + SPAWN_WAIT_SECONDS
            while len(multiprocessing.active_children()) < before + workers:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)
        client.wait_for_workers(workers)
    except BaseException:
        _close_dask(client, None)
        raise
    return client


def _run_dask(
    tasks: list[Any],
    workers: int,
    scheduler: str | None,
    progress: Progress | None,
    fn: Callable[[Any], Any],
) -> list[Any]:
    from dask.distributed import as_completed

    with _quiet_dask_logs():
        client = _dask_client(workers, scheduler)
        try:
            futures = client.map(fn, tasks, pure=False)
            for _ in as_completed(futures):
                if progress:
                    progress()
            return client.gather(futures)
        finally:
            _close_dask(client, scheduler)


def dask_setup(worker: Any) -> None:
    """Dask preload hook, run in each local-cluster worker process: ignore Ctrl-C there (the
    parent gets it and closes the cluster), as the local pool's workers do."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


DASK_LOGGERS = ("distributed", "tornado", "asyncio", "bokeh")


@contextmanager
def _quiet_dask_logs() -> Iterator[None]:
    """Dask's own logging off for the run: a failed task or an interrupt is one message of
    ours, not dozens of lines of worker and shutdown logs. After a failure the levels stay
    off: a cluster torn down mid-start logs its half-started tasks as the program exits."""
    loggers = [logging.getLogger(name) for name in DASK_LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    yield
    for lg, level in zip(loggers, levels, strict=True):
        lg.setLevel(level)


def _close_dask(client: Any, scheduler: str | None) -> None:
    """Close the client (and the local cluster we started); a cluster already tearing down
    after an interrupt may complain while closing, which changes nothing for the run."""
    cluster = client.cluster if scheduler is None else None
    with suppress(Exception):
        client.close(timeout=10)
    if cluster is not None:
        with suppress(Exception):
            cluster.close(timeout=10)
