"""Decision summary: probabilities, discounting, cost per outcome, and honest wording."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from results.decision import (
    GREEN_BOOK_RATE,
    DecisionSummary,
    Interval,
    OutcomeLine,
    cost_per_outcome,
    discount_factors,
    discounted_totals,
    incremental_net_benefit,
    p_better,
    p_saves,
    replicate_ratios,
    summarise_decision,
)
from results.decision_text import (
    cost_per_outcome_sentence,
    cost_sentence,
    money,
    outcome_sentence,
    summary_lines,
)

YEARS = (2025, 2026, 2027)


def _rows(cost: list[float], endings: list[float]) -> list[tuple[str, int, int, str, float]]:
    """Baseline and scenario rows whose per-year differences are constant per replicate."""
    rows = []
    for r, (c, e) in enumerate(zip(cost, endings, strict=True)):
        for y in YEARS:
            rows += [
                ("baseline", r, y, "cost_total_gbp", 1_000_000.0),
                ("s", r, y, "cost_total_gbp", 1_000_000.0 + c),
                ("baseline", r, y, "unplanned_endings", 50.0),
                ("s", r, y, "unplanned_endings", 50.0 + e),
                ("baseline", r, y, "cla_uasc", 60.0),
                ("s", r, y, "cla_uasc", 61.0),
            ]
    return rows


def test_p_better_follows_polarity_and_counts_ties_half() -> None:
    assert p_better([-1, -2, 3, 0], polarity=-1) == pytest.approx((2 + 0.5) / 4)
    assert p_better([-1, -2, 3, 0], polarity=1) == pytest.approx((1 + 0.5) / 4)
    assert p_better([0, 0, 0], -1) == 0.5  # no effect is a coin toss, not "certainly worse"
    assert p_saves([-5.0, -1.0, 2.0, -3.0]) == 0.75
    with pytest.raises(ValueError):
        p_better([1.0], 0)


def test_green_book_discounting_from_year_zero() -> None:
    assert GREEN_BOOK_RATE == 0.035
    f = discount_factors(3)
    assert f.tolist() == pytest.approx([1.0, 1 / 1.035, 1 / 1.035**2])
    totals = discounted_totals({0: {2025: 100.0, 2026: 100.0, 2027: 100.0}, 1: {2025: -10.0}})
    assert totals == pytest.approx([100 * (1 + 1 / 1.035 + 1 / 1.035**2), -10.0])


def test_summary_of_paired_rows() -> None:
    cost = [20_000.0, 30_000.0, 40_000.0, 10_000.0, 50_000.0]
    endings = [-2.0, -3.0, -4.0, -1.0, -5.0]  # every replicate: £10k per ending avoided
    s = summarise_decision(_rows(cost, endings), "baseline", "s", ["unplanned_endings", "cla_uasc"])
    assert s.replicates == 5 and s.years == YEARS
    assert s.net_cost_a_year.mean == pytest.approx(30_000.0)
    assert s.p_saves == 0.0
    factor = sum(discount_factors(3))
    assert s.net_cost_horizon.mean == pytest.approx(30_000.0 * factor)
    assert [y for y, _ in s.net_cost_by_year] == list(YEARS)
    lines = {o.indicator: o for o in s.outcomes}
    assert lines["unplanned_endings"].p_better == 1.0
    assert lines["cla_uasc"].p_better is None  # no polarity: no probability of "better"
    assert s.cost_per_outcome is not None
    assert s.cost_per_outcome.p50 == pytest.approx(10_000.0)
    assert s.net_benefit_a_year.mean == pytest.approx(-30_000.0)  # no value on outcomes
    inb = incremental_net_benefit(_rows(cost, endings), "baseline", "s", value_per_outcome=10_000)
    assert list(inb.values()) == pytest.approx([0.0] * 5)


def test_cost_per_outcome_is_the_per_replicate_ratio_and_infinite_without_gains() -> None:
    cost = list(np.linspace(1_000, 20_000, 20))
    avoided_all = [1.0] * 20
    cpo = cost_per_outcome("unplanned_endings", cost, [-a for a in avoided_all])
    ratios = np.asarray(cost)
    assert cpo.p50 == float(np.percentile(ratios, 50, method="inverted_cdf"))
    assert cpo.p5 == 1_000 and cpo.p95 == pytest.approx(19_000)
    some_none = [1.0] * 18 + [0.0, -1.0]  # 2 of 20 avoid none: 10% > 5%
    cpo = cost_per_outcome("unplanned_endings", cost, [-a for a in some_none])
    assert math.isinf(cpo.p95) and cpo.p_avoids == 0.9
    r = replicate_ratios([5.0, -5.0, -5.0, 5.0], [0.0, 0.0, -1.0, 2.0])
    assert r.tolist() == [math.inf, -math.inf, math.inf, 2.5]


def _summary(cost: Interval, p_saves_: float = 0.5) -> DecisionSummary:
    return DecisionSummary(
        scenario="s",
        baseline="b",
        replicates=200,
        years=YEARS,
        net_cost_a_year=cost,
        net_cost_by_year=(),
        net_cost_horizon=Interval(cost.mean * 2.9, cost.p5 * 2.9, cost.p95 * 2.9),
        discount_rate=0.035,
        p_saves=p_saves_,
        outcomes=(),
        cost_per_outcome=None,
        value_per_outcome=0.0,
        net_benefit_a_year=Interval(-cost.mean, -cost.p95, -cost.p5),
        p_net_benefit=p_saves_,
    )


def test_the_issue_example_is_not_called_a_saving() -> None:
    """Mean −£25k with a 90% interval of −£554k to +£448k: not a saving."""
    text = cost_sentence(_summary(Interval(-25_000, -554_000, 448_000), 0.53))
    assert "uncertain" in text and "may save or cost" in text
    assert not text.startswith("Saves") and "53%" in text
    assert "Saves £25k" in cost_sentence(_summary(Interval(-25_000, -40_000, -10_000), 1.0))
    assert "Green Book" in text and "3.5%" in text


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(0, 1e6, allow_nan=False),
    st.floats(0, 1e6, allow_nan=False),
)
def test_saving_claimed_only_when_the_interval_is_below_zero(
    mean: float, below: float, above: float
) -> None:
    cost = Interval(mean, mean - below, mean + above)
    text = cost_sentence(_summary(cost)).lower()
    if cost.p95 >= 0:
        assert not text.startswith("saves") and " saved" not in text
    if cost.p5 <= 0:
        assert not text.startswith("costs")


@given(
    st.floats(-100, 100, allow_nan=False),
    st.floats(0, 100, allow_nan=False),
    st.floats(0, 100, allow_nan=False),
)
def test_effect_claimed_only_when_the_interval_excludes_zero(
    mean: float, below: float, above: float
) -> None:
    d = Interval(mean, mean - below, mean + above)
    text = outcome_sentence(OutcomeLine("unplanned_endings", d, 0.5))
    if d.p5 <= 0 <= d.p95 and not d.p5 == d.p95 == d.mean == 0:
        assert text.startswith("No clear change")
    if d.excludes_zero():
        assert ("fewer" in text) == (d.mean < 0)


def test_outcome_and_cost_per_outcome_sentences() -> None:
    clear = OutcomeLine("unplanned_endings", Interval(-9.06, -16.8, -1.8), 0.98)
    assert outcome_sentence(clear) == (
        "9.1 fewer unplanned placement endings a year "
        "(90% interval 1.8 to 16.8 fewer; better in 98% of replicates)."
    )
    unclear = OutcomeLine("unplanned_endings", Interval(-0.8, -8.9, 3.9), 0.58)
    assert outcome_sentence(unclear).startswith("No clear change in unplanned placement endings")
    cpo = cost_per_outcome("unplanned_endings", [1000.0] * 10 + [2000.0] * 10, [-1.0] * 20)
    assert cost_per_outcome_sentence(cpo, clear).startswith("Cost per unplanned ending avoided")
    weak = cost_per_outcome("unplanned_endings", [1000.0] * 20, [-1.0] * 15 + [1.0] * 5)
    assert cost_per_outcome_sentence(weak, unclear).startswith("No cost per unplanned ending")


def test_summary_lines_and_money() -> None:
    cost = [20_000.0, -30_000.0, 40_000.0, 10_000.0, -50_000.0]
    s = summarise_decision(
        _rows(cost, [-1.0, 0.0, 1.0, -2.0, 0.5]), "baseline", "s", ["unplanned_endings"]
    )
    lines = summary_lines(s)
    assert lines[0].startswith("Net cost uncertain")
    assert any(line.startswith("No cost per unplanned ending avoided") for line in lines)
    assert money(-554_000) == "−£554k" and money(1_234_567, True) == "+£1.2m"
    assert money(950) == "£950" and money(0.4) == "£0"


def test_market_outcomes_have_a_direction_and_are_in_the_summary() -> None:
    """Children placed nearer, in suitable registered places, is better (issue 11's
    indicators), so p_better is given for them; price and occupancy have no direction."""
    from results.decision import DECISION_OUTCOMES, POLARITY
    from simulation.indicator_names import INDICATOR_UNITS

    assert set(POLARITY) <= set(INDICATOR_UNITS)
    for indicator in ("placed_outside_la_pct", "unregistered_placements", "shortfall_emergency"):
        assert POLARITY[indicator] == -1
    assert "price_residential_gbp_per_week" not in POLARITY
    assert "occupancy_residential_pct" not in POLARITY
    assert {"placed_outside_la_pct", "unregistered_placements"} <= set(DECISION_OUTCOMES)
    from results.decision_text import PHRASES

    assert set(DECISION_OUTCOMES) <= set(PHRASES)  # every summary line reads as words
    line = OutcomeLine("placed_outside_la_pct", Interval.of([-1.2, -1.4, -1.3]), 1.0)
    assert outcome_sentence(line).startswith(
        "Share of children placed outside the council's area lower by 1.3 points"
    )
    assert p_better([-1.0, -2.0, 0.0], POLARITY["unregistered_placements"]) == pytest.approx(
        (1 + 1 + 0.5) / 3
    )


def test_the_decision_summary_tells_needs_and_permanence_with_their_direction() -> None:
    from results.decision import DECISION_OUTCOMES, POLARITY
    from results.decision_text import phrase

    order = list(DECISION_OUTCOMES)
    for ind in ("long_term_stable_pct", "sdq_mean", "sdq_concern_pct", "permanence_breakdowns"):
        assert order.index(ind) < order.index("placement_moves")  # children's outcomes first
        assert ind.replace("_", " ") != phrase(ind)
    assert POLARITY["sdq_mean"] == POLARITY["permanence_breakdowns"] == -1
    assert POLARITY["long_term_stable_pct"] == POLARITY["needs_improved_pct"] == 1
