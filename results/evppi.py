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
instead; a θ that does not vary has EVPPI 0. Estimates are clipped to [0, EVPI].

**The noise floor.** A regression on a few hundred noisy runs finds some "signal" in any
parameter, so a small EVPPI is positive on average even for a parameter the net benefit does
not depend on (Strong et al. note this upward bias). :func:`evppi_table` therefore regresses
on each parameter's ranks (EVPPI does not change under a monotone transform, and every
parameter then shares one design) and compares each estimate with the EVPPI of the same net
benefits in random order (a permutation test, 2,000 permutations): ``p_value`` is the share of
permutations at least as large, Holm-adjusted over every assumption tested (with 50 of them a
plain 5% test would pass two or three by chance), and :func:`top` keeps those below 0.05.

EVPI from single runs includes the chance variation of each run, which no study could remove,
so it is an upper bound; EVPPI by regression averages that chance out.

Units: the same as INB (GBP a year when INB is a yearly net benefit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.interpolate import BSpline
from scipy.stats import rankdata

from simulation.errors import CarepathsError
from simulation.streams import Streams

MIN_RUNS = 20  # fewer sampled runs than this give no usable regression
BASIS = 10  # cubic B-splines in the regression (mgcv's default basis size for one smooth)
DEGREE = 3
LAMBDAS = np.logspace(-8, 4, 61)  # smoothing parameters searched by GCV
PERMUTATIONS = 2000  # the noise floor's permutations (p-values in steps of 1/2001)
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class EvppiRow:
    """One assumption's EVPPI, its share of the total EVPI, and its permutation p-value."""

    assumption: str
    evppi: float
    share_of_evpi: float
    p_value: float = 0.0


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


class PSpline:
    """A cubic P-spline smoother on fixed abscissae ``z`` in [0, 1] (10 B-splines on knots at
    the quantiles of z, second-difference penalty), fitting many response vectors at once: the
    smoothing parameter is chosen for each by generalised cross-validation over
    :data:`LAMBDAS`. Building it costs a few solves; each fit is two matrix products."""

    def __init__(self, z: np.ndarray) -> None:
        inner = np.quantile(z, np.linspace(0.0, 1.0, BASIS - DEGREE + 1))[1:-1]
        knots = np.concatenate([np.zeros(DEGREE + 1), inner, np.ones(DEGREE + 1)])
        self.basis = BSpline.design_matrix(np.clip(z, 0.0, 1.0), knots, DEGREE).toarray()
        diff = np.diff(np.eye(self.basis.shape[1]), n=2, axis=0)
        penalty = diff.T @ diff
        btb = self.basis.T @ self.basis
        solvers, traces = [], []
        for lam in LAMBDAS:
            try:
                solve = np.linalg.solve(btb + lam * penalty, self.basis.T)  # (k, n)
            except np.linalg.LinAlgError:
                continue
            solvers.append(solve)
            traces.append(float(np.trace(solve @ self.basis)))
        if not solvers:  # pragma: no cover - the largest penalty is always solvable
            raise CarepathsError("the EVPPI regression could not be fitted")
        self.solvers = np.stack(solvers)  # (L, k, n)
        self.traces = np.asarray(traces)  # (L,)

    def fit(self, y: np.ndarray, chunk: int = 500) -> np.ndarray:
        """Fitted values for ``y`` of shape (n,) or (n, m): each column its own smoothing.

        The residual sum of squares of every smoothing is computed in coefficient space,
        ``y'y - 2 c'B'y + c'B'Bc``, so only the chosen fit is formed in full."""
        y2 = y.reshape(y.shape[0], -1).astype(float)
        n = y2.shape[0]
        btb = self.basis.T @ self.basis
        out = np.empty_like(y2)
        for start in range(0, y2.shape[1], chunk):
            block = y2[:, start : start + chunk]
            coef = self.solvers @ block  # (L, k, c)
            bty = self.basis.T @ block  # (k, c)
            rss = (
                (block**2).sum(axis=0)[None, :]
                - 2.0 * np.einsum("kc,lkc->lc", bty, coef)
                + np.einsum("lkc,kj,ljc->lc", coef, btb, coef)
            )
            gcv = n * np.maximum(rss, 0.0) / np.maximum(n - self.traces, 1e-9)[:, None] ** 2
            best = np.argmin(gcv, axis=0)
            chosen = coef[best, :, np.arange(block.shape[1])]  # (c, k)
            out[:, start : start + chunk] = self.basis @ chosen.T
        return out.reshape(y.shape)


def _pspline_fit(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fitted values of a cubic P-spline on ``z`` in [0, 1], smoothing chosen by GCV."""
    return PSpline(z).fit(y)


def _evppi_of_fits(fitted: np.ndarray, total: float) -> np.ndarray:
    """EVPPI of each column of fitted conditional means, clipped to [0, EVPI]."""
    f = fitted.reshape(fitted.shape[0], -1)
    values = np.maximum(f, 0.0).mean(axis=0) - np.maximum(f.mean(axis=0), 0.0)
    return np.clip(values, 0.0, total)


def evppi(theta: ArrayLike, inb: ArrayLike) -> float:
    """EVPPI of one parameter from sampled (θ, INB) pairs (Strong, Oakley and Brennan 2014)."""
    y = _as_vector(inb, "incremental net benefit")
    if y.size < MIN_RUNS:
        raise CarepathsError(f"EVPPI needs at least {MIN_RUNS} sampled runs; got {y.size}")
    g = conditional_mean(theta, y)
    value = float(np.mean(np.maximum(g, 0.0)) - max(float(np.mean(g)), 0.0))
    return min(max(value, 0.0), evpi(y))


def ranks(theta: ArrayLike) -> np.ndarray:
    """Each value's rank on (0, 1) (ties share their mean rank)."""
    x = _as_vector(theta, "parameter")
    return (rankdata(x, method="average") - 0.5) / x.size


def null_evppi(inb: ArrayLike, permutations: int = PERMUTATIONS, seed: int = 1) -> np.ndarray:
    """EVPPI of a parameter unrelated to the net benefit: the regression on evenly spaced ranks
    of the net benefits in ``permutations`` random orders (the noise floor)."""
    y = _as_vector(inb, "incremental net benefit")
    rng = Streams(seed).numpy_generator("evppi-permutations")
    shuffled = np.stack([rng.permutation(y) for _ in range(permutations)], axis=1)
    grid = PSpline((np.arange(y.size) + 0.5) / y.size)
    return _evppi_of_fits(grid.fit(shuffled), evpi(y))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment: family-wise error over all the parameters tested."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def evppi_table(
    thetas: Mapping[str, ArrayLike],
    inb: ArrayLike,
    permutations: int = PERMUTATIONS,
    seed: int = 1,
) -> list[EvppiRow]:
    """Every assumption's EVPPI (regressed on its ranks) with its permutation p-value,
    Holm-adjusted over the assumptions tested, largest first (ties by name)."""
    y = _as_vector(inb, "incremental net benefit")
    if y.size < MIN_RUNS:
        raise CarepathsError(f"EVPPI needs at least {MIN_RUNS} sampled runs; got {y.size}")
    total = evpi(y)
    grid = PSpline((np.arange(y.size) + 0.5) / y.size)
    values: dict[str, float] = {}
    for path, theta in thetas.items():
        x = _as_vector(theta, "parameter")
        if np.unique(x).size == x.size:  # distinct values: ranks are the shared grid
            values[path] = float(
                _evppi_of_fits(grid.fit(y[np.argsort(x, kind="stable")]), total)[0]
            )
        else:
            values[path] = evppi(ranks(x), y)
    null = null_evppi(y, permutations, seed) if total > 0 else np.zeros(0)
    raw = [
        float((1 + np.sum(null >= v)) / (1 + null.size)) if total > 0 else 1.0
        for v in values.values()
    ]
    adjusted = holm(raw)
    rows = [
        EvppiRow(path, v, v / total if total > 0 else 0.0, p)
        for (path, v), p in zip(values.items(), adjusted, strict=True)
    ]
    return sorted(rows, key=lambda r: (-r.evppi, r.assumption))


def top(rows: Sequence[EvppiRow], n: int = 3, alpha: float = SIGNIFICANCE) -> list[EvppiRow]:
    """The ``n`` largest EVPPIs that rise above the noise floor (p-value below ``alpha``)."""
    return [r for r in rows if r.p_value < alpha][:n]
