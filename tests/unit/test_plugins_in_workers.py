"""A researcher's plug-in rule runs in real worker processes — the default local pool, two
workers and a Dask local cluster — with results identical to a run in this process."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from calibration.resolve import resolve_params
from simulation.executor import Task, run_many
from simulation.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def _tasks() -> list[Task]:
    scenario = load_scenario("mockingbird-hub")
    return [
        Task(scenario.name, resolve_params(scenario, "england-average", r), 1, 3, r)
        for r in range(3)
    ]


def _rows(results: list) -> list:
    return [(r.indicators, r.timeseries, r.events) for r in results]


def test_the_plugin_example_gives_identical_results_in_any_worker_process() -> None:
    inline = _rows(run_many(_tasks(), jobs=1))
    assert any(name == "mockingbird_members" for _, name, _ in inline[0][0])
    assert _rows(run_many(_tasks(), jobs=2)) == inline
    if importlib.util.find_spec("distributed") is not None:
        assert _rows(run_many(_tasks(), jobs=2, executor="dask")) == inline


def test_the_documented_plugin_example_runs_at_the_default_jobs(tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        "run.py",
        "simulate",
        "mockingbird-hub",
        "--years",
        "1",
        "--reps",
        "4",
        "--no-report",
        "--out",
        str(tmp_path),
    ]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    (folder,) = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert "mockingbird_members" in (folder / "indicators.csv").read_text()


def test_a_plugin_that_registers_parameters_first_keeps_the_built_in_tree() -> None:
    """In a fresh worker the plug-in module may register its parameters before the built-in
    tree is loaded; the built-in tree must still be there (it crashed with 'unknown parameter
    residential.inhouse_beds_per_10k' before)."""
    code = (
        "import docs.examples.mockingbird_hub\n"
        "from simulation.params import spec_of\n"
        "spec_of('residential.inhouse_beds_per_10k')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
