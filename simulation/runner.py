"""Run one replicate: build the model, run it, return its indicator rows.

A pure function of (parameters, years, seed, replicate): the same inputs give identical rows in
any process, on any executor. This is what the executor ships to worker processes.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from simulation.model import CareSystem
from simulation.params import Parameters


@dataclass
class ReplicateResult:
    """Monthly and yearly indicator rows of one replicate."""

    timeseries: list[tuple[str, str, float]]  # (ISO month-end date, indicator, value)
    indicators: list[tuple[int, str, float]]  # (DfE year ending 31 March, indicator, value)
    events: int
    wall_seconds: float


def run_replicate(params: Parameters, years: int, seed: int, replicate: int) -> ReplicateResult:
    """Simulate ``years`` DfE years of one replicate and collect its indicators."""
    started = time.perf_counter()
    with _quiet_gc():
        model = CareSystem(params, seed=seed, replicate=replicate)
        gc.freeze()  # the starting population lives all run: stop re-scanning it
        model.run_years(years)
        result = ReplicateResult(
            timeseries=model.indicators.monthly,
            indicators=model.indicators.yearly,
            events=model.clock.events_fired,
            wall_seconds=0.0,
        )
        model.teardown()  # freed now by reference counting, not by a slow cyclic collection
    result.wall_seconds = time.perf_counter() - started
    return result


@contextmanager
def _quiet_gc() -> Iterator[None]:
    """Collect garbage less often during a run: with many long-lived agents Python's cyclic
    collector otherwise walks them all again and again (15-40% of a run's CPU, measured in
    benchmarks/README.md). Results do not depend on it."""
    old = gc.get_threshold()
    gc.set_threshold(200_000, 50, 1000)
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*old)
