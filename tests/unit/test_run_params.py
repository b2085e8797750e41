"""Each replicate's parameters: resolved, drawn and uprated, paired across scenarios."""

from __future__ import annotations

import pytest

from calibration.prices import load_price_index
from calibration.resolve import resolve_params
from calibration.run_params import RunSettings, manifest_entries, replicate_params, scenario_tasks
from simulation.errors import CarepathsError, DataError
from simulation.scenario import load_scenario

DEREG = "carers.support_deregistration_ratio"


def test_sampled_replicates_pair_across_scenarios_and_central_keeps_todays_values() -> None:
    base, scen = load_scenario("baseline"), load_scenario("foster-carer-support")
    sampled = RunSettings("sampled")
    b, _ = scenario_tasks(base, "england-average", 1, 3, 7, sampled)
    s, draws = scenario_tasks(scen, "england-average", 1, 3, 7, sampled)
    assert [t.params[DEREG] for t in b] == [t.params[DEREG] for t in s]
    assert len({t.params[DEREG] for t in s}) == 3 and all(d.values for d in draws)
    central, _ = replicate_params(scen, "england-average", 0, 7, RunSettings("central"))
    assert central[DEREG] == 0.6


def test_costs_are_in_the_price_base() -> None:
    """The agency foster price (CMA 2021) in 2024 prices: x index[2024] / index[2021]."""
    index = load_price_index()
    scen = load_scenario("baseline")
    raw = resolve_params(scen, "england-average", 0)["costs.weekly_gbp"][2]
    params, _ = replicate_params(scen, "england-average", 0, 1, RunSettings("central", 2024))
    assert params["costs.weekly_gbp"][2] == pytest.approx(
        raw * index.values[2024] / index.values[2021]
    )
    same, _ = replicate_params(scen, "england-average", 0, 1, RunSettings("central", 2021))
    assert same["costs.weekly_gbp"][2] == pytest.approx(raw)


def test_settings_are_checked_and_recorded() -> None:
    with pytest.raises(CarepathsError, match="--assumptions"):
        RunSettings("fixed").checked()
    with pytest.raises(DataError, match="--price-year 1900"):
        RunSettings("sampled", 1900).checked()
    _, draws = scenario_tasks(load_scenario("baseline"), "england-average", 1, 2, 1, RunSettings())
    entry = manifest_entries(RunSettings(), draws)
    assert entry["assumptions"]["mode"] == "sampled"  # type: ignore[index]
    assert entry["price_base"]["price_year"] == load_price_index().latest  # type: ignore[index]


def test_every_range_collapsed_to_central_runs_byte_for_byte_as_central() -> None:
    """Issue 13's check, end to end: a sampled run whose every assumption range is collapsed
    to its central value gives the central run's parameters and indicators exactly (one year
    of the default area, the care market included)."""
    import dataclasses

    from calibration.assumptions import sampled_paths
    from simulation.runner import run_replicate

    scen = load_scenario("sufficiency-shortfall")
    central, _ = replicate_params(scen, "england-average", 2, 5, RunSettings("central"))
    resolved = resolve_params(scen, "england-average", 2)
    paths, _ = sampled_paths()
    collapsed = {p: (float(resolved[p]), float(resolved[p])) for p in paths}
    narrowed = dataclasses.replace(scen, ranges=collapsed)
    drawn, draw = replicate_params(narrowed, "england-average", 2, 5, RunSettings("sampled"))
    assert draw.mode == "sampled" and set(draw.values) == set(paths)
    assert drawn.sha256() == central.sha256()
    # and a real draw does move the market's assumptions (the test could fail)
    free, _ = replicate_params(scen, "england-average", 2, 5, RunSettings("sampled"))
    assert free["market.residential_places_ratio"] != central["market.residential_places_ratio"]
    one = run_replicate(drawn, years=1, seed=5, replicate=2)
    other = run_replicate(central, years=1, seed=5, replicate=2)
    assert one.indicators == other.indicators
