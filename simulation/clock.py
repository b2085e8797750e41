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
from collections.abc import Callable
from typing import Any, Protocol

import mesa


class Clock(Protocol):
    """What the model and the rules may ask of time."""

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
    """A heap of (time, seq, handle); cancelled handles are skipped when popped.

    The current time is written to ``owner.now`` (the model) before each event, so rules read
    a plain attribute, not a chain of properties (``model.now`` is read ~80,000 times in a
    10-year default-area run).
    """

    __slots__ = ("_heap", "_owner", "_seq", "events_fired")

    def __init__(self, owner: Any = None) -> None:
        self._heap: list[tuple[float, int, list[Any]]] = []
        self._owner = owner if owner is not None else _Time()
        self._owner.now = 0.0
        self._seq = 0
        self.events_fired = 0

    @property
    def now(self) -> float:
        return self._owner.now

    def at(self, time: float, fn: Callable[..., Any], *args: Any) -> list[Any]:
        now = self._owner.now
        if time < now:
            time = now
        handle = [fn, args]
        self._seq += 1
        heapq.heappush(self._heap, (time, self._seq, handle))
        return handle

    def cancel(self, handle: object) -> None:
        if handle is not None:
            handle[0] = None  # type: ignore[index]

    def run_until(self, time: float) -> None:
        heap = self._heap
        pop = heapq.heappop
        owner = self._owner
        fired = self.events_fired
        while heap and heap[0][0] <= time:
            t, _, handle = pop(heap)
            fn = handle[0]
            if fn is None:
                continue
            handle[0] = None
            owner.now = t
            fired += 1
            self.events_fired = fired
            fn(*handle[1])
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

    def __init__(self, model: mesa.Model) -> None:
        self.model = model
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
