"""Assessment rule: the needs a worker sees are the true needs plus an error that grows with
caseload (on both sides of the reference) and shrinks with supervision."""

from __future__ import annotations

import math

from simulation.agents import PlacementRequest
from simulation.pathways import all_off
from simulation.rules.needs import CONCERN_NEEDS, SDQ_MAX
from tests.engine_helpers import make_model, run, yearly


def _rule(model, name):
    return next(r for r in model.rules if r.name == name)


def test_no_error_means_the_worker_sees_the_true_needs():
    model = run({**all_off()}, years=1)
    placed = [c for c in model.children.values() if c.assessed_needs is not None]
    assert placed and all(c.assessed_needs == c.needs for c in placed)  # needs do not move
    assert yearly(model, "assessment_mismatch_pct") == [0.0]


def test_error_sd_hand_computed_above_and_below_the_reference_and_with_supervision():
    model = make_model(
        {
            "assessment.error_sd_sdq": 4.0,
            "assessment.caseload_error_growth": 0.05,
            "assessment.supervision_error_ratio": 0.5,
        }
    )
    rule = _rule(model, "assessment")
    child = next(c for c in model.children.values() if c.worker is not None)
    worker = child.worker
    assert worker is not None
    for reference in (model.caseload(worker) + 6.0, model.caseload(worker) - 6.0):
        rule.reference = reference
        expected = 4.0 / SDQ_MAX * math.exp(0.05 * (model.caseload(worker) - reference))
        worker.supervised = False
        assert math.isclose(rule.error_sd(child), expected)
        worker.supervised = True
        assert math.isclose(rule.error_sd(child), 0.5 * expected)


def test_assessed_needs_use_the_childs_own_draw_scaled_by_the_error_sd():
    model = make_model({"assessment.error_sd_sdq": 3.0})
    rule = _rule(model, "assessment")
    child = next(iter(model.children.values()))
    child.needs = 0.4
    rule._assess(child, PlacementRequest("move"))
    first = child.assessed_needs
    assert first is not None and first != 0.4
    rule.sd *= 2  # the same luck, twice the error
    rule._assess(child, PlacementRequest("move"))
    assert child.assessed_needs is not None
    assert math.isclose(child.assessed_needs - 0.4, 2 * (first - 0.4), rel_tol=1e-9)
    rule._assess(child, PlacementRequest("move", group=7))  # a placement for adoption
    assert math.isclose(child.assessed_needs - 0.4, 2 * (first - 0.4), rel_tol=1e-9)


def test_mismatch_counts_assessments_across_the_concern_line():
    model = make_model({"assessment.error_sd_sdq": 0.2})  # 0.005 on the needs scale
    rule = _rule(model, "assessment")
    rule.year_end(2024)  # reset the counters
    expected = 0
    kids = list(model.children.values())[:40]
    for i, child in enumerate(kids):
        # just below the line, just above it, or far from it: the sign of the child's own
        # draw says whether the assessment crosses the line
        child.needs = (CONCERN_NEEDS - 0.001, CONCERN_NEEDS + 0.001, 0.1)[i % 3]
        z = rule._error(child)
        sd = rule.error_sd(child)
        crosses = (child.needs + sd * z >= CONCERN_NEEDS) != (child.needs >= CONCERN_NEEDS)
        expected += crosses
        rule._assess(child, PlacementRequest("move"))
    rule.year_end(2025)
    assert 0 < expected < 40
    assert math.isclose(rule.mismatch_pct, 100.0 * expected / 40)


def test_a_bigger_error_gives_more_mismatches():
    bigger = run({"assessment.error_sd_sdq": 6.0}, years=1)
    smaller = run({"assessment.error_sd_sdq": 2.0}, years=1)
    big, small = (yearly(m, "assessment_mismatch_pct")[0] for m in (bigger, smaller))
    assert big > small > 0
