"""Each replicate's parameters for a run: resolved, assumptions drawn, costs in one price base.

    defaults → area → calibrated fit (member r) → the scenario (counts converted)
             → assumptions drawn for (seed, r)            (calibration.assumptions)
             → every dated unit cost in the price year    (calibration.prices)

The draw comes before the uprating so that a cost assumption's whole range moves with its price
(the draw is made in the cost's own price year, then uprated). ``mode="central"`` skips the draw
(today's central-value runs); the price base applies in both modes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from calibration.assumptions import DEFAULT_MODE, AssumptionDraw, check_mode, draw_assumptions
from calibration.prices import check_price_year, load_price_index, uprate
from calibration.resolve import resolve_params
from simulation.executor import Task
from simulation.params import Parameters
from simulation.scenario import Scenario


@dataclass(frozen=True)
class RunSettings:
    """How assumptions and prices are set for every replicate of a run."""

    assumptions: str = DEFAULT_MODE
    price_year: int | None = None  # None: the price index's latest year

    def checked(self) -> RunSettings:
        """These settings with the price year filled in; a clear error if either is wrong."""
        return RunSettings(check_mode(self.assumptions), check_price_year(self.price_year))


def replicate_params(
    scenario: Scenario, area: str, replicate: int, seed: int, settings: RunSettings
) -> tuple[Parameters, AssumptionDraw]:
    """One replicate's parameters and what it drew."""
    settings = settings.checked()
    central = resolve_params(scenario, area, replicate)
    drawn, draw = draw_assumptions(
        central, seed, replicate, settings.assumptions, narrowed=scenario.ranges
    )
    assert settings.price_year is not None
    return uprate(drawn, settings.price_year, load_price_index()), draw


def scenario_tasks(
    scenario: Scenario,
    area: str,
    years: int,
    reps: int,
    seed: int,
    settings: RunSettings,
) -> tuple[list[Task], list[AssumptionDraw]]:
    """One task per replicate (replicate r: the same seed, member and draw in every
    scenario), and each replicate's draw."""
    settings = settings.checked()
    tasks: list[Task] = []
    draws: list[AssumptionDraw] = []
    for r in range(reps):
        params, draw = replicate_params(scenario, area, r, seed, settings)
        tasks.append(Task(scenario.name, params, years, seed, r))
        draws.append(draw)
    return tasks, draws


def manifest_entries(settings: RunSettings, draws: Sequence[AssumptionDraw]) -> dict[str, object]:
    """The manifest's ``assumptions`` and ``price_base`` records."""
    from calibration.assumptions import manifest_entry as assumptions_entry
    from calibration.prices import manifest_entry as prices_entry

    settings = settings.checked()
    assert settings.price_year is not None
    return {
        "assumptions": assumptions_entry(draws) | {"mode": settings.assumptions},
        "price_base": prices_entry(settings.price_year),
    }
