"""A forecast for one local authority from year Y: the model run from its 31 March Y stock.

What the forecast assumes (each input from data up to Y only, :mod:`calibration.rates`):

1. **Start**: the authority's own 31 March Y stock with its placement, age, UASC and legal mix
   (:func:`calibration.direct.direct_estimates`; the latest complete table when Y lacks one).
2. **Starts** stay at the pooled 3-year level (no trend: the data do not support one).
3. **Exits** follow the authority's own pooled mix by reason, at a level set so that its stock
   grows as its peers' stock grew over the last 3 years (g): in year 1 the model's exits are
   starts − g·stock; later years keep that growth with starts flat, so the exit rate falls
   (children stay longer, as they did nationally 2010–2018). The level comes from the stock
   identity rather than from published ceased, which fall short of starts − Δstock by about 1%
   of the stock a year (DfE counts each child once a year).
4. **Calibration by a pilot** with common random numbers: ratio steps on year 1 adjust the
   first-entry share (so simulated starts, re-entries included, equal the level) and the
   return-home, SGO, CAO and other-exit hazards (so each route meets its share of the year-1
   exits, leaving at 18 and adoption keeping what the model makes). One damped step runs
   replicates of its own; two full steps run year 1 of the forecast's own replicates (their
   common random numbers: the calibration absorbs their year-1 chance, which otherwise added
   about 2% of the stock to each authority's year-1 error). From year 2 the exit hazards are
   divided by the model's measured start-up transient (:mod:`calibration.start_up`), so total
   exits follow the assumption while the model keeps its own mix by placement, age and route.
5. **Bands**: each replicate draws its own path of starts and exit-rate deviations (a random
   walk plus transient noise with the authority's own variances) and its own stock growth
   (within its standard error), in antithetic pairs; the model adds its own chance. The
   forecast is the replicates' mean, the band their 5th–95th percentiles.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from calibration.direct import direct_estimates
from calibration.knobs import KNOBS, Knob, knob_changes
from calibration.rates import Inputs, Pool, estimate
from calibration.start_up import settle
from calibration.tables import data_up_to
from simulation.params import DatedChange, Parameters, spec_of
from simulation.runner import run_replicate
from simulation.streams import Streams

PILOT_KNOBS = ("arrivals", "return_home", "sgo", "cao", "other_exit")
HAZARDS = (
    "exits.return_home_per_year",
    "exits.sgo_per_year",
    "exits.cao_per_year",
    "exits.other_per_year",
)
PILOT_CHILD_REPS = 2_500  # replicates × children of the first (damped) pilot step
FORECAST_CHILD_REPS = 5_000  # replicates × children of the forecast (and of the second step)
MIN_REPS, MAX_REPS = 12, 60  # a run's fixed set-up cost dominates below ~100 children
DAMPING = 0.9
MEASURES = ("stock", "started", "ceased")
INDICATOR = {"stock": "cla_31_march", "started": "started", "ceased": "ceased"}


@dataclass(frozen=True)
class Forecast:
    """Replicate paths of one authority's stock and flows, DfE years Y+1..Y+H."""

    inputs: Inputs
    years: tuple[int, ...]
    paths: dict[str, np.ndarray]  # measure -> replicates × years
    pilot: dict[str, float]  # year-1 target and simulated value of each calibrated flow
    runs: int
    seconds: float

    def band(self, measure: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean, 5th and 95th percentile per year."""
        p = self.paths[measure]
        return p.mean(axis=0), np.percentile(p, 5, axis=0), np.percentile(p, 95, axis=0)


def replicates(stock: float, child_reps: int = FORECAST_CHILD_REPS) -> int:
    """An even number of replicates (antithetic pairs) giving about ``child_reps`` child-runs."""
    n = _count(child_reps, stock, MIN_REPS)
    return n + n % 2


def forecast_la(code: str, origin: int, horizon: int, seed: int, pool: dict[str, Pool]) -> Forecast:
    """The model's forecast for authority ``code`` from ``origin`` (reads no data after it)."""
    started = time.perf_counter()
    with data_up_to(origin):
        inputs = estimate(code, origin, pool)
        direct, _ = direct_estimates(f"la-{code}", origin)
    rate = inputs.starts / inputs.population * 10_000
    base = Parameters.defaults().with_changes(
        {**direct, "entry.starts_per_10k_per_year": round(rate, 4)}
    )
    knobs = tuple(k for name in PILOT_KNOBS for k in KNOBS if k.name == name)
    pilot = _pilot(base, knobs, inputs, seed)
    n = replicates(inputs.stock)
    paths: dict[str, list[list[float]]] = {m: [] for m in MEASURES}
    for j in range(n):
        params = _replicate_params(pilot, inputs, horizon, seed, j)
        rows = run_replicate(params, horizon, seed, j).indicators
        by = {(y, i): v for y, i, v in rows}
        for m in MEASURES:
            paths[m].append([by[(origin + k, INDICATOR[m])] for k in range(1, horizon + 1)])
    return Forecast(
        inputs,
        tuple(range(origin + 1, origin + horizon + 1)),
        {m: np.asarray(v, dtype=float) for m, v in paths.items()},
        pilot.report,
        pilot.runs + n,
        time.perf_counter() - started,
    )


# ----------------------------------------------------------------------------- the pilot


def _targets(inputs: Inputs, sims: dict[str, float]) -> dict[str, float]:
    """Year-1 flows the model must make: starts at their level; exits so that the stock grows
    by g. The routes the model sets itself (leaving at 18, adoption) keep their simulated
    count; the four hazard routes share the rest in the authority's proportions (return home,
    SGO, CAO, and for 'other' its published remainder less the model's share of 18s)."""
    exits = max(inputs.starts - inputs.growth * inputs.stock, 0.05 * inputs.stock)
    fixed = sims.get("ceased_age_18", 0.0) + sims.get("ceased_adopted", 0.0)
    home, _, sgo, cao, rest = inputs.exit_shares
    other = max(rest - sims.get("ceased_age_18", 0.0) / max(sims.get("ceased", 1.0), 1.0), 0.02)
    weights = {
        "ceased_returned_home": home,
        "ceased_sgo": sgo,
        "ceased_cao": cao,
        "ceased_other": other,
    }
    hazard = max(exits - fixed, 0.1 * exits)
    total = sum(weights.values())
    out = {"started": inputs.starts, "ceased": exits}
    out |= {k: hazard * w / total for k, w in weights.items()}
    return out


@dataclass(frozen=True)
class Pilot:
    """The calibrated parameters and what the forecast's paths need from the pilot."""

    params: Parameters
    hazard_share: float  # the four hazard routes' share of exits
    report: dict[str, float]
    runs: int


def _pilot(base: Parameters, knobs: Sequence[Knob], inputs: Inputs, seed: int) -> Pilot:
    """Three ratio steps on year 1 with common random numbers: a damped one on replicates of
    its own, then two full ones on the forecast's own replicates."""
    m = np.ones(len(knobs))
    runs = 0
    sims: dict[str, float] = {}
    targets: dict[str, float] = {}
    steps = (  # (replicates, first replicate, damping)
        (_count(PILOT_CHILD_REPS, inputs.stock, 4), 10_000, DAMPING),
        (replicates(inputs.stock), 0, 1.0),
        (replicates(inputs.stock), 0, 1.0),
    )
    for n, first, damping in steps:
        params = base.with_changes(knob_changes(base, knobs, m))
        sims = _mean_by_year(params, seed, range(first, first + n), 1)[0]
        runs += n
        targets = _targets(inputs, sims)
        m = _step(m, knobs, targets, sims, damping)
    hazard = sum(
        sims.get(k, 0.0)
        for k in ("ceased_returned_home", "ceased_sgo", "ceased_cao", "ceased_other")
    )
    share = hazard / sims["ceased"] if sims.get("ceased") else 0.6
    report = {f"target_{k}": round(v, 2) for k, v in targets.items()}
    report |= {f"pilot_{k}": round(sims.get(k, math.nan), 2) for k in targets}
    return Pilot(
        base.with_changes(knob_changes(base, knobs, m)),
        min(max(share, 0.2), 1.0),
        report,
        runs,
    )


def _count(child_reps: int, stock: float, least: int) -> int:
    return int(min(MAX_REPS, max(least, math.ceil(child_reps / max(stock, 1.0)))))


def _mean_by_year(
    params: Parameters, seed: int, reps: Sequence[int], years: int
) -> list[dict[str, float]]:
    """Mean indicators of each simulated year over the replicate numbers ``reps``."""
    total: list[dict[str, float]] = [{} for _ in range(years)]
    n = len(reps)
    for r in reps:
        rows = run_replicate(params, years, seed, r).indicators
        first = min(y for y, _, _ in rows)
        for year, name, value in rows:
            t = total[year - first]
            t[name] = t.get(name, 0.0) + value
    out = [{k: v / n for k, v in t.items()} for t in total]
    for o in out:
        o["ceased_age_18_or_other"] = o.get("ceased_age_18", 0.0) + o.get("ceased_other", 0.0)
    return out


def _step(
    m: np.ndarray,
    knobs: Sequence[Knob],
    targets: dict[str, float],
    sims: dict[str, float],
    damping: float = DAMPING,
) -> np.ndarray:
    """m <- m·(target/simulated)^damping for each knob's own target."""
    new = m.copy()
    for i, knob in enumerate(knobs):
        name = next((n for n in knob.targets if n in targets), None)
        sim = sims.get(name, 0.0) if name else 0.0
        target = targets.get(name, 0.0) if name else 0.0
        if sim <= 0 or target <= 0:
            continue
        ratio = (target / sim) ** damping
        new[i] = float(np.clip(m[i] * np.clip(ratio, 0.33, 3.0), knob.lo, knob.hi))
    return new


# ----------------------------------------------------------------------------- the paths


def _replicate_params(pilot: Pilot, inputs: Inputs, horizon: int, seed: int, j: int) -> Parameters:
    """Replicate j's parameters: its own starts and exit-rate path, year 1 in the values and
    later years as changes dated 1 April (antithetic: j and j+1 mirror each other); from
    year 2 the start-up drift of the exit rate is divided out."""
    starts, exits = _deviations(inputs, horizon, seed, j)
    year_one, dated = {}, []
    for t in range(horizon):
        settled = settle(t)
        changes = _year_changes(pilot.params, starts[t], exits[t] / settled, pilot.hazard_share)
        if t == 0:
            year_one = changes
        else:
            day = float((date(inputs.origin + t, 4, 1) - date(inputs.origin, 4, 1)).days)
            dated += [DatedChange(day, path, value) for path, value in changes.items()]
    return pilot.params.with_changes(year_one, dated)


def _deviations(inputs: Inputs, horizon: int, seed: int, j: int) -> tuple[list[float], list[float]]:
    """Multipliers of starts and of the total exit rate for years 1..H of replicate j:
    exp(u - var(u)/2), mean one, with u a random walk plus transient noise."""
    streams = Streams(seed * 1_000_003 + j // 2)
    sign = 1.0 if j % 2 == 0 else -1.0
    entity = int(inputs.code)
    growth = inputs.growth + sign * inputs.growth_se * streams.normal("forecast.growth", entity)
    level_b = level_r = 0.0
    starts, exits = [], []
    stock = inputs.stock
    year_one_rate = (inputs.starts - inputs.growth * inputs.stock) / inputs.stock
    sb, sr = inputs.starts_var, inputs.exit_var
    for t in range(horizon):
        z = [sign * streams.normal(f"forecast.{k}", entity, t) for k in ("bl", "bn", "rl", "rn")]
        level_b += sb.level * z[0]
        level_r += sr.level * z[2]
        var_b = (t + 1) * sb.level**2 + sb.noise**2
        var_r = (t + 1) * sr.level**2 + sr.noise**2
        rate = max(inputs.starts - growth * stock, 0.05 * stock) / stock
        starts.append(math.exp(level_b + sb.noise * z[1] - var_b / 2))
        shock = math.exp(level_r + sr.noise * z[3] - var_r / 2)
        exits.append(rate / max(year_one_rate, 0.05) * shock)
        stock *= 1.0 + growth
    return starts, exits


def _year_changes(
    params: Parameters, starts: float, exits: float, hazard_share: float
) -> dict[str, Any]:
    """The entry rate and the four exit hazards for a year with these multipliers (the
    hazards carry the whole change of the total exit rate: adoptions and 18s do not move)."""
    hazard = max(0.05, 1.0 + (exits - 1.0) / hazard_share)
    out: dict[str, Any] = {
        "entry.starts_per_10k_per_year": round(params["entry.starts_per_10k_per_year"] * starts, 4)
    }
    for path in HAZARDS:
        value, top = params[path], (spec_of(path).bounds or (0.0, math.inf))[1]
        if isinstance(value, tuple):
            out[path] = tuple(round(min(v * hazard, top), 6) for v in value)
        else:
            out[path] = round(min(value * hazard, top), 6)
    return out
