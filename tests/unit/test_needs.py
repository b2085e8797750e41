"""Needs rule: SDQ-scale needs move with disruptions, changes of worker and placement quality,
are announced to the hazards they act on, and price high needs; each on a hand-built case."""

from __future__ import annotations

import math

from simulation.agents import YEAR_DAYS, Group
from simulation.pathways import all_off
from simulation.rules.needs import NEEDS_STEP, SDQ_MAX
from tests.engine_helpers import make_model, run, total, yearly

# Nothing happens on its own: no arrivals, no endings, no exits, no changes of worker.
QUIET = {
    "entry.starts_per_10k_per_year": 0.0,
    "endings.disruption_per_year": [0.0] * 7,
    "endings.emergency_move_probability": 0.0,
    "endings.quality_move_per_year": 0.0,
    "exits.return_home_per_year": [0.0, 0.0, 0.0],
    "exits.sgo_per_year": [0.0, 0.0],
    "exits.cao_per_year": 0.0,
    "exits.other_per_year": [0.0, 0.0],
    "exits.adoption_plan_probability": [0.0, 0.0, 0.0],
    "workforce.internal_change_per_year": 0.0,
    "workforce.turnover_per_year": 0.0,
    "carers.deregistration_per_year": 0.0,
    "reunification.reentry_per_year": [0.0, 0.0],
}


def _rule(model, name):
    return next(r for r in model.rules if r.name == name)


def _foster_child(model, age_low=5.0, age_high=15.0):
    return next(
        c
        for c in model.children.values()
        if c.placement in (Group.INHOUSE, Group.AGENCY)
        and age_low < c.age(0) < age_high
        and not c.adoption_plan
        and c.age(0) < 17
    )


def test_an_unplanned_ending_adds_its_sdq_points_at_once():
    model = make_model({**QUIET, **all_off(), "needs.sdq_per_unplanned_ending": 2.0})
    child = _foster_child(model)
    before = child.needs
    model.clock.run_until(10.0)
    model.end_placement(child, "CREQB", unplanned=True)
    assert math.isclose(child.needs, min(1.0, before + 2.0 / SDQ_MAX), abs_tol=1e-12)
    model.end_placement(child, "CARPL", unplanned=False)  # a planned move adds nothing
    assert math.isclose(child.needs, min(1.0, before + 2.0 / SDQ_MAX), abs_tol=1e-12)


def test_placement_quality_moves_needs_at_the_hand_computed_rate():
    # slope -2 points per year per unit of quality above 0.5, drift +0.4 a year: a child in a
    # placement of quality 0.9 for 200 days loses (0.4 - 2 x 0.4) x 200 / 365.25 points
    changes = {
        **QUIET,
        **all_off(),
        "needs.sdq_per_year_quality": -2.0,
        "needs.sdq_drift_per_year": 0.4,
    }
    model = make_model(changes)
    child = _foster_child(model)
    child.quality, child.needs = 0.9, 0.5
    needs_rule = _rule(model, "needs")
    needs_rule.state[child.child_id].level = 0.5 * SDQ_MAX
    model.clock.run_until(200.0)
    model.end_placement(child, "CARPL", unplanned=False)
    expected = 0.5 + (0.4 - 2.0 * 0.4) * 200.0 / YEAR_DAYS / SDQ_MAX
    assert math.isclose(child.needs, expected, abs_tol=1e-12)


def test_each_change_of_worker_adds_its_points_at_the_next_update():
    model = make_model({**QUIET, **all_off(), "needs.sdq_per_worker_change": 0.5})
    child = _foster_child(model)
    before = child.needs
    workers = [w for w in model.workers.values() if w is not child.worker][:3]
    for worker in workers:  # three changes of allocated worker
        model.allocate(child, worker)
    assert child.period_worker_changes == 3
    model.end_placement(child, "CARPL", unplanned=False)
    assert math.isclose(child.needs, min(1.0, before + 1.5 / SDQ_MAX), abs_tol=1e-12)


def test_the_yearly_fluctuation_has_the_stated_year_to_year_sd_and_does_not_drift():
    model = make_model({**all_off(), "needs.sdq_yearly_sd": 3.0})
    rule = _rule(model, "needs")
    from simulation.rules.needs import _Needs

    changes, levels = [], []
    for cid in range(5000):
        st = _Needs()
        rule._set_knot(10**7 + cid, st, 0)  # first admitted: its drawn needs, no fluctuation
        assert st.w == 0.0
        rule._set_knot(10**7 + cid, st, 8)
        w8 = st.w
        rule._set_knot(10**7 + cid, st, 9)
        changes.append(st.w - w8)
        levels.append(st.w)
    n = len(changes)
    sd = math.sqrt(sum(c * c for c in changes) / n)
    assert abs(sd - 3.0) < 0.15  # 5,000 draws: SE of the SD about 0.03
    assert abs(sum(levels) / n) < 0.2 and abs(math.sqrt(sum(x * x for x in levels) / n) - 3) < 0.15


def test_a_material_change_of_needs_re_evaluates_the_disruption_hazard():
    model = make_model(
        {
            **QUIET,
            **all_off(),
            "endings.disruption_per_year": [0.2] * 7,
            "needs.sdq_per_worker_change": 5.0,  # one change moves needs past the step
        }
    )
    child = _foster_child(model)
    endings = _rule(model, "endings")
    model.clock.run_until(100.0)
    worker = next(w for w in model.workers.values() if w is not child.worker)
    model.allocate(child, worker)
    stale = endings.disruption_rate(child)  # needs not yet updated: the change is lazy
    model._year_end(1)  # the annual review brings the change in and announces it
    assert 5.0 / SDQ_MAX >= NEEDS_STEP
    fresh = endings.disruption_rate(child)
    assert math.isclose(child.timers["disruption"].rate, fresh)
    assert math.isclose(fresh / stale, math.exp(model.p["endings.needs_effect"] * 5.0 / SDQ_MAX))


def test_higher_needs_cost_more_in_agency_foster_care():
    cheap = run({**all_off()}, years=1)
    dear = run({**all_off(), "costs.high_needs_premium_share": 0.3}, years=1)
    assert yearly(dear, "unplanned_endings") == yearly(cheap, "unplanned_endings")
    extra = total(dear, "cost_placements_agency_gbp") - total(cheap, "cost_placements_agency_gbp")
    assert extra > 0
    # no more than every agency child at the premium all year
    weekly = dear.p["costs.weekly_gbp"][Group.AGENCY]
    bound = 0.3 * weekly * 52.2 * max(yearly(dear, "cla_foster_agency")) * 1.5
    assert extra < bound


def test_sdq_indicators_follow_dfe_on_a_hand_built_stock():
    # DfE: children aged 5-16 at 31 March, looked after continuously for 12 months or more
    model = make_model({**QUIET, **all_off()})
    now = model.now
    kids = list(model.children.values())
    for c in kids:  # everyone outside the population...
        c.period_start = now - 100.0
    eligible = []
    chosen = [c for c in kids if 5.5 < c.age(now) < 16.5][:4]
    for c, score in zip(chosen, (10, 14, 17, 30), strict=True):
        c.period_start, c.needs = now - 400.0, score / SDQ_MAX
        eligible.append(c)
    young = next(c for c in kids if c.age(now) < 4.5)  # too young, though long in care
    young.period_start, young.needs = now - 800.0, 1.0
    row = model.indicators._stability(now)
    assert row["sdq_mean"] == (10 + 14 + 17 + 30) / 4
    assert row["sdq_concern_pct"] == 50.0 and row["sdq_borderline_pct"] == 25.0
