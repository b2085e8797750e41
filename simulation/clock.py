"""The clock: a small interface (schedule at, cancel, run until) with two interchangeable engines.

``MesaClock`` drives Mesa 3.5's own event list (``Model.schedule_event``). ``LeanClock`` is a
bare ``heapq`` loop with the same behaviour, for when profiling shows the scheduler dominates
(DESIGN §3). Both order events by (time, sequence number), so ties fire in the order they were
scheduled and a run gives identical results on either engine.

Mesa keeps callbacks by weak reference: a lambda or closure handed to it is silently dropped.
``MesaClock`` therefore wraps each call in an ``_Call`` object that it keeps alive itself until
the call has fired or been cancelled.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from typing import Any, Protocol

_heappush = heapq.heappush


class Clock(Protocol):
    """What the model and the rules may ask of time. ``horizon`` is the end of the run, set
    before it starts: a clock may drop calls scheduled after it (they would never run)."""

    horizon: float

    @property
    def now(self) -> float: ...

    def at(self, time: float, fn: Callable[..., Any], *args: Any) -> object:
        """Call ``fn(*args)`` at ``time`` (days); returns a handle for :meth:`cancel`."""
        ...

    def cancel(self, handle: object) -> None: ...

    def run_until(self, time: float) -> None: ...


class _Time:
    """Where a clock without a model writes the current time."""

    __slots__ = ("now",)


class LeanClock:
    """A heap of [time, seq, fn, args] entries (each is its own handle); cancelled entries
    are skipped when popped.

    The current time is written to ``owner.now`` (the model) before each event, so rules read
    a plain attribute, not a chain of properties (``model.now`` is read ~80,000 times in a
    10-year default-area run).
    """

    __slots__ = ("_cancelled", "_heap", "_owner", "_seq", "events_fired", "horizon")

    def __init__(self, owner: Any = None) -> None:
        self._heap: list[list[Any]] = []
        self._owner = owner if owner is not None else _Time()
        self._owner.now = 0.0
        self._seq = 0
        self._cancelled = 0
        self.events_fired = 0
        self.horizon = math.inf  # calls after it are not scheduled (the run ends first)

    @property
    def now(self) -> float:
        return self._owner.now

    def at(self, time: float, fn: Callable[..., Any], *args: Any) -> list[Any]:
        now = self._owner.now
        if time < now:
            time = now
        self._seq += 1
        if time > self.horizon:  # never due in this run (a hazard years ahead): keep it out
            return [time, self._seq, None, args]
        entry = [time, self._seq, fn, args]  # the heap entry is also the handle
        _heappush(self._heap, entry)
        return entry

    def cancel(self, handle: object) -> None:
        if handle is not None and handle[2] is not None:  # type: ignore[index]
            handle[2] = None  # type: ignore[index]
            self._cancelled += 1
            if self._cancelled > 1024 and 2 * self._cancelled > len(self._heap):
                self._compact()

    def _compact(self) -> None:
        """Drop cancelled entries once they are half the heap (most hazards are cancelled
        or rescheduled before they fire; left in, they deepen every push and pop). Entries
        keep their (time, seq) keys, so the order of events is unchanged."""
        heap = self._heap
        heap[:] = [e for e in heap if e[2] is not None]  # in place: run_until holds the list
        heapq.heapify(heap)
        self._cancelled = 0

    def run_until(self, time: float) -> None:
        heap = self._heap
        pop = heapq.heappop
        owner = self._owner
        while heap and heap[0][0] <= time:
            entry = pop(heap)
            fn = entry[2]
            if fn is None:
                self._cancelled -= 1
                continue
            entry[2] = None
            owner.now = entry[0]
            self.events_fired += 1
            fn(*entry[3])
        owner.now = max(owner.now, time)


class _Call:
    __slots__ = ("__weakref__", "args", "clock", "fn", "mesa_event")

    def __init__(self, clock: MesaClock, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.clock = clock
        self.fn = fn
        self.args = args
        self.mesa_event: Any = None

    def fire(self) -> None:
        clock = self.clock
        clock._live.discard(self)
        fn, self.fn = self.fn, None
        if fn is not None:
            clock.events_fired += 1
            clock.model.now = float(clock.model.time)
            fn(*self.args)


class MesaClock:
    """Mesa's event scheduler behind the :class:`Clock` interface."""

    def __init__(self, model: Any) -> None:  # a mesa.Model that also has ``now``
        self.model = model
        self.horizon = math.inf  # not used: Mesa keeps every event
        model.now = float(model.time)
        self._live: set[_Call] = set()
        self.events_fired = 0

    @property
    def now(self) -> float:
        return float(self.model.time)

    def at(self, time: float, fn: Callable[..., Any], *args: Any) -> _Call:
        call = _Call(self, fn, args)
        self._live.add(call)
        call.mesa_event = self.model.schedule_event(call.fire, at=max(time, self.model.time))
        return call

    def cancel(self, handle: object) -> None:
        if isinstance(handle, _Call) and handle.fn is not None:
            handle.fn = None
            self._live.discard(handle)
            handle.mesa_event.cancel()

    def run_until(self, time: float) -> None:
        if time > self.model.time:
            self.model.run_until(time)
        self.model.now = float(self.model.time)
