"""Calibrate an area to the official statistics of one year; keep an ensemble of fits.

Method (docs/calibration.md has the detail and the measured results):

1. **Direct estimates** from the tables for year Y: child population, the stock rate at
   31 March Y−1 (the starting population), starts per 10,000, UASC share, age shares of
   non-UASC starts, placed-with-parents share and legal status of starts. Workforce and carer
   rates are set from the nearest published figures (:mod:`calibration.priors`).
2. **Point fit by simulation** of a few global multipliers (:data:`KNOBS`), each scaling one
   calibrated parameter (every element of a tuple alike). Every candidate is run on the same
   seeds and replicate numbers (common random numbers). A damped ratio update
   ``m ← m · (observed / simulated)^γ`` on each knob's own target is a stochastic fixed-point
   iteration that gets close cheaply whatever the number of knobs; scipy's Nelder–Mead on the
   log-multipliers then polishes the weighted loss Σ w·((sim − obs)/tolerance)² if budget is left.
3. **Ensemble (rejection ABC)**: a Latin hypercube (scipy.stats.qmc) of candidates within
   ±:data:`ABC_HALF_WIDTH` (log scale) of the point fit, each run on common random numbers; the
   best by loss (at least :data:`MIN_ENSEMBLE`) are kept. Scenario runs draw replicate r's
   parameters from member r mod n.
4. **Report**: every ensemble member is run on fresh replicate numbers; the fit report gives, per
   target, the mean and 5th/95th percentiles across those runs (parameter and chance
   uncertainty together). Simulated DfE years 1–2 are averaged and compared with year Y's
   targets (year Y's rates assumed to hold for two years); hold-out years Y+k are compared with
   simulated year 1+k, with inputs held at year Y (a projection that saw nothing after Y).
"""

from __future__ import annotations

import csv
import math
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import optimize
from scipy.stats import qmc

from calibration.priors import published_priors
from calibration.targets import (
    FIT_COLUMNS,
    MARKET_CHECKS,
    AreaData,
    Target,
    area_data,
    area_population,
    area_targets,
    fit_rows,
    simulated_indicators,
    stock_groups,
)
from simulation.errors import CarepathsError, DataError
from simulation.executor import worker_count
from simulation.params import Parameters, spec_of

FITTED_DIR = Path(__file__).parent / "fitted"
COMPARE_YEARS = 2  # simulated DfE years averaged for the fit (year Y's rates held)
MIN_ENSEMBLE = 20
ABC_HALF_WIDTH = 0.06  # log-multiplier half-width of the ABC prior around the point fit
RATIO_DAMPING = 0.8
UASC_16_17 = 0.85  # share of UASC starts aged 16-17 (entry.uasc_share_16_17)
# Mean days placed for adoption before the order, when set from a small area's counts.
ADOPTION_DAYS_RANGE = (100, 400)
# England's ratio of UASC share of starts to UASC share of stock, 2019 (3,830/31,780 over
# 5,150/78,140): used where a table gives UASC stock but not UASC starts.
UASC_START_TO_STOCK = (3830 / 31780) / (5150 / 78140)


@dataclass(frozen=True)
class Knob:
    """A global multiplier on one calibrated parameter, and the targets it mainly moves."""

    name: str
    path: str
    targets: tuple[str, ...]  # the first one present in the target set is used
    direction: float = 1.0  # +1: a larger multiplier raises the target; -1 lowers it
    lo: float = 0.2
    hi: float = 5.0
    index: int | None = None  # scale one element of a tuple only
    abc: bool = True  # varied in the ABC ensemble (False: held at the point fit)
    gain: float = 1.0  # ratio-step exponent: about 1 / the target's elasticity to the knob


KNOBS: tuple[Knob, ...] = (
    # Starts are data: DfE starts = first entries + re-entries, and the model makes its own
    # re-entries, so the share of the published starts rate that arrives as first entries is
    # set (not a free parameter) so the simulated count of starts equals the published one.
    # It is held at the point fit in the ensemble.
    Knob("arrivals", "entry.new_entrant_share", ("started",), lo=0.5, hi=1.1, abc=False),
    Knob("disruption", "endings.disruption_per_year", ("placements_3plus_pct",)),
    Knob("return_home", "exits.return_home_per_year", ("ceased_returned_home",)),
    Knob("adoption", "exits.adoption_plan_probability", ("ceased_adopted",)),
    Knob("sgo", "exits.sgo_per_year", ("ceased_sgo",)),
    Knob("cao", "exits.cao_per_year", ("ceased_cao",)),
    Knob("other_exit", "exits.other_per_year", ("ceased_other", "ceased_age_18_or_other")),
    Knob(
        "kinship_move",
        "matching.kinship_find_probability_move",
        ("cla_foster_kinship", "cla_foster"),
    ),
    Knob(
        "supported",
        "matching.supported_probability_16",
        ("cla_supported", "cla_residential_supported"),
    ),
    Knob(
        "residential",
        "matching.residential_needs_threshold",
        ("cla_residential", "cla_residential_supported"),
        direction=-1.0,
        lo=0.7,
        hi=1.45,
    ),
    Knob("other_setting", "matching.other_placement_share", ("cla_other",)),
    Knob(
        "with_parents_stay",
        "endings.disruption_per_year",
        ("cla_with_parents",),
        direction=-1.0,
        index=5,
    ),
    Knob("sw_changes", "workforce.internal_change_per_year", ("sw_changes_3plus_pct",)),
    # Stock placed for adoption = adoptions × time placed before the order. The direct
    # estimate (stock / flow) ignores the start: children already on the adoption pathway
    # are placed in the first months, so the time is scaled to the stock itself.
    Knob(
        "adoption_wait",
        "exits.days_placed_to_adoption_order",
        ("cla_placed_for_adoption",),
        lo=0.5,
        hi=2.0,
    ),
    # Long-lasting placements are more settled: their disruption hazard ratio sets the share
    # of long-term under-16s with the same carer for two years or more.
    Knob(
        "settled",
        "endings.settled_ratio",
        ("long_term_stable_pct",),
        direction=-1.0,
        lo=0.25,
        hi=1.5,
        gain=5.0,  # measured: settled ratio 0.6 -> 0.4 raises the share 62% -> 66%
    ),
)


# ----------------------------------------------------------------------------- direct estimates


def _share(
    d: AreaData, measure: str, breakdown: str, cats: Sequence[str], total: float | None
) -> float | None:
    vals = [d.get(measure, breakdown, c) for c in cats]
    if total is None or total <= 0 or all(v is None for v in vals):
        return None
    return sum(v for v in vals if v is not None) / total


def direct_estimates(area: str, year: int) -> tuple[dict[str, Any], dict[str, str]]:
    """Parameter values the tables give directly for ``area`` in ``year``, with their sources."""
    d = area_data(area, year)
    pop = area_population(area, year)
    changes: dict[str, Any] = {"area.population_0_17": round(pop)}
    why: dict[str, str] = {
        "area.population_0_17": (
            "issue 2 default area" if area == "england-average" else d.population_source
        )
    }
    stock_d = d  # the starting population is the 31 March stock before year Y
    try:
        prev = area_data(area, year - 1)
        stock_d = prev
        rate = (prev.get("cla_31_march", "total", "total") or 0.0) / prev.population * 10_000
        why["area.cla_per_10k_start"] = f"{d.label} CLA at 31 March {year - 1} per 10,000"
    except DataError:
        rate = (d.get("cla_31_march", "total", "total") or 0.0) / d.population * 10_000
        why["area.cla_per_10k_start"] = f"{d.label} CLA at 31 March {year} (no {year - 1} data)"
    changes["area.cla_per_10k_start"] = round(rate, 3)
    placements = _stock_placement_shares(stock_d, d)
    if placements is not None:
        shares, label = placements
        changes["area.stock_placement_shares"] = shares
        why["area.stock_placement_shares"] = label
    stock_mix = _stock_mix(stock_d)
    if stock_mix is not None:
        uasc_share, ages = stock_mix
        changes["area.uasc_stock_share"] = uasc_share
        changes["area.stock_age_shares"] = ages
        why["area.uasc_stock_share"] = f"{stock_d.label} UASC share of the 31 March stock"
        why["area.stock_age_shares"] = (
            f"{stock_d.label} 31 March stock by age less UASC ({UASC_16_17:.0%} of UASC 16-17)"
        )
    starts = d.get("started", "total", "total")
    if starts is not None:
        changes["entry.starts_per_10k_per_year"] = round(starts / d.population * 10_000, 3)
        why["entry.starts_per_10k_per_year"] = f"{d.label} {year} starts per 10,000"
    uasc = d.get("started", "uasc", "uasc")
    if uasc is not None and starts:
        changes["entry.uasc_share"] = round(uasc / starts, 4)
        why["entry.uasc_share"] = f"{d.label} {year} UASC starts / starts"
    else:
        stock_uasc = d.get("cla_31_march", "uasc", "uasc")
        stock = d.get("cla_31_march", "total", "total")
        if stock_uasc is not None and stock:
            changes["entry.uasc_share"] = round(
                min(0.9, stock_uasc / stock * UASC_START_TO_STOCK), 4
            )
            why["entry.uasc_share"] = (
                f"{d.label} {year} UASC stock share × England 2019 ratio "
                f"of start to stock share ({UASC_START_TO_STOCK:.2f})"
            )
    ages = _age_shares(d, starts, changes.get("entry.uasc_share"))
    if ages:
        changes["entry.age_shares_non_uasc"] = ages
        why["entry.age_shares_non_uasc"] = (
            f"{d.label} {year} starts by age less UASC "
            f"({UASC_16_17:.0%} of UASC 16-17, the rest 10-15)"
        )
    pwp = _share(d, "started", "placement", ("placed_with_parents",), starts)
    if pwp is not None:
        changes["entry.placed_with_parents_share"] = round(pwp, 4)
        why["entry.placed_with_parents_share"] = f"{d.label} {year} starts placed with parents"
    placed = d.get("cla_31_march", "placement", "placed_for_adoption")
    adopted = d.get("ceased", "reason", "adopted")
    if placed and adopted:  # stock = flow × mean time placed before the adoption order
        days = min(ADOPTION_DAYS_RANGE[1], max(ADOPTION_DAYS_RANGE[0], placed / adopted * 365))
        changes["exits.days_placed_to_adoption_order"] = round(days, 1)
        why["exits.days_placed_to_adoption_order"] = (
            f"{d.label} {year} placed for adoption at 31 March / adopted × 365 days "
            f"(clipped to {ADOPTION_DAYS_RANGE[0]}-{ADOPTION_DAYS_RANGE[1]})"
        )
    legal = _legal_shares(d, starts)
    if legal:
        changes["entry.legal_status_shares"] = legal
        why["entry.legal_status_shares"] = f"{d.label} {year} starts by legal status"
    for prior in published_priors(year):
        changes[prior.path] = round(prior.value, 4)
        why[prior.path] = prior.citation
    return changes, why


def _age_shares(
    d: AreaData, starts: float | None, uasc_share: float | None
) -> tuple[float, ...] | None:
    bands = ("age_under_1", "age_1_4", "age_5_9", "age_10_15", "age_16_over")
    vals = [d.get("started", "age_group", b) for b in bands]
    if starts is None or any(v is None for v in vals):
        return None
    counts = [float(v) for v in vals if v is not None]
    uasc = (uasc_share or 0.0) * sum(counts)
    counts[3] = max(0.0, counts[3] - (1 - UASC_16_17) * uasc)
    counts[4] = max(0.0, counts[4] - UASC_16_17 * uasc)
    total = sum(counts)
    return tuple(round(c / total, 4) for c in counts) if total > 0 else None


def _stock_mix(d: AreaData) -> tuple[float, tuple[float, ...]] | None:
    """(UASC share, non-UASC age shares) of an area's 31 March stock, for the starting
    population; None when the age table is missing. Suppressed UASC counts are taken as 0."""
    bands = ("age_under_1", "age_1_4", "age_5_9", "age_10_15", "age_16_over")
    vals = [d.get("cla_31_march", "age_group", b) for b in bands]
    if any(v is None for v in vals):
        return None
    counts = [float(v) for v in vals if v is not None]
    total = sum(counts)
    if total <= 0:
        return None
    uasc = min(float(d.get("cla_31_march", "uasc", "uasc") or 0.0), 0.9 * total)
    counts[3] = max(0.0, counts[3] - (1 - UASC_16_17) * uasc)
    counts[4] = max(0.0, counts[4] - UASC_16_17 * uasc)
    rest = sum(counts)
    if rest <= 0:
        return None
    return round(uasc / total, 4), tuple(round(c / rest, 4) for c in counts)


def _stock_placement_shares(stock_d: AreaData, d: AreaData) -> tuple[tuple[float, ...], str] | None:
    """The starting stock's placement mix (the 8 groups of ``area.stock_placement_shares``)
    from the 31 March stock before year Y, with its source; None without a placement table.

    Where the earlier table groups placements differently from year Y's targets (England 2024
    split children's homes from supported accommodation and widened "other"; 2019 split
    kinship foster care from the rest), year Y's own 31 March mix is used, so the start is in
    the categories the fit is judged on. Groups a table does not split are split in the
    default (England 2024) proportions; a missing group takes its default share."""
    groups = stock_groups(stock_d)
    src = stock_d
    if set(groups) != set(stock_groups(d)):
        groups, src = stock_groups(d), d
    default = np.asarray(spec_of("area.stock_placement_shares").default, dtype=float)
    total = src.get("cla_31_march", "total", "total")
    if not total or not groups:
        return None
    # indices: kinship, in-house, agency, homes, supported, with parents, other, adoption
    parts = {
        "cla_foster_kinship": (0,),
        "cla_foster_other": (1, 2),
        "cla_foster": (0, 1, 2),
        "cla_residential": (3,),
        "cla_supported": (4,),
        "cla_residential_supported": (3, 4),
        "cla_with_parents": (5,),
        "cla_other": (6,),
        "cla_placed_for_adoption": (7,),
    }
    shares = default.copy()
    for name, (value, _) in groups.items():
        idx = list(parts[name])
        if value is not None:
            shares[idx] = value / total * default[idx] / default[idx].sum()
    shares = shares / shares.sum()
    label = (
        f"{src.label} 31 March {src.year} stock by placement group"
        + (" (the earlier table groups placements differently)" if src is d else "")
        + "; groups it does not split, in England 2024 proportions"
    )
    return tuple(round(float(x), 4) for x in shares), label


def _legal_shares(d: AreaData, starts: float | None) -> tuple[float, ...] | None:
    groups = (
        ("s20",),
        ("care_order", "placement_order"),
        ("child_protection",),
        ("youth_justice",),
    )
    vals = [sum(d.get("started", "legal_status", c) or 0.0 for c in g) for g in groups]
    total = sum(vals)
    if not starts or total <= 0:
        return None
    return tuple(round(v / total, 4) for v in vals)


# ----------------------------------------------------------------------------- applying knobs


def knob_changes(
    base: Parameters, knobs: Sequence[Knob], multipliers: Sequence[float] | np.ndarray
) -> dict[str, Any]:
    """Parameter values for ``multipliers`` (one per knob), clipped to each parameter's bounds."""
    out: dict[str, Any] = {}
    for knob, m in zip(knobs, multipliers, strict=True):
        spec = spec_of(knob.path)
        lo, hi = spec.bounds or (-math.inf, math.inf)
        current = out.get(knob.path, base[knob.path])
        if isinstance(current, tuple):
            values = list(current)
            idx = range(len(values)) if knob.index is None else [knob.index]
            for i in idx:
                values[i] = float(min(hi, max(lo, values[i] * m)))
            out[knob.path] = tuple(round(v, 6) for v in values)
        else:
            out[knob.path] = round(float(min(hi, max(lo, current * m))), 6)
        if knob.name == "supported":  # UASC 16-17 go to supported accommodation alike
            u = base["matching.supported_probability_16_uasc"]
            out["matching.supported_probability_16_uasc"] = round(min(1.0, u * m), 6)
    return out


# ----------------------------------------------------------------------------- simulation


@dataclass
class Simulator:
    """Runs candidates on common random numbers and counts the budget spent."""

    base: Parameters
    year: int
    years: int
    seed: int
    jobs: int
    executor: str
    scheduler: str | None
    budget: int
    advance: Callable[[int], None]
    used: int = 0
    fn: Callable[[Any], Any] | None = None  # replicate runner (tests inject a cheap one)
    _pool: ProcessPoolExecutor | None = None

    def run(
        self,
        changes: Sequence[dict[str, Any]],
        replicates: Sequence[int] | Sequence[Sequence[int]],
        years: int | None = None,
    ) -> list[list[tuple[object, int, int, str, float]]]:
        """indicators rows (candidate, replicate, DfE year relabelled, indicator, value).

        ``replicates`` is one list for every candidate (common random numbers) or one list per
        candidate (independent chance, as in the report)."""
        from simulation.executor import Task, run_many

        tasks = []
        for i, ch in enumerate(changes):
            params = self.base.with_changes(ch)
            first = replicates[0]
            reps: Sequence[int] = (
                replicates[i] if isinstance(first, Sequence) else replicates  # type: ignore[assignment]
            )
            tasks += [Task(f"c{i}", params, years or self.years, self.seed, r) for r in reps]
        results = self._map(tasks, run_many)
        self.used += len(tasks)
        out: list[list[tuple[object, int, int, str, float]]] = [[] for _ in changes]
        for task, res in zip(tasks, results, strict=True):
            first = min(y for y, _, _ in res.indicators)
            cand = int(task.scenario[1:])
            out[cand] += [
                (task.scenario, task.replicate, self.year + (y - first), ind, val)
                for y, ind, val in res.indicators
            ]
        return out

    def _map(self, tasks: list[Any], run_many: Callable[..., list[Any]]) -> list[Any]:
        """Run tasks in order. Locally, one pool of worker processes is kept for the whole fit
        (a fit makes many small batches; a new spawn pool per batch would dominate)."""
        fn = self.fn or run_task_loaded
        workers = worker_count(self.jobs)
        if self.executor == "dask" or workers == 1 or len(tasks) == 1:
            return run_many(
                tasks,
                jobs=self.jobs,
                executor=self.executor,
                scheduler=self.scheduler,
                progress=lambda: self.advance(1),
                fn=fn,
            )
        if self._pool is None:
            ctx = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
        futures = [self._pool.submit(fn, t) for t in tasks]
        results = []
        for f in futures:  # in task order: deterministic whatever finishes first
            results.append(f.result())
            self.advance(1)
        return results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def left(self) -> int:
        return self.budget - self.used


def run_task_loaded(task: Any) -> Any:
    """``executor.run_task`` with the parameter tree registered first: a spawned worker starts
    with an empty registry, and rules that read parameter specs need it."""
    from simulation import parameter_tree  # noqa: F401
    from simulation.executor import run_task

    return run_task(task)


def loss(targets: Sequence[Target], sims: dict[str, Any]) -> float:
    """Weighted squared error in tolerance units (a missing indicator costs 25)."""
    total = 0.0
    for t in targets:
        s = sims.get(t.indicator)
        total += t.weight * (t.error(s.mean) ** 2 if s and not math.isnan(s.mean) else 25.0)
    return total


# ----------------------------------------------------------------------------- the fit


@dataclass
class FitResult:
    area: str
    year: int
    knobs: tuple[Knob, ...]
    point: np.ndarray
    point_changes: dict[str, Any]
    ensemble: list[dict[str, Any]]
    ensemble_loss: list[float]
    direct: dict[str, Any]
    direct_sources: dict[str, str]
    report: list[dict[str, object]]
    holdout: list[dict[str, object]]
    history: list[tuple[str, float]]
    runs: int
    wall_seconds: float


def _plan(budget: int) -> dict[str, int]:
    """Split the run budget: fit replicates, ratio steps, polish, ABC candidates, report.

    Ratio steps are the cheapest progress (one candidate per step whatever the number of
    knobs), so they get a fixed share; Nelder–Mead only runs on large budgets.
    """
    reps = 8 if budget >= 800 else 6 if budget >= 600 else 4 if budget >= 150 else 2
    ratio_steps = 14 if budget >= 600 else 10 if budget >= 300 else 4 if budget >= 100 else 2
    report_each = 3 if budget >= 600 else 2 if budget >= 150 else 1
    # ABC candidates run on the point fit's own replicates (common random numbers), so the
    # ensemble is selected around the point fit rather than around one replicate's chance.
    abc_reps = reps if budget >= 300 else 2 if budget >= 100 else 1
    recentre = 2 if budget >= 800 else 1 if budget >= 150 else 0
    rest = budget - reps * ratio_steps - MIN_ENSEMBLE * report_each * (1 + recentre)
    polish = max(0, int(0.3 * rest) // reps) if budget >= 1500 else 0
    abc = max(MIN_ENSEMBLE, (rest - polish * reps) // abc_reps)
    return {
        "reps": reps,
        "ratio_steps": ratio_steps,
        "polish": polish,
        "abc": abc,
        "abc_reps": abc_reps,
        "report_each": report_each,
        "recentre": int(recentre),
    }


def fit_area(
    area: str,
    year: int,
    budget: int,
    seed: int,
    holdout: Sequence[int] = (),
    jobs: int = 0,
    executor: str = "local",
    scheduler: str | None = None,
    advance: Callable[[int], None] = lambda n: None,
    log: Callable[[str], None] = lambda s: None,
    runner: Callable[[Any], Any] | None = None,
) -> FitResult:
    """Calibrate ``area`` to ``year`` within ``budget`` replicate-runs."""
    started = time.perf_counter()
    targets = area_targets(area, year)
    hold_targets = {y: area_targets(area, y) for y in holdout}
    direct, sources = direct_estimates(area, year)
    base = Parameters.defaults().with_changes(direct)
    knobs = tuple(k for k in KNOBS if any(t.indicator in k.targets for t in targets))
    plan = _plan(budget)
    sim = Simulator(
        base, year, COMPARE_YEARS, seed, jobs, executor, scheduler, budget, advance, fn=runner
    )
    fit_reps = list(range(plan["reps"]))
    years = [year + k for k in range(COMPARE_YEARS)]
    history: list[tuple[str, float]] = []

    def evaluate(mults: Sequence[np.ndarray], reps: Sequence[int]) -> list[dict[str, Any]]:
        rows = sim.run([knob_changes(base, knobs, m) for m in mults], reps)
        return [simulated_indicators(r, years) for r in rows]

    try:
        # 2a. damped ratio updates on common random numbers
        m = np.ones(len(knobs))
        best_m, best_loss = m.copy(), math.inf
        for step in range(plan["ratio_steps"]):
            sims = evaluate([m], fit_reps)[0]
            current = loss(targets, sims)
            history.append((f"ratio {step}", current))
            log(f"ratio step {step}: loss {current:.2f}")
            if current < best_loss:
                best_m, best_loss = m.copy(), current
            m = _ratio_step(m, knobs, targets, sims)
        # 2b. Nelder–Mead polish on log-multipliers (same seeds)
        if plan["polish"] >= len(knobs) + 2:
            best_m, best_loss = _polish(
                best_m, best_loss, knobs, targets, evaluate, fit_reps, plan["polish"], history, log
            )
        # 3. rejection ABC around the point fit
        members, member_loss = _abc(best_m, knobs, targets, evaluate, plan, seed, history, log)
        for step in range(plan["recentre"]):
            shift = _recentre(members, knobs, targets, base, sim, plan["report_each"], years, step)
            moves = zip(knobs, shift, strict=True)
            log("recentre: " + ", ".join(f"{k.name} ×{x:.3f}" for k, x in moves))
            history.append(("recentre", math.inf))  # a marker for the method text
            members = [_clip(mm * shift, knobs) for mm in members]
            best_m = _clip(best_m * shift, knobs)
        ensemble = [knob_changes(base, knobs, mm) for mm in members]
        # 4. report: each member on its own fresh replicate numbers (parameter + chance
        # uncertainty; shared numbers would give every member the same luck)
        horizon = max([COMPARE_YEARS, *[y - year + 1 for y in holdout]])
        each = plan["report_each"]
        report_reps = [[10_000 + i * each + r for r in range(each)] for i in range(len(ensemble))]
        rows: list[tuple[object, int, int, str, float]] = []
        for i, r in enumerate(sim.run(ensemble, report_reps, years=horizon)):
            rows += [(0, i * 1000 + rep, y, ind, val) for _, rep, y, ind, val in r]
        report = fit_rows(targets, simulated_indicators(rows, years))
        hold_rows: list[dict[str, object]] = []
        for y, tt in hold_targets.items():
            hold_rows += fit_rows(tt, simulated_indicators(rows, y))
    finally:
        sim.close()
    return FitResult(
        area,
        year,
        knobs,
        best_m,
        knob_changes(base, knobs, best_m),
        ensemble,
        member_loss,
        direct,
        sources,
        report,
        hold_rows,
        history,
        sim.used,
        time.perf_counter() - started,
    )


def _clip(m: np.ndarray, knobs: Sequence[Knob]) -> np.ndarray:
    return np.clip(m, [k.lo for k in knobs], [k.hi for k in knobs])


def _recentre(
    members: Sequence[np.ndarray],
    knobs: Sequence[Knob],
    targets: Sequence[Target],
    base: Parameters,
    sim: Simulator,
    each: int,
    years: Sequence[int],
    step: int = 0,
) -> np.ndarray:
    """One damped ratio step for the whole ensemble, on the ensemble's mean over independent
    fresh replicates (20 × ``each`` runs). The point fit and the ABC see a few common
    replicates, whose luck they partly fit (for counts of 10-50 a year at 100,000 children the
    chance error of a few replicates is close to the ±5-10% tolerance); this step corrects the
    level on a sample several times larger. Returns the multiplier applied to every member."""
    first = 20_000 + 1_000 * step  # every step on replicates no earlier step has seen
    reps = [[first + i * each + r for r in range(each)] for i in range(len(members))]
    out = sim.run([knob_changes(base, knobs, mm) for mm in members], reps)
    pooled = [row for rows in out for row in rows]
    sims = simulated_indicators(pooled, years)
    return _ratio_step(np.ones(len(knobs)), knobs, targets, sims)


def _ratio_step(
    m: np.ndarray, knobs: Sequence[Knob], targets: Sequence[Target], sims: dict[str, Any]
) -> np.ndarray:
    by_name = {t.indicator: t for t in targets}
    new = m.copy()
    for i, knob in enumerate(knobs):
        name = next((n for n in knob.targets if n in by_name), None)
        if name is None:
            continue
        s = sims.get(name)
        if s is None or s.mean <= 0 or by_name[name].observed <= 0:
            continue
        ratio = (by_name[name].observed / s.mean) ** (RATIO_DAMPING * knob.direction * knob.gain)
        new[i] = float(np.clip(m[i] * np.clip(ratio, 0.5, 2.0), knob.lo, knob.hi))
    return new


def _polish(
    m0: np.ndarray,
    loss0: float,
    knobs: Sequence[Knob],
    targets: Sequence[Target],
    evaluate: Callable[..., list[dict[str, Any]]],
    reps: Sequence[int],
    maxfev: int,
    history: list[tuple[str, float]],
    log: Callable[[str], None],
) -> tuple[np.ndarray, float]:
    lo = np.log([k.lo for k in knobs])
    hi = np.log([k.hi for k in knobs])
    best = [m0.copy(), loss0]

    def objective(x: np.ndarray) -> float:
        mm = np.exp(np.clip(x, lo, hi))
        value = loss(targets, evaluate([mm], reps)[0])
        history.append(("nelder-mead", value))
        if value < best[1]:
            best[0], best[1] = mm.copy(), value
        return value

    x0 = np.log(m0)
    simplex = np.vstack([x0] + [x0 + 0.1 * np.eye(len(x0))[i] for i in range(len(x0))])
    optimize.minimize(
        objective,
        x0,
        method="Nelder-Mead",
        options={"maxfev": maxfev, "initial_simplex": simplex, "xatol": 0.01, "fatol": 0.05},
    )
    log(f"Nelder–Mead: loss {best[1]:.2f}")
    return best[0], float(best[1])


def _abc(
    m0: np.ndarray,
    knobs: Sequence[Knob],
    targets: Sequence[Target],
    evaluate: Callable[..., list[dict[str, Any]]],
    plan: dict[str, int],
    seed: int,
    history: list[tuple[str, float]],
    log: Callable[[str], None],
) -> tuple[list[np.ndarray], list[float]]:
    n = plan["abc"]
    # ``seed=`` (not ``rng=``): the two give different samples, and the committed fits used it
    sampler = qmc.LatinHypercube(d=len(knobs), seed=seed)  # pyright: ignore[reportCallIssue]
    u = sampler.random(n)
    fixed = np.array([not k.abc for k in knobs])
    logs = np.log(m0) + np.where(fixed, 0.0, (2 * u - 1) * ABC_HALF_WIDTH)
    lo = np.log([k.lo for k in knobs])
    hi = np.log([k.hi for k in knobs])
    cands = [m0.copy()] + [np.exp(np.clip(x, lo, hi)) for x in logs[: n - 1]]
    sims = evaluate(cands, list(range(plan["abc_reps"])))
    losses = [loss(targets, s) for s in sims]
    history += [("abc", v) for v in losses]
    order = np.argsort(losses, kind="stable")[:MIN_ENSEMBLE]
    log(f"ABC: {n} candidates, kept {len(order)} with loss ≤ {losses[order[-1]]:.2f}")
    return [cands[i] for i in order], [float(losses[i]) for i in order]


# ----------------------------------------------------------------------------- writing


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    text = str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{text}"'


def _table(name: str, values: dict[str, Any], array: bool = False) -> list[str]:
    head = f"[[{name}]]" if array else f"[{name}]"
    return [head] + [f'"{k}" = {_toml_value(v)}' for k, v in sorted(values.items())] + [""]


def write_fit(res: FitResult, seed: int, budget: int, out_dir: Path = FITTED_DIR) -> Path:
    """Write ``<area>-<year>.toml``, ``.fit.csv`` and (with hold-out years) ``.holdout.csv``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{res.area}-{res.year}"
    primary_total = sum(1 for r in res.report if r["target"] not in SECONDARY)
    primary_within = sum(1 for r in res.report if r["target"] not in SECONDARY and r["within"])
    meta = {
        "area": res.area,
        "year": res.year,
        "seed": seed,
        "budget_runs": budget,
        "runs_used": res.runs,
        "wall_seconds": round(res.wall_seconds, 1),
        "date": datetime.now(UTC).date().isoformat(),
        "method": "direct estimates; damped ratio updates"
        + (
            " then Nelder-Mead on log-multipliers"
            if any(n == "nelder-mead" for n, _ in res.history)
            else ""
        )
        + " (common random numbers); rejection ABC on a Latin hypercube around the point "
        f"fit (±{ABC_HALF_WIDTH} log), best {MIN_ENSEMBLE} kept"
        + (
            "; ensemble and point fit recentred by one damped step on fresh replicates"
            if any(n == "recentre" for n, _ in res.history)
            else ""
        ),
        "data": [
            "calibration/data/england_targets.csv",
            "calibration/data/national_targets.csv",
            "calibration/data/published_figures.csv",
        ]
        if not res.area.startswith("la-")
        else [
            "calibration/data/la_targets_2010_2018.csv.gz",
            "calibration/data/published_figures.csv",
        ],
        "compare": f"simulated DfE years 1-{COMPARE_YEARS} averaged vs year {res.year} targets",
        "targets_within": f"{sum(bool(r['within']) for r in res.report)} of {len(res.report)}",
        "primary_within": f"{primary_within} of {primary_total}",
        "point_loss": round(min(v for _, v in res.history), 3) if res.history else math.nan,
        "ensemble_loss_max": round(max(res.ensemble_loss), 3),
        "knobs": [
            f"{k.name}: {k.path}" + (f"[{k.index}]" if k.index is not None else "")
            for k in res.knobs
        ],
        "multipliers": [round(float(x), 4) for x in res.point],
    }
    lines = [
        f"# carepaths calibration: {res.area}, DfE year {res.year}. Written by "
        "`python run.py calibrate`; do not edit by hand.",
        "",
    ]
    lines += _table("meta", meta)
    lines += _table("sources", res.direct_sources)
    lines += _table("parameters", {**res.direct, **res.point_changes})
    for member, value in zip(res.ensemble, res.ensemble_loss, strict=True):
        lines += _table("ensemble", {**member, "_loss": round(value, 3)}, array=True)
    path = out_dir / f"{stem}.toml"
    path.write_text("\n".join(lines))
    _write_csv(out_dir / f"{stem}.fit.csv", res.report)
    if res.holdout:
        _write_csv(out_dir / f"{stem}.holdout.csv", res.holdout)
    return path


SECONDARY = frozenset(
    {"agency_share_pct", "foster_inhouse_share_pct", "sw_changes_3plus_pct"}
    | {indicator for indicator, *_ in MARKET_CHECKS}
)


def _write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", newline="") as fh:
        w: csv.DictWriter[str] = csv.DictWriter(
            fh, fieldnames=list(FIT_COLUMNS), lineterminator="\n"
        )
        w.writeheader()
        for r in rows:
            w.writerow(
                {k: ("" if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            )


# ----------------------------------------------------------------------------- command


def parse_years(text: str | None) -> list[int]:
    """'2020-2024' or '2017,2018' -> years; a clear error otherwise."""
    if not text:
        return []
    years: list[int] = []
    try:
        for part in text.split(","):
            if "-" in part:
                a, b = (int(x) for x in part.split("-"))
                years += list(range(a, b + 1))
            else:
                years.append(int(part))
    except ValueError:
        raise CarepathsError(f"--holdout-years {text!r}: use e.g. 2020-2024 or 2017,2018") from None
    return sorted(set(years))


DEFAULT_BUDGET = 800  # the committed England-average 2024 fit (about a minute on 2 cores)


def calibrate(
    area: str | None = None,
    la: str | None = None,
    year: int = 2024,
    budget: int | None = None,
    seed: int = 1,
    holdout_years: str | None = None,
    jobs: int = 0,
    executor: str = "local",
    scheduler: str | None = None,
    report: bool = True,
    console: Any = None,
) -> Path:
    """The ``calibrate`` command: fit, write the fitted files, return the .toml path."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from simulation.executor import check_executor

    if area and la:
        raise CarepathsError("give --area or --la, not both")
    name = f"la-{la.strip()}" if la else (area or "england-average")
    if not (name in ("england", "england-average") or name.startswith("la-")):
        raise CarepathsError(
            f"unknown area {name!r}; use --area england-average, "
            "--area england or --la CODE (DfE 3-digit code)"
        )
    holdout = parse_years(holdout_years)
    for y in holdout:
        if y <= year:
            raise CarepathsError(f"hold-out year {y} is not after the fit year {year}")
    area_targets(name, year)  # fail fast: unknown code or year names what is available
    for y in holdout:
        area_targets(name, y)
    check_executor(executor, scheduler, jobs)
    budget = budget or DEFAULT_BUDGET
    if budget < 40:
        raise CarepathsError(
            f"--budget {budget} is too small; at least 40 runs are needed "
            f"for an ensemble of {MIN_ENSEMBLE}"
        )
    say = console.print if console is not None else (lambda *a, **k: None)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task(f"calibrating {name} {year}", total=budget + 200)

        def advance(n: int) -> None:
            bar.advance(task, n)

        res = fit_area(
            name,
            year,
            budget,
            seed,
            holdout,
            jobs,
            executor,
            scheduler,
            advance,
            log=lambda s: bar.console.print(f"  {s}"),
        )
        bar.update(task, total=res.runs, completed=res.runs)
    path = write_fit(res, seed, budget)
    within = sum(bool(r["within"]) for r in res.report)
    say(
        f"{within} of {len(res.report)} targets within tolerance; {res.runs} runs in "
        f"{res.wall_seconds:.0f} s"
    )
    if report:
        folder = write_fit_report(path, name, year, seed, budget, res.wall_seconds)
        say(f"Report: {folder / 'report.html'}")
    return path


def write_fit_report(
    path: Path,
    name: str,
    year: int,
    seed: int,
    budget: int,
    wall_seconds: float,
    out: Path = Path("results/runs"),
) -> Path:
    """A run folder for a calibration: its fit (and hold-out) tables, a manifest, the
    calibration chart and report.html (written atomically, like every run folder)."""
    import shutil

    from results import store
    from results.report import write_report

    with store.create_run(out, f"calibrate-{name}-{year}") as run:
        for suffix in (".fit.csv", ".holdout.csv"):
            table = path.with_suffix("").with_suffix(suffix)
            if table.exists():
                shutil.copy(table, run.file(table.name))
        finished = store.utc_now()
        store.write_manifest(
            run.file("manifest.json"),
            {
                "tool": "carepaths",
                "version": store._version("carepaths"),
                "command": "calibrate",
                "area": name,
                "year": year,
                "seed": seed,
                "budget_runs": budget,
                "calibration_file": str(path),
                "calibration_source": str(path),
                "finished_utc": store.iso(finished),
                "wall_seconds": round(wall_seconds, 3),
                "versions": store.package_versions(),
            },
        )
        write_report(run.path)
    assert run.final is not None
    return run.final
