"""--area names: authorities by name or code, their latest fit, and clear messages for a
year after an authority's data or without a fit (fast: no simulation)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import run
from calibration.areas import canonical_area, list_areas
from calibration.resolve import area_params, calibration_source
from simulation.errors import CarepathsError


@pytest.mark.parametrize("name", ["knowsley", "Knowsley", "340", "la-340", "la-340-2016"])
def test_an_authority_by_name_or_code_gets_its_latest_fit(name):
    assert canonical_area(name) == "la-340-2016"


@pytest.mark.parametrize("name", ["leeds", "Leeds", "383", "la-383", "la-383-2024"])
def test_leeds_by_name_or_code_runs_from_its_2024_fit(name):
    assert canonical_area(name) == "la-383-2024"


def test_a_year_after_a_held_back_authoritys_data_names_its_last_year():
    with pytest.raises(
        CarepathsError, match=r"Knowsley \(340\) has data only to 2018: .*held back"
    ):
        canonical_area("la-340-2024")


def test_an_authority_without_a_fit_says_how_to_make_one():
    with pytest.raises(
        CarepathsError, match=r"no calibration fit for Camden \(202\).*--la 202 --year 2018"
    ):
        canonical_area("camden")
    with pytest.raises(CarepathsError, match=r"no calibration fit for Knowsley \(340\) in 2017"):
        canonical_area("la-340-2017")


def test_unknown_and_ambiguous_names_are_clear():
    with pytest.raises(CarepathsError, match="matches several authorities: Kingston"):
        canonical_area("kingston")
    with pytest.raises(CarepathsError, match="Did you mean Leeds"):
        canonical_area("leedz")
    with pytest.raises(CarepathsError, match="unknown local authority code '999'"):
        canonical_area("999")


def test_a_run_from_a_fit_starts_in_its_year():
    params = area_params("knowsley", 0)
    assert params["area.start_year"] == 2016  # an older fit file: its fit year
    assert params["area.population_0_17"] < 50_000
    assert calibration_source("knowsley") == "calibration/fitted/la-340-2016.toml"


def test_areas_lists_every_authority_with_its_years():
    rows = {r.code: r for r in list_areas()}
    assert len(rows) > 150
    assert (rows["383"].first_year, rows["383"].last_year, rows["383"].held_back) == (
        2010,
        2024,
        False,
    )
    assert rows["340"].last_year == 2018 and rows["340"].held_back
    assert sum(r.held_back for r in rows.values()) == 30
    out = CliRunner().invoke(run.app, ["areas"], env={"COLUMNS": "200"})
    assert out.exit_code == 0 and "Leeds" in out.output and "held back" in out.output


def test_dated_scenario_changes_keep_their_calendar_date_in_an_older_fit():
    from datetime import date

    from calibration.resolve import resolve_params, shift_dated
    from simulation.params import DatedChange
    from simulation.scenario import load_scenario

    change = DatedChange(730.0, "carers.support_share", 0.4)  # 1 April 2026
    (moved,) = shift_dated((change,), 2016)
    assert moved.day == (date(2026, 4, 1) - date(2016, 4, 1)).days
    (early,) = shift_dated((DatedChange(0.0, "carers.support_share", 0.4),), 2025)
    assert early.day == 0.0  # dated before the run's start: in force from its first day
    baseline = load_scenario("baseline")
    assert resolve_params(baseline, "england-average", 0)["area.start_year"] == 2024
