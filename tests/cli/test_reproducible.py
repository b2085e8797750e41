"""Same seed, same inputs: every file of the run folder but manifest.json is byte-identical.

One small comparison (two scenarios) is run four times through the command line, each into its
own ``--out``: twice with ``--jobs 1``, once with ``--jobs 2`` and once on a Dask local cluster.
Only ``manifest.json`` may differ (it records when, where and how the run was executed). The
first and the Dask run also draw their charts and report.html (the slow part, so only those
two): their PNG and SVG charts and report must be identical too, though the command lines
that made them differ.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from run import app

ARGS = ["compare", "baseline", "foster-carer-support", "--years", "1", "--reps", "2"]
ARGS += ["--seed", "5"]
RUNS = {
    "jobs-1": ["--jobs", "1"],
    "jobs-1-again": ["--jobs", "1", "--no-report"],
    "jobs-2": ["--jobs", "2", "--no-report"],
    "dask": ["--jobs", "2", "--executor", "dask"],
}
TABLES = ("comparison.csv", "draws.csv", "indicators.csv", "summary.csv", "timeseries.csv")


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if importlib.util.find_spec("distributed") is None:
        pytest.skip("Dask is not installed")
    out: dict[str, Path] = {}
    for label, extra in RUNS.items():
        where = tmp_path_factory.mktemp(label)
        argv = [*ARGS, *extra, "--out", str(where)]
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sys, "argv", ["run.py", *argv])  # the manifest records the command line
            result = CliRunner().invoke(app, argv)
        assert result.exit_code == 0, (result.output, result.exception)
        (folder,) = list(where.iterdir())
        out[label] = folder
    return out


def test_the_run_folder_holds_tables_charts_and_report(folders: dict[str, Path]) -> None:
    names = set(_files(folders["jobs-1"]))
    assert {"comparison.csv", "summary.csv", "report.html", "manifest.json"} <= names
    assert {"charts/comparison.svg", "charts/comparison.png"} <= names


@pytest.mark.parametrize("label", [k for k in RUNS if k != "jobs-1"])
def test_every_file_but_the_manifest_is_byte_identical(
    folders: dict[str, Path], label: str
) -> None:
    first, other = _files(folders["jobs-1"]), _files(folders[label])
    if "--no-report" in RUNS[label]:
        first = {n: first[n] for n in (*TABLES, "manifest.json")}
    assert set(first) == set(other)
    differ = sorted(n for n in first if first[n] != other[n])
    assert differ == ["manifest.json"]  # it records the executor, --jobs, --out and times


def test_no_absolute_path_of_this_machine_in_any_output(folders: dict[str, Path]) -> None:
    folder = folders["jobs-1"]
    home, root = str(Path.home()), str(Path(__file__).resolve().parents[2])
    for name, data in _files(folder).items():
        if name.endswith(".png"):
            continue
        text = data.decode("utf-8")
        if name == "manifest.json":  # it keeps the command line as the user typed it
            manifest = json.loads(text)
            assert manifest.pop("command_line").endswith(f"--out {folder.parent}")
            text = json.dumps(manifest)
        assert root not in text and str(folder.parent) not in text and home + "/" not in text
