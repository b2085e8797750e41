"""Forecast inputs and baselines: no look-ahead, pooling toward peers, the baselines' arithmetic
(fast: the model itself is replaced by a stub where it would run)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from calibration import forecast
from calibration.baselines import carry_forward, markov
from calibration.rates import estimate, pools
from calibration.tables import LookAheadError, data_up_to, record_reads
from calibration.targets import la_data

ORIGIN = 2016


@pytest.fixture(scope="module")
def pool():
    with data_up_to(ORIGIN):
        return pools(ORIGIN)


def fake_run(params, years, seed, replicate):
    """A stand-in for the model: flat stock and flows, so the test only sees the data reads."""
    start = params["area.start_year"]
    stock = params["area.cla_per_10k_start"] * params["area.population_0_17"] / 10_000
    rows = []
    for k in range(1, years + 1):
        for name in ("cla_31_march", "started", "ceased", "ceased_returned_home", "ceased_sgo"):
            rows.append((start + k, name, stock if name == "cla_31_march" else stock / 3))
        rows += [(start + k, "ceased_cao", 1.0), (start + k, "ceased_adopted", 2.0)]
        rows += [(start + k, "ceased_age_18", 5.0), (start + k, "ceased_other", 5.0)]
    return SimpleNamespace(indicators=rows)


def test_a_back_test_forecast_from_y_reads_no_row_after_y(pool, monkeypatch):
    monkeypatch.setattr(forecast, "run_replicate", fake_run)
    with record_reads() as reads:
        f = forecast.forecast_la("340", ORIGIN, 2, seed=1, pool=pool)
        carry_forward("340", ORIGIN, 2)
        markov("340", ORIGIN, 2)
        with data_up_to(ORIGIN):
            pools(ORIGIN)
    assert f.years == (2017, 2018)
    assert reads and max(year for _, year in reads) == ORIGIN
    assert {area for area, _ in reads} >= {"Knowsley (340)"}


def test_reading_a_later_year_inside_the_cutoff_is_refused():
    with data_up_to(ORIGIN), pytest.raises(LookAheadError, match="after 2016"):
        la_data("340", ORIGIN + 1)
    assert la_data("340", ORIGIN + 1).year == ORIGIN + 1  # outside it, the year is there


def test_small_authorities_are_pulled_toward_their_peers_more(pool):
    with data_up_to(ORIGIN):
        small = estimate("201", ORIGIN, pool)  # City of London, about 10 children
        large = estimate("886", ORIGIN, pool)  # Kent, about 2,300
    assert small.small and not large.small
    assert small.starts_weight < large.starts_weight
    assert 0 < small.starts_weight < 1
    assert sum(small.exit_shares) == pytest.approx(1.0)
    assert small.group == "London boroughs" and large.group == "counties"


def test_carry_forward_holds_the_origin_year():
    b = carry_forward("383", 2018, 3)
    d = la_data("383", 2018)
    assert list(b.stock) == [d.get("cla_31_march", "total", "total")] * 3
    assert list(b.started) == [d.get("started", "total", "total")] * 3


def test_markov_mean_field_is_a_flow_balance_by_age():
    b = markov("383", 2018, 5)
    d = la_data("383", 2018)
    s0 = d.get("cla_31_march", "total", "total")
    assert b.stock[0] == pytest.approx(s0 + b.started[0] - b.ceased[0], rel=1e-9)  # a flow balance
    assert np.all(b.stock > 0) and np.all(np.diff(b.started) == 0)


def test_replicates_come_in_antithetic_pairs(pool):
    with data_up_to(ORIGIN):
        inputs = estimate("340", ORIGIN, pool)
    a = forecast._deviations(inputs, 4, 1, 0)
    b = forecast._deviations(inputs, 4, 1, 1)
    c = forecast._deviations(inputs, 4, 1, 2)
    ua, ub = np.log(a[0]), np.log(b[0])  # +u - var/2 and -u - var/2: mean one, mirrored
    v = inputs.starts_var
    assert np.allclose(ua + ub, [-((t + 1) * v.level**2 + v.noise**2) for t in range(4)])
    assert not np.allclose(ua, ub)
    assert a != c
    assert forecast._deviations(inputs, 4, 1, 0) == a  # the same seed, the same path
    assert forecast.replicates(30) == 60 and forecast.replicates(3_000) == 12
