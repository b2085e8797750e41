"""Headcount levers: a count for the area becomes the tree's per-10,000 value, and back."""

from __future__ import annotations

import pytest

from simulation.errors import ScenarioError
from simulation.headcount import HEADCOUNT, to_tree_units
from simulation.params import SPEC, DatedChange, Parameters

WHERE = "scenarios/x.toml"


def _area(children: int) -> Parameters:
    return Parameters.defaults().with_changes({"area.population_0_17": children})


def test_every_headcount_key_converts_to_a_lever() -> None:
    Parameters.defaults()
    for key, lever in HEADCOUNT.items():
        assert key not in SPEC, key  # a headcount key never shadows a tree path
        assert SPEC[lever.target].kind == "lever", lever.target


def test_five_social_workers_in_an_area_of_148000_children() -> None:
    """Issue 13's example: 0.5 per 10,000 "becomes 7.4 FTE in Leeds", an area of 148,000
    children; written as a count, 5 FTE there is 0.338 per 10,000."""
    params = _area(148_000)
    changes, _ = to_tree_units({"workforce.fte_extra": 5}, [], params, WHERE)
    assert changes == {"workforce.fte_extra_per_10k": pytest.approx(5 * 10_000 / 148_000)}
    lever = HEADCOUNT["workforce.fte_extra"]
    assert lever.from_tree(0.5, params) == pytest.approx(7.4)


def test_supported_households_become_a_share_of_inhouse_households() -> None:
    params = _area(100_000)  # 11.9 per 10,000: 119 in-house households at the start
    changes, _ = to_tree_units({"carers.support_households": 60}, [], params, WHERE)
    assert changes["carers.support_share"] == pytest.approx(60 / 119)
    with pytest.raises(ScenarioError, match=r"allowed up to 1 \(119.0 in-house"):
        to_tree_units({"carers.support_households": 200}, [], params, WHERE)


def test_dated_counts_other_keys_and_errors() -> None:
    params = _area(50_000)
    dated = [DatedChange(365.0, "residential.inhouse_beds", 4)]
    changes, new = to_tree_units({"carers.support_share": 0.2}, dated, params, WHERE)
    assert changes == {"carers.support_share": 0.2}
    assert new == [DatedChange(365.0, "residential.inhouse_beds_per_10k", 0.8)]
    with pytest.raises(ScenarioError, match="not both"):
        to_tree_units(
            {"workforce.fte_extra": 5, "workforce.fte_extra_per_10k": 1.0}, [], params, WHERE
        )
    with pytest.raises(ScenarioError, match=r"x\.toml.*negative"):
        to_tree_units({"workforce.fte_extra": -1}, [], params, WHERE)
    with pytest.raises(ScenarioError, match="expected a number"):
        to_tree_units({"workforce.fte_extra": "five"}, [], params, WHERE)
