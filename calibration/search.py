"""The fitting algorithm: damped ratio steps, an optional Nelder-Mead polish, rejection ABC
for an ensemble, recentring on fresh replicates and a report on independent runs.

Method (docs/calibration.md has the detail and the measured results):

1. Start from the direct estimates (:mod:`calibration.direct`).
2. **Point fit by simulation** of the knobs (:data:`calibration.knobs.KNOBS`). Every candidate
   runs on the same seeds and replicate numbers (common random numbers). Damped ratio updates
   get close cheaply whatever the number of knobs; scipy's Nelder-Mead on the log-multipliers
   then polishes the weighted loss sum w*((sim - obs)/tolerance)^2 if budget is left.
3. **Ensemble (rejection ABC)**: a Latin hypercube (scipy.stats.qmc) of candidates within
   +-:data:`ABC_HALF_WIDTH` (log scale) of the point fit, each on common random numbers; the
   best :data:`MIN_ENSEMBLE` by loss are kept. Scenario runs draw replicate r's parameters
   from member r mod n.
4. **Recentre** the ensemble by damped ratio steps on fresh replicates.
5. **Report**: every member runs on its own fresh replicate numbers; the fit report gives, per
   target, the mean and 5th/95th percentiles across those runs. A run starts from the 31 March
   Y stock; simulated DfE years Y+1 and Y+2 are averaged and compared with year Y's targets
   (year Y's rates assumed to hold); a hold-out year Y+k is compared with simulated year k,
   with inputs held at year Y (a projection that saw nothing after Y).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize
from scipy.stats import qmc

from calibration.direct import direct_estimates
from calibration.knobs import KNOBS, Knob, clip, knob_changes, ratio_step
from calibration.simulated import fit_rows, simulated_indicators
from calibration.simulator import Simulator, loss
from calibration.targets import Target, area_targets
from simulation.params import Parameters

COMPARE_YEARS = 3  # simulated DfE years averaged for the fit (year Y's rates held): three, so
# that the stocks the fit matches are near the level the rates hold them at, not the start
MIN_ENSEMBLE = 20
ABC_HALF_WIDTH = 0.06  # log-multiplier half-width of the ABC prior around the point fit


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
    aims = [t for t in targets if t.weight > 0]  # not the national references beside an LA
    knobs = tuple(k for k in KNOBS if any(t.indicator in k.targets for t in aims))
    plan = _plan(budget)
    sim = Simulator(
        base, year, COMPARE_YEARS, seed, jobs, executor, scheduler, budget, advance, fn=runner
    )
    years = [year + 1 + k for k in range(COMPARE_YEARS)]
    history: list[tuple[str, float]] = []

    def evaluate(mults: Sequence[np.ndarray], reps: Sequence[int]) -> list[dict[str, Any]]:
        rows = sim.run([knob_changes(base, knobs, m) for m in mults], reps)
        return [simulated_indicators(r, years) for r in rows]

    best_m = _point_fit(knobs, targets, evaluate, plan, history, log)
    members, member_loss = _abc(best_m, knobs, targets, evaluate, plan, seed, history, log)
    for step in range(plan["recentre"]):
        shift = _recentre(members, knobs, targets, base, sim, plan["report_each"], years, step)
        moves = zip(knobs, shift, strict=True)
        log("recentre: " + ", ".join(f"{k.name} ×{x:.3f}" for k, x in moves))
        history.append(("recentre", math.inf))  # a marker for the method text
        members = [clip(mm * shift, knobs) for mm in members]
        best_m = clip(best_m * shift, knobs)
    ensemble = [knob_changes(base, knobs, mm) for mm in members]
    report, hold_rows = _report(sim, ensemble, targets, hold_targets, year, plan["report_each"])
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


def _point_fit(
    knobs: Sequence[Knob],
    targets: Sequence[Target],
    evaluate: Callable[..., list[dict[str, Any]]],
    plan: dict[str, int],
    history: list[tuple[str, float]],
    log: Callable[[str], None],
) -> np.ndarray:
    """Damped ratio updates on common random numbers, then (large budgets) a Nelder-Mead
    polish on the same replicates; the best multipliers seen."""
    fit_reps = list(range(plan["reps"]))
    m = np.ones(len(knobs))
    best_m, best_loss = m.copy(), math.inf
    for step in range(plan["ratio_steps"]):
        sims = evaluate([m], fit_reps)[0]
        current = loss(targets, sims)
        history.append((f"ratio {step}", current))
        log(f"ratio step {step}: loss {current:.2f}")
        if current < best_loss:
            best_m, best_loss = m.copy(), current
        m = ratio_step(m, knobs, targets, sims)
    if plan["polish"] >= len(knobs) + 2:
        best_m, best_loss = _polish(
            best_m, best_loss, knobs, targets, evaluate, fit_reps, plan["polish"], history, log
        )
    return best_m


def _report(
    sim: Simulator,
    ensemble: Sequence[dict[str, Any]],
    targets: Sequence[Target],
    hold_targets: dict[int, list[Target]],
    year: int,
    each: int,
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Fit and hold-out rows: each member on its own fresh replicate numbers (parameter and
    chance uncertainty; shared numbers would give every member the same luck)."""
    horizon = max([COMPARE_YEARS, *[y - year for y in hold_targets]])
    report_reps = [[10_000 + i * each + r for r in range(each)] for i in range(len(ensemble))]
    rows: list[tuple[object, int, int, str, float]] = []
    for i, r in enumerate(sim.run(ensemble, report_reps, years=horizon)):
        rows += [(0, i * 1000 + rep, y, ind, val) for _, rep, y, ind, val in r]
    years = [year + 1 + k for k in range(COMPARE_YEARS)]
    report = fit_rows(targets, simulated_indicators(rows, years))
    hold_rows: list[dict[str, object]] = []
    for y, tt in hold_targets.items():
        hold_rows += fit_rows(tt, simulated_indicators(rows, y))
    return report, hold_rows


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
    return ratio_step(np.ones(len(knobs)), knobs, targets, sims)


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
