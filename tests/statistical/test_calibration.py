"""Calibration end to end on a tiny budget: files, exact columns, determinism, clear errors."""

from __future__ import annotations

import csv
import tomllib

import pytest

from calibration.fit import calibrate, fit_area, write_fit
from calibration.fitted_params import fitted_changes
from calibration.targets import FIT_COLUMNS
from simulation.errors import CarepathsError, DataError

TINY = 44  # runs: ensemble of 20 with one report run each, a few fit runs (< 60 s in-process)


@pytest.fixture(scope="module")
def tiny_fit(tmp_path_factory):
    out = tmp_path_factory.mktemp("fit")
    res = fit_area("england-average", 2024, TINY, seed=3, holdout=(), jobs=1)
    return res, write_fit(res, 3, TINY, out), out


def test_fit_writes_toml_and_csv_with_the_contract_columns(tiny_fit):
    res, path, out = tiny_fit
    with (out / "england-average-2024.fit.csv").open() as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == FIT_COLUMNS
        rows = list(reader)
    assert {r["target"] for r in rows} >= {"cla_31_march", "started", "ceased_sgo",
                                           "placements_3plus_pct", "caseload_mean"}
    data = tomllib.loads(path.read_text())
    assert data["meta"]["seed"] == 3 and data["meta"]["area"] == "england-average"
    assert len(data["ensemble"]) >= 20
    assert "endings.disruption_per_year" in data["parameters"]
    assert res.runs <= TINY


def test_same_seed_gives_the_same_fit(tiny_fit):
    res, _, _ = tiny_fit
    again = fit_area("england-average", 2024, TINY, seed=3, holdout=(), jobs=1)
    assert again.point_changes == res.point_changes
    assert again.ensemble == res.ensemble
    assert again.report == res.report


def test_ensemble_members_cycle_by_replicate(tiny_fit, monkeypatch):
    _, _, out = tiny_fit
    monkeypatch.setattr("calibration.fitted_params.FITTED_DIR", out)
    first = fitted_changes("england-average", 2024, replicate=0)
    assert fitted_changes("england-average", 2024, replicate=20) == first
    assert fitted_changes("england-average", 2024)["area.population_0_17"] == 100_000


def test_unknown_la_code_is_a_clear_error():
    with pytest.raises(DataError, match="unknown local authority code '9999'"):
        calibrate(la="9999", year=2016, budget=TINY, jobs=1)


def test_year_without_data_names_the_years_there_are():
    with pytest.raises(DataError, match="available years: 2010, 2011"):
        calibrate(la="340", year=2021, budget=TINY, jobs=1)


def test_holdout_must_follow_the_fit_year():
    with pytest.raises(CarepathsError, match="not after the fit year"):
        calibrate(area="england-average", year=2019, holdout_years="2018-2020", budget=TINY)
