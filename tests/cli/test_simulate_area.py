"""`simulate --area` with an authority: Leeds by name runs from its committed 2024 fit and its
dates follow that year; a year after an authority's data is refused with its last year."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIMULATE = [sys.executable, "run.py", "simulate", "--years", "1", "--reps", "2", "--jobs", "1"]


def simulate(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    return subprocess.run(
        [*SIMULATE, "--no-report", "--out", str(out), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def test_simulate_leeds_runs_from_its_2024_fit(tmp_path):
    done = simulate(tmp_path, "--area", "leeds")
    assert done.returncode == 0, done.stderr
    (folder,) = list(tmp_path.iterdir())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["calibration_source"] == "calibration/fitted/la-383-2024.toml"
    _, *rows = (folder / "indicators.csv").read_text().splitlines()
    assert {r.split(",")[2] for r in rows} == {"2025"}  # the first DfE year after 31 March 2024
    stock = [float(r.split(",")[4]) for r in rows if ",cla_31_march," in r]
    assert all(1_300 < s < 1_900 for s in stock)  # Leeds: 1,549 looked after at 31 March 2024


def test_a_year_after_an_authoritys_data_names_its_last_year(tmp_path):
    done = simulate(tmp_path, "--area", "la-340-2024")
    assert done.returncode == 2
    assert "Knowsley (340) has data only to 2018" in done.stderr
    assert "held back" in done.stderr and "Traceback" not in done.stderr
    assert not any(tmp_path.iterdir())
