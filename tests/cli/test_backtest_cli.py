"""`python run.py backtest`: bad options refused before any work (exit 2, nothing written), and
a small real back-test end to end: the files, no look-ahead in what it scores, and the same
results whatever the number of worker processes."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

import run
from calibration.backtest import COLUMNS, SUMMARY_COLUMNS, Job, backtest, run_job
from calibration.rates import pools
from calibration.tables import data_up_to

BAD = [
    (["--la", ""], "--la is empty"),
    (["--la", "nowhere"], "unknown area 'nowhere'"),
    (["--from", "2012"], "--from 2012: use a year from 2014"),
    (["--from", "2024"], "--from 2024: use a year from 2014"),
    (["--from", "2018", "--to", "2018"], "--to 2018 must be after --from 2018"),
    (["--from", "2018", "--to", "2030"], "--to 2030: the LA table ends in 2024"),
    (["--la", "knowsley", "--from", "2018"], "cannot back-test 'knowsley' from 2018"),
    (["--executor", "threads"], "unknown executor 'threads'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_backtest_options_are_refused(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        run.app, ["backtest", "--out", str(tmp_path / "out"), *args], env={"COLUMNS": "300"}
    )
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def read(path):
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        return tuple(reader.fieldnames or ()), list(reader)


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """City of London (about 10 children looked after), from 2016 to 2017."""
    out = tmp_path_factory.mktemp("bt")
    folder, _, _ = backtest("city of london", 2016, 2017, seed=3, jobs=1, out=out)
    return folder


def test_a_back_test_writes_its_tables_chart_and_manifest(small_run):
    folder = small_run
    columns, rows = read(folder / "backtest.csv")
    assert columns == COLUMNS
    assert {r["measure"] for r in rows} == {"stock", "started", "ceased"}
    assert {int(r["year"]) for r in rows} == {2017}
    assert all(int(r["year"]) > int(r["origin"]) == 2016 for r in rows)
    stock = [r for r in rows if r["measure"] == "stock"]
    for r in stock:
        assert float(r["model_p5"]) <= float(r["model_mean"]) <= float(r["model_p95"])
        assert r["small"] == "True"
    columns, summary = read(folder / "summary.csv")
    assert columns == SUMMARY_COLUMNS
    assert {r["group"] for r in summary} == {"all", "under 250"}
    assert (folder / "charts" / "backtest.png").stat().st_size > 10_000
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["command"] == "backtest" and manifest["from"] == 2016


def test_the_same_seed_gives_the_same_forecast_in_a_worker_or_inline(small_run):
    from simulation.executor import run_many

    with data_up_to(2016):
        pool = pools(2016)
    jobs = [Job("201", 2016, 1, 3, pool), Job("857", 2016, 1, 3, pool)]
    parallel = run_many(jobs, jobs=2, fn=run_job)
    inline = [run_job(jobs[0])]
    for m in ("stock", "started", "ceased"):
        assert (parallel[0].forecast.paths[m] == inline[0].forecast.paths[m]).all()
    assert not (parallel[1].forecast.paths["stock"] == parallel[0].forecast.paths["stock"]).all()
    _, rows = read(small_run / "backtest.csv")
    first = next(r for r in rows if r["measure"] == "stock" and r["year"] == "2017")
    assert float(first["model_mean"]) == pytest.approx(
        round(float(inline[0].forecast.band("stock")[0][0]), 2)
    )
