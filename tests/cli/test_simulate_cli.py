"""`python run.py simulate`: the run folder, reproducibility and user errors, end to end."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from results import jobs, store

ROOT = Path(__file__).resolve().parents[2]
FILES = ("draws.csv", "indicators.csv", "manifest.json", "summary.csv", "timeseries.csv")
HEADERS = {
    "timeseries.csv": "scenario,replicate,date,indicator,value",
    "indicators.csv": "scenario,replicate,year,indicator,value",
    "summary.csv": "scenario,indicator,year,unit,mean,p5,p50,p95",
}
HAS_RUNNER = importlib.util.find_spec("simulation.runner") is not None
needs_runner = pytest.mark.skipif(not HAS_RUNNER, reason="simulation.runner has not landed")


def simulate(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # A wide terminal so rich does not wrap a long one-line message.
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    return subprocess.run(
        [
            sys.executable,
            "run.py",
            "simulate",
            "--years",
            "1",
            "--reps",
            "2",
            "--no-report",
            "--out",
            str(out),
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def run_folder(out: Path) -> Path:
    folders = list(out.iterdir())
    assert len(folders) == 1, folders
    assert not folders[0].name.startswith(".")
    return folders[0]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One run through a real process (byte-identity across runs, --jobs and executors is
    tests/cli/test_reproducible.py)."""
    if not HAS_RUNNER:
        pytest.skip("simulation.runner has not landed")
    out = tmp_path_factory.mktemp("first")
    done = simulate(out, "--seed", "7", "--jobs", "2")
    assert done.returncode == 0, done.stderr
    return {"first": run_folder(out)}


def test_run_folder_has_the_four_files_with_exact_headers(runs: dict[str, Path]) -> None:
    folder = runs["first"]
    assert folder.name.endswith("-baseline")
    assert sorted(p.name for p in folder.iterdir()) == list(FILES)
    for name, header in HEADERS.items():
        lines = (folder / name).read_text().splitlines()
        assert lines[0] == header
        assert len(lines) > 1, f"{name} has no rows"
    reps = {row["replicate"] for row in csv.DictReader((folder / "indicators.csv").open())}
    assert reps == {"0", "1"}


def test_manifest_records_the_run(runs: dict[str, Path]) -> None:
    manifest = json.loads((runs["first"] / "manifest.json").read_text())
    assert (manifest["command"], manifest["years"], manifest["replicates"], manifest["seed"]) == (
        "simulate",
        1,
        2,
        7,
    )
    assert manifest["area"] == "england-average"
    [scenario] = manifest["scenarios"]
    assert scenario["name"] == "baseline"
    assert scenario["files"][0]["path"].endswith("baseline.toml")
    assert len(scenario["parameters_sha256"]) == 64
    assert scenario["events"] > 0
    assert [s["replicate"] for s in manifest["replicate_seeds"]] == [0, 1]
    assert manifest["wall_seconds"] >= 0


def assert_clean_user_error(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    message = done.stderr.strip()
    assert len(message.splitlines()) == 1, message
    for word in words:
        assert word in message


def test_unknown_scenario_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    done = simulate(out, "no-such-scenario")
    assert_clean_user_error(done, "no-such-scenario")
    assert not out.exists() or list(out.iterdir()) == []


def test_unwritable_out_is_one_line_and_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = simulate(blocker / "runs")
    assert_clean_user_error(done, "a-file")
    assert blocker.read_text() == "not a folder"


def test_unknown_area_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = simulate(tmp_path, "--area", "atlantis")
    assert_clean_user_error(done, "atlantis")
    assert list(tmp_path.iterdir()) == []


# In-process checks of results.jobs.simulate with a fake runner (fast, no model needed).


def fake_runner() -> ModuleType:
    module = ModuleType("simulation.runner")

    def run_replicate(params: object, years: int, seed: int, replicate: int) -> SimpleNamespace:
        value = float(seed * 10 + replicate)
        return SimpleNamespace(
            timeseries=[("2024-04-30", "cla_31_march", value)],
            indicators=[(2025, "cla_31_march", value), (2025, "started", value / 3)],
            events=5,
            wall_seconds=0.01,
        )

    module.run_replicate = run_replicate  # type: ignore[attr-defined]
    return module


def test_failing_report_leaves_no_run_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "simulation.runner", fake_runner())

    def broken_report(run_dir: Path) -> Path:
        assert (run_dir / "manifest.json").exists()  # the report sees the finished tables
        raise RuntimeError("chart failed")

    monkeypatch.setattr(jobs, "write_report", broken_report)
    with pytest.raises(RuntimeError, match="chart failed"):
        jobs.simulate(
            "baseline",
            years=1,
            reps=2,
            seed=1,
            area="england-average",
            out=tmp_path,
            jobs=1,
            report=True,
            argv=["test"],
        )
    assert list(tmp_path.iterdir()) == []


def test_simulate_in_process_writes_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "simulation.runner", fake_runner())
    folder = jobs.simulate(
        "baseline",
        years=1,
        reps=3,
        seed=2,
        area="england-average",
        out=tmp_path,
        jobs=1,
        report=False,
        argv=["test"],
    )
    assert folder.parent == tmp_path and sorted(p.name for p in folder.iterdir()) == list(FILES)
    rows = list(csv.DictReader((folder / "summary.csv").open()))
    stock = next(r for r in rows if r["indicator"] == "cla_31_march")
    # Replicates 0, 1, 2 with seed 2 give 20, 21, 22: mean 21, p5 20.1, p95 21.9.
    assert (stock["unit"], stock["mean"], stock["p5"], stock["p50"], stock["p95"]) == (
        "children",
        "21",
        "20.1",
        "21",
        "21.9",
    )
    assert tuple(HEADERS["summary.csv"].split(",")) == store.SUMMARY_HEADER
