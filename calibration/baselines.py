"""The two baselines a forecast must beat, from the same data up to the origin year Y.

- **Carry-forward**: every later year's stock, starts and ceased equal year Y's.
- **Markov mean-field** (the peers' method, the Children's Social Care Demand Model in
  aggregate form): five age bands (under 1, 1–4, 5–9, 10–15, 16–17) with transition rates
  estimated from the same :data:`calibration.rates.WINDOW` years the model uses: each band's
  exit rate = its ceased / its mean 31 March stock, ageing to the next band at 1 / band width
  a year (ages spread evenly within a band; leaving at 18 is the 16+ band's exit), entries by
  band at the window's mean starts; projected in yearly steps as expected values from year
  Y's stock by age (no band losing more children than it holds and receives).
  An LA's tables end earlier than its totals (stock by age in 2019, starts by age in 2022):
  the latest table up to Y gives the mix, scaled to year Y's totals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from calibration.rates import WINDOW
from calibration.tables import data_up_to
from calibration.targets import AreaData, la_data
from simulation.errors import DataError

BANDS = ("age_under_1", "age_1_4", "age_5_9", "age_10_15", "age_16_over")
WIDTH = (1.0, 4.0, 5.0, 6.0, 2.0)
CEASED_16 = ("age_16", "age_17", "age_18_over")  # from 2016; before, "age_16_over"


@dataclass(frozen=True)
class Baseline:
    """A baseline's expected stock, starts and ceased for years Y+1..Y+H."""

    stock: np.ndarray
    started: np.ndarray
    ceased: np.ndarray


def carry_forward(code: str, origin: int, horizon: int) -> Baseline:
    """Year Y's figures held."""
    with data_up_to(origin):
        d = la_data(code, origin)
    ones = np.ones(horizon)
    return Baseline(
        ones * (d.get("cla_31_march", "total", "total") or 0.0),
        ones * (d.get("started", "total", "total") or 0.0),
        ones * (d.get("ceased", "total", "total") or 0.0),
    )


def markov(code: str, origin: int, horizon: int) -> Baseline:
    """The age-band Markov mean-field fitted to the window ending ``origin``."""
    with data_up_to(origin):
        years = [y for y in range(origin - WINDOW + 1, origin + 1)]
        data = {y: la_data(code, y) for y in [origin - WINDOW, *years] if _has(code, y)}
        if origin not in data:
            raise DataError(f"{code}: no data in {origin}")
        stock0 = _by_age(data, origin, "cla_31_march", _stock_age)
        exit_rate, entries = _rates(data, years)
    ageing_rate = 1.0 / np.asarray(WIDTH)
    ageing_rate[-1] = 0.0  # the 16+ band leaves by its exit rate (turning 18 included)
    total = exit_rate + ageing_rate
    share = np.divide(exit_rate, total, out=np.zeros_like(total), where=total > 0)
    s = stock0.copy()
    out_stock, out_start, out_ceased = [], [], []
    for _ in range(horizon):
        # a yearly step at the estimated rates (events per child-year in care), no band
        # losing more children than it holds and receives
        out = np.minimum(s * total, s + entries)
        ceased = out * share
        ageing = out - ceased
        s = s - out + np.concatenate([[0.0], ageing[:-1]]) + entries
        out_stock.append(s.sum())
        out_start.append(entries.sum())
        out_ceased.append(ceased.sum())
    return Baseline(np.asarray(out_stock), np.asarray(out_start), np.asarray(out_ceased))


def _has(code: str, year: int) -> bool:
    try:
        la_data(code, year)
    except DataError:
        return False
    return True


def _stock_age(d: AreaData) -> np.ndarray | None:
    v = [d.get("cla_31_march", "age_group", b) for b in BANDS]
    return None if any(x is None for x in v) else np.asarray(v, dtype=float)


def _start_age(d: AreaData) -> np.ndarray | None:
    v = [d.get("started", "age_group", b) for b in BANDS]
    return None if any(x is None for x in v) else np.asarray(v, dtype=float)


def _ceased_age(d: AreaData) -> np.ndarray | None:
    first = [d.get("ceased", "age_group", b) for b in BANDS[:4]]
    old = d.get("ceased", "age_group", "age_16_over")
    if old is None:
        parts = [d.get("ceased", "age_group", b) for b in CEASED_16]
        old = None if any(x is None for x in parts) else sum(x for x in parts if x is not None)
    v = [*first, old]
    return None if any(x is None for x in v) else np.asarray(v, dtype=float)


def _by_age(data: dict[int, AreaData], year: int, measure: str, table) -> np.ndarray:
    """Year ``year``'s total in the age mix of the latest table up to it."""
    total = data[year].get(measure, "total", "total") or 0.0
    for y in sorted(data, reverse=True):
        if y <= year and (mix := table(data[y])) is not None and mix.sum() > 0:
            return total * mix / mix.sum()
    return total * np.asarray([0.05, 0.14, 0.2, 0.4, 0.21])  # England 2024 stock by age


def _rates(data: dict[int, AreaData], years: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Exit rate by band (ceased / mean stock) and entries by band over the window years."""
    ceased = np.zeros(len(BANDS))
    exposure = np.zeros(len(BANDS))
    entries = np.zeros(len(BANDS))
    for y in years:
        if y not in data:
            continue
        stock = _by_age(data, y, "cla_31_march", _stock_age)
        before = _by_age(data, y - 1, "cla_31_march", _stock_age) if y - 1 in data else stock
        ceased += _by_age(data, y, "ceased", _ceased_age)
        exposure += (stock + before) / 2
        entries += _by_age(data, y, "started", _start_age)
    n = max(1, sum(1 for y in years if y in data))
    return ceased / np.maximum(exposure, 1e-9), entries / n
