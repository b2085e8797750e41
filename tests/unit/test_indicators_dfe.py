"""DfE definitions, each on a hand-built case: long-term stability (same carer; placed for
adoption), started and ceased counting children, 3+ placements across a re-entry."""

from __future__ import annotations

from simulation.agents import YEAR_DAYS, Group
from simulation.pathways import all_off
from tests.engine_helpers import make_model
from tests.unit.test_needs import QUIET


def _young(model, group=Group.INHOUSE):
    return next(c for c in model.children.values() if c.placement == group and c.age(0) < 14)


def _quiet():
    return make_model({**QUIET, **all_off(), "permanence.start_orders_per_10k_per_year": [0, 0, 0]})


def _long_term_child(model, group=Group.INHOUSE):
    """A child under 13 in care for 3 years, with its carer for 2.5 years."""
    child = next(
        c
        for c in model.children.values()
        if c.placement == group and c.age(0) < 13 and c.carer is not None
    )
    child.period_start = -3 * YEAR_DAYS
    child.carer_since = child.placement_start = -2.5 * YEAR_DAYS
    return child


def _row(model, day):
    return model.indicators._stability(day)


def test_a_placement_change_with_the_same_carer_keeps_the_long_term_count():
    model = _quiet()
    same, moved = _long_term_child(model), None
    others = [c for c in model.children.values() if c is not same]
    for c in others:  # only two children in the long-term population
        c.period_start = 0.0
    moved = next(
        c for c in others if c.placement == Group.AGENCY and c.age(0) < 13 and c.carer is not None
    )
    moved.period_start = -3 * YEAR_DAYS
    moved.carer_since = moved.placement_start = -2.5 * YEAR_DAYS
    carer = same.carer

    def join_the_same_carer(child, request):
        if child is same:
            request.join = carer

    model.on("placement_request", join_the_same_carer)
    model.clock.run_until(30.0)
    model.end_placement(same, "CHANGE", unplanned=False, keep_carer=True)  # e.g. U4 -> U5
    model.end_placement(moved, "CARPL", unplanned=False)  # a move to another carer
    assert same.carer is carer and same.placement_start == 30.0
    assert same.carer_since == -2.5 * YEAR_DAYS
    assert moved.carer_since == 30.0
    assert _row(model, 31.0)["long_term_stable_pct"] == 50.0


def test_placed_for_adoption_counts_the_placement_before_it():
    model = _quiet()
    for c in model.children.values():
        c.period_start = 0.0
    long_before = _long_term_child(model)  # with its carer 2.5 years: 2+ years with adoption
    short_before = next(
        c
        for c in model.children.values()
        if c.placement == Group.AGENCY and c.age(0) < 13 and c is not long_before
    )
    short_before.period_start = -3 * YEAR_DAYS
    short_before.carer_since = short_before.placement_start = -1.0 * YEAR_DAYS
    model.clock.run_until(10.0)
    for child in (long_before, short_before):
        model.end_placement(child, "CARPL", unplanned=False, next_group=int(Group.ADOPTION))
        assert child.placement == Group.ADOPTION and child.carer_since == 10.0
    # on day 200: long_before 2.5 years + 200 days (stable), short_before 1 year + 200 days
    assert _row(model, 200.0)["long_term_stable_pct"] == 50.0


def test_started_and_ceased_count_children_once_a_year():
    model = _quiet()
    child = _young(model)
    model.clock.run_until(10.0)
    model.discharge(child, "returned_home")
    model.clock.run_until(20.0)
    model.admit(child, reentry=True)
    model.clock.run_until(30.0)
    model.discharge(child, "other")
    model.clock.run_until(40.0)
    model.admit(child, reentry=True)
    model._year_end(1)
    row = {k: v for _, k, v in model.indicators.yearly}
    assert row["started"] == 1  # two starts, one child (its first start)
    exits = [e for e in model.log if e[1] == "exit"]
    assert row["ceased"] == len({e[2] for e in exits}) == len(exits) - 1  # one child, twice
    assert row["ceased_other"] == 1  # its last cessation's reason
    assert row["ceased_returned_home"] == sum(1 for e in exits if e[3] == "returned_home") - 1
    assert row["returns_home_breakdown"] == 1  # the event counts stay events
    assert row["started_reentry_pct"] == 100.0


def test_three_placements_are_kept_across_a_reentry_in_the_year():
    model = _quiet()
    child = _young(model)
    for c in model.children.values():
        c.placements_in_year = 1
    model.clock.run_until(10.0)
    model.end_placement(child, "CARPL", unplanned=False)  # 2 placements this year
    model.clock.run_until(20.0)
    model.discharge(child, "returned_home")
    model.clock.run_until(30.0)
    model.admit(child, reentry=True)  # placed again: 3 this year
    assert child.placements_in_year == 3
    model._year_end(1)
    row = {k: v for _, k, v in model.indicators.yearly}
    assert row["placements_3plus_pct"] == 100.0 / len(model.children)
    # next year a re-entry starts the count afresh
    model.clock.run_until(400.0)
    model.discharge(child, "returned_home")
    model.clock.run_until(730.0)
    model._year_end(2)
    model.clock.run_until(800.0)
    model.admit(child, reentry=True)
    assert child.placements_in_year == 1
