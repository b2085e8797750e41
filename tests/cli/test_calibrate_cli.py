"""`python run.py calibrate` refuses bad input cleanly: exit 2, one message, no traceback, and
nothing written anywhere (the output folder, calibration/fitted, results/). Every case is
refused before the first simulated run, so the file is fast (in-process, typer's runner)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import run
from calibration import fitfiles

ROOT = Path(__file__).resolve().parents[2]
FITTED = ROOT / "calibration" / "fitted"


def snapshot(*folders: Path) -> dict[str, tuple[int, int]]:
    """Every file under the folders with its size and modification time."""
    out = {}
    for folder in folders:
        if folder.exists():
            for p in folder.rglob("*"):
                st = p.stat()
                out[str(p)] = (st.st_size, st.st_mtime_ns)
    return out


@pytest.fixture
def calibrate(tmp_path, monkeypatch):
    """Run ``calibrate ARGS`` in a scratch working folder; check nothing was written."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "400")
    runner = CliRunner()

    def invoke(*args: str):
        before = snapshot(tmp_path, FITTED)
        result = runner.invoke(run.app, ["calibrate", *args])
        assert snapshot(tmp_path, FITTED) == before, "a refused calibrate wrote files"
        return result

    return invoke


BAD = [
    (["--la", ""], "--la is empty"),
    (["--la", "   "], "--la is empty"),
    (["--area", ""], "(empty) is not an area calibrate can fit"),
    (["--area", "la-"], "is not an area calibrate can fit"),
    (["--area", "nowhere"], "'nowhere' is not an area calibrate can fit"),
    (["--area", "england", "--la", "340"], "give --area or --la, not both"),
    (["--la", "9999", "--year", "2016"], "unknown local authority code '9999'"),
    (["--la", "340", "--year", "2031"], "no data for Knowsley (340) in 2031"),
    (["--area", "england-average", "--year", "2031"], "no England data for 2031"),
    (["--la", "340", "--year", "2016", "--budget", "0"], "--budget 0 is too small"),
    (["--la", "340", "--year", "2016", "--budget", "-5"], "--budget -5 is too small"),
    (["--la", "340", "--year", "2016", "--budget", "39"], "at least 40 runs"),
    (["--la", "340", "--year", "2016", "--holdout-years", "abc"], "--holdout-years 'abc'"),
    (["--la", "340", "--year", "2016", "--holdout-years", "2015"], "is not after the fit year"),
    (["--la", "340", "--year", "2016", "--executor", "threads"], "unknown executor 'threads'"),
    (["--la", "340", "--year", "2016", "--scheduler", "x:1"], "only used with --executor dask"),
    (["--la", "340", "--year", "2016", "--out", ""], "--out is empty"),
    (["--la", "340", "--year", "2016", "--out", "x" * 300], "longer than 255 bytes"),
    (["--la", "340", "--year", "2016", "--out", "a-file"], "is a file"),
    (["--la", "340", "--year", "2016", "--out", str(FITTED)], "is a committed fit"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) or "-" for a, _ in BAD])
def test_bad_calibrate_input_is_refused_with_one_message(calibrate, tmp_path, args, message):
    (tmp_path / "calibration").mkdir()
    (tmp_path / "a-file").write_text("not a folder")
    result = calibrate(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert message in " ".join(result.output.split()), result.output


def test_an_unwritable_out_folder_is_refused_before_fitting(calibrate, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write to a read-only folder")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = calibrate("--la", "340", "--year", "2016", "--out", str(locked / "fits"))
    assert result.exit_code == 2 and "cannot write to" in result.output


def test_a_committed_fit_is_refused_but_force_allows_it():
    name = "la-340"
    with pytest.raises(fitfiles.OutputError, match="committed fit; add --force"):
        run_check(FITTED, name, 2016, force=False)
    assert run_check(FITTED, name, 2016, force=True) == FITTED
    assert run_check(FITTED, name, 2017, force=False) == FITTED  # no fit there yet


def run_check(out: Path, name: str, year: int, force: bool) -> Path:
    from calibration.fit import check_fit_folder

    return check_fit_folder(out, name, year, force)
