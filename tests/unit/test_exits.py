"""Exits rule: competing risks; 18th birthdays; the adoption pathway."""

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
