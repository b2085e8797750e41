"""Calibration end to end on the smallest budget: files, exact columns, determinism, clear errors.

Kept fast (about 6 s for the file on a quiet 2-core machine): the area is Rutland (DfE 857,
about 40 children looked after among 7,700), the budget is the smallest the fit can spend (2
ratio steps of 2 replicates, 20 ABC candidates, one report run per ensemble member = 44 runs),
and one fit (jobs=2) is shared by the file, contract and ensemble checks; the determinism check
runs the same fit once more in-process (jobs=1), so it also checks the worker count is irrelevant.
"""

from __future__ import annotations

import csv
import math
import tomllib

import pytest

from calibration.direct import direct_estimates
from calibration.fit import calibrate
from calibration.fitfiles import write_fit
from calibration.fitted_params import fitted_changes
from calibration.search import MIN_ENSEMBLE, fit_area
from calibration.simulated import FIT_COLUMNS
from calibration.simulator import Simulator
from calibration.targets import area_population, area_targets
from simulation.errors import CarepathsError, DataError
from simulation.params import Parameters

AREA, CODE, YEAR, HOLDOUT, SEED = "la-857", "857", 2016, 2017, 3
TINY = 44  # the fewest runs a fit can use: 2×2 ratio runs + 20 ABC + 20 report runs


def _read(path):
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        return tuple(reader.fieldnames or ()), list(reader)


@pytest.fixture(scope="module")
def tiny_fit(tmp_path_factory):
    out = tmp_path_factory.mktemp("fit")
    res = fit_area(AREA, YEAR, TINY, seed=SEED, holdout=(HOLDOUT,), jobs=2)
    return res, write_fit(res, SEED, TINY, out), out


def test_fit_files_have_the_contract_columns_and_every_target(tiny_fit):
    res, path, out = tiny_fit
    assert res.runs <= TINY
    for name, year in ((f"{AREA}-{YEAR}.fit.csv", YEAR), (f"{AREA}-{YEAR}.holdout.csv", HOLDOUT)):
        columns, rows = _read(out / name)
        assert columns == FIT_COLUMNS
        assert [r["target"] for r in rows] == [t.indicator for t in area_targets(AREA, year)]
        for r in rows:
            assert int(r["year"]) == year
            obs, mean, tol = (float(r[k]) for k in ("observed", "simulated_mean", "tolerance"))
            p5, p95 = float(r["simulated_p5"]), float(r["simulated_p95"])
            assert not math.isnan(mean), r["target"]  # the engine reports every target
            assert p5 <= mean + 1e-9 and mean <= p95 + 1e-9
            assert (r["within"] == "True") == (abs(mean - obs) <= tol + 1e-9)
    data = tomllib.loads(path.read_text())
    meta = data["meta"]
    assert [meta[k] for k in ("area", "year", "seed", "budget_runs")] == [AREA, YEAR, SEED, TINY]
    assert len(data["ensemble"]) == MIN_ENSEMBLE
    assert data["parameters"]["area.population_0_17"] == round(area_population(AREA, YEAR))
    assert "endings.disruption_per_year" in data["parameters"]
    assert all(s for s in data["sources"].values())  # every direct estimate cites a source


def test_same_seed_gives_the_same_fit_whatever_the_worker_count(tiny_fit):
    res, _, _ = tiny_fit
    again = fit_area(AREA, YEAR, TINY, seed=SEED, holdout=(HOLDOUT,), jobs=1)
    assert again.point_changes == res.point_changes
    assert again.ensemble == res.ensemble
    assert _nan_safe(again.report) == _nan_safe(res.report)
    assert _nan_safe(again.holdout) == _nan_safe(res.holdout)


def _nan_safe(rows):
    """Rows with NaN (relative error of an observed 0) made comparable."""
    return [
        {k: "nan" if isinstance(v, float) and math.isnan(v) else v for k, v in r.items()}
        for r in rows
    ]


def test_the_seed_matters():
    base = Parameters.defaults().with_changes(direct_estimates(AREA, YEAR)[0])

    def one_run(seed):
        sim = Simulator(base, YEAR, 1, seed, 1, "local", None, 1, lambda n: None)
        return sim.run([{}], [0])[0]

    assert one_run(SEED) == one_run(SEED)
    assert one_run(SEED) != one_run(SEED + 1)


def test_ensemble_members_cycle_by_replicate(tiny_fit, monkeypatch):
    _, _, out = tiny_fit
    monkeypatch.setattr("calibration.fitted_params.FITTED_DIR", out)
    first = fitted_changes(AREA, YEAR, replicate=0)
    assert fitted_changes(AREA, YEAR, replicate=MIN_ENSEMBLE) == first
    assert fitted_changes(f"{AREA}-{YEAR}") == fitted_changes(AREA)  # latest year is this one
    assert fitted_changes(AREA)["area.population_0_17"] == round(area_population(AREA, YEAR))


def test_unknown_la_code_is_a_clear_error():
    with pytest.raises(DataError, match=r"unknown local authority code '9999'.*e\.g\. \d{3} "):
        calibrate(la="9999", year=2016, budget=TINY, jobs=1)


def test_year_without_data_names_the_years_there_are():
    with pytest.raises(DataError, match=r"no data for Knowsley.*available years: 2010, 2011"):
        calibrate(la="340", year=2009, budget=TINY, jobs=1)
    with pytest.raises(DataError, match=r"Knowsley \(340\) in 2021: its data end in 2018"):
        calibrate(la="340", year=2021, budget=TINY, jobs=1)
    with pytest.raises(DataError, match="no England data for 2031; available years: 2010–2024"):
        calibrate(area="england-average", year=2031, budget=TINY, jobs=1)


def test_holdout_must_follow_the_fit_year_and_have_data():
    with pytest.raises(CarepathsError, match="hold-out year 2018 is not after the fit year 2019"):
        calibrate(area="england-average", year=2019, holdout_years="2018-2020", budget=TINY)
    with pytest.raises(DataError, match=r"Rutland \(857\) in 2019: its data end in 2018"):
        calibrate(la=CODE, year=YEAR, holdout_years="2017-2019", budget=TINY)


def test_too_small_a_budget_is_refused():
    with pytest.raises(CarepathsError, match="at least 40 runs"):
        calibrate(la=CODE, year=YEAR, budget=10, jobs=1)
