"""Global sensitivity of a scenario's effect to its assumptions (SALib): designs and analysis.

What is analysed is the scenario-minus-baseline difference of the key outcomes (the whole-horizon
mean of paired replicates), at each point of a design over the assumptions' quantiles. Each
factor is a quantile u in [0, 1] mapped through the assumption's beta-PERT distribution
(:mod:`calibration.assumptions`), so every index is "per the whole plausible range" and the
factors compare with one another whatever their units.

* **Morris** elementary effects (Morris 1991; Campolongo, Cariboni and Saltelli 2007): ``r``
  trajectories of ``k + 1`` points on a 4-level grid; ``mu_star`` (mean absolute elementary
  effect, with SALib's bootstrap 95% half-width as ``conf``), ``mu`` and ``sigma``. A screening
  of every assumption for a cost of ``r (k + 1)`` design points.
* **Sobol** (Saltelli 2002; Saltelli et al. 2010 estimators, as in SALib): first-order ``S1`` and
  total ``ST`` indices with bootstrap 95% half-widths, ``N (k + 2)`` points (``N`` a power of
  two); for the few assumptions that matter.

Every design point runs the same replicates (the same seeds, replicate numbers and calibrated
members), so the noise of the stochastic model is common to the points and cancels in the
elementary effects (common random numbers across the design as well as across scenarios).
Assumptions not in the design stay at their central values.

Rows of ``sensitivity.csv`` for these methods: ``method,assumption,indicator,index,value,conf``.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from calibration.assumptions import assumption_range
from simulation.errors import CarepathsError
from simulation.params import SPEC, Parameters, Value

METHODS = ("morris", "sobol", "oat")
DEFAULT_METHOD = "morris"
GSA_HEADER = ("method", "assumption", "indicator", "index", "value", "conf")
MORRIS_LEVELS = 4
DEFAULT_TRAJECTORIES = 10
DEFAULT_SOBOL_BASE = 64
SOBOL_MAX_FACTORS = 8  # Sobol costs N (k + 2) points: screen with Morris first
BOOTSTRAP_RESAMPLES = 200

# Seconds one replicate-year of the default area (100,000 children) takes on a quiet machine:
# benchmarks/results.json, replicate 0.472 s for 10 years at c041916. Start-up (building the
# starting population, shipping the task) measured at about twice a simulated year. The
# command refines the estimate from the central pair's own time before the design runs.
SECONDS_PER_REPLICATE_YEAR = 0.047
SECONDS_PER_RUN_START = 0.1

# Effect assumptions that act only through a lever: with the lever at its "off" value in both
# scenarios they cannot change the difference, so screening them is wasted runs. A negative-
# control test (tests/unit/test_gsa.py) checks each: lever off, assumption low vs high, every
# indicator identical.
LEVER_GATES: dict[str, tuple[str, float]] = {
    "carers.support_deregistration_ratio": ("carers.support_share", 0.0),
    "carers.support_disruption_ratio": ("carers.support_share", 0.0),
    "carers.support_skill_gain": ("carers.support_share", 0.0),
    "reunification.support_reentry_ratio": ("reunification.support_share", 0.0),
    "reunification.support_cost_gbp_per_family": ("reunification.support_share", 0.0),
    "matching.kinship_find_gain_per_fte_per_10k": (
        "matching.kinship_assessors_extra_per_10k",
        0.0,
    ),
    "endings.kinship_allowance_disruption_ratio_per_100gbp": (
        "costs.kinship_allowance_uplift_gbp_per_week",
        0.0,
    ),
    # (1 + fee uplift) ** elasticity: no uplift, no effect (simulation/rules/carers.py)
    "market.agency_price_elasticity": ("market.agency_fee_uplift_share", 0.0),
}


@dataclass(frozen=True)
class Design:
    """A sensitivity design: ``quantiles[j, i]`` is point j's quantile of ``paths[i]``."""

    method: str
    paths: tuple[str, ...]
    quantiles: np.ndarray
    settings: Mapping[str, int]

    @property
    def points(self) -> int:
        return int(self.quantiles.shape[0])


def check_method(method: str) -> str:
    if method not in METHODS:
        raise CarepathsError(f"--method {method!r} is not allowed; use morris, sobol or oat")
    return method


def _problem(paths: Sequence[str]) -> dict[str, Any]:
    return {"num_vars": len(paths), "names": list(paths), "bounds": [[0.0, 1.0]] * len(paths)}


def _check_paths(paths: Sequence[str], least: int) -> tuple[str, ...]:
    Parameters.defaults()  # the built-in tree must be registered
    if len(paths) < least:
        raise CarepathsError(
            f"a sensitivity design needs at least {least} assumption(s); got {len(paths)}"
        )
    for path in paths:
        if path not in SPEC or SPEC[path].kind != "assumption":
            raise CarepathsError(f"{path!r} is not an assumption; see 'python run.py levers'")
    if len(set(paths)) != len(paths):
        raise CarepathsError("an assumption is given twice in the design")
    return tuple(paths)


def morris_design(
    paths: Sequence[str], trajectories: int = DEFAULT_TRAJECTORIES, seed: int = 1
) -> Design:
    """Morris trajectories over the quantiles of ``paths``: ``trajectories * (k + 1)`` points."""
    from SALib.sample import morris as morris_sample

    names = _check_paths(paths, 1)
    if trajectories < 2:
        raise CarepathsError("Morris needs at least 2 trajectories")
    x = morris_sample.sample(_problem(names), trajectories, num_levels=MORRIS_LEVELS, seed=seed)
    return Design("morris", names, np.asarray(x, dtype=float), {"trajectories": trajectories})


def sobol_design(paths: Sequence[str], base: int = DEFAULT_SOBOL_BASE, seed: int = 1) -> Design:
    """Saltelli's Sobol design over the quantiles of ``paths``: ``base * (k + 2)`` points."""
    from SALib.sample import sobol as sobol_sample

    names = _check_paths(paths, 2)
    if len(names) > SOBOL_MAX_FACTORS:
        raise CarepathsError(
            f"Sobol on {len(names)} assumptions costs {base * (len(names) + 2)} design points; "
            f"give at most {SOBOL_MAX_FACTORS} (screen with --method morris first)"
        )
    if base < 8 or base & (base - 1):
        raise CarepathsError(f"Sobol base samples must be a power of two, at least 8; got {base}")
    x = sobol_sample.sample(_problem(names), base, calc_second_order=False, seed=seed)
    return Design("sobol", names, np.asarray(x, dtype=float), {"base": base})


def point_changes(design: Design, params: Parameters, point: int) -> dict[str, Value]:
    """Parameter changes of design point ``point`` for one scenario's resolved ``params``
    (each quantile mapped through the assumption's range around that scenario's central)."""
    out: dict[str, Value] = {}
    for i, path in enumerate(design.paths):
        rng = assumption_range(path, float(params[path]))
        value = rng.quantile(float(design.quantiles[point, i]))
        out[path] = round(value) if isinstance(SPEC[path].default, int) else value
    return out


def relevant_assumptions(
    paths: Iterable[str], scenarios: Sequence[Parameters]
) -> tuple[list[str], dict[str, str]]:
    """(paths worth screening, {path: reason} left out): an assumption gated by a lever that is
    off (statically and in every dated change) in every scenario is left out."""
    keep: list[str] = []
    dropped: dict[str, str] = {}
    for path in paths:
        gate = LEVER_GATES.get(path)
        if gate is None:
            keep.append(path)
            continue
        lever, off = gate
        values = [p[lever] for p in scenarios]
        values += [d.value for p in scenarios for d in p.dated if d.path == lever]
        if all(v == off for v in values):
            dropped[path] = f"acts only through {lever}, which is {off:g} in every scenario"
        else:
            keep.append(path)
    return keep, dropped


def run_count(design: Design, reps: int, scenarios: int = 2) -> int:
    """Model runs a design takes: points x scenarios x replicates."""
    return design.points * scenarios * reps


def estimate_seconds(runs: int, years: int, population: float, workers: int) -> float:
    """Wall seconds ``runs`` replicate-runs should take on ``workers`` processes (an estimate
    from the benchmark's default-area replicate, scaled by children and years)."""
    per_run = SECONDS_PER_RUN_START + SECONDS_PER_REPLICATE_YEAR * years * population / 100_000
    return runs * per_run / max(1, workers)


def point_differences(
    rows: Iterable[tuple[int, str, int, int, str, float]],
    baseline: str,
    scenario: str,
    points: int,
) -> dict[str, np.ndarray]:
    """Indicator -> array over design points of the mean paired whole-horizon difference.

    ``rows`` are (point, scenario, replicate, year, indicator, value). A replicate's
    whole-horizon value is its mean over the years both scenarios have (as in comparison.csv).
    """
    data: dict[tuple[int, str, str], dict[int, dict[int, float]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for point, name, rep, year, indicator, value in rows:
        data[(point, name, indicator)][rep][year] = float(value)
    indicators = sorted({ind for (_, _, ind) in data})
    out: dict[str, np.ndarray] = {}
    for indicator in indicators:
        y = np.full(points, np.nan)
        for j in range(points):
            base, scen = data.get((j, baseline, indicator)), data.get((j, scenario, indicator))
            if not base or not scen:
                continue
            diffs = []
            for rep in sorted(set(base) & set(scen)):
                years = sorted(set(base[rep]) & set(scen[rep]))
                if years:
                    diffs.append(sum(scen[rep][t] - base[rep][t] for t in years) / len(years))
            if diffs:
                y[j] = sum(diffs) / len(diffs)
        if not np.isnan(y).any():
            out[indicator] = y
    return out


def analyse(
    design: Design, outputs: Mapping[str, np.ndarray], seed: int = 1
) -> list[tuple[str, str, str, str, float, float | str]]:
    """Long rows (method, assumption, indicator, index, value, conf) for every indicator."""
    rows: list[tuple[str, str, str, str, float, float | str]] = []
    for indicator in sorted(outputs):
        y = np.asarray(outputs[indicator], dtype=float)
        if y.shape != (design.points,):
            raise CarepathsError(
                f"{indicator}: {y.shape[0]} outputs for a design of {design.points} points"
            )
        if design.method == "morris":
            rows += _morris_rows(design, indicator, y, seed)
        elif design.method == "sobol":
            rows += _sobol_rows(design, indicator, y, seed)
        else:
            raise CarepathsError(f"no analysis for method {design.method!r}")
    return rows


def _morris_rows(
    design: Design, indicator: str, y: np.ndarray, seed: int
) -> list[tuple[str, str, str, str, float, float | str]]:
    from SALib.analyze import morris as morris_analyse

    res = morris_analyse.analyze(
        _problem(design.paths),
        design.quantiles,
        y,
        num_resamples=BOOTSTRAP_RESAMPLES,
        num_levels=MORRIS_LEVELS,
        seed=seed,
    )
    rows: list[tuple[str, str, str, str, float, float | str]] = []
    for i, path in enumerate(design.paths):
        rows.append(
            (
                "morris",
                path,
                indicator,
                "mu_star",
                _f(res["mu_star"][i]),
                _f(res["mu_star_conf"][i]),
            )
        )
        rows.append(("morris", path, indicator, "mu", _f(res["mu"][i]), ""))
        rows.append(("morris", path, indicator, "sigma", _f(res["sigma"][i]), ""))
    return rows


def _sobol_rows(
    design: Design, indicator: str, y: np.ndarray, seed: int
) -> list[tuple[str, str, str, str, float, float | str]]:
    from SALib.analyze import sobol as sobol_analyse

    if float(np.var(y)) == 0.0:  # no variation: every index is 0 (SALib would divide by 0)
        return [
            ("sobol", path, indicator, index, 0.0, 0.0)
            for path in design.paths
            for index in ("S1", "ST")
        ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = sobol_analyse.analyze(
            _problem(design.paths),
            y,
            calc_second_order=False,
            num_resamples=BOOTSTRAP_RESAMPLES,
            seed=seed,
        )
    rows: list[tuple[str, str, str, str, float, float | str]] = []
    for i, path in enumerate(design.paths):
        rows.append(("sobol", path, indicator, "S1", _f(res["S1"][i]), _f(res["S1_conf"][i])))
        rows.append(("sobol", path, indicator, "ST", _f(res["ST"][i]), _f(res["ST_conf"][i])))
    return rows


def _f(value: Any) -> float:
    return float(np.asarray(value, dtype=float))


def ranking(rows: Iterable[Sequence[Any]], indicator: str, index: str) -> list[tuple[str, float]]:
    """(assumption, value) for one indicator and index, largest first."""
    found = [(r[1], float(r[4])) for r in rows if r[2] == indicator and r[3] == index]
    return sorted(found, key=lambda item: (-abs(item[1]), item[0]))
