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
