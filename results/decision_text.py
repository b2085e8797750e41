"""Words for the decision summary that never claim more than the intervals support.

A saving is called a saving only when the whole 90% interval of the net cost is below zero; an
outcome is said to improve (or worsen) only when the whole 90% interval of its difference is on
that side of zero. Otherwise the sentence says the interval includes no change and gives the
share of replicates in which the scenario is better. Plain text: callers escape it for HTML and
print it without console markup.
"""

from __future__ import annotations

import math

from results.decision import (
    CLEAR,
    POLARITY,
    CostPerOutcome,
    DecisionSummary,
    Interval,
    OutcomeLine,
)
from simulation.indicator_names import FLOW_INDICATORS, unit_of

# Noun phrases for sentences ("9.1 fewer unplanned placement endings a year").
PHRASES: dict[str, str] = {
    "placement_moves": "placement moves",
    "unplanned_endings": "unplanned placement endings",
    "placements_3plus_pct": "children with 3 or more placements in the year",
    "long_term_stable_pct": "share of children in long-term stable placements",
    "sdq_mean": "mean SDQ score of children aged 5-16 in care a year or more",
    "sdq_concern_pct": "share of those children with an SDQ of 17 or more",
    "permanence_breakdowns": "adoptions, special guardianships and CAOs that broke down",
    "cla_foster_agency": "children in agency foster care",
    "cla_residential": "children in children's homes",
    "cla_foster_kinship": "children in kinship foster care",
    "returns_home_breakdown": "returns home that broke down",
    "reentries_within_12m": "re-entries to care within 12 months",
    "caseload_mean": "cases per social worker",
    "sw_changes_3plus_pct": "children with 3 or more social workers in the year",
    "carer_households_inhouse": "in-house foster-carer households",
    "carer_households": "foster-carer households",
    "carer_deregistrations": "carer deregistrations",
    "placed_outside_la_pct": "share of children placed outside the council's area",
    "placed_20_miles_plus_pct": "share of children placed 20 miles or more from home",
    "unregistered_placements": "children placed in unregistered settings",
    "cla_unregistered": "children in unregistered settings",
    "placement_shortfall_days": "days children wait in a placement that does not fit",
    "cost_placements_residential_gbp": "children's home cost",
    "cost_total_gbp": "total cost",
}
SINGULAR: dict[str, str] = {"unplanned_endings": "unplanned ending"}


def phrase(indicator: str) -> str:
    return PHRASES.get(indicator, indicator.replace("_", " "))


def money(value: float, signed: bool = False) -> str:
    """'£1.2m', '£554k', '£5.3k', '£950'; a minus sign (−) for negatives, '+' if ``signed``."""
    if math.isinf(value):
        return "no finite amount"
    v = abs(value)
    if v >= 1e6:
        body = f"£{v / 1e6:,.1f}m"
    elif v >= 1e4:
        body = f"£{v / 1e3:,.0f}k"
    elif v >= 1e3:
        body = f"£{v / 1e3:,.1f}k"
    else:
        body = f"£{v:,.0f}"
    if body in ("£0", "£0k"):
        return "£0"
    return ("−" if value < 0 else "+" if signed else "") + body


def amount(value: float, unit: str, signed: bool = False) -> str:
    """A number in its unit for a sentence: money, percentage points, or a count."""
    if unit == "GBP":
        return money(value, signed)
    v = abs(value)
    text = f"{v:,.0f}" if v >= 100 else f"{v:,.1f}" if v >= 1 else f"{v:,.2f}"
    if unit == "percent":
        text += " points"
    if float(text.split()[0].replace(",", "")) == 0:
        return text
    return ("−" if value < 0 else "+" if signed else "") + text


def percent(p: float) -> str:
    return f"{100 * p:.0f}%"


def cost_sentence(summary: DecisionSummary) -> str:
    """Net cost a year and over the horizon; 'saves' only when the interval is below zero."""
    c, h = summary.net_cost_a_year, summary.net_cost_horizon
    years = len(summary.years)
    rate = f"{100 * summary.discount_rate:g}%"
    discounted = f"discounted at {rate} a year (HM Treasury Green Book)"
    base = f" ({summary.price_base})" if summary.price_base else ""
    if c.p95 < 0:
        return (
            f"Saves {money(-c.mean)} a year{base}, 90% interval {money(-c.p95)} to "
            f"{money(-c.p5)} saved; over {years} years {money(-h.mean)} saved "
            f"(90% interval {money(-h.p95)} to {money(-h.p5)}), {discounted}."
        )
    if c.p5 > 0:
        return (
            f"Costs {money(c.mean)} more a year{base}, 90% interval {money(c.p5)} to "
            f"{money(c.p95)}; over {years} years {money(h.mean)} more "
            f"(90% interval {money(h.p5)} to {money(h.p95)}), {discounted}."
        )
    return (
        f"Net cost uncertain: {money(c.mean, True)} a year{base}, 90% interval "
        f"{money(c.p5, True)} to {money(c.p95, True)}, so it may save or cost money (it "
        f"costs less in {percent(summary.p_saves)} of replicates); over {years} years "
        f"{money(h.mean, True)} (90% interval {money(h.p5, True)} to {money(h.p95, True)}), "
        f"{discounted}."
    )


def outcome_sentence(line: OutcomeLine) -> str:
    """'9.1 fewer unplanned placement endings a year (90% interval 1.8 to 16.8 fewer; better
    in 98% of replicates)' or 'no clear change in ...'."""
    d, ind = line.difference, line.indicator
    unit = unit_of(ind)
    when = " a year" if ind in FLOW_INDICATORS else ""
    better = (
        f"better in {percent(line.p_better)} of replicates" if line.p_better is not None else ""
    )
    if d.p5 == d.p95 == d.mean == 0:
        return f"No change in {phrase(ind)} in any replicate."
    if d.excludes_zero():
        word = "more" if d.mean > 0 else "fewer"
        if unit in ("GBP", "percent") or ind in ("caseload_mean", "sdq_mean"):
            word = "higher" if d.mean > 0 else "lower"
            lead = (
                f"{phrase(ind)[0].upper()}{phrase(ind)[1:]} {word} by {amount(abs(d.mean), unit)}"
            )
        else:
            lead = f"{amount(abs(d.mean), unit)} {word} {phrase(ind)}"
        lo, hi = sorted((abs(d.p5), abs(d.p95)))
        tail = f"; {better}" if better else ""
        return f"{lead}{when} (90% interval {amount(lo, unit)} to {amount(hi, unit)} {word}{tail})."
    tail = f"; {better}" if better else ""
    return (
        f"No clear change in {phrase(ind)}: {amount(d.mean, unit, True)}{when}, 90% interval "
        f"{amount(d.p5, unit, True)} to {amount(d.p95, unit, True)} includes no change{tail}."
    )


def cost_per_outcome_sentence(cpo: CostPerOutcome | None, outcome: OutcomeLine | None) -> str:
    """Cost per outcome avoided with its interval, or why none is given."""
    if cpo is None or outcome is None:
        return "No cost per outcome avoided: the outcome is not in this run."
    name = SINGULAR.get(cpo.indicator, phrase(cpo.indicator))
    if cpo.p_avoids < CLEAR or not _improves(outcome):
        return (
            f"No cost per {name} avoided is given: {phrase(cpo.indicator)} fall in "
            f"{percent(cpo.p_avoids)} of replicates, and a clear fall needs {percent(CLEAR)}."
        )
    if cpo.p95 <= 0:
        return f"Avoids {phrase(cpo.indicator)} at no extra cost in at least 95% of replicates."
    high = money(cpo.p95) if math.isfinite(cpo.p95) else "no finite amount"
    if cpo.p5 >= 0:
        return (
            f"Cost per {name} avoided: {money(cpo.p50)} (median; 90% interval "
            f"{money(cpo.p5)} to {high})."
        )
    low = money(-cpo.p5) if math.isfinite(cpo.p5) else "any amount"
    return (
        f"Cost per {name} avoided: median {money(cpo.p50, True)}; 90% interval from a saving "
        f"of {low} to a cost of {high} per {name}, so it may save or cost money."
    )


def _improves(line: OutcomeLine) -> bool:
    polarity = POLARITY.get(line.indicator)
    d: Interval = line.difference
    return polarity is not None and d.excludes_zero() and d.mean * polarity > 0


def net_benefit_sentence(summary: DecisionSummary) -> str:
    """The incremental net benefit at the stated value per outcome avoided."""
    nb = summary.net_benefit_a_year
    name = (
        SINGULAR.get(summary.cost_per_outcome.indicator, "outcome")
        if summary.cost_per_outcome
        else "outcome"
    )
    value = (
        f"valuing each {name} avoided at {money(summary.value_per_outcome)}"
        if summary.value_per_outcome
        else "with no money value put on outcomes (so net benefit is the money saved)"
    )
    return (
        f"Net benefit {value}: {money(nb.mean, True)} a year (90% interval "
        f"{money(nb.p5, True)} to {money(nb.p95, True)}); positive in "
        f"{percent(summary.p_net_benefit)} of replicates."
    )


def summary_lines(summary: DecisionSummary) -> list[str]:
    """The summary as sentences: cost, each outcome, cost per outcome, net benefit."""
    primary = next(
        (
            o
            for o in summary.outcomes
            if summary.cost_per_outcome and o.indicator == summary.cost_per_outcome.indicator
        ),
        None,
    )
    lines = [cost_sentence(summary)]
    lines += [outcome_sentence(o) for o in summary.outcomes if o.indicator != "cost_total_gbp"]
    lines.append(cost_per_outcome_sentence(summary.cost_per_outcome, primary))
    lines.append(net_benefit_sentence(summary))
    return lines
