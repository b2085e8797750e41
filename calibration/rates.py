"""Forecast inputs: an authority's rates from its own history up to the origin year Y, pooled
with similar authorities where its own numbers are few.

Everything here reads only years up to Y (run it inside :func:`calibration.tables.data_up_to`).

- **Peers** are the authorities of the same kind (London boroughs, metropolitan districts,
  unitary authorities, counties: the first three characters of the ONS code), a grouping DfE's
  tables carry for every year.
- **Stock trend**: the peers' summed 31 March stock, log-linear over the last
  :data:`WINDOW` years (g, and its standard error). The authority's own trend is not used: on
  back-tests from 2013–2015 (horizons to 2018) mixing in 20% of it raised the 3–4 year error.
- **Starts**: the mean of the last :data:`WINDOW` years' starts per 10,000 children, shrunk
  toward the peers' mean on the log scale by empirical Bayes: weight τ²/(τ² + v) on the
  authority's own, with v the variance of its own mean (Poisson and year-to-year variation)
  and τ² the peers' variance beyond theirs (method of moments). No trend: a 3-year log-linear
  starts trend raised the 3–4 year starts error by 2–9 points on the same back-tests.
- **Exit mix**: ceased by reason over the window, shrunk toward the peers' shares by a
  Dirichlet prior whose strength is set from the peers' spread (method of moments).
- **Year-to-year variation** of the log starts and of the log exit rate (the exit rate from
  the stock identity: (starts − Δstock) / mean stock), as a local level: a persistent
  random-walk part (σ_level) and a transient part (σ_noise), from the autocovariance of
  yearly differences pooled over all authorities (Poisson noise taken out: the model makes its
  own), then scaled to the authority's own variance, shrunk to the pool with the weight of
  :data:`PRIOR_YEARS` years.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from calibration.tables import LocalAuthority, la_table, visible_years
from calibration.targets import la_data
from simulation.errors import DataError

WINDOW = 3  # years of flows behind each rate (back-tests from 2013-2015 to 2018: 3 or 4 best)
HISTORY_FROM = 2011  # the first year with a previous year's stock (the table starts in 2010)
PRIOR_YEARS = 4.0  # weight of the pooled variance against an authority's own differences
PEER_GROUPS = {
    "E09": "London boroughs",
    "E08": "metropolitan districts",
    "E06": "unitary authorities",
    "E10": "counties",
}
ROUTES = ("returned_home", "adopted", "sgo", "residence_or_cao")  # the rest: 18 and other
MIN_EXIT_RATE = 0.05  # per child per year, a floor for authorities with tiny stocks


@dataclass(frozen=True)
class History:
    """An authority's yearly series: year t, stock at 31 March t and t-1, starts, ceased."""

    code: str
    years: tuple[int, ...]
    stock: np.ndarray
    prev: np.ndarray
    starts: np.ndarray
    ceased: np.ndarray
    reasons: np.ndarray  # ceased by ROUTES, one row per year
    population: float  # children aged 0-17 in the last year

    @property
    def exit_rate(self) -> np.ndarray:
        """Exits per child in care from the stock identity (starts - change in stock)."""
        exits = np.maximum(self.starts - (self.stock - self.prev), 1.0)
        return exits / np.maximum((self.stock + self.prev) / 2, 1.0)


def history(la: LocalAuthority, origin: int) -> History | None:
    """The authority's complete years from 2011 to ``origin`` (None with fewer than two)."""
    rows = []
    for year in visible_years(y for y in la.years if HISTORY_FROM <= y <= origin):
        try:
            d, before = la_data(la.code, year), la_data(la.code, year - 1)
        except DataError:
            continue
        s, s0 = (
            d.get("cla_31_march", "total", "total"),
            before.get("cla_31_march", "total", "total"),
        )
        b, c = d.get("started", "total", "total"), d.get("ceased", "total", "total")
        if not (s and s0 and b is not None and c is not None):
            continue
        reasons = [d.get("ceased", "reason", r) or 0.0 for r in ROUTES]
        rows.append((year, s, s0, b, c, reasons, d.population))
    if len(rows) < 2 or rows[-1][0] != origin:
        return None
    cols = list(zip(*rows, strict=True))
    return History(
        la.code,
        tuple(cols[0]),
        np.asarray(cols[1], float),
        np.asarray(cols[2], float),
        np.asarray(cols[3], float),
        np.asarray(cols[4], float),
        np.asarray(cols[5], float),
        float(cols[6][-1]),
    )


def peer_group(la: LocalAuthority) -> str:
    return PEER_GROUPS.get(la.gss[:3], "unitary authorities")


@dataclass(frozen=True)
class Variation:
    """Year-to-year variation of a log rate: persistent (random walk) and transient sds."""

    level: float
    noise: float


@dataclass(frozen=True)
class Pool:
    """What the authorities of one peer group (and all of them) say at the origin."""

    origin: int
    group: str
    members: int
    growth: float  # stock growth per year of the group's summed stock
    growth_se: float
    starts_mean: float  # peers' mean log starts per 10,000
    starts_tau2: float  # peers' variance of it beyond sampling
    route_shares: tuple[float, ...]  # peers' ceased shares by ROUTES (+ the rest)
    route_strength: float  # Dirichlet prior strength
    starts_var: Variation  # pooled over every authority
    exit_var: Variation
    starts_gamma0: float  # pooled variance of yearly differences (for own scaling)
    exit_gamma0: float


def pools(origin: int) -> dict[str, Pool]:
    """Pooled statistics for every peer group at ``origin`` (read inside the data cutoff)."""
    table = la_table()
    hist: dict[str, History] = {}
    groups: dict[str, list[str]] = {}
    for code, la in table.items():
        h = history(la, origin)
        if h is not None:
            hist[code] = h
            groups.setdefault(peer_group(la), []).append(code)
    if not hist:
        raise DataError(f"no authority has the data a forecast from {origin} needs")
    starts_var, g0_b = _variation([(h.starts, h.starts) for h in hist.values()])
    exit_var, g0_r = _variation(
        [(h.exit_rate, np.maximum(h.starts - (h.stock - h.prev), 1.0)) for h in hist.values()]
    )
    out = {}
    for group, codes in groups.items():
        members = [hist[c] for c in codes]
        growth, se = _growth(members, origin)
        mean, tau2 = _starts_prior(members)
        shares, strength = _route_prior(members)
        out[group] = Pool(
            origin,
            group,
            len(members),
            growth,
            se,
            mean,
            tau2,
            shares,
            strength,
            starts_var,
            exit_var,
            g0_b,
            g0_r,
        )
    return out


def _window(h: History) -> slice:
    return slice(max(0, len(h.years) - WINDOW), len(h.years))


def _growth(members: Sequence[History], origin: int) -> tuple[float, float]:
    """Log-linear growth of the members' summed stock over the window, and its s.e."""
    last = tuple(range(origin - WINDOW + 1, origin + 1))
    full = [h for h in members if h.years[-WINDOW:] == last]
    if len(full) < 3:
        return 0.0, 0.01
    stock = np.array(
        [sum(float(h.prev[-WINDOW]) for h in full)]  # 31 March of origin - WINDOW
        + [sum(float(h.stock[k - WINDOW]) for h in full) for k in range(WINDOW)]
    )
    x = np.arange(-WINDOW, 1, dtype=float)
    slope, intercept = np.polyfit(x, np.log(stock), 1)
    resid = np.log(stock) - (slope * x + intercept)
    dof = max(1, len(x) - 2)
    se = math.sqrt(float((resid**2).sum()) / dof / float(((x - x.mean()) ** 2).sum()))
    return math.expm1(float(slope)), max(se, 0.002)


def _starts_prior(members: Sequence[History]) -> tuple[float, float]:
    """Peers' mean log starts per 10,000 over the window and its variance beyond sampling."""
    logs, samp = [], []
    for h in members:
        w = _window(h)
        mean = float(h.starts[w].mean())
        if mean <= 0:
            continue
        logs.append(math.log(mean / h.population * 10_000))
        samp.append(1.0 / (mean * len(h.starts[w])))
    if len(logs) < 2:
        return (logs[0] if logs else 3.3), 1.0
    return float(np.mean(logs)), max(float(np.var(logs, ddof=1)) - float(np.mean(samp)), 1e-4)


def _route_prior(members: Sequence[History]) -> tuple[tuple[float, ...], float]:
    """Peers' pooled shares of ceased by route (the rest last) and a Dirichlet strength from
    their spread beyond binomial noise (method of moments, at least 5 exits' worth)."""
    counts = []
    for h in members:
        w = _window(h)
        named = h.reasons[w].sum(axis=0)
        counts.append(np.append(named, max(0.0, float(h.ceased[w].sum() - named.sum()))))
    c = np.asarray(counts)
    n = c.sum(axis=1)
    keep = n > 0
    c, n = c[keep], n[keep]
    p = c.sum(axis=0) / n.sum()
    shares = c / n[:, None]
    between = np.maximum(shares.var(axis=0, ddof=1) - (p * (1 - p) / n[:, None]).mean(axis=0), 1e-6)
    strength = float(np.median(p * (1 - p) / between - 1))
    return tuple(float(x) for x in p), max(strength, 5.0)


def _variation(series: Iterable[tuple[np.ndarray, np.ndarray]]) -> tuple[Variation, float]:
    """Pooled local-level variation of log values: Var(d) = s_level² + 2 s_noise² and
    Cov(d_t, d_t-1) = -s_noise² for yearly differences d, less the Poisson part of counts."""
    g0, g1 = [], []
    for values, counts in series:
        if len(values) < 3:
            continue
        d = np.diff(np.log(np.maximum(values, 1e-9)))
        poisson = float(np.mean(1.0 / np.maximum(counts, 1.0)))
        g0.append(float(np.var(d, ddof=1)) - 2 * poisson)
        dc = d - d.mean()
        g1.append(float(np.mean(dc[1:] * dc[:-1])) + poisson)
    gamma0, gamma1 = float(np.mean(g0)), float(np.mean(g1))
    noise2 = max(-gamma1, 0.0)
    level2 = max(gamma0 - 2 * noise2, 0.0)
    return Variation(math.sqrt(level2), math.sqrt(noise2)), max(gamma0, 1e-6)


@dataclass(frozen=True)
class Inputs:
    """What a forecast from ``origin`` takes from the data, with the reason for each."""

    code: str
    name: str
    origin: int
    group: str
    stock: float
    population: float
    starts: float  # expected starts a year
    starts_own: float  # the authority's own window mean
    starts_weight: float  # empirical-Bayes weight on its own
    exit_shares: tuple[float, ...]  # by ROUTES, then the rest (18 and other)
    growth: float
    growth_se: float
    starts_var: Variation
    exit_var: Variation
    window: tuple[int, ...]

    @property
    def small(self) -> bool:
        return self.stock < 250


def estimate(code: str, origin: int, pool: dict[str, Pool]) -> Inputs:
    """Forecast inputs for authority ``code`` from data up to ``origin``."""
    la = la_table()[code]
    h = history(la, origin)
    if h is None:
        raise DataError(
            f"{la.name} ({code}) lacks the stock, starts and ceased of two consecutive years "
            f"up to {origin}: nothing to forecast from"
        )
    p = pool[peer_group(la)]
    w = _window(h)
    own = float(h.starts[w].mean())
    n = len(h.starts[w])
    v = (p.starts_var.noise**2 + p.starts_var.level**2 + 1.0 / max(own, 0.5)) / n
    weight = p.starts_tau2 / (p.starts_tau2 + v)
    log_rate = math.log(max(own, 0.5) / h.population * 10_000)
    starts = math.exp(weight * log_rate + (1 - weight) * p.starts_mean) * h.population / 10_000
    named = h.reasons[w].sum(axis=0)
    counts = np.append(named, max(0.0, float(h.ceased[w].sum() - named.sum())))
    shares = (counts + p.route_strength * np.asarray(p.route_shares)) / (
        counts.sum() + p.route_strength
    )
    return Inputs(
        code,
        la.name,
        origin,
        p.group,
        float(h.stock[-1]),
        h.population,
        starts,
        own,
        weight,
        tuple(float(x) for x in shares),
        p.growth,
        p.growth_se,
        _own_variation(h.starts, h.starts, p.starts_var, p.starts_gamma0),
        _own_variation(
            h.exit_rate, np.maximum(h.starts - (h.stock - h.prev), 1.0), p.exit_var, p.exit_gamma0
        ),
        h.years[w],
    )


def _own_variation(
    values: np.ndarray, counts: np.ndarray, pooled: Variation, gamma0: float
) -> Variation:
    """The pooled variation scaled to the authority's own variance of yearly differences
    (beyond Poisson), shrunk to the pool with the weight of PRIOR_YEARS years."""
    if len(values) < 3:
        return pooled
    d = np.diff(np.log(np.maximum(values, 1e-9)))
    own = max(float(np.var(d, ddof=1)) - 2 * float(np.mean(1.0 / np.maximum(counts, 1.0))), 0.0)
    k = len(d) - 1
    scale = (PRIOR_YEARS * gamma0 + k * own) / (PRIOR_YEARS + k) / gamma0
    return Variation(pooled.level * math.sqrt(scale), pooled.noise * math.sqrt(scale))


def identity_gap(years: Sequence[int]) -> dict[int, tuple[float, float, int]]:
    """By year: mean and median over authorities (20+ children) of (Δstock − (starts −
    ceased)) / previous stock — how far published ceased fall short of the stock identity."""
    out = {}
    for year in years:
        gaps = []
        for la in la_table().values():
            h = history(la, year)
            if h is not None and h.years[-1] == year and h.prev[-1] >= 20:
                change = h.stock[-1] - h.prev[-1]
                gaps.append((change - (h.starts[-1] - h.ceased[-1])) / h.prev[-1])
        if gaps:
            out[year] = (float(np.mean(gaps)), float(np.median(gaps)), len(gaps))
    return out


if __name__ == "__main__":  # python -m calibration.rates: the stock-identity gap by year
    for y, (mean, median, n) in identity_gap(range(2011, 2025)).items():
        print(f"{y}  mean {100 * mean:5.2f}%  median {100 * median:5.2f}%  authorities {n}")
