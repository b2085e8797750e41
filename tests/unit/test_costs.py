"""Costs: the ledger prices placements, staff and levers; never negative."""

from tests.engine_helpers import run, total, yearly

COSTS = ("cost_total_gbp", "cost_placements_gbp", "cost_workforce_gbp", "cost_levers_gbp")


def test_costs_are_positive_and_add_up():
    model = run({}, years=2)
    for name in COSTS:
        assert all(v >= 0 for v in yearly(model, name))
    for t, p, w, lv in zip(*(yearly(model, n) for n in COSTS), strict=True):
        assert abs(t - (p + w + lv)) < 1e-6 * t


def test_doubling_every_weekly_price_doubles_placement_spend_only():
    base = run({}, years=1)
    prices = [2 * x for x in (300.0, 600.0, 820.0, 6123.0, 1500.0, 100.0, 3000.0, 600.0)]
    dear = run(
        {
            "costs.weekly_gbp": prices,
            "costs.inhouse_residential_weekly_gbp": 9000.0,
            "costs.staying_put_gbp_per_year": 2 * 8222.0,
            "market.unregistered_gbp_per_week": 2 * 10000.0,
        },
        years=1,
    )
    ratio = total(dear, "cost_placements_gbp") / total(base, "cost_placements_gbp")
    assert abs(ratio - 2.0) < 1e-9
    assert total(dear, "unplanned_endings") == total(base, "unplanned_endings")


def test_hand_computed_workforce_cost_without_turnover():
    # 30,000 children: 53 FTE, 8 agency (15.5%); no turnover: 45 x 62,000 + 8 x 90,000 per
    # 365.25 days, over the 365 days from 1 April 2024 to 31 March 2025.
    model = run({"workforce.turnover_per_year": 0.0}, years=1)
    expected = (45 * 62000 + 8 * 90000) * 365 / 365.25
    assert abs(total(model, "cost_workforce_gbp") - expected) < 1.0
