"""Endings rule: unplanned disruptions by hazard, planned moves, SSDA903 reasons."""

from simulation.agents import Group
from simulation.rules.endings import UNPLANNED_REASONS
from tests.engine_helpers import events, make_model, run, total

NO_DISRUPTION = {"endings.disruption_per_year": [0.0] * 7, "carers.deregistration_per_year": 0.0}


def test_no_unplanned_endings_when_disruption_and_deregistration_are_zero():
    assert total(run(NO_DISRUPTION, years=2), "unplanned_endings") == 0


def test_higher_disruption_gives_more_unplanned_endings():
    low = total(run({"endings.disruption_per_year": [0.05] * 7}, years=2), "unplanned_endings")
    high = total(run({"endings.disruption_per_year": [0.3] * 7}, years=2), "unplanned_endings")
    assert high > 2.5 * low


def test_unplanned_reasons_are_ssda903_codes():
    model = run({}, years=1)
    reasons = {e[4] for e in events(model, "end") if e[5]}
    assert reasons and reasons <= set(UNPLANNED_REASONS) | {"CLOSE"}


def test_disruption_hazard_hand_computed():
    # A child with needs 0.3 and quality 0.5, under 11, in-house, no worker effect, past the
    # first 91 days and not yet a year in the placement: rate = the in-house base rate exactly.
    model = make_model({"workforce.reference_caseload": 60.0})
    endings = next(r for r in model.rules if r.name == "endings")
    child = next(
        c
        for c in model.children.values()
        if c.placement == Group.INHOUSE and c.age(0) < 10 and -365 < c.placement_start < -91
    )
    child.needs, child.quality = 0.3, 0.5
    if child.carer is not None:
        child.carer.enhanced = False
    expected = model.p["endings.disruption_per_year"][1] / 365.25
    assert abs(endings.disruption_rate(child) - expected) < 1e-12


def test_hazard_timer_fires_when_the_integrated_hazard_reaches_its_threshold():
    model = make_model()
    fired: list[float] = []
    child = next(iter(model.children.values()))
    model.set_hazard(child, "test.process", 0.01, lambda c: fired.append(model.now))
    threshold = child.timers["test.process"].threshold
    # the rate doubles at day 50 unless it has fired; the luck (threshold) is kept
    expected = threshold / 0.01 if threshold <= 0.5 else 50 + (threshold - 0.5) / 0.02
    model.clock.run_until(50.0)
    if not fired:
        model.set_hazard(child, "test.process", 0.02, lambda c: fired.append(model.now))
    model.clock.run_until(expected + 1.0)
    assert len(fired) == 1 and abs(fired[0] - expected) < 1e-6
