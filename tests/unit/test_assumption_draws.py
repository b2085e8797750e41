"""Sampled assumptions: reproducible, paired across scenarios, collapsible to central."""

from __future__ import annotations

import statistics

import pytest

from calibration.assumptions import (
    HELD_LIST,
    AssumptionRange,
    assumption_range,
    check_mode,
    draw_assumptions,
    draws_sha256,
    manifest_entry,
    pert_sd,
    quantile_of,
    sampled_paths,
)
from simulation.errors import CarepathsError
from simulation.params import SPEC, DatedChange, Parameters
from simulation.streams import process_key

DEREG = "carers.support_deregistration_ratio"


def _scenario_params() -> Parameters:
    """A scenario-like tree: a lever changed, an assumption restated at its central value."""
    return Parameters.defaults().with_changes({"carers.support_share": 0.5, DEREG: 0.6})


def test_every_numeric_assumption_is_sampled_and_the_rest_held_with_a_reason() -> None:
    sampled, held = sampled_paths()
    assert DEREG in sampled and "endings.needs_effect" in sampled
    assert all(SPEC[p].kind == "assumption" for p in (*sampled, *held))
    assert held["carers.places_weights"] == HELD_LIST
    # the care market (issue 11): its numeric assumptions are drawn, its share vectors held
    assert {"market.agency_supply_ratio", "market.unregistered_gbp_per_week"} <= set(sampled)
    assert held["market.other_location_shares"] == HELD_LIST
    assert {p for p in held if p.startswith("engine.")} == {
        "engine.clock",
        "engine.rules",
        "engine.plugins",
    }
    assert "carers.support_share" not in sampled  # a lever is never sampled


def test_each_path_has_its_own_stream_key() -> None:
    sampled, _ = sampled_paths()
    keys = {process_key("assumption:" + p) for p in sampled}
    assert len(keys) == len(sampled)


def test_draws_are_reproducible_and_differ_by_replicate_and_seed() -> None:
    base = Parameters.defaults()
    a, da = draw_assumptions(base, seed=3, replicate=0)
    b, db = draw_assumptions(base, seed=3, replicate=0)
    c, dc = draw_assumptions(base, seed=3, replicate=1)
    d, dd = draw_assumptions(base, seed=4, replicate=0)
    assert a.sha256() == b.sha256() and da.sha256() == db.sha256()
    assert a[DEREG] != c[DEREG] and a[DEREG] != d[DEREG]
    assert len({da.sha256(), dc.sha256(), dd.sha256()}) == 3


def test_replicate_uses_the_same_draw_in_every_scenario() -> None:
    """Common random numbers: baseline and scenario get the same value of each assumption
    where they agree on its central value, whatever else the scenario changes."""
    for r in range(5):
        base, _ = draw_assumptions(Parameters.defaults(), seed=1, replicate=r)
        scen, _ = draw_assumptions(_scenario_params(), seed=1, replicate=r)
        for path in sampled_paths()[0]:
            assert base[path] == scen[path], path
        assert scen["carers.support_share"] == 0.5  # levers untouched


def test_a_moved_central_value_keeps_the_quantile() -> None:
    moved = Parameters.defaults().with_changes({"entry.demand_growth_per_year": 0.04})
    for r in range(5):
        base, db = draw_assumptions(Parameters.defaults(), seed=1, replicate=r)
        scen, ds = draw_assumptions(moved, seed=1, replicate=r)
        path = "entry.demand_growth_per_year"
        assert db.quantiles[path] == ds.quantiles[path]
        assert scen[path] >= base[path]  # same u, mode moved up: value moves up


def test_adding_an_assumption_changes_no_other_draw() -> None:
    """A draw depends on (seed, path, replicate) only, not on which paths exist."""
    assert quantile_of(1, 7, DEREG) == quantile_of(1, 7, DEREG)
    only, _ = draw_assumptions(Parameters.defaults(), 1, 7, only=[DEREG])
    every, _ = draw_assumptions(Parameters.defaults(), 1, 7)
    assert only[DEREG] == every[DEREG]
    assert only["endings.needs_effect"] == SPEC["endings.needs_effect"].default


def test_collapsed_ranges_give_central_byte_for_byte() -> None:
    params = _scenario_params()
    sampled, _ = sampled_paths()
    collapsed = {p: (float(params[p]), float(params[p])) for p in sampled}
    drawn, draw = draw_assumptions(params, seed=9, replicate=4, narrowed=collapsed)
    central, _ = draw_assumptions(params, seed=9, replicate=4, mode="central")
    assert drawn.sha256() == central.sha256() == params.sha256()
    assert drawn.to_dict() == params.to_dict()
    assert set(draw.values) == set(sampled)


def test_central_mode_returns_the_parameters_unchanged() -> None:
    params = _scenario_params()
    same, draw = draw_assumptions(params, seed=1, replicate=0, mode="central")
    assert same is params and draw.values == {} and draw.mode == "central"
    with pytest.raises(CarepathsError, match="sampled"):
        check_mode("random")


def test_draws_stay_in_range_and_follow_the_pert_shape() -> None:
    """Over 400 replicates the mean of a draw is near the PERT mean (a+4c+b)/6: the standard
    error is sd/20, so 4 standard errors is a generous tolerance that a wrong shape (e.g. a
    uniform, whose mean is (a+b)/2 = 0.59 vs 0.60 here, or a mode ignored) still fails for
    the skewed case below."""
    rng = assumption_range(DEREG, 0.6)
    values = [
        draw_assumptions(Parameters.defaults(), 2, r, only=[DEREG])[0][DEREG] for r in range(400)
    ]
    assert min(values) >= 0.18 and max(values) <= 1.0
    assert abs(statistics.fmean(values) - rng.mean()) < 4 * pert_sd(rng) / 20
    skew = AssumptionRange("x", 0.0, 0.0, 1.0)  # mode at the low end: mean 1/6, not 1/2
    us = [quantile_of(2, r, "x") for r in range(400)]
    assert abs(statistics.fmean(skew.quantile(u) for u in us) - 1 / 6) < 4 * pert_sd(skew) / 20


def test_range_is_widened_to_a_central_value_outside_it_and_narrowed_ranges_checked() -> None:
    wide = assumption_range("entry.demand_growth_per_year", 0.1)  # tree range -0.03..0.05
    assert (wide.low, wide.high) == (-0.03, 0.1)
    narrow = assumption_range(DEREG, 0.6, (0.5, 0.7))
    assert (narrow.low, narrow.high) == (0.5, 0.7)
    with pytest.raises(CarepathsError, match="does not contain the central value"):
        assumption_range(DEREG, 0.6, (0.7, 0.9))
    with pytest.raises(CarepathsError, match="allowed bounds"):
        assumption_range(DEREG, 0.6, (-1.0, 0.9))
    with pytest.raises(CarepathsError, match="not an assumption"):
        draw_assumptions(Parameters.defaults(), 1, 0, narrowed={"carers.support_share": (0, 1)})


def test_dated_assumption_changes_move_with_the_draw() -> None:
    path = "entry.demand_growth_per_year"
    params = Parameters.defaults().with_changes({}, [DatedChange(365.0, path, 0.02)])
    drawn, draw = draw_assumptions(params, seed=1, replicate=3)
    (dated,) = drawn.dated
    expected = assumption_range(path, 0.02).quantile(draw.quantiles[path])
    assert dated.day == 365.0 and dated.value == pytest.approx(expected)


def test_manifest_entry_records_mode_hash_and_held() -> None:
    draws = [draw_assumptions(Parameters.defaults(), 1, r)[1] for r in range(3)]
    entry = manifest_entry(draws)
    assert entry["mode"] == "sampled" and entry["draws_sha256"] == draws_sha256(draws)
    assert "carers.places_weights" in entry["held_central"]
    assert draws_sha256(draws) == draws_sha256(list(reversed(draws)))
