"""Run one replicate: build the model, run it, return its indicator rows.

A pure function of (parameters, years, seed, replicate): the same inputs give identical rows in
any process, on any executor. This is what the executor ships to worker processes.

An exception raised by a researcher's plug-in rule (in ``setup``, a hook, a signal handler or an
event it scheduled) comes back as one :class:`~simulation.errors.CarepathsError`,
"plug-in MODULE failed: rule NAME raised ...", naming the module, the rule and the line; an
error in the engine itself is a bug and keeps its traceback.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from simulation.errors import CarepathsError
from simulation.model import CareSystem, plugin_modules
from simulation.params import Parameters
from simulation.rules.registry import Rule, plugin_rules


@dataclass
class ReplicateResult:
    """Monthly and yearly indicator rows of one replicate."""

    timeseries: list[tuple[str, str, float]]  # (ISO month-end date, indicator, value)
    indicators: list[tuple[int, str, float]]  # (DfE year ending 31 March, indicator, value)
    events: int
    wall_seconds: float


def run_replicate(params: Parameters, years: int, seed: int, replicate: int) -> ReplicateResult:
    """Simulate ``years`` DfE years of one replicate and collect its indicators."""
    try:
        return _run(params, years, seed, replicate)
    except CarepathsError:
        raise
    except Exception as exc:
        failure = plugin_failure(exc, plugin_modules(params))
        if failure is None:
            raise
        raise failure from None


def plugin_failure(exc: BaseException, modules: tuple[str, ...]) -> CarepathsError | None:
    """'plug-in M failed: rule R raised ...' when a frame of plug-in module M is on the
    exception's traceback (the innermost such frame names the line), else None."""
    found = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_globals.get("__name__", "")
        module = next((m for m in modules if name == m or name.startswith(m + ".")), None)
        if module is not None:
            found = (module, tb)
        tb = tb.tb_next
    if found is None:
        return None
    module, tb = found
    owner = tb.tb_frame.f_locals.get("self")
    rules = [owner.name] if isinstance(owner, Rule) else plugin_rules((module,))
    code = tb.tb_frame.f_code
    return CarepathsError(
        f"plug-in {module} failed: rule {', '.join(rules) or '(none registered)'} raised "
        f"{type(exc).__name__}: {exc} (at {Path(code.co_filename).name}:{tb.tb_lineno} in "
        f"{code.co_name})"
    )


def _run(params: Parameters, years: int, seed: int, replicate: int) -> ReplicateResult:
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
