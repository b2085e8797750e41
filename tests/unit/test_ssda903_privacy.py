"""No value of the input's CHILD column appears in any file a calibration from SSDA903 writes,
nor in a run of the area it made."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from calibration.ssda903.calibrate import calibrate_ssda903
from tests.ssda903_helpers import council_set, relabel_children

ROOT = Path(__file__).resolve().parents[2]


def test_no_child_identifier_reaches_the_fit_file(tmp_path: Path) -> None:
    folder = council_set(tmp_path / "council", years=2, population=20_000)
    children = relabel_children(folder)
    assert len(children) > 100
    out = tmp_path / "fitted"
    path = calibrate_ssda903(
        folder, name="privacy", validate=False, out_dir=out, fit_reps=1, fit_steps=1
    )
    text = path.read_text()
    found = set(re.findall(r"QZ7\w*K", text))
    assert not found, f"child identifiers in {path}: {sorted(found)[:5]}"
    assert not any(child in text for child in children)
    # the area it made runs like a built-in one; nothing it writes holds an identifier
    fitted = ROOT / "calibration" / "fitted" / path.name
    fitted.write_text(text)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "run.py",
                "simulate",
                "--area",
                path.stem,
                "--years",
                "1",
                "--reps",
                "1",
                "--jobs",
                "1",
                "--no-report",
                "--out",
                str(tmp_path / "runs"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
    finally:
        fitted.unlink()
    for written in (tmp_path / "runs").rglob("*"):
        if written.is_file():
            body = written.read_text(errors="replace")
            assert "QZ7" not in body and not any(c in body for c in children), written
