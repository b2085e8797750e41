"""Record each child's care history from the engine's signals, for synthetic SSDA903 output.

A recorder subscribes to the engine's declared signals (``admitted``, ``placed``,
``placement_ended``, ``exited``, ``worker_changed``; ``docs/extending.md``) after the model is
built, and reads the starting population from model state (its children were admitted and
placed while the model was built). It keeps, in model days, what an SSDA903 return needs:
periods of care, placements (group, carer, reason they ended), legal status, social-worker
spells and the reason each changed. It adds no hazard and draws no random number: the run is
the same with or without it. It is attached only when ``--ssda903-out`` asks for it, so the
default run does not pay for it.

Facts the engine does not announce are read from state at the next announcement: a change of
legal status is seen at the child's next placement or exit (the model changes legal status only
when a placement for adoption starts, at the same time as that placement).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulation.agents import CarerHousehold, Child, SocialWorker
    from simulation.model import CareSystem


@dataclass
class Placement:
    """One placement: model days, group, carer household (None for beds and parents)."""

    start: float
    group: int
    carer: int | None
    inhouse_bed: bool
    legal: str
    end: float | None = None
    reason: str = ""  # SSDA903 REASON_PLACE_CHANGE when it ended with a move


@dataclass
class Period:
    """One period of care: its placements and how it ended."""

    start: float
    legal: str
    reentry: bool
    existing: bool  # in care when the run started (history before the start is unknown)
    placements: list[Placement] = field(default_factory=list)
    end: float | None = None
    route: str = ""  # agents.EXIT_ROUTES
    staying_put: bool = False  # turned 18 and stayed with the foster carer


@dataclass
class WorkerSpell:
    worker: int
    start: float
    reason: str  # why this spell started: "" first allocation, "left" or "transfer"
    end: float | None = None


@dataclass
class ChildHistory:
    key: int  # the model's child_id (synthetic: never an input identifier)
    birth_day: float
    female: bool
    uasc: bool
    disabled: bool
    needs: float
    periods: list[Period] = field(default_factory=list)
    workers: list[WorkerSpell] = field(default_factory=list)


class Recorder:
    """Collects :class:`ChildHistory` for every child seen in care during a run."""

    def __init__(self, model: CareSystem) -> None:
        self.model = model
        self.children: dict[int, ChildHistory] = {}
        self._staying_before = 0  # the leaver's carer's Staying Put count before the exit
        for child in list(model.children.values()):
            self._existing(child)
        model.on("admitted", self._admitted)
        model.on("placed", self._placed)
        model.on("placement_ended", self._ended)
        model.on("exited", self._exited)
        model.on("worker_changed", self._worker_changed)
        # ``wellbeing_update`` is announced first thing in every placement ending and
        # discharge, before any rule reacts to the exit: the carer's Staying Put count then
        # tells, at ``exited``, whether the carers rule started an arrangement for this child.
        model.on("wellbeing_update", self._before_leaving)

    # ---- the starting population ---------------------------------------------------------
    def _existing(self, child: Child) -> None:
        h = self._history(child)
        period = Period(child.period_start, child.legal, reentry=False, existing=True)
        h.periods.append(period)
        period.placements.append(
            Placement(
                child.placement_start,
                child.placement,
                _carer_id(child.carer),
                child.inhouse_bed,
                child.legal,
            )
        )
        if child.worker is not None:
            joined = max(child.period_start, child.worker.joined)
            h.workers.append(WorkerSpell(child.worker.worker_id, joined, ""))

    def _history(self, child: Child) -> ChildHistory:
        h = self.children.get(child.child_id)
        if h is None:
            h = ChildHistory(
                child.child_id,
                child.birth_day,
                child.female,
                child.uasc,
                child.disabled,
                child.needs,
            )
            self.children[child.child_id] = h
        return h

    # ---- signals -------------------------------------------------------------------------
    def _admitted(self, child: Child, reentry: bool) -> None:
        h = self._history(child)
        h.periods.append(Period(self.model.now, child.legal, reentry, existing=False))

    def _placed(self, child: Child) -> None:
        period = self.children[child.child_id].periods[-1]
        period.placements.append(
            Placement(
                self.model.now,
                child.placement,
                _carer_id(child.carer),
                child.inhouse_bed,
                child.legal,
            )
        )

    def _ended(
        self, child: Child, group: int, carer: CarerHousehold | None, reason: str, unplanned: bool
    ) -> None:
        placement = self.children[child.child_id].periods[-1].placements[-1]
        placement.end = self.model.now
        placement.reason = reason

    def _exited(self, child: Child, route: str, group: int, carer: CarerHousehold | None) -> None:
        period = self.children[child.child_id].periods[-1]
        now = self.model.now
        period.end, period.route = now, route
        if period.placements and period.placements[-1].end is None:
            period.placements[-1].end = now
        if carer is not None and route == "age_18":  # the carers rule has run by now
            period.staying_put = carer.staying_put > self._staying_before

    def _before_leaving(self, child: Child) -> None:
        carer = child.carer
        self._staying_before = carer.staying_put if carer is not None else 0

    def _worker_changed(self, child: Child, old: SocialWorker | None) -> None:
        h = self._history(child)  # a new entrant is allocated before ``admitted`` reaches us
        now = self.model.now
        if h.workers and h.workers[-1].end is None:
            h.workers[-1].end = now
        new = child.worker
        if new is not None:
            left = old is not None and old.worker_id not in self.model.workers
            reason = "" if old is None else ("left" if left else "transfer")
            h.workers.append(WorkerSpell(new.worker_id, now, reason))


def _carer_id(carer: Any) -> int | None:
    return None if carer is None else int(carer.carer_id)
