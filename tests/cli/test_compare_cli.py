"""`python run.py compare`: paired run folder, comparison.csv, printed table and user errors."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HAS_RUNNER = importlib.util.find_spec("simulation.runner") is not None
needs_runner = pytest.mark.skipif(not HAS_RUNNER, reason="simulation.runner has not landed")
COMPARISON = (
    "scenario,baseline,indicator,unit,baseline_mean,scenario_mean,diff_mean,diff_p5,"
    "diff_p95,pct_change,year,p_better,p_saves"
)


def compare(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "run.py", "compare", *args, "--no-report", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    if not HAS_RUNNER:
        pytest.skip("simulation.runner has not landed")
    out = tmp_path_factory.mktemp("compare")
    done = compare(
        out,
        "baseline",
        "foster-carer-support",
        "social-work-staffing",
        "--years",
        "2",
        "--reps",
        "4",
        "--seed",
        "3",
        "--jobs",
        "2",
    )
    assert done.returncode == 0, done.stderr
    (folder,) = list(out.iterdir())
    return folder, done.stdout


@needs_runner
def test_run_folder_holds_engine_files_and_comparison(run: tuple[Path, str]) -> None:
    folder, _ = run
    names = {p.name for p in folder.iterdir()}
    assert {
        "manifest.json",
        "timeseries.csv",
        "indicators.csv",
        "summary.csv",
        "comparison.csv",
    } <= names
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["command"] == "compare" and manifest["baseline"] == "baseline"
    assert [s["name"] for s in manifest["scenarios"]] == [
        "baseline",
        "foster-carer-support",
        "social-work-staffing",
    ]
    with (folder / "indicators.csv").open() as fh:
        scenarios = {row["scenario"] for row in csv.DictReader(fh)}
    assert scenarios == {"baseline", "foster-carer-support", "social-work-staffing"}


@needs_runner
def test_comparison_csv_pairs_every_scenario_whole_horizon_and_by_year(
    run: tuple[Path, str],
) -> None:
    folder, _ = run
    text = (folder / "comparison.csv").read_text()
    assert text.splitlines()[0] == COMPARISON
    rows = list(csv.DictReader(text.splitlines()))
    assert {r["scenario"] for r in rows} == {"foster-carer-support", "social-work-staffing"}
    assert {r["baseline"] for r in rows} == {"baseline"}
    assert {r["year"] for r in rows} == {"all", "2025", "2026"}
    for r in rows:  # the interval brackets the mean difference
        assert float(r["diff_p5"]) <= float(r["diff_mean"]) + 1e-9
        assert float(r["diff_mean"]) <= float(r["diff_p95"]) + 1e-9
        b, s = float(r["baseline_mean"]), float(r["scenario_mean"])
        # CSV values carry 12 significant digits, so allow that rounding of the larger mean.
        tolerance = 1e-10 * max(abs(b), abs(s)) + 1e-9
        assert float(r["diff_mean"]) == pytest.approx(s - b, abs=tolerance)


@needs_runner
def test_prints_key_outcomes_and_cost_line(run: tuple[Path, str]) -> None:
    _, stdout = run
    assert "Foster-carer support vs baseline" in stdout
    assert "Unplanned placement endings a year" in stdout and "90% interval" in stdout
    assert stdout.count("Net cost:") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["baseline", "no-such-scenario"], "scenario 'no-such-scenario' not found"),
        (["baseline"], "needs a baseline and at least one scenario"),
        (["baseline", "baseline"], "given twice"),
    ],
)
def test_user_errors_exit_2_without_a_run_folder(
    tmp_path: Path, args: list[str], message: str
) -> None:
    done = compare(tmp_path, *args, "--years", "1", "--reps", "1")
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_malformed_scenario_names_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "Bad"\n[levers]\n"carers.support_share" = 2\n')
    out = tmp_path / "out"
    done = compare(out, "baseline", str(bad), "--years", "1", "--reps", "1")
    assert done.returncode == 2
    assert "bad.toml" in done.stderr and "carers.support_share" in done.stderr
    assert "allowed 0 to 1" in done.stderr
    assert not out.exists() or list(out.iterdir()) == []
