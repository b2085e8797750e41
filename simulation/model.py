"""CareSystem: the engine. Clock, agents, the rule life cycle and the state transitions.

The engine owns *what happens* to state (a child is admitted, placed, moved, discharged; a
carer joins or leaves; a worker is allocated) and announces it with declared signals
(``simulation/signals.py``); rules own *when and why* (hazards, the placement policy) and talk to
each other only through this declared state, these signals and the placement-policy hook.
Time is in days from the start date (1 April 2024 by default); DfE years end on 31 March.

Order of work, written once (the rule life cycle is in ``simulation/rules/registry.py``):
``setup()`` every enabled rule in ``engine.rules`` order (then plug-in rules), build the
starting population through the same transitions (so the rules set its hazards), schedule dated
parameter changes, month ends and year ends, run the clock, then ``finalise()`` every rule.

Declared model state rules may read: ``p`` (the read-only parameters), ``now``, ``children``
(in care, by child id), ``returned`` (returned home and followed), ``carers`` (active
households), ``carers_by_sector``, ``workers``, ``occupancy`` (children by placement group),
``capacity`` (vacancies and beds), ``ledger`` (costs), ``indicators``, ``streams``,
``calendar``, ``scale`` (children / 10,000) and ``horizon_days``. Rules change state only
through the transitions below.

The engine imports neither ``calibration`` nor ``results``: the caller resolves the parameters
(defaults → area → fit → scenario) and hands the engine a validated, read-only tree.
"""

from __future__ import annotations

import importlib
import math
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

import mesa

from simulation.agents import (
    CarerHousehold,
    Child,
    Group,
    HazardTimer,
    PlacementRequest,
    SocialWorker,
)
from simulation.calendar import Calendar
from simulation.capacity import Capacity
from simulation.clock import LeanClock, MesaClock
from simulation.costs import CostLedger
from simulation.errors import CarepathsError
from simulation.indicators import Indicators
from simulation.params import Parameters
from simulation.population import build_population
from simulation.rules.registry import RULES, Rule, load_builtin_rules, overrides, plugin_rules
from simulation.signals import SIGNALS, check_hazard, check_signal
from simulation.streams import Streams, _mix

START_DATE = date(2024, 4, 1)
CASELOAD_STEP = 2.0  # cases: a "material" change that re-evaluates caseload-driven hazards
SEED_BITS = 63  # seeds are used modulo 2**63 (replicate_seed masks them)

PlacementPolicy = Callable[[Child, PlacementRequest], None]


def replicate_seed(seed: int, replicate: int) -> int:
    """The seed of one replicate: the same for every scenario (common random numbers)."""
    return _mix((seed * 0x9E3779B97F4A7C15 + replicate + 1) & ((1 << SEED_BITS) - 1)) >> 2


def plugin_modules(params: Parameters) -> tuple[str, ...]:
    """The plug-in modules a parameter tree names (``engine.plugins``, comma-separated)."""
    return tuple(m.strip() for m in params["engine.plugins"].split(",") if m.strip())


class CareSystem(mesa.Model):
    """A local authority's looked-after children, carers and social workers."""

    def __init__(
        self,
        params: Parameters,
        seed: int = 1,
        replicate: int = 0,
        start: date | None = None,
        keep_log: bool = False,
    ) -> None:
        if not isinstance(params, Parameters):
            raise CarepathsError("CareSystem needs a validated Parameters tree")
        super().__init__(rng=replicate_seed(seed, replicate) % (2**32))
        self.p = params
        self.seed = seed
        self.replicate = replicate
        self.streams = Streams(replicate_seed(seed, replicate))
        # day 0 is 1 April of the year whose 31 March stock starts the run (2024 by default)
        self.calendar = Calendar(start or date(params["area.start_year"], 4, 1))
        self.now = 0.0  # days from the start; the clock sets it before each event
        self.clock = MesaClock(self) if params["engine.clock"] == "mesa" else LeanClock(self)
        self.scale = params["area.population_0_17"] / 10_000.0
        self.horizon_days = self.calendar.year_end_day(5)  # set by run_years
        self.children: dict[int, Child] = {}  # in care now, by child_id
        self.returned: dict[int, Child] = {}  # returned home and still followed
        self.carers: dict[int, CarerHousehold] = {}  # active households, by carer_id
        self.workers: dict[int, SocialWorker] = {}  # in post, by worker_id
        self.carers_by_sector = [0] * len(Group)  # active households, by sector
        self.other_cases_total = 0.0
        self._next_id: dict[str, int] = defaultdict(int)
        self._handlers: dict[str, list[Callable[..., Any]]] = {}
        self._modifiers: dict[str, list[Callable[[Any], float]]] = {}
        self._placement_policy: PlacementPolicy | None = None
        self._policy_owner = ""
        self.occupancy = [0] * len(Group)
        self.capacity = Capacity(self)
        self.ledger = CostLedger(self)
        self.indicators = Indicators(self)
        self.log: list[tuple[Any, ...]] | None = [] if keep_log else None
        self.rules: list[Rule] = self._build_rules()
        for rule in self.rules:
            rule.setup()
        if self._placement_policy is None:
            raise CarepathsError(
                "no placement policy: enable the 'matching' rule in engine.rules, or a rule "
                "that calls model.set_placement_policy"
            )
        self._month_rules = [r for r in self.rules if overrides(r, "month_end")]
        self._year_rules = [r for r in self.rules if overrides(r, "year_end")]
        build_population(self)
        self._schedule_calendar()

    # ---- rules, signals, modifiers and the placement policy ----------------------------
    def _build_rules(self) -> list[Rule]:
        load_builtin_rules()
        modules = plugin_modules(self.p)
        for module in modules:
            try:
                importlib.import_module(module)
            except Exception as exc:  # a plug-in's own error, reported as such
                raise CarepathsError(
                    f"plug-in {module} failed: importing it raised {type(exc).__name__}: {exc}"
                ) from None
        self._handlers = {name: [] for name in SIGNALS}
        names = [n.strip() for n in self.p["engine.rules"].split(",") if n.strip()]
        names += [n for n in plugin_rules(modules) if n not in names]
        unknown = [n for n in names if n not in RULES]
        if unknown:
            raise CarepathsError(
                f"engine.rules: unknown rule(s) {', '.join(unknown)}; registered: "
                f"{', '.join(sorted(RULES))}"
            )
        return [RULES[n](self) for n in names]

    def on(self, signal: str, fn: Callable[..., Any]) -> None:
        """Subscribe ``fn`` to a declared signal; handlers run in subscription (rule) order."""
        check_signal(signal)
        self._handlers.setdefault(signal, []).append(fn)

    def emit(self, signal: str, *args: Any) -> None:
        """Announce a declared signal to its subscribers. (The engine's own transitions run
        the handlers of their signals in place, ``for fn in self._handlers[name]``: the same
        list, the same order, one call less on the hottest paths.)"""
        try:
            handlers = self._handlers[signal]
        except KeyError:  # undeclared (an error), or declared after this model was built
            check_signal(signal)
            handlers = self._handlers.setdefault(signal, [])
        for fn in handlers:
            fn(*args)

    def add_modifier(self, process: str, fn: Callable[[Any], float]) -> None:
        """Let a rule scale another rule's hazard: ``fn(owner)`` returns a multiplier.

        ``process`` must be declared (``simulation.signals.HAZARDS``); the rule that owns it
        calls :meth:`modify` on its rate. This is how a researcher's rule changes disruption,
        deregistration, exits, turnover or arrivals without touching the rules that own them.
        """
        check_hazard(process)
        self._modifiers.setdefault(process, []).append(fn)

    def has_modifiers(self, process: str) -> bool:
        """Whether any rule scales ``process`` (lets owners skip work when none does)."""
        return process in self._modifiers

    def has_any_modifiers(self, processes: tuple[str, ...]) -> bool:
        """Whether any rule scales any of ``processes``."""
        return not self._modifiers.keys().isdisjoint(processes)

    def modify(self, process: str, owner: Any, rate: float) -> float:
        mods = self._modifiers.get(process)
        if mods:
            for fn in mods:
                rate *= fn(owner)
        return rate

    def set_placement_policy(self, fn: PlacementPolicy, owner: str) -> None:
        """Declare the one function that places a child: ``fn(child, request)`` must call
        :meth:`place` once. The 'matching' rule sets it; a researcher's rule may replace the
        policy by enabling its own rule in place of 'matching' (two are an error)."""
        if self._placement_policy is not None:
            raise CarepathsError(
                f"two placement policies: {self._policy_owner!r} and {owner!r}; enable one"
            )
        self._placement_policy = fn
        self._policy_owner = owner

    def _request_placement(self, child: Child, reason: str, group: int | None = None) -> None:
        request = PlacementRequest(reason, group)
        for fn in self._handlers["placement_request"]:
            fn(child, request)
        assert self._placement_policy is not None
        self._placement_policy(child, request)

    def record(self, *event: Any) -> None:
        """Append to the event log (kept only when asked for: tests and record exports)."""
        if self.log is not None:
            self.log.append((self.now, *event))

    # ---- time --------------------------------------------------------------------------
    def at(self, day: float, fn: Callable[..., Any], *args: Any) -> object:
        return self.clock.at(day, fn, *args)

    def cancel(self, handle: object) -> None:
        self.clock.cancel(handle)

    def new_id(self, kind: str) -> int:
        """The next id of ``kind`` in creation order: only for the starting population, whose
        creation order does not depend on any lever."""
        n = self._next_id[kind]
        self._next_id[kind] = n + 1
        return n

    def _schedule_calendar(self) -> None:
        for change in self.p.dated:
            self.at(change.day, self._apply_dated, change.path, change.value)

    def _apply_dated(self, path: str, value: Any) -> None:
        """A dated parameter change: price what accrued at the old values, then every rule
        that reads ``path`` sees the new tree and its ``on_params_changed`` hook runs."""
        self.ledger.settle(self.now)
        self.p = self.p.with_changes({path: value})
        changed = frozenset((path,))
        self.capacity.on_params_changed(changed)
        for rule in self.rules:
            rule.p = rule.view(self.p)
            if rule.reads_any(changed):
                rule.on_params_changed(changed)

    def run_years(self, years: int) -> None:
        """Run ``years`` DfE years (once per model); indicators close at each 31 March,
        snapshots monthly; every rule's ``finalise`` runs at the end."""
        if self.clock.horizon != math.inf:
            raise CarepathsError("a model runs once: build a new one to run again")
        end = self.calendar.year_end_day(years)
        self.horizon_days = end
        self.clock.horizon = end  # events after the end are never scheduled
        for day in self.calendar.month_end_days(end):
            self.at(day, self._month_end, day)
        for k in range(1, years + 1):
            self.at(self.calendar.year_end_day(k), self._year_end, k)
        self.clock.run_until(end)
        for rule in self.rules:
            rule.finalise()

    def _month_end(self, day: float) -> None:
        self._review_caseloads()
        for rule in self._month_rules:
            rule.month_end(day)
        self.indicators.month_end(day)

    def _year_end(self, k: int) -> None:
        self.ledger.settle(self.now)
        year = self.calendar.dfe_year(k)
        for rule in self._year_rules:
            rule.year_end(year)
        self.indicators.year_end(year)

    def teardown(self) -> None:
        """Break the finished model's reference cycles (agents <-> model, children <-> carers
        and workers, timers <-> their events) so reference counting frees it at once. Left to
        Python's cyclic collector, a finished model cost ~0.1 s per replicate to collect
        (benchmarks). The model is unusable afterwards: read its results first."""
        for agent in list(self._all_agents):
            agent.__dict__.clear()
        for rule in self.rules:
            rule.__dict__.clear()
        self.__dict__.clear()

    # ---- hazards -----------------------------------------------------------------------
    def set_hazard(
        self,
        owner: Any,
        process: str,
        rate: float,
        fire: Callable[..., Any],
        scope: str = "period",
        occurrence: int = 0,
        steps: tuple[tuple[float, float], ...] = (),
    ) -> None:
        """Set the rate (per day) of ``owner``'s ``process``; (re)schedule when it fires.

        The first call for (owner, process) draws the threshold E ~ Exp(1) from the owner's
        stream; later calls integrate the old rates up to now and reschedule with the new
        ones. ``steps`` are known future changes, ((day, rate), ...) in time order (a
        placement's first months ending, a birthday): the firing time is solved across them in
        closed form, so no event is needed at each step. ``fire(owner)`` is called when the
        cumulative hazard reaches E.
        """
        now = self.now
        timer = owner.timers.get(process)
        if timer is None:
            if rate <= 0.0 and not any(r > 0.0 for _, r in steps):
                # Nothing to schedule. The threshold is drawn when the rate rises: it is keyed
                # by (process, owner, occurrence), so it is the same draw either way.
                return
            # E ~ Exp(1): Streams.exponential written out (a hazard is set ~40,000 times a run)
            timer = HazardTimer(
                -math.log(self.streams.uniform(process, owner.key, occurrence)), scope, now
            )
            owner.timers[process] = timer
        elif rate == timer.rate and steps == timer.steps:
            return  # unchanged: the scheduled time still holds
        else:
            timer.acc += _integral(timer.rate, timer.steps, timer.t0, now)
            timer.t0 = now
            if timer.handle is not None:
                self.clock.cancel(timer.handle)
                timer.handle = None
        timer.rate = rate
        timer.steps = steps
        remaining = timer.threshold - timer.acc
        if steps:
            when = _solve(rate, steps, now, remaining)
        elif rate > 0.0:  # _solve without steps, written out (most hazards have none)
            if remaining < 0.0:
                remaining = 0.0
            when = now + remaining / rate
        else:
            when = None
        if when is not None:
            timer.handle = self.clock.at(when, self._fire, owner, process, fire)

    def _fire(self, owner: Any, process: str, fire: Callable[..., Any]) -> None:
        owner.timers.pop(process, None)
        fire(owner)

    def clear_hazard(self, owner: Any, process: str) -> None:
        timer = owner.timers.pop(process, None)
        if timer is not None and timer.handle is not None:
            self.clock.cancel(timer.handle)

    def clear_hazards(self, owner: Any, scope: str | None = None) -> None:
        timers = owner.timers
        if not timers:
            return
        cancel = self.clock.cancel
        if scope is None:
            for timer in timers.values():
                if timer.handle is not None:
                    cancel(timer.handle)
            timers.clear()
            return
        for process in [k for k, t in timers.items() if t.scope == scope]:
            timer = timers.pop(process)
            if timer.handle is not None:
                cancel(timer.handle)

    # ---- children: state transitions ---------------------------------------------------
    def admit(self, child: Child, reentry: bool = False) -> None:
        """A child starts a period of care and needs a placement."""
        child.in_care = True
        child.period += 1
        child.period_start = self.now
        child.first_group = -1
        child.placements_in_year = 0
        child.wellbeing_t = self.now
        self.returned.pop(child.child_id, None)
        self.children[child.child_id] = child
        self.indicators.started(child, reentry)
        if self.log is not None:
            self.record("admit", child.child_id, reentry)
        for fn in self._handlers["admitted"]:
            fn(child, reentry)
        self._request_placement(child, "entry")

    def place(
        self,
        child: Child,
        group: int,
        carer: CarerHousehold | None = None,
        quality: float = 0.5,
        emergency: bool = False,
        inhouse_bed: bool = False,
        reason: str = "",
        location: int = 0,
    ) -> None:
        """Start a placement (the child must not be placed) in location band ``location``
        (a carer's placement is where the carer lives)."""
        assert child.placement < 0, "a child cannot be in two placements"
        now = self.now
        if child.carer is not carer or carer is None:
            child.carer_since = now
        child.placement = group
        child.carer = carer
        child.inhouse_bed = inhouse_bed
        if carer is not None:
            assert carer.vacancies > 0, "carer over capacity"
            carer.children.append(child)
            child.location = carer.location
            self.capacity.update(carer)
        else:
            child.location = location
            self.capacity.take(child)
        child.placement_start = now
        child.emergency = emergency
        child.quality = quality
        child.placement_count += 1
        child.placements_in_year += 1
        if child.first_group < 0:
            child.first_group = group
        self.ledger.change(group, +1, inhouse_bed)
        self.occupancy[group] += 1
        if self.log is not None:
            self.record("place", child.child_id, group, reason)
        for fn in self._handlers["placed"]:
            fn(child)

    def _unplace(self, child: Child) -> tuple[int, CarerHousehold | None]:
        group, carer = child.placement, child.carer
        self.clear_hazards(child, "placement")
        if carer is not None:
            carer.children.remove(child)
            self.capacity.update(carer)
        else:
            self.capacity.release(child)
        self.ledger.change(group, -1, child.inhouse_bed)
        self.occupancy[group] -= 1
        child.placement, child.inhouse_bed, child.location = -1, False, -1
        return group, carer

    def end_placement(
        self,
        child: Child,
        reason: str,
        unplanned: bool,
        keep_carer: bool = False,
        next_group: int | None = None,
    ) -> None:
        """End the current placement with an SSDA903 reason; the child needs another, which
        the placement policy finds (in ``next_group`` when the care plan has decided it, e.g.
        a placement for adoption)."""
        for fn in self._handlers["wellbeing_update"]:
            fn(child)
        group, carer = self._unplace(child)
        if not keep_carer:
            child.carer = None
        self.indicators.placement_ended(child, group, reason, unplanned)
        if self.log is not None:
            self.record("end", child.child_id, group, reason, unplanned)
        for fn in self._handlers["placement_ended"]:
            fn(child, group, carer, reason, unplanned)
        if child.in_care:
            self._request_placement(child, "move", next_group)

    def discharge(self, child: Child, route: str) -> None:
        """The child leaves care by ``route`` (one of agents.EXIT_ROUTES)."""
        for fn in self._handlers["wellbeing_update"]:
            fn(child)
        child.in_care = False
        group, carer = self._unplace(child) if child.placement >= 0 else (-1, None)
        self.clear_hazards(child)
        del self.children[child.child_id]
        self.indicators.ceased(child, route, group)
        if self.log is not None:
            self.record("exit", child.child_id, route, group)
        for fn in self._handlers["exited"]:
            fn(child, route, group, carer)
        child.carer = None
        if child.child_id not in self.returned:  # nobody follows this child any more
            self.forget(child)

    def forget(self, child: Child) -> None:
        """Drop a child who has left care for good (frees memory at full scale)."""
        self.clear_hazards(child)
        self.returned.pop(child.child_id, None)
        child.remove()

    def start_existing(
        self,
        child: Child,
        period_start: float,
        placement_start: float,
        group: int,
        carer: CarerHousehold | None,
        quality: float,
        inhouse_bed: bool = False,
        location: int = 0,
    ) -> None:
        """Put a child of the starting population in care, already placed (not a start)."""
        child.existing = True
        child.in_care = True
        child.period = 0
        child.period_start = period_start
        child.wellbeing_t = 0.0
        self.children[child.child_id] = child
        self.emit("admitted", child, False)
        self.place(
            child,
            group,
            carer,
            quality=quality,
            inhouse_bed=inhouse_bed,
            reason="existing",
            location=location,
        )
        child.placement_start = child.carer_since = placement_start
        child.first_group = group
        child.placements_in_year = 1
        child.placement_count = 1

    # ---- carers and workers ------------------------------------------------------------
    def add_carer(self, carer: CarerHousehold) -> None:
        self.carers[carer.carer_id] = carer
        self.carers_by_sector[carer.sector] += 1
        self.capacity.update(carer)
        if self.log is not None:
            self.record("carer_join", carer.carer_id, carer.sector)
        self.emit("carer_joined", carer)

    def remove_carer(self, carer: CarerHousehold, reason: str) -> None:
        """A household stops fostering; children still placed there must move."""
        carer.active = False
        self.clear_hazards(carer)
        if self.carers.pop(carer.carer_id, None) is not None:
            self.carers_by_sector[carer.sector] -= 1
        self.capacity.update(carer)
        if self.log is not None:
            self.record("carer_leave", carer.carer_id, carer.sector, reason)
        self.emit("carer_left", carer, reason)
        for child in list(carer.children):
            self.end_placement(child, "CLOSE", unplanned=True)
        carer.remove()

    def add_worker(self, worker: SocialWorker) -> None:
        self.workers[worker.worker_id] = worker
        self.emit("worker_joined", worker)

    def allocate(self, child: Child, worker: SocialWorker | None) -> None:
        """Allocate a child to a worker (a change of worker when one was allocated)."""
        old = child.worker
        if old is worker:
            return
        if old is not None:
            del old.children[child.child_id]
        child.worker = worker
        if worker is not None:
            worker.children[child.child_id] = child
            child.workers_in_year += 1
            child.worker_changes += 1
        for fn in self._handlers["worker_changed"]:
            fn(child, old)

    def _review_caseloads(self) -> None:
        """Monthly: announce workers whose caseload moved by two cases or more since the hazards
        of their children were last evaluated (DESIGN §3: state-dependent hazards are
        re-evaluated when that state changes materially, or monthly)."""
        others = self.other_cases_total / max(len(self.workers), 1)
        for w in list(self.workers.values()):
            caseload = len(w.children) + others
            if abs(caseload - w.caseload_used) >= CASELOAD_STEP:
                w.caseload_used = caseload
                self.emit("caseload_changed", w)

    def remove_worker(self, worker: SocialWorker) -> None:
        self.clear_hazards(worker)
        del self.workers[worker.worker_id]
        self.emit("worker_left", worker)
        worker.remove()

    def caseload(self, worker: SocialWorker) -> float:
        """Cases held: looked-after children plus a share of the area's other cases."""
        return len(worker.children) + self.other_cases_total / (len(self.workers) or 1)

    def mean_caseload(self) -> float:
        n = len(self.workers)
        if n == 0:
            return 0.0
        # every child in care is allocated, so the looked-after cases are the children in care
        return (len(self.children) + self.other_cases_total) / n


def _integral(rate: float, steps: tuple[tuple[float, float], ...], t0: float, t1: float) -> float:
    """Cumulative hazard from t0 to t1 of a rate that changes at ``steps``."""
    total, t = 0.0, t0
    for day, next_rate in steps:
        if day >= t1:
            break
        if day > t:
            total += rate * (day - t)
            t = day
        rate = next_rate
    return total + rate * (t1 - t)


def _solve(
    rate: float, steps: tuple[tuple[float, float], ...], t: float, remaining: float
) -> float | None:
    """The time from ``t`` at which the cumulative hazard reaches ``remaining`` (None: never)."""
    if remaining < 0.0:
        remaining = 0.0
    for day, next_rate in steps:
        if day > t:
            if rate > 0.0 and rate * (day - t) >= remaining:
                return t + remaining / rate
            remaining -= rate * (day - t)
            t = day
        rate = next_rate
    return t + remaining / rate if rate > 0.0 else None
