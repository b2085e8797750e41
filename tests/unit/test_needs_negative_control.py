"""Negative controls for issue 12: with every new effect size at no effect, the mechanisms that
carry needs, assessment, social-work continuity, supervision and permanence breakdown change
nothing. Each scenario's run equals, event for event, a run without them (the ``needs``,
``assessment`` and ``permanence`` rules removed); and each mechanism, switched on alone, does
change something (so the control can fail)."""

from __future__ import annotations

import pytest

from calibration.resolve import resolve_params
from simulation.model import CareSystem
from simulation.params import Parameters
from simulation.pathways import MECHANISMS, all_off, without_needs_rules
from simulation.scenario import list_scenarios, load_scenario

SCENARIOS = [name for name, _, _ in list_scenarios()]
SMALL = {"area.population_0_17": 20_000}
NEW_INDICATORS = {"needs_improved_pct", "assessment_mismatch_pct"}  # from the removed rules


def _run(params: Parameters, years: int = 2) -> CareSystem:
    model = CareSystem(params, seed=3, keep_log=True)
    model.run_years(years)
    return model


def _common(model: CareSystem) -> list[tuple[int, str, float]]:
    return [r for r in model.indicators.yearly if r[1] not in NEW_INDICATORS]


@pytest.mark.parametrize("name", SCENARIOS)
def test_no_effect_equals_a_run_without_the_mechanisms(name: str) -> None:
    params = resolve_params(load_scenario(name), "england-average", 0)
    off = params.with_changes({**SMALL, **all_off()})
    without = off.with_changes({"engine.rules": without_needs_rules(off["engine.rules"])})
    a, b = _run(off), _run(without)
    assert a.log == b.log
    assert a.clock.events_fired == b.clock.events_fired
    assert _common(a) == _common(b)
    assert a.indicators.monthly == b.indicators.monthly


@pytest.mark.parametrize("mechanism", sorted(MECHANISMS))
def test_each_mechanism_on_alone_changes_the_run(mechanism: str) -> None:
    params = Parameters.defaults().with_changes(SMALL)
    on = {path: params[path] for path in MECHANISMS[mechanism]}
    off = all_off()
    if mechanism == "supervision":  # acts only on supervised workers
        on["workforce.supervision_share"] = 1.0
        off["workforce.supervision_share"] = 1.0
    if mechanism == "kinship_moves":  # acts only on poor kin placements: make some
        on["kinship.skill_offset"] = off["kinship.skill_offset"] = -0.3
    if mechanism == "needs_act":  # acts through needs that move
        off.update(MECHANISMS["needs_change"] | {k: params[k] for k in MECHANISMS["needs_change"]})
    a = _run(params.with_changes(off), years=2)
    b = _run(params.with_changes({**off, **on}), years=2)
    assert a.log != b.log or a.indicators.yearly != b.indicators.yearly, mechanism
