"""Endings rule: unplanned disruptions by hazard, planned moves, SSDA903 reasons."""

import math

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
    # Every factor away from 1, so switching any of them off changes the rate: an in-house
    # placement in its first 91 days, a child of 12 with needs 0.7 and match quality 0.2, no
    # enhanced support, a worker well below the reference caseload of 60 (the caseload term
    # acts below the reference too), and the handover ratio (thinned at the event).
    # rate = base x exp(needs effect x (0.7 - 0.3) + quality effect x (0.5 - 0.2))
    #        x exp(caseload effect x (caseload - 60)) x handover ratio
    #        x adolescent ratio x early-months ratio
    model = make_model({"workforce.reference_caseload": 60.0})
    endings = next(r for r in model.rules if r.name == "endings")
    child = next(
        c
        for c in model.children.values()
        if c.placement == Group.INHOUSE and 11.5 < c.age(0) < 15 and c.carer is not None
    )
    child.needs, child.quality, child.placement_start = 0.7, 0.2, -30.0
    assert child.carer is not None and child.worker is not None
    child.carer.enhanced = False
    p = model.p
    caseload = model.caseload(child.worker)
    expected = (
        p["endings.disruption_per_year"][1]
        * math.exp(p["endings.needs_effect"] * 0.4 + p["endings.match_quality_effect"] * 0.3)
        * math.exp(p["endings.caseload_effect"] * (caseload - 60.0))
        * p["workforce.change_disruption_ratio"]
        * p["endings.adolescent_ratio"]
        * p["endings.early_months_ratio"]
        / 365.25
    )
    assert p["endings.needs_effect"] > 0 and p["endings.match_quality_effect"] > 0
    assert p["endings.adolescent_ratio"] > 1 and p["endings.early_months_ratio"] > 1
    assert p["endings.caseload_effect"] > 0 and caseload < 50
    assert p["workforce.change_disruption_ratio"] > 1
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
