"""What evidence would change the decision: EVPPI by regression (Strong, Oakley and Brennan 2014).

The decision is between the baseline and a scenario; its incremental net benefit in replicate r
is ``INB_r = value_per_outcome * outcomes_avoided_r - net_cost_r`` (results.decision). With the
assumptions sampled (calibration.assumptions), the expected value of perfect information is

    EVPI = E[max(INB, 0)] - max(E[INB], 0)

and the expected value of partial perfect information about one assumption θ is

    EVPPI(θ) = E_θ[max(E[INB | θ], 0)] - max(E[INB], 0).

Strong, Oakley and Brennan (2014, *Medical Decision Making* 34:311) estimate the inner
conditional expectation E[INB | θ] by regressing the sampled INB on the sampled θ, with no
nested simulation. They use a GAM (mgcv); for one parameter that is a penalised cubic regression
spline, here a P-spline (Eilers and Marx 1996: 10 cubic B-splines on knots at the quantiles of
θ, second-difference penalty) whose smoothing is chosen by generalised cross-validation, as
mgcv does. With fewer than five distinct values of θ, a polynomial of degree up to 3 is fitted
instead; a θ that does not vary has EVPPI 0. Estimates are clipped to
[0, EVPI]: the regression noise makes small values slightly positive on average (Strong et al.
note this upward bias), so an EVPPI below a few per cent of EVPI is best read as "none".

Units: the same as INB (GBP a year when INB is a yearly net benefit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.interpolate import BSpline

from simulation.errors import CarepathsError

MIN_RUNS = 20  # fewer sampled runs than this give no usable regression
BASIS = 10  # cubic B-splines in the regression (mgcv's default basis size for one smooth)
DEGREE = 3
LAMBDAS = np.logspace(-8, 4, 61)  # smoothing parameters searched by GCV


@dataclass(frozen=True)
class EvppiRow:
    """One assumption's EVPPI, and as a share of the total EVPI."""

    assumption: str
    evppi: float
    share_of_evpi: float


def _as_vector(values: ArrayLike, name: str) -> np.ndarray:
    out = np.asarray(values, dtype=float).ravel()
    if not np.all(np.isfinite(out)):
        raise CarepathsError(f"{name} has missing or infinite values")
    return out


def evpi(inb: ArrayLike) -> float:
    """Expected value of perfect information for a two-option decision (scenario vs not)."""
    y = _as_vector(inb, "incremental net benefit")
    return float(np.mean(np.maximum(y, 0.0)) - max(float(np.mean(y)), 0.0))


def conditional_mean(theta: ArrayLike, inb: ArrayLike) -> np.ndarray:
    """E[INB | θ] at each sampled θ: a GCV smoothing spline (a polynomial when θ has fewer
    than five distinct values; the mean when θ does not vary)."""
    x = _as_vector(theta, "parameter")
    y = _as_vector(inb, "incremental net benefit")
    if x.shape != y.shape:
        raise CarepathsError(f"{x.size} parameter values for {y.size} net benefits")
    unique = np.unique(x)
    if unique.size == 1:
        return np.full_like(y, float(np.mean(y)))
    z = (x - unique[0]) / float(unique[-1] - unique[0])  # on [0, 1]: a well-conditioned fit
    if unique.size < 5:
        degree = min(3, unique.size - 1)
        coef = np.polynomial.polynomial.polyfit(z, y, degree)
        return np.asarray(np.polynomial.polynomial.polyval(z, coef), dtype=float)
    return _pspline_fit(z, y)


def _pspline_fit(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fitted values of a cubic P-spline on ``z`` in [0, 1], smoothing chosen by GCV."""
    inner = np.quantile(z, np.linspace(0.0, 1.0, BASIS - DEGREE + 1))[1:-1]
    knots = np.concatenate([np.zeros(DEGREE + 1), inner, np.ones(DEGREE + 1)])
    basis = BSpline.design_matrix(np.clip(z, 0.0, 1.0), knots, DEGREE).toarray()
    diff = np.diff(np.eye(basis.shape[1]), n=2, axis=0)
    penalty = diff.T @ diff
    btb, bty = basis.T @ basis, basis.T @ y
    n = y.size
    best: tuple[float, np.ndarray] | None = None
    for lam in LAMBDAS:
        lhs = btb + lam * penalty
        try:
            coef = np.linalg.solve(lhs, bty)
            trace = float(np.trace(np.linalg.solve(lhs, btb)))
        except np.linalg.LinAlgError:
            continue
        fitted = basis @ coef
        rss = float(np.sum((y - fitted) ** 2))
        gcv = n * rss / max(n - trace, 1e-9) ** 2
        if best is None or gcv < best[0]:
            best = (gcv, fitted)
    if best is None:  # pragma: no cover - the largest penalty is always solvable
        raise CarepathsError("the EVPPI regression could not be fitted")
    return best[1]


def evppi(theta: ArrayLike, inb: ArrayLike) -> float:
    """EVPPI of one parameter from sampled (θ, INB) pairs (Strong, Oakley and Brennan 2014)."""
    y = _as_vector(inb, "incremental net benefit")
    if y.size < MIN_RUNS:
        raise CarepathsError(f"EVPPI needs at least {MIN_RUNS} sampled runs; got {y.size}")
    g = conditional_mean(theta, y)
    value = float(np.mean(np.maximum(g, 0.0)) - max(float(np.mean(g)), 0.0))
    return min(max(value, 0.0), evpi(y))


def evppi_table(thetas: Mapping[str, ArrayLike], inb: ArrayLike) -> list[EvppiRow]:
    """Every assumption's EVPPI, largest first (ties by name)."""
    y = _as_vector(inb, "incremental net benefit")
    total = evpi(y)
    rows = []
    for path, theta in thetas.items():
        value = evppi(theta, y)
        rows.append(EvppiRow(path, value, value / total if total > 0 else 0.0))
    return sorted(rows, key=lambda r: (-r.evppi, r.assumption))


def top(rows: Sequence[EvppiRow], n: int = 3, min_share: float = 0.05) -> list[EvppiRow]:
    """The ``n`` largest, leaving out any below ``min_share`` of EVPI (regression noise)."""
    return [r for r in rows[:n] if r.share_of_evpi >= min_share]
