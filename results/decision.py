"""The decision summary: what a scenario costs, what it changes for children, and how sure we are.

Everything here is computed from paired replicates (scenario_r − baseline_r, the same seeds,
calibrated member and assumption draws in both), so each probability is a share of replicates:

* ``p_better``: the share of replicates in which the scenario improves an outcome, by the
  outcome's polarity (:data:`POLARITY`: fewer unplanned endings is better, more kinship care is
  better); a replicate with no difference counts one half (as a probability of superiority
  does), so a scenario that changes nothing scores 0.5, not 0.
* ``p_saves``: the same for the net cost (lower is better).
* **Net cost** a year (the mean over the horizon of each replicate's yearly difference) and
  **over the horizon**, discounted at the HM Treasury Green Book social time preference rate,
  3.5% a year in real terms for years 0–30 (PF:appraisal.discount_rate_stpr): the first
  simulated year is year 0 (undiscounted), the next is divided by 1.035, and so on. Costs are
  in constant prices of one price base (calibration.prices), so a real rate is the right one.
* **Cost per outcome avoided**: the 5th, 50th and 95th percentiles of the per-replicate ratio
  net cost / outcomes avoided (:func:`replicate_ratios`: a replicate that avoids none counts as
  infinitely costly, so the 95th percentile is infinite when more than 5% avoid none:
  "no value per outcome makes it worth it in 95% of replicates"). Inverted-CDF percentiles (a
  replicate's own value, no interpolation), so infinite ratios order correctly.
* **Incremental net benefit** at a stated value per outcome avoided: ``value × avoided − cost``.

Intervals are 90% (5th to 95th percentiles of the replicates), as in ``comparison.csv``. The
wording helpers never call something a saving, or an effect a change, unless the 90% interval
lies wholly on that side of zero.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

GREEN_BOOK_RATE = 0.035
GREEN_BOOK = "HM Treasury Green Book social time preference rate, 3.5% a year real (years 0-30)"
COST = "cost_total_gbp"
PRIMARY_OUTCOME = "unplanned_endings"
CLEAR = 0.95  # a share of replicates counted as "clear" where a sentence needs one

# +1: more is better; -1: fewer is better. Indicators not listed have no polarity (p_better
# is left empty): e.g. children in care by age, where neither direction is a policy aim.
POLARITY: dict[str, int] = {
    "placement_moves": -1,
    "unplanned_endings": -1,
    "placements_3plus_pct": -1,
    "long_term_stable_pct": 1,
    "cla_foster_agency": -1,
    "cla_residential": -1,
    "cla_foster_kinship": 1,
    "returns_home_breakdown": -1,
    "reentries_within_12m": -1,
    "caseload_mean": -1,
    "sw_changes_3plus_pct": -1,
    "sw_turnover_pct": -1,
    "sw_vacancy_pct": -1,
    "agency_share_pct": -1,
    "carer_households_inhouse": 1,
    "carer_households": 1,
    "carer_deregistrations": -1,
    "carer_deregistration_pct": -1,
    "carer_approvals": 1,
    "carer_approvals_inhouse": 1,
    "mean_match_quality": 1,
    "wellbeing_mean": 1,
    # needs and permanence (issue 12): lower SDQ, fewer breakdowns are better
    "sdq_mean": -1,
    "sdq_concern_pct": -1,
    "sdq_borderline_pct": -1,
    "needs_improved_pct": 1,
    "assessment_mismatch_pct": -1,
    "permanence_breakdowns": -1,
    "permanence_breakdowns_adoption": -1,
    "permanence_breakdowns_sgo": -1,
    "permanence_breakdowns_cao": -1,
    # the care market (issue 11): nearer, suitable, registered places are better
    **{
        f"placed_{where}{group}_pct": -1
        for where in ("outside_la", "20_miles_plus")
        for group in ("", "_foster", "_residential")
    },
    "unregistered_placements": -1,
    "cla_unregistered": -1,
    "placement_shortfall_days": -1,
    **{
        f"shortfall_{path}": -1
        for path in ("outside_area", "less_suitable", "emergency", "unregistered")
    },
    **{
        f"cost_{part}_gbp": -1
        for part in (
            "total",
            "placements",
            "workforce",
            "levers",
            "placements_kinship",
            "placements_inhouse",
            "placements_agency",
            "placements_residential",
            "placements_supported",
            "placements_other",
        )
    },
}

IndicatorRow = tuple[str, int, int, str, float]  # scenario, replicate, year, indicator, value

# The children's outcomes a decision summary reports (those a run has), in this order.
DECISION_OUTCOMES = (
    "unplanned_endings",
    "placements_3plus_pct",
    "long_term_stable_pct",
    "sdq_mean",
    "sdq_concern_pct",
    "permanence_breakdowns",
    "placement_moves",
    "cla_foster_agency",
    "cla_residential",
    "cla_foster_kinship",
    "placed_outside_la_pct",
    "unregistered_placements",
    "placement_shortfall_days",
    "reentries_within_12m",
    "carer_households_inhouse",
    "carer_deregistrations",
    "caseload_mean",
    "sw_changes_3plus_pct",
)


def check_outcome(outcome: str, value_per_outcome: float) -> None:
    """The outcome a cost per outcome is given for must have a polarity; the value >= 0."""
    from simulation.errors import CarepathsError

    if outcome not in POLARITY or outcome.startswith("cost_"):
        allowed = ", ".join(sorted(p for p in POLARITY if not p.startswith("cost_")))
        raise CarepathsError(
            f"--outcome {outcome!r} is not an outcome with a direction; use one of {allowed}"
        )
    if not value_per_outcome >= 0:
        raise CarepathsError(
            f"--value-per-outcome must be 0 or more (GBP), got {value_per_outcome}"
        )


@dataclass(frozen=True)
class Interval:
    """Mean and 90% interval (5th, 95th percentiles) of paired replicate differences."""

    mean: float
    p5: float
    p95: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Interval:
        arr = np.asarray(values, dtype=float)
        p5, p95 = (float(v) for v in np.percentile(arr, (5.0, 95.0)))
        return cls(float(arr.mean()), p5, p95)

    def excludes_zero(self) -> bool:
        return self.p5 > 0 or self.p95 < 0


@dataclass(frozen=True)
class OutcomeLine:
    """One outcome's paired difference a year (or mean level), with its probability."""

    indicator: str
    difference: Interval
    p_better: float | None  # None: no polarity


@dataclass(frozen=True)
class CostPerOutcome:
    """Percentiles of the per-replicate cost per outcome avoided (inf: never reached)."""

    indicator: str
    p5: float
    p50: float
    p95: float
    p_avoids: float  # share of replicates that avoid at least some outcomes


@dataclass(frozen=True)
class DecisionSummary:
    """A scenario's decision summary against the baseline."""

    scenario: str
    baseline: str
    replicates: int
    years: tuple[int, ...]
    net_cost_a_year: Interval
    net_cost_by_year: tuple[tuple[int, Interval], ...]
    net_cost_horizon: Interval  # discounted at ``discount_rate``
    discount_rate: float
    p_saves: float
    outcomes: tuple[OutcomeLine, ...]
    cost_per_outcome: CostPerOutcome | None
    value_per_outcome: float
    net_benefit_a_year: Interval
    p_net_benefit: float
    price_base: str = ""


# ---------------------------------------------------------------------------- probabilities


def p_better(diffs: Sequence[float], polarity: int) -> float:
    """Share of replicates where the difference is in the better direction (ties count 1/2)."""
    if polarity not in (-1, 1):
        raise ValueError(f"polarity must be -1 or +1, got {polarity}")
    arr = np.asarray(diffs, dtype=float) * polarity
    if arr.size == 0:
        raise ValueError("p_better needs at least one replicate")
    return float((np.sum(arr > 0) + 0.5 * np.sum(arr == 0)) / arr.size)


def p_saves(cost_diffs: Sequence[float]) -> float:
    """Share of replicates in which the scenario costs less than the baseline (ties 1/2)."""
    return p_better(cost_diffs, -1)


def polarity_of(indicator: str) -> int | None:
    return POLARITY.get(indicator)


# ---------------------------------------------------------------------------- money over time


def discount_factors(n_years: int, rate: float = GREEN_BOOK_RATE) -> np.ndarray:
    """1 / (1 + rate)^t for t = 0 .. n_years-1 (the first simulated year undiscounted)."""
    if rate < 0:
        raise ValueError(f"discount rate must be 0 or more, got {rate}")
    return 1.0 / (1.0 + rate) ** np.arange(n_years)


def discounted_totals(
    by_year: Mapping[int, Mapping[int, float]], rate: float = GREEN_BOOK_RATE
) -> list[float]:
    """Each replicate's discounted total over the years it has (replicate -> year -> diff)."""
    out = []
    for rep in sorted(by_year):
        years = sorted(by_year[rep])
        factors = discount_factors(len(years), rate)
        out.append(float(sum(f * by_year[rep][y] for f, y in zip(factors, years, strict=True))))
    return out


# ---------------------------------------------------------------------------- cost per outcome


def acceptability(cost: Sequence[float], avoided: Sequence[float], value: float) -> float:
    """Share of replicates whose net benefit ``value * avoided - cost`` is positive."""
    c, a = np.asarray(cost, dtype=float), np.asarray(avoided, dtype=float)
    return float(np.mean(value * a - c > 0))


def replicate_ratios(cost: Sequence[float], avoided: Sequence[float]) -> np.ndarray:
    """Each replicate's net cost per outcome avoided, as an extended real: ``cost / avoided``
    where outcomes are avoided; ``+inf`` where none are and it does not save money (never worth
    it), or saves money but loses outcomes (a trade the other way, not a cost per outcome
    avoided); ``-inf`` where it saves money and loses none (worth it at any value)."""
    c, a = np.asarray(cost, dtype=float), np.asarray(avoided, dtype=float)
    out = np.full(c.shape, math.inf)
    gain = a > 0
    out[gain] = c[gain] / a[gain]
    out[(a == 0) & (c < 0)] = -math.inf
    return out


def cost_per_outcome(
    indicator: str, cost: Sequence[float], diffs: Sequence[float]
) -> CostPerOutcome:
    """Cost per outcome avoided; ``diffs`` are the outcome's differences (avoided = better)."""
    polarity = POLARITY.get(indicator, -1)
    avoided = [polarity * d for d in diffs]
    ratios = replicate_ratios(cost, avoided)
    p5, p50, p95 = (
        float(np.percentile(ratios, q, method="inverted_cdf")) for q in (5.0, 50.0, 95.0)
    )
    p_avoids = float(np.mean(np.asarray(avoided) > 0))
    return CostPerOutcome(indicator, p5, p50, p95, p_avoids)


# ---------------------------------------------------------------------------- the summary


def paired_by_year(
    rows: Iterable[IndicatorRow], baseline: str, scenario: str, indicator: str
) -> dict[int, dict[int, float]]:
    """replicate -> year -> scenario − baseline, for the replicates and years both have."""
    values: dict[str, dict[int, dict[int, float]]] = {
        baseline: defaultdict(dict),
        scenario: defaultdict(dict),
    }
    for name, rep, year, ind, value in rows:
        if ind == indicator and name in values:
            values[name][int(rep)][int(year)] = float(value)
    base, scen = values[baseline], values[scenario]
    out: dict[int, dict[int, float]] = {}
    for rep in sorted(set(base) & set(scen)):
        years = sorted(set(base[rep]) & set(scen[rep]))
        if years:
            out[rep] = {y: scen[rep][y] - base[rep][y] for y in years}
    return out


def _yearly_mean(by_year: Mapping[int, Mapping[int, float]]) -> list[float]:
    return [sum(d.values()) / len(d) for _, d in sorted(by_year.items())]


def summarise_decision(
    rows: Sequence[IndicatorRow],
    baseline: str,
    scenario: str,
    outcomes: Iterable[str],
    primary: str = PRIMARY_OUTCOME,
    value_per_outcome: float = 0.0,
    rate: float = GREEN_BOOK_RATE,
    price_base: str = "",
) -> DecisionSummary:
    """The decision summary of ``scenario`` against ``baseline`` from indicator rows."""
    cost = paired_by_year(rows, baseline, scenario, COST)
    if not cost:
        raise ValueError(f"no paired {COST} rows for {scenario} against {baseline}")
    reps = sorted(cost)
    cost_year = _yearly_mean(cost)
    years = tuple(sorted({y for d in cost.values() for y in d}))
    by_year = tuple((y, Interval.of([cost[r][y] for r in reps if y in cost[r]])) for y in years)
    lines = []
    primary_diffs: list[float] | None = None
    for indicator in outcomes:
        paired = paired_by_year(rows, baseline, scenario, indicator)
        if not paired:
            continue
        diffs = _yearly_mean(paired)
        polarity = POLARITY.get(indicator)
        pb = p_better(diffs, polarity) if polarity is not None else None
        lines.append(OutcomeLine(indicator, Interval.of(diffs), pb))
        if indicator == primary and set(paired) == set(reps):
            primary_diffs = diffs
    cpo = cost_per_outcome(primary, cost_year, primary_diffs) if primary_diffs else None
    avoided = [POLARITY.get(primary, -1) * d for d in primary_diffs] if primary_diffs else []
    inb = [value_per_outcome * a - c for a, c in zip(avoided, cost_year, strict=True)]
    inb = inb or [-c for c in cost_year]
    return DecisionSummary(
        scenario=scenario,
        baseline=baseline,
        replicates=len(reps),
        years=years,
        net_cost_a_year=Interval.of(cost_year),
        net_cost_by_year=by_year,
        net_cost_horizon=Interval.of(discounted_totals(cost, rate)),
        discount_rate=rate,
        p_saves=p_saves(cost_year),
        outcomes=tuple(lines),
        cost_per_outcome=cpo,
        value_per_outcome=value_per_outcome,
        net_benefit_a_year=Interval.of(inb),
        p_net_benefit=float(np.mean(np.asarray(inb) > 0)),
        price_base=price_base,
    )


def incremental_net_benefit(
    rows: Sequence[IndicatorRow],
    baseline: str,
    scenario: str,
    primary: str = PRIMARY_OUTCOME,
    value_per_outcome: float = 0.0,
) -> dict[int, float]:
    """replicate -> yearly INB ``value × outcomes avoided − net cost`` (for EVPPI)."""
    cost = paired_by_year(rows, baseline, scenario, COST)
    outcome = paired_by_year(rows, baseline, scenario, primary) if value_per_outcome else {}
    polarity = POLARITY.get(primary, -1)
    out = {}
    for rep, by_year in sorted(cost.items()):
        c = sum(by_year.values()) / len(by_year)
        gain = 0.0
        if value_per_outcome:
            o = outcome.get(rep)
            if not o:
                continue
            gain = value_per_outcome * polarity * sum(o.values()) / len(o)
        out[rep] = gain - c
    return out
