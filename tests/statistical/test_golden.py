"""A golden summary of a small fixed-seed run: any change to the model's numbers shows here.

Regenerate only on purpose, after a deliberate model or calibration change:
    CAREPATHS_REGENERATE_GOLDEN=1 python -m pytest tests/statistical/test_golden.py
and say why in the commit message.
"""

import os
import subprocess
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "summary_baseline_2y_3r.csv"
ROOT = Path(__file__).resolve().parents[2]


def test_small_baseline_summary_matches_the_golden_file(tmp_path):
    out = tmp_path / "runs"
    cmd = [
        sys.executable,
        "run.py",
        "simulate",
        "baseline",
        "--years",
        "2",
        "--reps",
        "3",
        "--seed",
        "1",
        "--jobs",
        "1",
        "--no-report",
        "--out",
        str(out),
    ]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (folder,) = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    summary = (folder / "summary.csv").read_text()
    if os.environ.get("CAREPATHS_REGENERATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(summary)
    assert GOLDEN.exists(), "no golden file: regenerate it on purpose (see the docstring)"
    assert summary == GOLDEN.read_text(), "the model's numbers changed: regenerate on purpose"
