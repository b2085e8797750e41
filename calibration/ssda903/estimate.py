"""Parameters from a council's own SSDA903 episodes: direct estimates and hazard scales.

Two kinds of estimate, each returned as parameter changes (dotted path -> value) with a source:

1. **Direct** (:func:`direct_estimates`): what the episodes state outright — starts per
   10,000 children a year, the UASC share of starts, non-UASC starts by age band (and the
   share of those under 1 who entered in their first week, ``entry.newborn_share``), legal status
   at entry, the share first placed with parents, disabled children (CIN N2), needs on the SDQ
   scale where OC2 has scores (Beta by moments of SDQ/40), the time from entry to a placement
   for adoption and from placement to the order, and the starting stock (rate, age, UASC and
   placement mix) on the start date. The area's child population is not in SSDA903: it is
   given (``population``) or set so the stock is at England's 2024 rate of 70 per 10,000.
2. **Hazard scales by simulation** (:func:`fit_hazards`): disruption by placement group, return
   home by time in care, SGO, CAO, other exits by age, adoption, re-entry after return and
   changes of social worker are measured on the council's episodes and on the model's own
   synthetic SSDA903 for the same area (:mod:`calibration.ssda903.measure`, the same
   function); each parameter is scaled by observed ÷ simulated and the step repeated, so
   the factors the model multiplies each hazard by are carried without being restated.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from calibration.direct import MIN_UNDER_1_STARTS
from calibration.ssda903 import codes
from calibration.ssda903.measure import Measures, Rate, measure, periods_of, stock_on
from calibration.ssda903.reader import SSDA903Data, from_tables
from simulation.agents import YEAR_DAYS, Group, age_band
from simulation.params import Parameters, spec_of
from simulation.rules.entry import NEWBORN_DAYS

ENGLAND_RATE_PER_10K = 70.0  # DfE CLA 2024: 83,630 looked after, 70 per 10,000 children
MIN_EVENTS = 5  # fewer events than this: the hazard is left as it is (too noisy to scale)


@dataclass
class Estimate:
    changes: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def set(self, path: str, value: Any, source: str) -> None:
        self.changes[path] = value
        self.sources[path] = source


def window(data: SSDA903Data) -> tuple[date, date]:
    """1 April of the first collection year read to 31 March of the last."""
    return date(data.years[0] - 1, 4, 1), date(data.years[-1], 3, 31)


def _shares(counts: Counter[Any], keys: tuple[Any, ...]) -> tuple[float, ...] | None:
    total = sum(counts[k] for k in keys)
    if total <= 0:
        return None
    return tuple(round(counts[k] / total, 4) for k in keys)


def direct_estimates(data: SSDA903Data, start: date, population: float | None = None) -> Estimate:
    """Parameter changes the episodes give directly (see the module docstring)."""
    est = Estimate()
    first, last = window(data)
    label = f"SSDA903 {first:%d/%m/%Y}-{last:%d/%m/%Y}"
    stock = stock_on(data.children, start)
    if not stock:
        from simulation.errors import DataError

        raise DataError(
            f"no child is in care on the start date {start:%d/%m/%Y} in the SSDA903 files "
            f"(collection years {data.years[0]}-{data.years[-1]}): choose --start within them"
        )
    if population is None:
        population = len(stock) / ENGLAND_RATE_PER_10K * 10_000
        pop_source = (
            f"not in SSDA903: {len(stock)} in care on {start:%d/%m/%Y} at England's 2024 "
            f"rate of {ENGLAND_RATE_PER_10K:g} per 10,000 (give --population to set it)"
        )
    else:
        pop_source = "given by the user (--population)"
    est.set("area.population_0_17", max(100, round(population)), pop_source)
    scale = population / 10_000
    _stock(est, stock, scale, start)
    _entries(est, data, first, last, scale, label)
    _adoption_times(est, data, first, last, label)
    _needs(est, data, label)
    return est


def _stock(
    est: Estimate, stock: list[tuple[int, int, bool, float]], scale: float, start: date
) -> None:
    src = f"SSDA903 children in care on {start:%d/%m/%Y}"
    est.set("area.cla_per_10k_start", round(len(stock) / scale, 3), src)
    uasc = sum(1 for s in stock if s[2])
    est.set("area.uasc_stock_share", round(uasc / len(stock), 4), src)
    ages = _shares(Counter(s[0] for s in stock if not s[2]), (0, 1, 2, 3, 4))
    if ages:
        est.set("area.stock_age_shares", ages, src + " by age band, less UASC")
    groups = _shares(Counter(s[1] for s in stock), tuple(range(len(Group))))
    if groups:
        est.set("area.stock_placement_shares", groups, src + " by placement group")
    # the aggregate table the population builder starts from: counts by row (age band less
    # UASC, then UASC) and placement group, and mean years in care by row
    table = [0.0] * (6 * len(Group))
    years = [0.0] * 6
    n = [0] * 6
    for band, group, uasc_child, in_care in stock:
        row = 5 if uasc_child else band
        table[row * len(Group) + group] += 1
        years[row] += in_care
        n[row] += 1
    est.set(
        "area.stock_placement_by_age",
        tuple(table),
        src + ": counts by age band "
        "(less UASC, then UASC) and placement group (no child-level record is kept)",
    )
    est.set(
        "area.stock_years_in_care",
        tuple(round(years[r] / n[r], 3) if n[r] else 0.0 for r in range(6)),
        src + ": mean years since the period of care began, by the same rows",
    )


_LEGAL_ORDER = ("s20", "care_order", "police_protection", "youth_justice")


def _entries(
    est: Estimate, data: SSDA903Data, first: date, last: date, scale: float, label: str
) -> None:
    years = (last - first).days / 365.25
    starts = 0
    uasc = 0
    ages: Counter[int] = Counter()
    legal: Counter[str] = Counter()
    with_parents = 0
    disabled = 0
    newborn = 0
    under_1_first = 0
    for child in data.children:
        for k, period in enumerate(periods_of(child)):
            if not (first <= period.start <= last):
                continue
            starts += 1
            uasc += child.uasc
            if not child.uasc:
                days_old = (period.start - child.dob).days
                ages[age_band(days_old / 365.25)] += 1
                if k == 0 and days_old < 365:  # a first entry (the share is of new entrants)
                    under_1_first += 1
                    newborn += days_old <= NEWBORN_DAYS  # whole days: 0-7 is the first week
            legal[period.legal if period.legal in _LEGAL_ORDER else "care_order"] += 1
            if period.placements and period.placements[0].group == Group.WITH_PARENTS:
                with_parents += 1
            disabled += period.cin == "N2"
    if starts == 0:
        return
    est.set(
        "entry.starts_per_10k_per_year",
        round(starts / years / scale, 3),
        f"{label}: {starts} periods of care started in {years:.2f} years",
    )
    est.set("entry.uasc_share", round(uasc / starts, 4), f"{label}: UASC share of starts")
    shares = _shares(ages, (0, 1, 2, 3, 4))
    if shares:
        est.set("entry.age_shares_non_uasc", shares, f"{label}: non-UASC starts by age band")
    if under_1_first >= MIN_UNDER_1_STARTS:  # the model's mixture: P(week) = s + (1 - s) w
        w = (NEWBORN_DAYS + 1) / 365.25
        share = min(1.0, max(0.0, (newborn / under_1_first - w) / (1.0 - w)))
        est.set(
            "entry.newborn_share",
            round(share, 4),
            f"{label}: {newborn} of {under_1_first} first entries under 1 (non-UASC) began "
            f"within {NEWBORN_DAYS:g} days of birth (DECOM - DOB), less the uniform rest's share",
        )
    legal_shares = _shares(legal, _LEGAL_ORDER)
    if legal_shares:
        est.set(
            "entry.legal_status_shares",
            legal_shares,
            f"{label}: legal status at entry (V2/V3/V4 s20; C1/C2/D1/E1 care order; "
            "L1-L3 police protection; J1-J3 youth justice)",
        )
    est.set(
        "entry.placed_with_parents_share",
        round(with_parents / starts, 4),
        f"{label}: starts first placed with parents (P1)",
    )
    est.set(
        "entry.disability_share",
        round(disabled / starts, 4),
        f"{label}: starts whose category of need is the child's disability (N2)",
    )


def _adoption_times(est: Estimate, data: SSDA903Data, first: date, last: date, label: str) -> None:
    to_placement: list[float] = []
    placed_to_order: list[float] = []
    for child in data.children:
        for period in periods_of(child):
            placed = next((p for p in period.placements if p.group == Group.ADOPTION), None)
            if placed is None:
                continue
            if first <= placed.start <= last:
                to_placement.append((placed.start - period.start).days)
            if period.rec in ("E11", "E12") and period.end and first <= period.end <= last:
                placed_to_order.append((period.end - placed.start).days)
    if len(to_placement) >= MIN_EVENTS:
        est.set(
            "exits.days_to_placement_for_adoption",
            round(sum(to_placement) / len(to_placement), 1),
            f"{label}: mean days from entry to a placement for adoption "
            f"({len(to_placement)} placements)",
        )
    if len(placed_to_order) >= MIN_EVENTS:
        est.set(
            "exits.days_placed_to_adoption_order",
            round(sum(placed_to_order) / len(placed_to_order), 1),
            f"{label}: mean days placed before the adoption order "
            f"({len(placed_to_order)} adoptions)",
        )


def _needs(est: Estimate, data: SSDA903Data, label: str) -> None:
    scores = [s / 40.0 for child in data.children for s in child.sdq.values()]
    if len(scores) < 30:
        return
    m = sum(scores) / len(scores)
    v = sum((x - m) ** 2 for x in scores) / (len(scores) - 1)
    if not (0 < m < 1) or v <= 0 or v >= m * (1 - m):
        return
    k = m * (1 - m) / v - 1
    src = (
        f"{label}: Beta by moments of SDQ/40 over {len(scores)} OC2 scores "
        f"(mean SDQ {40 * m:.1f}); the model's needs index is SDQ/40"
    )
    est.set("entry.needs_beta_a", round(max(0.1, m * k), 3), src)
    est.set("entry.needs_beta_b", round(max(0.1, (1 - m) * k), 3), src)


# ----------------------------------------------------------------------------- hazard scales
@dataclass(frozen=True)
class HazardKnob:
    """A rate measured alike in the data and the model, and the parameter it scales."""

    rate: str  # a key of Measures.rates
    path: str
    index: int | None = None  # one element of a tuple (None: the value or every element)


HAZARD_KNOBS: tuple[HazardKnob, ...] = (
    *(
        HazardKnob(f"unplanned.{name}", "endings.disruption_per_year", i)
        for i, name in enumerate(
            ("kinship", "inhouse", "agency", "residential", "supported", "with_parents", "other")
        )
    ),
    HazardKnob("exit.returned_home.0", "exits.return_home_per_year", 0),
    HazardKnob("exit.returned_home.1", "exits.return_home_per_year", 1),
    HazardKnob("exit.returned_home.2", "exits.return_home_per_year", 2),
    HazardKnob("exit.sgo.kinship", "exits.sgo_per_year", 0),
    HazardKnob("exit.sgo.foster", "exits.sgo_per_year", 1),
    HazardKnob("exit.cao", "exits.cao_per_year"),
    HazardKnob("exit.other.0", "exits.other_per_year", 0),
    HazardKnob("exit.other.1", "exits.other_per_year", 1),
    HazardKnob("exit.adopted", "exits.adoption_plan_probability"),
    HazardKnob("reentry.0", "reunification.reentry_per_year", 0),
    HazardKnob("reentry.1", "reunification.reentry_per_year", 1),
    HazardKnob("sw_change", "workforce.internal_change_per_year"),
)


@dataclass
class HazardFit:
    """Scaled hazard parameters, the multiplier of each knob and how sure it is."""

    changes: dict[str, Any]
    sources: dict[str, str]
    multipliers: dict[str, float]  # knob rate -> total multiplier on the starting value
    rse: dict[str, float]  # knob rate -> relative standard error of the last ratio
    observed: Measures
    simulated: Measures


Simulate = Callable[[Parameters], Measures]


def simulated_measures(
    params: Parameters, years: int, reps: int, seed: int, start: date
) -> Measures:
    """The model's own synthetic SSDA903 for ``params`` measured like the council's: ``reps``
    replicates of ``years`` DfE years from ``start`` pooled (events and years at risk add)."""
    from results.ssda903_out import record_replicate
    from simulation.executor import Task

    pooled: Measures | None = None
    for r in range(reps):
        _, tables = record_replicate(Task("ssda903-fit", params, years, seed, r))
        data = from_tables(tables)
        m = measure(data.children, start, date(start.year + years, 3, 31))
        pooled = m if pooled is None else _pool(pooled, m)
    assert pooled is not None
    return pooled


def _pool(a: Measures, b: Measures) -> Measures:
    rates = {
        k: Rate(
            a.rates.get(k, Rate()).events + b.rates.get(k, Rate()).events,
            a.rates.get(k, Rate()).years + b.rates.get(k, Rate()).years,
        )
        for k in set(a.rates) | set(b.rates)
    }
    counts = {k: a.counts.get(k, 0.0) + b.counts.get(k, 0.0) for k in set(a.counts) | set(b.counts)}
    return Measures(rates, counts, a.years + b.years)


def fit_hazards(
    observed: Measures, base: Parameters, simulate: Simulate, steps: int = 2
) -> HazardFit:
    """Scale each knob's parameter by (observed rate ÷ simulated rate), ``steps`` times, each
    simulation on the parameters of the step before (a fixed-point iteration: the model's
    own factors — needs, quality, time in placement — change a little as the rates move)."""
    params = base
    total = {k.rate: 1.0 for k in HAZARD_KNOBS}
    rse: dict[str, float] = {}
    sim = simulate(params)
    for _ in range(steps):
        changes: dict[str, Any] = {}
        for knob in HAZARD_KNOBS:
            o, s = observed.rates.get(knob.rate, Rate()), sim.rates.get(knob.rate, Rate())
            if o.events < MIN_EVENTS or s.events < MIN_EVENTS or s.per_year <= 0:
                continue
            ratio = o.per_year / s.per_year
            total[knob.rate] *= ratio
            rse[knob.rate] = math.hypot(o.rse(), s.rse())
            current = changes.get(knob.path, params[knob.path])
            changes[knob.path] = _scaled(current, ratio, knob.index, spec_of(knob.path))
        params = params.with_changes(changes)
        sim = simulate(params)
    out = {k.path: params[k.path] for k in HAZARD_KNOBS if params[k.path] != base[k.path]}
    sources = {
        path: "SSDA903: scaled by observed ÷ simulated rate (the model's synthetic SSDA903 "
        "measured the same way), "
        + ", ".join(f"{k.rate} ×{total[k.rate]:.3f}" for k in HAZARD_KNOBS if k.path == path)
        for path in out
    }
    return HazardFit(out, sources, total, rse, observed, sim)


def pooled_multiplier(fit: HazardFit, prefix: str) -> tuple[float, float]:
    """The knobs named ``prefix*`` as one: their multipliers averaged with the observed
    events as weights, and the relative standard error of the pooled ratio (Poisson, from
    the events observed and simulated)."""
    knobs = [k.rate for k in HAZARD_KNOBS if k.rate.startswith(prefix) and k.rate in fit.rse]
    weights = [fit.observed.rates[k].events for k in knobs]
    if not knobs or sum(weights) <= 0:
        return math.nan, math.inf
    value = sum(w * fit.multipliers[k] for w, k in zip(weights, knobs, strict=True)) / sum(weights)
    sim = sum(fit.simulated.rates[k].events for k in knobs)
    return value, math.sqrt(1.0 / sum(weights) + 1.0 / max(sim, 1.0))


def _scaled(value: Any, ratio: float, index: int | None, spec: Any) -> Any:
    lo, hi = spec.bounds if spec is not None and spec.bounds else (0.0, math.inf)

    def clip(x: float) -> float:
        return round(min(hi, max(lo, x)), 6)

    if isinstance(value, tuple):
        return tuple(
            clip(v * ratio) if index is None or i == index else v for i, v in enumerate(value)
        )
    return clip(value * ratio)


def years_between(start: date, days: float) -> date:
    return start + timedelta(days=int(days))


__all__ = [
    "YEAR_DAYS",
    "Estimate",
    "HazardFit",
    "codes",
    "direct_estimates",
    "fit_hazards",
    "simulated_measures",
]
