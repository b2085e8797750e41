"""Foster-carer recruitment pipeline: a salabim queue that hands the model dated approvals.

Mechanism (in domain words). People enquire about fostering with the council's own service
(a Poisson stream, ``pipeline.enquiries_per_10k_per_year`` x (1 + ``pipeline.enquiries_uplift``)
per 10,000 children). An enquiry becomes a formal application with probability
``pipeline.enquiry_to_application``. Applications queue, first come first served, for a slot
with the team of assessing social workers: ``round((pipeline.assessors_per_10k +
pipeline.assessors_extra_per_10k) x population / 10,000 x pipeline.assessments_per_assessor)``
slots, at least one (a slot is one Form F assessment in progress). An assessment takes a
lognormal time with mean ``pipeline.assessment_days`` and coefficient of variation
``pipeline.assessment_cv``. Applicants may withdraw at any time before the assessment ends: a
constant hazard ``pipeline.withdrawal_per_year``, times ``pipeline.withdrawal_wait_ratio`` while
still waiting for an assessor (delay loses applicants; that is what extra assessing capacity
buys). A completed assessment is approved with probability ``pipeline.approval_share``; the
rest are turned down at panel or withdrawn by the service.

One clock. The pipeline does not depend on model state, so it runs **ahead** of the model:
``run_pipeline`` simulates the whole horizon first and returns the sorted approval days; the
model schedules each approval day as an event on its own clock. No second engine runs during
the model's event loop, so the two cannot drift.

Randomness. Every draw comes from :class:`simulation.streams.Streams`, keyed by domain ids:
the n-th enquiry's inter-arrival threshold ``("pipeline.enquiry", 0, n)``; an enquiry's
conversion ``("pipeline.apply", enquiry_id)``; and, for an application (keyed by the id of the
enquiry it came from, so an uplift that adds enquiries does not reshuffle the luck of the
existing ones) its withdrawal threshold ``("pipeline.withdraw", id)`` (an integrated-hazard
threshold E ~ Exp(1)), assessment length ``("pipeline.duration", id)`` and panel outcome
``("pipeline.approve", id)``. salabim's own distributions are never used. Importing salabim
reseeds the global ``random`` and ``numpy.random`` state (its ``reset()`` runs at import) and
``Environment(random_seed=None)`` does so again, so this module imports salabim with the global
states saved and restored, builds environments with ``random_seed=""`` (salabim's "leave
``random`` alone") and ``set_numpy_random_seed=False``, and puts salabim's previous default
environment back. Environments run in salabim's generator (``yieldless=False``) mode, so
greenlet is not needed here, with trace off and no animation (no display needed).

Speed (a 10-year default-area run ~25-40 ms; England 5 years ~1.5-3 s). Finished application
components are pooled and reused (salabim's ``Component()`` costs ~0.2 ms); withdrawal while
waiting is lazy, because salabim's reneging (``request(fail_at=...)``) re-heapifies its whole
event list on every honoured request; per-component status monitors are off. Queue statistics
come from each applicant's give-up day, not from salabim's queue monitor.

Dated changes (scenario levers from a date) to the enquiry rate, uplift and assessor FTE are
honoured: the arrival stream inverts the piecewise-constant integrated rate, and the number of
slots changes on the day. Conversion, approval share and assessment length are read at the time
they apply.

Calibration (default area, 100,000 children; see benchmarks/README.md and the tests). Target:
in-house approvals ~ 4,080 mainstream approvals (PF:fostering.households_approved_mainstream
2022-23) x LA share 0.45 (PF:fostering.new_approvals_share_la 2023-24) / 119.47 = 15.4 a year.
Ofsted's LA rows (fostering_england.csv, LA block, 2013-14 to 2017-18) split the 28,190
concluded LA applications into 14,035 approved, 8,600 withdrawn by applicants (30.5%), 4,885
withdrawn by services and 670 rejected at panel. So ``withdrawal_per_year`` = 0.7 gives 30.6%
applicant withdrawals at the proposed defaults below, and the share of *completed* assessments
approved is 14,035 / (14,035 + 4,885 + 670) = 0.72 (the published 0.49 is approvals over all
concluded applications, withdrawals included, so using it here counts withdrawals twice). LA
enquiries: 2022-23 125,195 enquiries and 8,010 applications at LA 12% / IFA 5% conversion imply
~25,000 LA enquiries (20.9 per 10,000 children); the 2021-22 ratios (8 and 23 enquiries per
application, 8,280 applications, 138,075 enquiries) imply 23.4; Ofsted counted 34,650 LA
enquiries in 2017-18 (29.0). Proposed defaults: 26 enquiries per 10,000, conversion 0.12,
approval share 0.72, 6 assessments per FTE: 15.6 approvals a year (20 seeds x 20 years, sd
0.6), 31 applications a year, 30.6% withdrawn by applicants, the 15 slots ~80% busy, mean wait
~8 days. With the tree's current defaults (45 per 10,000, approval share 0.49) 54 applications a
year swamp the 15 slots: 13.2 approvals a year, a mean wait of ~120 days, half the applicants
withdraw, and recruitment uplift adds nothing until assessors are added.
"""

from __future__ import annotations

import bisect
import math
import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulation import parameter_tree  # noqa: F401  (load the tree before adding to it)
from simulation.params import ParamReader
from simulation.streams import Streams


@contextmanager
def global_rng_untouched() -> Iterator[None]:
    """Restore the global ``random`` and ``numpy.random`` states on exit."""
    py_state = random.getstate()
    np_state = np.random.get_state()
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


with global_rng_untouched():  # salabim's import-time reset() reseeds both global generators
    import salabim as sim
    import salabim.salabim as _salabim_module


def _caller_frame() -> Any:
    """The first frame outside salabim: what ``salabim._get_caller_frame`` returns, found by
    walking ``f_back`` instead of ``inspect.stack()``. The original reads source context for
    the whole stack (several ms per environment) and leaves reference cycles that keep our
    event loop's frame, and so a finished model, alive until a full garbage collection."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename in (_salabim_module.__file__, "<string>"):
        frame = frame.f_back
    return frame


@contextmanager
def _cheap_caller_frames() -> Iterator[None]:
    original = _salabim_module._get_caller_frame
    _salabim_module._get_caller_frame = _caller_frame
    try:
        yield
    finally:
        _salabim_module._get_caller_frame = original


DAYS_PER_YEAR = 365.25
MONTH_DAYS = 30.4
PER_10K = 10_000.0

_FTE_PATHS = ("pipeline.assessors_per_10k", "pipeline.assessors_extra_per_10k")
_RATE_PATHS = ("pipeline.enquiries_per_10k_per_year", "pipeline.enquiries_uplift")


@dataclass
class PipelineResult:
    """What the model needs from the pipeline, plus monitors for reporting."""

    approval_days: list[float]  # sorted days from the start when an in-house household is approved
    approval_ids: list[int]  # the application (enquiry) id of each approval, in the same order
    enquiries: int
    applications: int
    withdrawals: int  # by applicants, while waiting or in assessment
    approvals: int
    mean_wait_days: float  # wait for an assessor, over applications that reached one
    mean_queue_length: float  # time-weighted applications waiting for an assessor
    monthly: list[tuple[float, int, int]] = field(default_factory=list)
    # (day, applications waiting, assessments in progress) every 30.4 days
    not_approved: int = 0  # completed assessments turned down
    withdrawals_waiting: int = 0  # the part of ``withdrawals`` that never reached an assessor
    slots: int = 0  # assessment slots at the start


Steps = list[tuple[float, Any]]


def _steps(params: ParamReader, path: str) -> Steps:
    """(day, value) steps for ``path``: the base value from day 0, then its dated changes."""
    changes = sorted((d for d in params.dated if d.path == path), key=lambda d: d.day)
    return [(0.0, params[path])] + [(max(0.0, d.day), d.value) for d in changes]


def _value_at(steps: Steps, day: float) -> Any:
    value = steps[0][1]
    for start, v in steps:
        if start > day:
            break
        value = v
    return value


def _breakpoints(params: ParamReader, paths: tuple[str, ...]) -> list[float]:
    return sorted({day for path in paths for day, _ in _steps(params, path)})


def assessment_slots(params: ParamReader, day: float = 0.0) -> int:
    """Assessments that can run at once on ``day`` (at least one)."""
    fte = sum(_value_at(_steps(params, p), day) for p in _FTE_PATHS)
    per = _value_at(_steps(params, "pipeline.assessments_per_assessor"), day)
    return max(1, round(fte * params["area.population_0_17"] / PER_10K * per))


def enquiry_rate_per_day(params: ParamReader, day: float = 0.0) -> float:
    """Expected enquiries per day to the council's own fostering service on ``day``."""
    per_10k = _value_at(_steps(params, _RATE_PATHS[0]), day)
    uplift = _value_at(_steps(params, _RATE_PATHS[1]), day)
    return per_10k * (1.0 + uplift) * params["area.population_0_17"] / PER_10K / DAYS_PER_YEAR


def enquiry_days(params: ParamReader, streams: Streams, horizon_days: float) -> Iterator[float]:
    """Enquiry days up to the horizon: a Poisson stream with a piecewise-constant rate.

    The n-th gap is an integrated-rate threshold ``streams.exponential("pipeline.enquiry", 0,
    n)``, so a higher rate moves every enquiry earlier and adds new ones after them.
    """
    starts = _breakpoints(params, _RATE_PATHS)
    rates = [enquiry_rate_per_day(params, s) for s in starts]
    seg, t, n = 0, 0.0, 0
    while True:
        need = streams.exponential("pipeline.enquiry", 0, n)
        while True:
            end = starts[seg + 1] if seg + 1 < len(starts) else math.inf
            rate = rates[seg]
            if rate > 0.0 and t + need / rate <= end:
                t += need / rate
                break
            if end == math.inf:
                return
            need -= rate * (end - t)
            t, seg = end, seg + 1
        if t > horizon_days:
            return
        yield t
        n += 1


class _Pipeline:
    """Shared state of one run: parameters, streams, the assessor resource and the counts."""

    def __init__(self, params: ParamReader, streams: Streams, env: Any) -> None:
        self.params = params
        self.streams = streams
        self.env = env
        self.assessors = sim.Resource(
            "assessors", capacity=assessment_slots(params), monitor=False, env=env
        )
        self.conversion = _steps(params, "pipeline.enquiry_to_application")
        self.approval = _steps(params, "pipeline.approval_share")
        self.mean_days = _steps(params, "pipeline.assessment_days")
        self.cv = _steps(params, "pipeline.assessment_cv")
        self.hazard = _steps(params, "pipeline.withdrawal_per_year")
        self.wait_ratio = _steps(params, "pipeline.withdrawal_wait_ratio")
        self.enquiries = 0
        self.applications = 0
        self.withdrawals = 0
        self.withdrawals_waiting = 0
        self.not_approved = 0
        self.approval_days: list[float] = []
        self.approved_ids: list[int] = []  # the application (enquiry) id of each approval
        self.waits = sim.Monitor("wait for an assessor (days)", env=env)
        self.queue_area = 0.0  # applicant-days spent waiting: the time-integral of the queue
        self.monthly: list[tuple[float, int, int]] = []
        self.idle: list[_Application] = []

    def duration(self, app_id: int, day: float) -> float:
        """Lognormal assessment length in days, from the application's own stream."""
        mean = _value_at(self.mean_days, day)
        cv = _value_at(self.cv, day)
        sigma2 = math.log1p(cv * cv)
        z = self.streams.normal("pipeline.duration", app_id)
        return mean * math.exp(math.sqrt(sigma2) * z - 0.5 * sigma2)


class _Enquiries(sim.Component):
    """Generates enquiries; only those that become applications enter the simulation."""

    def setup(self, pipe: _Pipeline, horizon_days: float) -> None:
        self.pipe = pipe
        self.horizon_days = horizon_days

    def process(self) -> Iterator[Any]:
        pipe = self.pipe
        for enquiry_id, day in enumerate(
            enquiry_days(pipe.params, pipe.streams, self.horizon_days)
        ):
            pipe.enquiries += 1
            p = _value_at(pipe.conversion, day)
            if pipe.streams.uniform("pipeline.apply", enquiry_id) >= p:
                continue
            yield self.hold(till=day)
            pipe.applications += 1
            if pipe.idle:  # reuse a finished application component: creating one is slow
                app = pipe.idle.pop()
                app.app_id = enquiry_id
                app.activate()
            else:
                _Application(pipe=pipe, app_id=enquiry_id, env=self.env)


class _Application(sim.Component):
    """One application: wait for an assessor, be assessed, withdraw, or go to panel.

    When an application ends, its component goes back to the pool (``pipe.idle``) and waits,
    passive, to carry the next one: salabim's ``Component()`` costs ~0.2 ms (signature checks
    and two monitors), more than everything else an application does.
    """

    def setup(self, pipe: _Pipeline, app_id: int) -> None:
        self.pipe = pipe
        self.app_id = app_id
        self.arrived = 0.0
        self.gives_up = math.inf
        self.status.monitor(False)  # no per-component status history: it is never read
        self.mode.monitor(False)

    def process(self) -> Iterator[Any]:
        while True:
            yield from self._one_application()
            self.pipe.idle.append(self)
            yield self.passivate()

    def _one_application(self) -> Iterator[Any]:
        # Withdrawal while waiting is lazy: the applicant stays in salabim's queue and, on
        # reaching the front after its give-up day, counts as withdrawn on that day and hands
        # the slot straight on (same time, so nobody else's start moves). salabim's own reneging
        # (request(fail_at=...)) re-heapifies the whole event list on every honoured request,
        # O(queue) each: 30 s for an overloaded England-scale team over 5 years instead of ~2 s.
        pipe, app_id = self.pipe, self.app_id
        arrived = self.env.now()
        threshold = pipe.streams.exponential("pipeline.withdraw", app_id)
        hazard = _value_at(pipe.hazard, arrived) / DAYS_PER_YEAR
        wait_hazard = hazard * _value_at(pipe.wait_ratio, arrived)
        self.arrived = arrived
        self.gives_up = arrived + threshold / wait_hazard if wait_hazard > 0.0 else math.inf
        yield self.request(pipe.assessors)
        start = self.env.now()
        if start >= self.gives_up:  # withdrew while waiting: the slot passes straight on
            self.release()
            pipe.queue_area += self.gives_up - arrived
            pipe.withdrawals += 1
            pipe.withdrawals_waiting += 1
            return
        pipe.queue_area += start - arrived
        pipe.waits.tally(start - arrived)
        left = threshold - wait_hazard * (start - arrived)
        length = pipe.duration(app_id, start)
        if hazard > 0.0 and left / hazard < length:
            yield self.hold(left / hazard)
            self.release()
            pipe.withdrawals += 1
            return
        yield self.hold(length)
        self.release()
        now = self.env.now()
        if pipe.streams.uniform("pipeline.approve", app_id) < _value_at(pipe.approval, now):
            pipe.approval_days.append(now)
            pipe.approved_ids.append(app_id)
        else:
            pipe.not_approved += 1


class _CapacityChanges(sim.Component):
    """Applies dated changes to assessing FTE on their day."""

    def setup(self, pipe: _Pipeline, days: list[float]) -> None:
        self.pipe = pipe
        self.days = days

    def process(self) -> Iterator[Any]:
        for day in self.days:
            yield self.hold(till=day)
            self.pipe.assessors.set_capacity(assessment_slots(self.pipe.params, day))


class _Sampler(sim.Component):
    """Records the queue and the assessments in progress every 30.4 days."""

    def setup(self, pipe: _Pipeline) -> None:
        self.pipe = pipe

    def process(self) -> Iterator[Any]:
        assessors = self.pipe.assessors
        while True:
            yield self.hold(MONTH_DAYS)
            now = self.env.now()
            waiting = sum(1 for app in assessors.requesters() if app.gives_up > now)
            self.pipe.monthly.append((now, waiting, len(assessors.claimers())))


def new_environment() -> Any:
    """A salabim environment that leaves global random state and the default env alone.

    ``isdefault_env=False`` fails inside salabim 26 (its logo ``AnimateImage`` looks up the
    default environment), so the environment is built as the default and the previous default
    is put back; every component here is given ``env=`` explicitly.
    """
    previous = sim.g.default_env  # pyright: ignore[reportAttributeAccessIssue]
    try:
        with global_rng_untouched():
            return sim.Environment(
                trace=False, random_seed="", set_numpy_random_seed=False, yieldless=False
            )
    finally:
        sim.g.default_env = previous  # pyright: ignore[reportAttributeAccessIssue]


def run_pipeline(params: ParamReader, streams: Streams, horizon_days: float) -> PipelineResult:
    """Simulate recruitment from day 0 to ``horizon_days``; return dated approvals and counts.

    Runs ahead of the model (it does not read model state), so it is one clock: the model
    schedules each of ``approval_days`` as an event. Same (params, streams.seed) -> same result.
    """
    with _cheap_caller_frames():
        env = new_environment()
        pipe = _Pipeline(params, streams, env)
        _Enquiries(pipe=pipe, horizon_days=horizon_days, env=env)
        changes = [d for d in _breakpoints(params, _FTE_PATHS) if 0.0 < d <= horizon_days]
        if changes:
            _CapacityChanges(pipe=pipe, days=changes, env=env)
        _Sampler(pipe=pipe, env=env)
        env.run(till=horizon_days)
    # salabim keeps its caller's frame (for tracing); that frame chain reaches the model's
    # event loop, so drop it: the finished environment then holds nothing of the model.
    env._main.frame = None
    for app in pipe.assessors.requesters():  # still in the queue at the horizon
        pipe.queue_area += min(app.gives_up, horizon_days) - app.arrived
        if app.gives_up <= horizon_days:
            pipe.withdrawals += 1
            pipe.withdrawals_waiting += 1
    waits = pipe.waits.number_of_entries()
    approved = sorted(zip(pipe.approval_days, pipe.approved_ids, strict=True))
    return PipelineResult(
        approval_days=[day for day, _ in approved],
        approval_ids=[app_id for _, app_id in approved],
        enquiries=pipe.enquiries,
        applications=pipe.applications,
        withdrawals=pipe.withdrawals,
        approvals=len(pipe.approval_days),
        mean_wait_days=float(pipe.waits.mean()) if waits else 0.0,
        mean_queue_length=pipe.queue_area / horizon_days if horizon_days > 0 else 0.0,
        monthly=pipe.monthly,
        not_approved=pipe.not_approved,
        withdrawals_waiting=pipe.withdrawals_waiting,
        slots=assessment_slots(params),
    )


def approvals_per_year(
    result: PipelineResult, horizon_days: float, warmup_days: float = 0.0
) -> float:
    """Approvals a year after ``warmup_days`` (the first assessments take months to finish)."""
    span = horizon_days - warmup_days
    if span <= 0:
        raise ValueError("horizon must be longer than the warm-up")
    i = bisect.bisect_left(result.approval_days, warmup_days)
    return (len(result.approval_days) - i) / span * DAYS_PER_YEAR
