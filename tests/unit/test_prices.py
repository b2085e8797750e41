"""Price base: every unit cost has a price period, and uprating is the stated ratio.

The index here is a synthetic fixture (round numbers chosen for hand arithmetic), not data:
the real index is calibration/data/price_index.csv.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from calibration.prices import (
    IN_PRICE_BASE,
    PriceIndex,
    check_price_year,
    cost_paths,
    load_cost_bases,
    load_price_index,
    uprate,
    uprated_changes,
)
from simulation.errors import DataError
from simulation.params import SPEC, DatedChange, Parameters

FIXTURE = PriceIndex(
    {2013: 50.0, 2014: 60.0, 2015: 65.0, 2016: 70.0, 2017: 72.0, 2018: 76.0}
    | {2019: 80.0, 2020: 85.0, 2021: 90.0, 2022: 92.0, 2023: 96.0, 2024: 100.0},
    series="synthetic",
    base="2024 = 100",
    source="test fixture",
)


def test_every_cost_in_the_tree_has_a_price_period() -> None:
    """Every cost of the built-in tree (a plug-in's costs are taken as the price base)."""
    from simulation import parameter_tree

    builtin = {k for v in vars(parameter_tree).values() if isinstance(v, dict) for k in v}
    bases = load_cost_bases()
    listed = {(b.path, b.element) for b in bases}
    for path in (p for p in cost_paths() if p in builtin):
        default = SPEC[path].default
        if isinstance(default, tuple):
            assert {(path, i) for i in range(len(default))} <= listed, path
        else:
            assert (path, None) in listed, path
    levers = [b for b in bases if SPEC[b.path].kind == "lever"]
    assert levers and all(b.price_period == IN_PRICE_BASE for b in levers)


def test_calendar_and_financial_year_factors() -> None:
    assert FIXTURE.factor("2021", 2024) == pytest.approx(100 / 90)
    # 2023-24 = 0.75 x 96 + 0.25 x 100 = 97
    assert FIXTURE.at("2023-24") == pytest.approx(97.0)
    assert FIXTURE.factor("2013-14", 2024) == pytest.approx(100 / (0.75 * 50 + 0.25 * 60))
    with pytest.raises(DataError, match="must follow"):
        FIXTURE.at("2023-25")
    with pytest.raises(DataError, match="covers 2013 to 2024"):
        FIXTURE.at("2010")


def test_uprated_costs_by_hand() -> None:
    params = Parameters.defaults()
    changes = uprated_changes(params, 2024, FIXTURE)
    week = changes["costs.weekly_gbp"]
    assert isinstance(week, tuple)
    assert week[2] == pytest.approx(820.0 * 100 / 90)  # agency, CMA 2021
    assert week[4] == params["costs.weekly_gbp"][4]  # an undated assumption: as it is
    assert changes["costs.sw_permanent_gbp_per_fte_year"] == pytest.approx(62000 * 100 / 52.5)
    assert "carers.support_cost_gbp_per_household_year" not in changes  # a lever
    back = uprated_changes(params, 2021, FIXTURE)["costs.weekly_gbp"]
    assert isinstance(back, tuple) and back[2] == pytest.approx(820.0)


def test_uprating_moves_dated_costs_and_keeps_everything_else() -> None:
    path = "costs.staying_put_gbp_per_year"  # 2014-15 = 0.75 x 60 + 0.25 x 65 = 61.25
    params = Parameters.defaults().with_changes({}, [DatedChange(100.0, path, 9000.0)])
    new = uprate(params, 2024, FIXTURE)
    assert new[path] == pytest.approx(8222 * 100 / 61.25)
    assert new.dated[0].value == pytest.approx(9000 * 100 / 61.25)
    assert new["carers.support_share"] == params["carers.support_share"]


def test_price_year_must_be_in_the_index() -> None:
    assert check_price_year(None, FIXTURE) == 2024
    with pytest.raises(DataError, match="use a year from 2013 to 2024"):
        check_price_year(2030, FIXTURE)


def test_bad_index_files_get_one_clear_message(tmp_path: Path) -> None:
    no_column = tmp_path / "a.csv"
    no_column.write_text("year,value\n2024,100\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing column"):
        load_price_index(no_column)
    bad_number = tmp_path / "b.csv"
    bad_number.write_text(
        "year,index,series,period,base,source\n2024,abc,s,calendar year,2024 = 100,x\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="row 2"):
        load_price_index(bad_number)
    with pytest.raises(DataError, match="missing"):
        load_price_index(tmp_path / "none.csv")


def test_the_committed_index_is_the_treasury_deflator() -> None:
    index = load_price_index()
    assert index.series == "uk_gdp_deflator_market_prices" and index.base == "2024 = 100"
    assert index.values[2024] == 100.0 and index.latest == 2024
    assert check_price_year(None, index) == 2024
    assert uprated_changes(Parameters.defaults(), 2024)  # every dated period is covered
