"""Exits rule: competing risks; 18th birthdays; the adoption pathway."""

import math

from simulation.agents import YEAR_DAYS, Group
from tests.engine_helpers import events, make_model, run, total


def test_no_returns_home_when_the_hazard_is_zero():
    model = run({"exits.return_home_per_year": [0.0, 0.0, 0.0]}, years=2)
    assert total(model, "ceased_returned_home") == 0


def test_higher_return_home_hazard_gives_more_returns():
    low = total(
        run({"exits.return_home_per_year": [0.1, 0.05, 0.01]}, years=2), "ceased_returned_home"
    )
    high = total(
        run({"exits.return_home_per_year": [0.6, 0.3, 0.06]}, years=2), "ceased_returned_home"
    )
    assert high > 2 * low


def test_leaving_at_18_happens_on_the_18th_birthday():
    model = make_model()
    ages = []
    model.on(
        "exited",
        lambda child, route, group, carer: route == "age_18" and ages.append(child.age(model.now)),
    )
    model.run_years(2)
    assert ages and all(abs(a - 18.0) < 1e-6 for a in ages)
    assert all(c.age(model.now) < 18 for c in model.children.values())


def test_no_entrant_is_adopted_without_an_adoption_plan():
    model = run({"exits.adoption_plan_probability": [0.0, 0.0, 0.0]}, years=3)
    adopted = [e[2] for e in events(model, "exit") if e[3] == "adopted"]
    # only children of the starting population already on the adoption pathway are adopted
    assert all(child_id < 1_000_000 for child_id in adopted)
    assert len(adopted) < total(run({}, years=3), "ceased_adopted")


def test_exit_routes_add_up_to_ceased():
    model = run({}, years=2)
    routes = ("returned_home", "adopted", "sgo", "cao", "age_18", "other")
    assert sum(total(model, f"ceased_{r}") for r in routes) == total(model, "ceased")


def _exit_ages(changes: dict, route: str, years: int = 3) -> list[float]:
    model = make_model(changes)
    ages: list[float] = []
    model.on(
        "exited",
        lambda child, r, group, carer: r == route and ages.append(child.age(model.now)),
    )
    model.run_years(years)
    return ages


def test_other_exits_at_16_17_follow_their_own_ratio():
    none = _exit_ages({"exits.other_age_16_ratio": 0.0}, "other")
    assert none and all(a < 16 for a in none)  # 'other' exits still happen below 16
    more = _exit_ages({"exits.other_age_16_ratio": 4.0}, "other")
    at_16 = sum(a >= 16 for a in more)
    assert at_16 > 2 * sum(a >= 16 for a in _exit_ages({"exits.other_age_16_ratio": 1.0}, "other"))


def test_returns_home_under_5_follow_their_own_ratio():
    none = _exit_ages({"exits.return_home_under_5_ratio": 0.0}, "returned_home")
    assert none and all(a >= 5 for a in none)
    base = sum(a < 5 for a in _exit_ages({"exits.return_home_under_5_ratio": 1.0}, "returned_home"))
    assert (
        sum(a < 5 for a in _exit_ages({"exits.return_home_under_5_ratio": 4.0}, "returned_home"))
        > 2 * base
    )


def test_ceased_by_age_at_ceasing_adds_up_to_ceased():
    model = run({}, years=2)
    bands = ("under_5", "5_9", "10_15", "16_17", "18")
    assert sum(total(model, f"ceased_age_{b}") for b in bands) == total(model, "ceased")
    assert all(total(model, f"ceased_age_{b}") > 0 for b in bands)


def test_the_starting_pathway_includes_care_orders_that_entered_under_10():
    def planned(p: float) -> int:
        model = make_model({"exits.adoption_plan_probability": [p, p, p]})
        return sum(c.adoption_plan and c.legal == "care_order" for c in model.children.values())

    assert planned(0.0) == 0
    assert planned(1.0) > 0


def _starting_placed_adoption_days(changes: dict) -> list[float]:
    """Days from the start to the adoption order of the children placed for adoption at the
    start (no other exit for them in three years at these settings)."""
    model = make_model({"area.population_0_17": 400_000, **changes})
    placed = {c.child_id for c in model.children.values() if c.placement == Group.ADOPTION}
    days: list[float] = []
    model.on(
        "exited",
        lambda child, r, group, carer: (
            r == "adopted" and child.child_id in placed and days.append(model.now)
        ),
    )
    model.run_years(3)
    return days


def test_a_child_placed_for_adoption_at_the_start_waits_only_for_the_order():
    # The order's wait (exponential, mean days_placed_to_adoption_order) starts on day 0: no
    # wait to placement first, so the starting placed stock empties at the entrants' pace.
    days = _starting_placed_adoption_days(
        {"exits.days_placed_to_adoption_order": 150.0, "workforce.change_delay_days": 0.0}
    )
    assert len(days) >= 30
    assert 90.0 < sum(days) / len(days) < 200.0  # 54 children: 116 days (233 on 40e8cfb)


def test_the_starting_pool_waiting_for_adoption_is_placed_at_the_entrants_pace():
    # memoryless: the remaining wait of a starting child not yet placed has the entrants'
    # mean (days_to_placement_for_adoption), placement orders included (0.20 off on 40e8cfb)
    model = make_model({"area.population_0_17": 150_000, "workforce.change_delay_days": 0.0})
    waiting = {
        c.child_id
        for c in model.children.values()
        if c.adoption_plan and c.placement != Group.ADOPTION
    }
    placed: list[float] = []
    model.on(
        "placed",
        lambda child, *rest: (
            child.child_id in waiting
            and child.placement == Group.ADOPTION
            and placed.append(model.now)
        ),
    )
    model.run_years(1)
    share = len(placed) / len(waiting)
    mean_days = model.p["exits.days_to_placement_for_adoption"]
    expected = 1.0 - math.exp(-YEAR_DAYS / mean_days)  # about 0.58 at 420 days
    assert len(waiting) >= 30
    assert abs(share - expected) < 0.15
