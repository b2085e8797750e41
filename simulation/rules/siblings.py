"""Sibling groups: brothers and sisters who come into care together, placed together if a
place has room for them all (issue 10's proof that a process is one module).

Mechanism, in domain words:

- A share ``siblings.group_entry_share`` of non-UASC new entrants arrive with brothers or
  sisters: a group of 2, 3 or 4+ children (``siblings.group_size_weights``; 4+ counted as 4).
  The siblings come in the same day, with the same legal route, ages spread around the first
  child's (``siblings.age_spread_years``, a normal spread, kept within 0-17). Arrivals are
  slowed by the mean number of children per arrival (a modifier on the declared
  ``entry.arrivals`` hazard), so the number of children starting care stays what the data say.
- When the first child of a group is placed, the placement search asks for a household with
  room for the whole group (``request.room``; a kinship household is approved for them all);
  each sibling then asks to join a brother or sister's household if it still has room
  (``request.join``) and is otherwise placed like any child. At a later move a child asks to
  join a sibling in care whose household has room.
- ``siblings_placed_together_pct``: at each 31 March, of the sibling groups with two or more
  children in care, the share whose children in care all live with the same household (the
  Family Rights Group's stock measure: 50.5% of 8,446 groups in 2014, regions 44.6-60%,
  PF rows 408, 413-414). ``sibling_groups_in_care`` counts those groups. Children in
  children's homes or supported accommodation are not "together" (the model does not follow
  individual homes; 78% of children in homes are separated from a sibling, PF row 427).

Evidence: the mean group size 2.5 (21,150 children in 8,446 groups, PF row 412) sets the size
weights (mean 2.55); no statistic on how many entrants arrive with a sibling was found
(docs/evidence.md), so the entry share is an assumption with its range. Children of the
starting population are not grouped: the indicator describes groups who entered during the
run (about half the stock turns over in two years).

Enable it from a scenario file: ``plugins = ["simulation.rules.siblings"]``.
"""

from __future__ import annotations

from typing import ClassVar

from simulation.agents import Child, PlacementRequest
from simulation.children import READS as CHILD_READS
from simulation.children import draw_child
from simulation.indicator_names import declare_indicator
from simulation.params import Param, register
from simulation.rules.registry import Rule, register_rule

register(
    {
        "siblings.group_entry_share": Param(
            0.35,
            "share of non-UASC arrivals who come into care with brothers or sisters",
            "assumption",
            "assumption: no entry statistic found (docs/evidence.md); about 63% of children in "
            "care have a sibling in care (PF rows 429, 433), many of whom came in at other "
            "times (Devon FOI, PF rows 437-439)",
            bounds=(0.0, 1.0),
            range=(0.25, 0.5),
        ),
        "siblings.group_size_weights": Param(
            (0.6, 0.25, 0.15),
            "share of sibling groups of 2, 3 and 4 children",
            "assumption",
            "assumption: mean 2.55 against the published 2.5 children per group (21,150 / "
            "8,446, PF row 412); separation rises with group size (PF rows 422-425)",
            bounds=(0.0, 1.0),
            range=(0.0, 1.0),
        ),
        "siblings.age_spread_years": Param(
            2.5,
            "standard deviation of a sibling's age around the first child's (years)",
            "assumption",
            "assumption: siblings are typically a few years apart; no figure for children "
            "entering care",
            bounds=(0.0, 10.0),
            range=(1.5, 4.0),
        ),
    }
)

declare_indicator("siblings_placed_together_pct", "percent")
declare_indicator("sibling_groups_in_care", "groups")

SIBLING_ID_BASE = 10**10  # a sibling's id: SIBLING_ID_BASE + first child's id * 10 + j
MAX_GROUP = 4
UASC_STREAMS = (5, 6)  # the entry rule's UASC arrival streams: unaccompanied, never a group


@register_rule("siblings", plugin=True)
class Siblings(Rule):
    """Admits sibling groups together and asks the placement policy to keep them together."""

    reads: ClassVar[tuple[str, ...]] = ("siblings.", *CHILD_READS)

    def setup(self) -> None:
        m = self.model
        self.group_of: dict[int, int] = {}  # child id -> group id (the first child's id)
        self.members: dict[int, list[Child]] = {}  # group id -> its children
        self.waiting: dict[int, int] = {}  # first child's id -> siblings still to come in
        m.add_modifier("entry.arrivals", self._arrivals_ratio)
        m.on("admitted", self._admitted)
        m.on("placement_request", self._request)
        m.on("placed", self._placed)
        m.indicators.add_state("siblings_placed_together_pct", self._together_pct)
        m.indicators.add_state("sibling_groups_in_care", self._groups_in_care)

    # ---- arrivals --------------------------------------------------------------------------
    def _mean_group(self) -> float:
        weights = self.p["siblings.group_size_weights"]
        total = sum(weights)
        return sum((2 + i) * w for i, w in enumerate(weights)) / total if total else 2.0

    def _arrivals_ratio(self, stream: int) -> float:
        """Arrival events per child: children per arrival is 1 + share x (mean size - 1)."""
        if stream in UASC_STREAMS:
            return 1.0
        return 1.0 / (1.0 + self.p["siblings.group_entry_share"] * (self._mean_group() - 1.0))

    def _admitted(self, child: Child, reentry: bool) -> None:
        if reentry or child.existing or child.uasc or child.child_id in self.group_of:
            return
        s = self.model.streams
        if s.uniform("siblings.group", child.child_id) >= self.p["siblings.group_entry_share"]:
            return
        size = 2 + s.choice(self.p["siblings.group_size_weights"], "siblings.size", child.child_id)
        self.group_of[child.child_id] = child.child_id
        self.members[child.child_id] = [child]
        self.waiting[child.child_id] = size - 1

    # ---- placements ------------------------------------------------------------------------
    def _request(self, child: Child, request: PlacementRequest) -> None:
        group = self.group_of.get(child.child_id)
        if group is None or request.group is not None:
            return
        waiting = self.waiting.get(child.child_id)
        if waiting is not None and request.reason == "entry":  # the first child of a group
            request.room = 1 + waiting
            return
        for sibling in self.members[group]:
            carer = sibling.carer
            if sibling is not child and sibling.in_care and carer is not None and carer.vacancies:
                request.join = carer
                return

    def _placed(self, child: Child) -> None:
        if child.child_id in self.waiting:  # the others come in as soon as this event is over
            self.model.at(self.model.now, self._siblings_arrive, child)

    def _siblings_arrive(self, first: Child) -> None:
        m, s = self.model, self.model.streams
        count = self.waiting.pop(first.child_id, 0)
        if not first.in_care:
            return
        spread = self.p["siblings.age_spread_years"]
        age = first.age(m.now)
        for j in range(1, count + 1):
            sibling_id = SIBLING_ID_BASE + first.child_id * 10 + j
            sibling_age = age + spread * s.normal("siblings.age", sibling_id)
            sibling_age = min(max(sibling_age, 0.0), 17.9)
            sibling = draw_child(m, self.p, sibling_id, sibling_age, uasc=False, legal=first.legal)
            self.group_of[sibling_id] = first.child_id
            self.members[first.child_id].append(sibling)
            m.admit(sibling)

    # ---- indicators ------------------------------------------------------------------------
    def _groups_now(self) -> list[list[Child]]:
        """Each group's children in care now; groups with none left are dropped."""
        out = []
        for group, children in list(self.members.items()):
            in_care = [c for c in children if c.in_care]
            if in_care:
                out.append(in_care)
            elif group not in self.waiting and not any(
                c.child_id in self.model.returned for c in children
            ):
                del self.members[group]
                for c in children:
                    self.group_of.pop(c.child_id, None)
        return [g for g in out if len(g) >= 2]

    def _groups_in_care(self) -> float:
        return float(len(self._groups_now()))

    def _together_pct(self) -> float:
        groups = self._groups_now()
        if not groups:
            return 0.0
        together = sum(
            1 for g in groups if g[0].carer is not None and all(c.carer is g[0].carer for c in g)
        )
        return 100.0 * together / len(groups)
