"""Permanence rule: SGO, CAO and adoption orders can break down and bring children back."""

from __future__ import annotations

import math

from simulation.agents import YEAR_DAYS, Group
from simulation.rules.permanence import breakdown_years
from tests.engine_helpers import make_model, run, total

RATES = (0.001, 0.01, 0.02, 0.05)  # adoption <11, adoption 11+, SGO, CAO


def test_breakdown_time_is_solved_in_closed_form():
    # SGO at 4, rate 0.02 x ratio 1.5: E = 0.3 is reached after 0.3 / 0.03 = 10 years (age 14)
    assert math.isclose(breakdown_years("sgo", 4.0, RATES, 1.5, 0.3), 10.0)
    assert breakdown_years("sgo", 4.0, RATES, 1.5, 0.5) is None  # 16.7 years: after 18
    # adoption at 3: 8 years at 0.001 (0.008) then 0.01 a year: E = 0.048 -> 8 + 4 years
    assert math.isclose(breakdown_years("adopted", 3.0, RATES, 1.0, 0.048), 12.0)
    assert math.isclose(breakdown_years("adopted", 3.0, RATES, 1.0, 0.004), 4.0)
    assert math.isclose(breakdown_years("cao", 12.0, RATES, 1.0, 0.2), 4.0)
    assert breakdown_years("cao", 12.0, (0.0, 0.0, 0.0, 0.0), 1.0, 0.2) is None


def test_an_order_that_breaks_down_brings_the_child_back_as_a_reentry():
    model = make_model(
        {
            "permanence.breakdown_per_year": [0.0, 0.0, 5.0, 0.0],  # SGOs break down fast
            "permanence.start_orders_per_10k_per_year": [0.0, 0.0, 0.0],
            "reunification.reentry_per_year": [0.0, 0.0],
        }
    )
    child = next(
        c for c in model.children.values() if c.placement == Group.KINSHIP and c.age(0) < 12
    )
    model.clock.run_until(5.0)
    model.discharge(child, "sgo")
    assert child.child_id in model.returned
    # hand-computed: its own threshold over 5 a year x the needs ratio (per SD of SDQ)
    e = model.streams.exponential("permanence.breakdown", child.child_id, 0)
    ratio = model.p["permanence.needs_ratio_per_sd"] ** ((40 * child.needs - 14.7) / 7.0)
    due = 5.0 + e / (5.0 * ratio) * YEAR_DAYS
    model.clock.run_until(due - 0.01)
    assert not child.in_care
    model.clock.run_until(due + 0.01)
    assert child.in_care and child.period == 1  # back, in a new period of care
    model._year_end(1)
    row = {k: v for _, k, v in model.indicators.yearly}
    assert row["permanence_breakdowns"] >= 1 and row["permanence_breakdowns_sgo"] >= 1
    assert row["returns_home_breakdown"] == 0  # not a return home that broke down


def test_no_breakdowns_at_zero_hazard_and_more_at_a_higher_one():
    zero = run({"permanence.breakdown_per_year": [0.0, 0.0, 0.0, 0.0]}, years=3)
    assert total(zero, "permanence_breakdowns") == 0
    base = run({}, years=3)
    high = run({"permanence.breakdown_per_year": [0.005, 0.02, 0.05, 0.1]}, years=3)
    assert total(high, "permanence_breakdowns") > total(base, "permanence_breakdowns") > 0


def test_children_followed_from_the_start_break_down_from_the_first_year():
    # the first year's breakdowns come mostly from orders made before the start
    model = run({"exits.sgo_per_year": [0.0, 0.0], "exits.cao_per_year": 0.0}, years=1)
    from_start = [c for c in model.children.values() if c.child_id >= 80_000_000]
    assert from_start and all(c.period == 1 for c in from_start)
