"""The replicate executor: same results in task order whatever the backend and job count."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from simulation import executor
from simulation.errors import CarepathsError


def fake_replicate(task: int) -> tuple[int, int, float]:
    """A cheap stand-in for a replicate; later tasks finish first to scramble completion."""
    time.sleep(0.02 * (task % 3 == 0))
    return task, task * task, task / 7


def failing_replicate(task: int) -> int:
    if task == 3:
        raise CarepathsError("replicate 3 failed")
    return task


TASKS = list(range(12))
EXPECTED = [fake_replicate(t) for t in TASKS]


def test_jobs_1_runs_in_process_in_order() -> None:
    calls: list[int] = []
    results = executor.run_many(TASKS, jobs=1, progress=lambda: calls.append(1), fn=fake_replicate)
    assert results == EXPECTED
    assert len(calls) == len(TASKS)


def test_process_pool_returns_task_order_and_counts_progress() -> None:
    calls: list[int] = []
    results = executor.run_many(TASKS, jobs=2, progress=lambda: calls.append(1), fn=fake_replicate)
    assert results == EXPECTED
    assert len(calls) == len(TASKS)


def test_worker_error_propagates() -> None:
    with pytest.raises(CarepathsError, match="replicate 3 failed"):
        executor.run_many(TASKS, jobs=2, fn=failing_replicate)


def test_chunks_cover_every_task_once_in_order() -> None:
    chunks = executor._chunks(list(range(23)), workers=2)
    assert [t for _, chunk in chunks for t in chunk] == list(range(23))
    assert all(chunk[0] == start for start, chunk in chunks)


def test_jobs_0_means_all_cores() -> None:
    assert executor.worker_count(0) == (os.cpu_count() or 1)
    assert executor.worker_count(3) == 3


@pytest.mark.parametrize(
    ("kind", "scheduler", "jobs", "message"),
    [
        ("threads", None, 1, "unknown executor 'threads'"),
        ("local", "tcp://127.0.0.1:8786", 1, "only used with --executor dask"),
        ("local", None, -1, "--jobs must be 0"),
    ],
)
def test_bad_options_are_clear_errors(
    kind: str, scheduler: str | None, jobs: int, message: str
) -> None:
    with pytest.raises(CarepathsError, match=message):
        executor.run_many(TASKS, jobs=jobs, executor=kind, scheduler=scheduler, fn=fake_replicate)


def test_missing_dask_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(CarepathsError, match=r"pip install carepaths\[dask\]"):
        executor.run_many(TASKS, executor="dask", fn=fake_replicate)


def test_dask_local_cluster_matches_local_processes() -> None:
    pytest.importorskip("distributed")
    calls: list[int] = []
    results = executor.run_many(
        TASKS, jobs=2, executor="dask", progress=lambda: calls.append(1), fn=fake_replicate
    )
    assert results == EXPECTED
    assert len(calls) == len(TASKS)


def sleepy_replicate(task: int) -> int:
    time.sleep(0 if task == 0 else 30)
    return task


def test_interrupt_stops_running_workers_at_once() -> None:
    def interrupt() -> None:
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        executor.run_many([0, 1, 2, 3], jobs=2, progress=interrupt, fn=sleepy_replicate)
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []
    assert time.monotonic() - started < 15  # the 30 s tasks were killed, not waited for


@pytest.mark.parametrize(
    "address", ["not a scheduler", "", "tcp://", "host", "tcp://host:0", "tcp://h:99999", "a b:1"]
)
def test_a_scheduler_address_is_checked_before_anything_runs(address: str) -> None:
    with pytest.raises(CarepathsError, match="tcp://HOST:PORT"):
        executor.check_executor("dask", address, 1)


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "10.0.0.5:8786", "tls://[::1]:8786"])
def test_a_scheduler_address_that_can_be_one_is_accepted(address: str) -> None:
    assert executor.check_scheduler(address) == address
