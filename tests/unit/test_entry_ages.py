"""Entrants' ages under 1: a share enters in the first week (DfE's under-1 stock needs it)."""

import numpy as np
import pytest

from calibration.direct import newborn_share_from
from simulation.rules.entry import NEWBORN_DAYS, under_1_age
from tests.engine_helpers import make_model, yearly

WEEK = NEWBORN_DAYS / 365.25


def test_at_share_0_the_age_is_the_uniform_itself():
    for u in np.linspace(0.0, 0.999, 50):
        assert under_1_age(float(u), 0.0) == pytest.approx(float(u))


def test_the_share_enters_in_the_first_week_and_the_rest_over_the_year():
    us = np.random.default_rng(3).random(20_000)
    ages = np.array([under_1_age(float(u), 0.6) for u in us])
    assert np.mean(ages < WEEK) == pytest.approx(0.6 + 0.4 * WEEK, abs=0.015)
    assert ages.max() < 1.0 and ages.min() >= 0.0
    rest = ages[ages >= WEEK]
    assert rest.mean() == pytest.approx(0.5, abs=0.02)


def test_england_2024_share_from_stock_starts_and_exits_under_1():
    # DfE 2024: 5,210 starts, 1,660 ceased, 3,730 in care under 1 (calibration/data)
    assert newborn_share_from(5210, 1660, 3730) == pytest.approx(0.756, abs=0.001)
    # a stock of half a year's starts with no exits is what uniform ages give: share 0
    assert newborn_share_from(100, 0.0, 50) == pytest.approx(0.0, abs=0.01)
    assert newborn_share_from(100, 0.0, 100) == pytest.approx(1.0, abs=0.01)
    assert newborn_share_from(0, 0, 10) is None


def test_more_newborn_entrants_keep_more_children_in_care_under_1():
    def under_1(share: float) -> float:
        model = make_model({"area.population_0_17": 150_000, "entry.newborn_share": share})
        model.run_years(2)
        return float(np.mean(yearly(model, "cla_age_under_1")))

    assert under_1(0.9) > 1.3 * under_1(0.0)
