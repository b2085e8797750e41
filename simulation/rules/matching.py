"""Matching: the placement policy. Finds a placement for a child and says how good the match is.

Mechanism (DESIGN §4.2): at entry some children stay placed with parents (P1) or go to other
settings (secure, health, custody) at the DfE entry shares. Otherwise: 16-17 year olds may go to
supported accommodation; children of 10+ whose needs exceed ``matching.residential_needs_
threshold`` go to a children's home (in-house bed when free, else purchased); then the policy
order ``matching.order`` (default kinship → in-house → agency → residential): a connected carer
is found with a probability that falls with the worker's caseload and rises with the kinship
assessment lever; in-house and agency foster carers need a vacancy whose skill fits the child's
needs (within ``matching.skill_tolerance``). When nothing fits, the child takes any foster bed
(young children) or a children's home (older ones).

Match quality = 1 - |skill - needs| - emergency penalty - caseload penalty + noise, in [0, 1].

The rule registers itself as the model's placement policy (``model.set_placement_policy``); it
honours the :class:`~simulation.agents.PlacementRequest` other rules shaped through the
``placement_request`` signal: a group the care plan decided (``request.group``, e.g. placed
for adoption), a household to join (``request.join``, a sibling there) and room for a group
(``request.room``: a household with that many free places, or a kinship household approved for
them all).
"""

from __future__ import annotations

import math

from simulation.agents import CarerHousehold, Child, Group, PlacementRequest
from simulation.rules.registry import Rule, register_rule

ORDER_NAMES = {
    "kinship": Group.KINSHIP,
    "inhouse": Group.INHOUSE,
    "agency": Group.AGENCY,
    "residential": Group.RESIDENTIAL,
}


@register_rule("matching")
class Matching(Rule):
    """Places children by the policy order; records match quality and urgency."""

    reads = (
        "matching.",
        "entry.emergency_share",
        "entry.placed_with_parents_share",
        "workforce.reference_caseload",
    )

    def setup(self) -> None:
        self.unplanned_move: dict[int, int] = {}  # child_id -> group that broke down
        self._load()
        self.model.set_placement_policy(self._place_child, self.name)
        self.model.on("placement_ended", self._ended)

    def on_params_changed(self, changed: frozenset[str]) -> None:
        self._load()

    def _load(self) -> None:
        """Cache the parameters read at every placement (reloaded on a dated change)."""
        p = self.p
        self.order = [ORDER_NAMES[o.strip()] for o in p["matching.order"].split(",")]
        self.emergency_share = p["entry.emergency_share"]
        self.with_parents_share = p["entry.placed_with_parents_share"]
        self.other_share = p["matching.other_placement_share"]
        self.residential_threshold = p["matching.residential_needs_threshold"]
        self.escalation = p["matching.escalation_after_disruption"]
        self.supported_16 = p["matching.supported_probability_16"]
        self.supported_16_uasc = p["matching.supported_probability_16_uasc"]
        self.skill_tolerance = p["matching.skill_tolerance"]
        self.reference = p["workforce.reference_caseload"]

    def _ended(self, child: Child, group: int, carer: object, reason: str, unplanned: bool) -> None:
        if unplanned:
            self.unplanned_move[child.child_id] = group

    def _place_child(self, child: Child, request: PlacementRequest) -> None:
        m, s = self.model, self.model.streams
        cid, k = child.child_id, child.placement_count
        reason = request.reason
        if request.group is not None:  # decided by the care plan (e.g. placed for adoption)
            self.unplanned_move.pop(cid, None)
            self._place(child, request.group, None, emergency=False)
            return
        emergency = False
        if reason == "entry":
            emergency = s.uniform("matching.emergency", cid, child.period) < self.emergency_share
            u = s.uniform("matching.entry_route", cid, child.period)
            if not child.uasc and u < self.with_parents_share:
                self._place(child, Group.WITH_PARENTS, None, emergency)
                return
            if u > 1.0 - self.other_share:
                self._place(child, Group.OTHER, None, emergency)
                return
        broke_down = self.unplanned_move.pop(cid, None) if reason != "entry" else None
        if reason != "entry":
            emergency = broke_down is not None
        joined = request.join
        if joined is not None and joined.active and joined.vacancies > 0:
            self._place(child, joined.sector, joined, emergency)
            return
        age = child.age(m.now)
        threshold = self.residential_threshold
        if broke_down is not None:
            threshold -= self.escalation
            if broke_down == Group.RESIDENTIAL and age >= 10:
                self._place(child, Group.RESIDENTIAL, None, emergency)
                return
        if age >= 16:
            share = self.supported_16_uasc if child.uasc else self.supported_16
            if s.uniform("matching.supported", cid, k) < share:
                self._place(child, Group.SUPPORTED, None, emergency)
                return
        if age >= 10 and child.needs > threshold:
            self._place(child, Group.RESIDENTIAL, None, emergency)
            return
        for group in self.order:
            if group == Group.KINSHIP:
                if self._kinship_found(child, reason):
                    carer = m.capacity.new_kinship_household(child, places=request.room)
                    self._place(child, Group.KINSHIP, carer, emergency)
                    return
            elif group == Group.RESIDENTIAL:
                if age >= 8:
                    self._place(child, Group.RESIDENTIAL, None, emergency)
                    return
            else:
                carer = m.capacity.find(group, child.needs, self.skill_tolerance, request.room)
                if carer is not None:
                    self._place(child, group, carer, emergency)
                    return
        self._fallback(child, age, emergency)

    def _kinship_found(self, child: Child, reason: str) -> bool:
        if child.uasc:
            return False
        p = self.p
        base = p[
            "matching.kinship_find_probability"
            if reason == "entry"
            else "matching.kinship_find_probability_move"
        ]
        prob = base * (
            1.0
            + p["matching.kinship_find_gain_per_fte_per_10k"]
            * p["matching.kinship_assessors_extra_per_10k"]
        )
        over = self._caseload(child) - self.reference
        if over > 0:
            prob *= math.exp(-p["matching.kinship_caseload_elasticity"] * over)
        u = self.model.streams.uniform("matching.kinship", child.child_id, child.placement_count)
        return u < min(prob, 0.95)

    def _fallback(self, child: Child, age: float, emergency: bool) -> None:
        m = self.model
        if age >= 8:
            self._place(child, Group.RESIDENTIAL, None, emergency)
            return
        for sector in (Group.INHOUSE, Group.AGENCY):
            carer = m.capacity.any(sector)
            if carer is not None:
                self._place(child, sector, carer, emergency)
                return
        # The independent market takes the child: a new agency household (spot purchase).
        self._place(child, Group.AGENCY, m.capacity.spot_purchase(child, m.now), emergency)

    def _caseload(self, child: Child) -> float:
        w = child.worker
        return self.model.caseload(w) if w is not None else self.reference

    def _quality(
        self, child: Child, group: int, carer: CarerHousehold | None, emergency: bool
    ) -> float:
        p = self.p
        if carer is not None:
            fit = 1.0 - abs(carer.skill - child.needs)
        elif group == Group.RESIDENTIAL:
            fit = 0.55 + 0.35 * (child.needs - 0.5)
        elif group == Group.SUPPORTED:
            fit = p["matching.supported_quality"]
        elif group == Group.ADOPTION:
            fit = 0.85
        elif group == Group.WITH_PARENTS:
            fit = 0.6
        else:
            fit = 0.45
        q = fit - (p["matching.emergency_quality_penalty"] if emergency else 0.0)
        over = self._caseload(child) - self.reference
        if over > 0:
            q -= p["matching.caseload_quality_penalty"] * over
        noise = (
            self.model.streams.uniform("matching.quality", child.child_id, child.placement_count)
            - 0.5
        )
        return min(1.0, max(0.0, q + 0.2 * noise))

    def _place(
        self, child: Child, group: int, carer: CarerHousehold | None, emergency: bool
    ) -> None:
        m = self.model
        inhouse_bed = group == Group.RESIDENTIAL and m.capacity.inhouse_bed_free()
        quality = self._quality(child, group, carer, emergency)
        m.place(
            child,
            int(group),
            carer,
            quality=quality,
            emergency=emergency,
            inhouse_bed=inhouse_bed,
            reason="matching",
        )
