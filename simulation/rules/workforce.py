"""The social-work workforce: allocation, caseload, turnover, vacancies and agency cover.

- Establishment = (``workforce.fte_per_10k`` + lever ``workforce.fte_extra_per_10k``) ×
  population / 10,000 case-holding FTE (DfE workforce census 2025). A worker's caseload is
  the looked-after children allocated to them plus an equal share of the area's other cases
  (children in need and on plans), so vacancies raise everyone's caseload.
- Every child in care is allocated to the least-loaded worker; a child also changes worker at
  ``workforce.internal_change_per_year`` (team transfers at care-plan stages) × exp(
  ``workforce.transfer_caseload_elasticity`` × cases above the reference), and whenever
  their worker leaves (children are reallocated: a change of worker, as DfE counts).
- Turnover hazard per FTE-year = ``workforce.turnover_per_year`` × agency ratio ×
  exp(``workforce.turnover_caseload_elasticity`` × (mean caseload - reference)), continuous on
  both sides of the reference, × ``workforce.supervision_turnover_ratio`` for a worker with
  reflective supervision and training; re-evaluated monthly. A leaver's post is refilled
  after about ``workforce.vacancy_fill_days``; the refill is agency with the share that keeps
  the agency rate at its target in equilibrium (agency leave twice as often):
  f = r·s / (1 - s + r·s).
- Supervision and training (lever ``workforce.supervision_share``): each worker is supervised
  with that probability, drawn from its own stream when it joins (so a higher share adds
  supervised workers and never reshuffles the others); supervised workers assess needs more
  accurately (rules/assessment.py) and leave less often; each costs
  ``workforce.supervision_cost_gbp_per_worker_year``.
- Changes of worker are recorded on the child (``child.worker_changed_day`` and
  ``child.period_worker_changes``, the first allocation of a period excluded): the endings,
  exits, reunification and needs rules read them (each change raises disruption for a handover
  window, delays permanence and raises needs).
- Caseload cap (lever): when the mean caseload exceeds ``workforce.caseload_cap`` at a month
  end, agency workers are hired into extra posts to bring it down to the cap.
- Common random numbers: every worker holds a post (0 .. establishment - 1, then extra posts
  for the caseload cap); a hire's id, and so its draws, follow from its post and how many
  workers that post has had, never from how many hires came before.
"""

from __future__ import annotations

import math

from simulation.agents import YEAR_DAYS, Child, SocialWorker
from simulation.rules.registry import Rule, register_rule

WORKER_ID_BASE = 100_000_000
POST_SPAN = 1000  # a post's n-th hire: WORKER_ID_BASE + post * POST_SPAN + n
CAP_POST_BASE = 50_000  # extra posts opened to hold the caseload cap


class LoadIndex:
    """Workers bucketed by the number of looked-after children they hold (least-loaded in
    a few look-ups, never a scan of all workers)."""

    def __init__(self) -> None:
        self.buckets: dict[int, dict[int, SocialWorker]] = {}
        self.count_of: dict[int, int] = {}

    def put(self, worker: SocialWorker) -> None:
        wid = worker.worker_id
        n = len(worker.children)
        old = self.count_of.get(wid)
        if old is not None:  # self.discard(worker), written out (it goes to its bucket's end)
            bucket = self.buckets[old]
            del bucket[wid]
            if not bucket:
                del self.buckets[old]
        self.buckets.setdefault(n, {})[wid] = worker
        self.count_of[wid] = n

    def discard(self, worker: SocialWorker) -> None:
        n = self.count_of.pop(worker.worker_id, None)
        if n is not None:
            bucket = self.buckets[n]
            del bucket[worker.worker_id]
            if not bucket:
                del self.buckets[n]

    def least_loaded(self, exclude: SocialWorker | None = None) -> SocialWorker | None:
        buckets = self.buckets
        if buckets:
            for worker in buckets[min(buckets)].values():  # the usual case: one look-up
                if worker is not exclude:
                    return worker
        for n in sorted(buckets):
            for worker in self.buckets[n].values():
                if worker is not exclude:
                    return worker
        return None


@register_rule("workforce")
class Workforce(Rule):
    """Allocates children to workers; workers leave and are replaced."""

    reads = ("workforce.",)

    def setup(self) -> None:
        m = self.model
        self.index = LoadIndex()
        self.held: set[int] = set()  # posts with a worker in post or a hire on the way
        self.generation: dict[int, int] = {}  # post -> hires into it so far
        self.cap_posts = 0
        self.t_last = 0.0
        self.permanent = 0
        self.agency = 0
        self.over_used = 0.0  # mean cases above the reference the turnover rates use
        self.over_refreshed: float | None = None  # ... when every worker's rate was last set
        m.on("worker_joined", self._joined)
        m.on("admitted", self._admitted)
        m.on("exited", self._exited)
        m.on("worker_changed", self._worker_changed)
        m.on("caseload_changed", self._caseload_changed)
        m.indicators.add_state("sw_vacancy_pct", self._vacancy_pct)
        self.supervised = 0
        self.started = False  # turnover hazards are set once the starting population is in
        m.at(0.0, self._start)
        m.ledger.register_price(
            "sw_supervised",
            "levers",
            lambda: self.p["workforce.supervision_cost_gbp_per_worker_year"],
        )
        self._load()

    def on_params_changed(self, changed: frozenset[str]) -> None:
        self._load()
        if "workforce.supervision_share" in changed:
            for worker in list(self.model.workers.values()):
                if self._set_supervision(worker):
                    self._refresh_turnover(worker)

    def _set_supervision(self, worker: SocialWorker) -> bool:
        """Whether ``worker`` has supervision and training at today's share; True if it
        changed. The draw is the worker's own: a higher share only adds supervised workers."""
        share = self.p["workforce.supervision_share"]
        supervised = share > 0 and (
            self.model.streams.uniform("workforce.supervised", worker.worker_id) < share
        )
        if supervised == worker.supervised:
            return False
        worker.supervised = supervised
        self.supervised += 1 if supervised else -1
        self.model.ledger.set_level("sw_supervised", self.supervised)
        return True

    def _load(self) -> None:
        """Cache the parameters read at every change of worker (reloaded on a dated change)."""
        p = self.p
        self.internal_change = p["workforce.internal_change_per_year"]
        self.reference = p["workforce.reference_caseload"]
        self.transfer_elasticity = p["workforce.transfer_caseload_elasticity"]
        self.over_refreshed = None  # rates change: refresh every worker at the month end

    def _vacancy_pct(self) -> float:
        establishment = self.establishment()
        vacant = max(0, establishment - len(self.model.workers))
        return 100.0 * vacant / establishment

    # ---- establishment, levels ------------------------------------------------------------
    def establishment(self) -> int:
        p = self.p
        return max(
            1,
            round(
                (p["workforce.fte_per_10k"] + p["workforce.fte_extra_per_10k"]) * self.model.scale
            ),
        )

    def agency_share_target(self) -> float:
        t = self.p["workforce.agency_share_target"]
        return self.p["workforce.agency_share"] if t < 0 else t

    def _levels(self, worker: SocialWorker, delta: int) -> None:
        """Count a worker joining (+1) or leaving (-1); integrate permanent FTE-days."""
        m = self.model
        now = m.now
        m.indicators.count("_sw_permanent_fte_days", self.permanent * (now - self.t_last))
        self.t_last = now
        if worker.agency:
            self.agency += delta
        else:
            self.permanent += delta
        m.ledger.set_level("sw_permanent", self.permanent)
        m.ledger.set_level("sw_agency", self.agency)

    # ---- allocation ---------------------------------------------------------------------------
    def _joined(self, worker: SocialWorker) -> None:
        self.held.add(worker.post)
        self.index.put(worker)
        self._set_supervision(worker)
        if self.started:
            self._refresh_turnover(worker)
        self._levels(worker, +1)

    def _start(self) -> None:
        """Day 0, the starting population built: every worker's turnover hazard at the real
        mean caseload. (Set as each worker joined, the first ones would see the area's other
        cases shared among a handful of workers: hundreds of cases each, and a turnover hazard
        that emptied the first posts, the agency ones, in the first weeks.)"""
        self.started = True
        for worker in list(self.model.workers.values()):
            self._refresh_turnover(worker)

    def transfer_rate(self, child: Child) -> float:
        """Changes of worker per day other than leavers: team transfers, more frequent when
        the allocated worker's caseload is above the reference (an assumption)."""
        worker = child.worker
        rate = self.internal_change
        if worker is not None:
            over = self.model.caseload(worker) - self.reference
            rate *= math.exp(self.transfer_elasticity * over)
        return rate / YEAR_DAYS

    def _admitted(self, child: Child, reentry: bool) -> None:
        m = self.model
        child.period_worker_changes = 0
        m.allocate(child, self.index.least_loaded())
        m.set_hazard(
            child,
            "sw_change",
            self.transfer_rate(child),
            self._internal_change,
            occurrence=child.worker_changes,
        )

    def _exited(self, child: Child, route: str, group: int, carer: object) -> None:
        self.model.allocate(child, None)

    def _worker_changed(self, child: Child, old: SocialWorker | None) -> None:
        workers = self.model.workers
        new = child.worker
        if old is not None:
            if old.worker_id in workers:
                self.index.put(old)
            if new is not None:  # a change of worker (not the first allocation, not leaving)
                child.worker_changed_day = self.model.now
                child.period_worker_changes += 1
        if new is not None and new.worker_id in workers:
            self.index.put(new)

    def _caseload_changed(self, worker: SocialWorker) -> None:
        for child in list(worker.children.values()):
            self.model.set_hazard(
                child,
                "sw_change",
                self.transfer_rate(child),
                self._internal_change,
                occurrence=child.worker_changes,
            )

    def _internal_change(self, child: Child) -> None:
        m = self.model
        new = self.index.least_loaded(exclude=child.worker)
        if new is None:
            # no other worker to move to: the change waits for this worker's next caseload
            # change, which re-arms it (re-arming it here with the same draw looped without
            # end when a lone worker's caseload made the rate huge)
            return
        m.allocate(child, new)
        m.set_hazard(
            child,
            "sw_change",
            self.transfer_rate(child),
            self._internal_change,
            occurrence=child.worker_changes,
        )

    # ---- turnover and vacancies ----------------------------------------------------------
    def turnover_rate(self, worker: SocialWorker) -> float:
        p = self.p
        rate = p["workforce.turnover_per_year"]
        if worker.agency:
            rate *= p["workforce.agency_turnover_ratio"]
        over = self._mean_over()
        if over:
            rate *= math.exp(p["workforce.turnover_caseload_elasticity"] * over)
        if worker.supervised:
            rate *= p["workforce.supervision_turnover_ratio"]
        return self.model.modify("turnover", worker, rate) / YEAR_DAYS

    def _mean_over(self) -> float:
        """Mean cases above the reference, in half cases, with a half-case dead band: a mean
        hovering at a rounding boundary would otherwise reschedule every worker's turnover
        hazard every month (4,300 times in a 10-year default-area run, measured)."""
        raw = self.model.mean_caseload() - self.reference
        if abs(raw - self.over_used) >= 0.5:
            self.over_used = round(2.0 * raw) / 2
        return self.over_used

    def _refresh_turnover(self, worker: SocialWorker, rate: float | None = None) -> None:
        self.model.set_hazard(
            worker,
            "turnover",
            rate if rate is not None else self.turnover_rate(worker),
            self._leave,
        )

    def _leave(self, worker: SocialWorker) -> None:
        m = self.model
        m.indicators.count("sw_leavers")
        if not worker.agency:
            m.indicators.count("_sw_leavers_permanent")
        self.index.discard(worker)
        if worker.supervised:
            self.supervised -= 1
            m.ledger.set_level("sw_supervised", self.supervised)
        m.remove_worker(worker)
        for child in list(worker.children.values()):
            m.allocate(child, self.index.least_loaded())
        self._levels(worker, -1)
        self.held.discard(worker.post)
        self._refill(worker.post, worker.worker_id)

    def _refill(self, post: int, key: int) -> None:
        """Start filling ``post`` (if it is within the establishment and free); ``key`` keys
        the draws (the leaver's id, or the post's own for a new vacancy)."""
        m, p = self.model, self.p
        if post in self.held or post >= self.establishment():
            return
        s = m.streams
        share = self.agency_share_target()
        r = p["workforce.agency_turnover_ratio"]
        agency_fill = r * share / (1.0 - share + r * share) if share < 1 else 1.0
        agency = s.uniform("workforce.refill_agency", key) < agency_fill
        mean = p["workforce.agency_cover_days" if agency else "workforce.vacancy_fill_days"]
        self.held.add(post)
        m.at(m.now + s.exponential("workforce.refill", key) * mean, self._hire, post, agency)

    def _hire(self, post: int, agency: bool) -> None:
        m = self.model
        n = self.generation.get(post, 0) + 1
        self.generation[post] = n
        worker = SocialWorker(m, WORKER_ID_BASE + post * POST_SPAN + n, agency=agency, joined=m.now)
        worker.post = post
        m.add_worker(worker)

    def month_end(self, day: float) -> None:
        m, p = self.model, self.p
        cap = p["workforce.caseload_cap"]
        if cap > 0:
            while m.mean_caseload() > cap:
                post = CAP_POST_BASE + self.cap_posts
                self.cap_posts += 1
                self.held.add(post)
                self._hire(post, agency=True)
        establishment = self.establishment()
        if len(self.held) < establishment:  # posts vacant without a leaver (new ones)
            for post in range(establishment):
                if post not in self.held:
                    key = WORKER_ID_BASE // 2 + post * POST_SPAN + self.generation.get(post, 0)
                    self._refill(post, key)
        over = self._mean_over()
        if over == self.over_refreshed and not m.has_modifiers("turnover"):
            return  # every worker's rate is what it was (new workers were set on joining)
        self.over_refreshed = over
        if m.workers:
            rates = {}
            for worker in m.workers.values():
                key = (worker.agency, worker.supervised)
                if key not in rates:
                    rates[key] = self.turnover_rate(worker)
                self._refresh_turnover(worker, rates[key])
