"""Scenario files: levers written as counts for the area, and assumptions with their own range."""

from __future__ import annotations

from pathlib import Path

import pytest

from calibration.assumptions import draw_assumptions
from calibration.resolve import resolve_params
from simulation.errors import ScenarioError
from simulation.scenario import load_scenario


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text('title = "t"\nextends = "baseline"\n' + body, encoding="utf-8")
    return path


def test_counts_are_converted_with_the_areas_children(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[levers]\n"workforce.fte_extra" = 5\n'
        '"residential.inhouse_beds" = [{ from = "2025-04-01", value = 4 }]\n'
        '[evidence]\n"workforce.fte_extra" = "five posts funded"\n',
    )
    scenario = load_scenario(path)
    assert scenario.counts == {"workforce.fte_extra": 5}
    assert scenario.levers["workforce.fte_extra"] == 5
    assert "workforce.fte_extra" not in scenario.changes
    params = resolve_params(scenario, "england-average", 0)  # 100,000 children
    assert params["workforce.fte_extra_per_10k"] == pytest.approx(0.5)
    (dated,) = [d for d in params.dated if d.path == "residential.inhouse_beds_per_10k"]
    assert dated.value == pytest.approx(0.4) and dated.day == 365.0


def test_bad_counts_are_refused_naming_the_file_and_key(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"s\.toml: \[levers\] workforce\.fte_extra: a count"):
        load_scenario(_write(tmp_path, '[levers]\n"workforce.fte_extra" = -2\n'))
    with pytest.raises(ScenarioError, match=r"not a lever|unknown parameter"):
        load_scenario(_write(tmp_path, '[assumptions]\n"workforce.fte_extra" = 2\n'))
    both = '[levers]\n"workforce.fte_extra" = 2\n"workforce.fte_extra_per_10k" = 1.0\n'
    with pytest.raises(ScenarioError, match="not both"):
        resolve_params(load_scenario(_write(tmp_path, both)), "england-average", 0)
    too_many = '[levers]\n"carers.support_households" = 500\n'
    with pytest.raises(ScenarioError, match="allowed up to 1"):
        resolve_params(load_scenario(_write(tmp_path, too_many)), "england-average", 0)


def test_an_assumption_range_of_its_own_is_used_for_sampling(tmp_path: Path) -> None:
    key = "carers.support_deregistration_ratio"
    path = _write(
        tmp_path,
        f'[assumptions]\n"{key}" = {{ low = 0.5, high = 0.7, central = 0.6 }}\n'
        f'[evidence]\n"{key}" = "a matched study (hypothetical, for the test)"\n',
    )
    scenario = load_scenario(path)
    assert scenario.ranges == {key: (0.5, 0.7)} and scenario.changes[key] == 0.6
    central = resolve_params(scenario, "england-average", 0)
    values = [draw_assumptions(central, 1, r, narrowed=scenario.ranges)[0][key] for r in range(50)]
    assert min(values) >= 0.5 and max(values) <= 0.7


def test_a_range_needs_a_reason_and_a_sound_shape(tmp_path: Path) -> None:
    key = "carers.support_deregistration_ratio"
    with pytest.raises(ScenarioError, match="needs a reason"):
        load_scenario(_write(tmp_path, f'[assumptions]\n"{key}" = {{ low = 0.5, high = 0.7 }}\n'))
    note = f'[evidence]\n"{key}" = "why"\n'
    with pytest.raises(ScenarioError, match="needs 'low' and 'high'"):
        load_scenario(_write(tmp_path, f'[assumptions]\n"{key}" = {{ low = 0.5 }}\n' + note))
    with pytest.raises(ScenarioError, match="central"):
        load_scenario(
            _write(tmp_path, f'[assumptions]\n"{key}" = {{ low = 0.7, high = 0.9 }}\n' + note)
        )
