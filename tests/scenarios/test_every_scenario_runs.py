"""Every file in scenarios/ loads, validates and runs briefly with the model's invariants
checked at every month end (children conserved, one placement each, no carer over capacity)."""

from __future__ import annotations

import pytest

from calibration.resolve import resolve_params
from simulation.model import CareSystem
from simulation.scenario import list_scenarios, load_scenario
from tests.engine_helpers import audit

SCENARIOS = [name for name, _, _ in list_scenarios()]


def test_the_scenario_folder_is_covered() -> None:
    assert "baseline" in SCENARIOS and len(SCENARIOS) >= 9


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_runs_with_invariants(name: str) -> None:
    scenario = load_scenario(name)
    params = resolve_params(scenario, "england-average", 0).with_changes(
        {"area.population_0_17": 30_000}
    )
    model = CareSystem(params, seed=2, keep_log=True)
    checks = []

    def check(day: float) -> None:
        audit(model)
        admitted = sum(1 for e in model.log or [] if e[1] == "admit")
        exited = sum(1 for e in model.log or [] if e[1] == "exit")
        checks.append(len(model.children) - admitted + exited)

    for day in model.calendar.month_end_days(model.calendar.year_end_day(2)):
        model.at(day, check, day)
    model.run_years(2)
    audit(model)
    assert len(checks) >= 23 and len(set(checks)) == 1  # stock = start + admitted - exited
    assert [v for _, k, v in model.indicators.yearly if k == "started"]
