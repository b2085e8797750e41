"""Interruptions, as a user or a machine gives them: nothing half-written is ever taken for a run.

Real ``python run.py`` processes, each in a session of its own (so a signal to its process group
is what a terminal's Ctrl-C sends):

* SIGKILL in the write phase leaves a hidden partial folder: ``report`` refuses it, no visible
  run folder exists, and the next run in the same ``--out`` removes it and says so;
* SIGKILL of the parent while replicates run: no worker process outlives it, for the local
  pool and for the Dask local cluster;
* Ctrl-C and SIGTERM: one message, exit code 2, no run folder, for either executor.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from results import jobs, store
from results.run_folder import RunFolderError, check_run_folder

ROOT = Path(__file__).resolve().parents[2]
needs_dask = pytest.mark.skipif(
    __import__("importlib").util.find_spec("distributed") is None, reason="Dask not installed"
)


def start(out: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    return subprocess.Popen(
        [sys.executable, "run.py", "simulate", "--out", str(out), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for(condition: Callable[[], bool], timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        kids = [p for p, pp in parents.items() if pp in frontier]
        found += kids
        frontier = kids
    return found


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def fake_runner() -> ModuleType:
    module = ModuleType("simulation.runner")

    def run_replicate(params: object, years: int, seed: int, replicate: int) -> SimpleNamespace:
        return SimpleNamespace(
            timeseries=[("2024-04-30", "cla_31_march", 1.0)],
            indicators=[(2025, "cla_31_march", float(replicate))],
            events=1,
            wall_seconds=0.0,
        )

    module.run_replicate = run_replicate  # type: ignore[attr-defined]
    return module


def test_sigkill_while_writing_leaves_nothing_any_command_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "runs"
    run = start(out, "--years", "1", "--reps", "2", "--jobs", "1")  # with charts: seconds

    def manifest_written() -> bool:
        return any((p / "manifest.json").exists() for p in out.glob(".*.partial-*"))

    wait_for(manifest_written, what="the write phase (manifest.json in the partial folder)")
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    (partial,) = list(out.iterdir())
    assert store.is_partial(partial) and (partial / "manifest.json").exists()
    with pytest.raises(RunFolderError, match="partial run folder"):
        check_run_folder(partial)
    refused = subprocess.run(
        [sys.executable, "run.py", "report", str(partial)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "400"},
        check=False,
    )
    assert refused.returncode == 2 and "partial run folder" in refused.stderr
    assert "Traceback" not in refused.stderr and not (partial / "report.html").exists()
    # The next run in the same --out removes what the killed run left, and says so.
    monkeypatch.setitem(sys.modules, "simulation.runner", fake_runner())
    folder = jobs.simulate("baseline", 1, 1, 1, "england-average", out, jobs=1, report=False)
    assert list(out.iterdir()) == [folder]
    assert (
        f"removed 1 partial folder(s) left in {out} by interrupted runs" in capsys.readouterr().err
    )


def _busy_run(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], list[int]]:
    """A run whose workers are computing replicates; returns it and its worker processes."""
    run = start(tmp_path / "runs", "--years", "20", "--reps", "12", "--no-report", *args)
    wait_for(lambda: len(descendants(run.pid)) >= 3, what="worker processes")
    time.sleep(1.0)  # let the workers take tasks
    workers = descendants(run.pid)
    assert run.poll() is None, run.communicate()
    return run, workers


@pytest.mark.parametrize(
    "executor", ["local", pytest.param("dask", marks=needs_dask)], ids=["local", "dask"]
)
def test_no_worker_outlives_a_killed_parent(tmp_path: Path, executor: str) -> None:
    run, workers = _busy_run(tmp_path, "--jobs", "2", "--executor", executor)
    os.kill(run.pid, signal.SIGKILL)  # the parent alone, as the OOM killer would
    run.wait()
    try:
        wait_for(lambda: not any(alive(w) for w in workers), timeout=10, what="workers to end")
    finally:
        for w in workers:
            if alive(w):
                os.kill(w, signal.SIGKILL)
    assert not list((tmp_path / "runs").glob("[!.]*"))  # no visible run folder


@pytest.mark.parametrize(
    ("executor", "sig"),
    [
        ("local", signal.SIGINT),
        pytest.param("dask", signal.SIGINT, marks=needs_dask),
        pytest.param("dask", signal.SIGTERM, marks=needs_dask),
    ],
    ids=["local-ctrl-c", "dask-ctrl-c", "dask-sigterm"],
)
def test_an_interrupt_is_one_message_and_no_run_folder(
    tmp_path: Path, executor: str, sig: signal.Signals
) -> None:
    run, workers = _busy_run(tmp_path, "--jobs", "2", "--executor", executor)
    os.killpg(run.pid, sig)  # the whole process group, as a terminal's Ctrl-C does
    _, err = run.communicate(timeout=60)
    assert run.returncode == 2, err
    assert err.strip() == "error: interrupted; no complete run folder was written", err
    wait_for(lambda: not any(alive(w) for w in workers), timeout=10, what="workers to end")
    assert list((tmp_path / "runs").iterdir()) == [] if (tmp_path / "runs").exists() else True
