"""Reunification rule: re-entry after a return home; intensive support lowers it."""

from tests.engine_helpers import run, total

MANY_RETURNS = {"exits.return_home_per_year": [1.0, 0.5, 0.1]}


def test_no_reentries_when_the_hazard_is_zero():
    model = run({**MANY_RETURNS, "reunification.reentry_per_year": [0.0, 0.0]}, years=2)
    assert total(model, "returns_home_breakdown") == 0


def test_reentries_within_12_months_are_a_subset_of_all_reentries():
    model = run(MANY_RETURNS, years=3)
    assert 0 < total(model, "reentries_within_12m") <= total(model, "returns_home_breakdown")


def test_support_with_an_effect_lowers_reentries():
    base = run(MANY_RETURNS, years=3)
    supported = run(
        {
            **MANY_RETURNS,
            "reunification.support_share": 1.0,
            "reunification.support_reentry_ratio": 0.3,
        },
        years=3,
    )
    assert total(supported, "returns_home_breakdown") < total(base, "returns_home_breakdown")
    assert total(supported, "cost_levers_gbp") > 0 == total(base, "cost_levers_gbp")


def test_reentered_children_start_a_new_period():
    model = run(MANY_RETURNS, years=3)
    assert any(c.period >= 1 for c in model.children.values())
