"""Matching: the placement policy. Finds a place for a child in a market that can run out,
and says how good the match is.

**What the child needs.** At entry some children stay placed with parents (P1) or go to other
settings (secure, health, custody) at the DfE entry shares. Otherwise the need is decided from
the needs the worker sees (``_needs_seen``): a 16-17 year old may need supported accommodation
(``matching.supported_probability_16``); a child of 10+ whose needs exceed
``matching.residential_needs_threshold`` (lower after an unplanned ending) needs a children's
home; everyone else needs a family (foster) placement.

**A suitable place, in the council's area first.** Family: the policy order ``matching.order``
(default kinship → in-house → agency): a connected carer is found with a probability that falls
with the worker's caseload and rises with the kinship assessment lever; in-house and agency
carers need a vacancy whose skill can meet the child's needs (within
``matching.skill_tolerance``); "residential" in the order accepts a children's home place for a
child of 8+ at that point. Children's home: an in-house bed, then a purchased place. Supported:
a supported place. Each inside the council's area (``agents.INSIDE_LA``).

**When no suitable place exists there**, the child gets, in the order ``matching.shortfall_
order`` (a researcher may change it, item by item):

- ``outside_area``: the same suitable search outside the area, under 20 miles before 20+
  (family: a carer who fits; children's home: a purchased place; supported: a supported place);
- ``less_suitable``: family need: the most skilled carer with a vacancy, under-skilled for the
  child; supported need: a foster carer who fits; a children's home need has no less suitable
  registered place (homes are not graded by skill here);
- ``emergency``: a children's home place, as an emergency, for a child of 8+ who needs a
  family or supported accommodation;
- ``unregistered``: an unregistered setting at a premium price (``market.unregistered_gbp_
  per_week``).

An unregistered setting is the last resort whatever the order (no household is ever created
to fit a child). A child in a less suitable, emergency or unregistered placement waits for a
suitable one (``placement_shortfall_days``) and moves (a planned move, CARPL) as soon as one
frees: the capacity index tells this rule when a place frees while anyone waits.

**Match quality** = fit − emergency penalty − shortfall penalty − caseload penalty + noise, in
[0, 1]. A carer's fit is asymmetric: ``matching.fit_met_needs`` when the carer's skill meets
the child's true needs (a more skilled carer is not a worse match), less the shortfall when it
does not. Children's homes fit high needs better than low ones.

**Market signals.** Each month end this rule sets the purchased children's home price from
the occupancy of the purchased places, relative to the occupancy their starting use gives,
with elasticity ``market.residential_price_elasticity`` (``costs.occupancy_price_multiplier``).

The rule registers itself as the model's placement policy (``model.set_placement_policy``) and
honours the :class:`~simulation.agents.PlacementRequest` other rules shape through
``placement_request``: a group the care plan decided, a household to join, room for a group.
Evidence: docs/evidence.md (issue 11) and the parameter tree's sources.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from simulation.agents import (
    INSIDE_LA,
    LOCATIONS,
    OUTSIDE_FAR,
    OUTSIDE_NEAR,
    CarerHousehold,
    Child,
    Group,
    PlacementRequest,
)
from simulation.capacity import Need, skill_bucket
from simulation.costs import occupancy_price_multiplier
from simulation.params import ParamReader
from simulation.rules.registry import Rule, register_rule

ORDER_NAMES = {
    "kinship": Group.KINSHIP,
    "inhouse": Group.INHOUSE,
    "agency": Group.AGENCY,
    "residential": Group.RESIDENTIAL,
}
SHORTFALL_PATHS = ("outside_area", "less_suitable", "emergency", "unregistered")
INSIDE = (INSIDE_LA,)
OUTSIDE = (OUTSIDE_NEAR, OUTSIDE_FAR)
NEED_OF_GROUP = {Group.RESIDENTIAL: Need.HOME, Group.SUPPORTED: Need.SUPPORTED}
FIXED_LOCATION: dict[int, str] = {  # placements outside the market: where, by published shares
    Group.WITH_PARENTS: "market.with_parents_location_shares",
    Group.ADOPTION: "market.adoption_location_shares",
    Group.OTHER: "market.other_location_shares",
}


def placement_fit(
    p: ParamReader, group: int, needs: float, skill: float, with_carer: bool
) -> float:
    """How well a placement can meet a child's (true) needs, before urgency and noise.

    A carer's fit is asymmetric: ``matching.fit_met_needs`` when the carer's skill meets the
    needs (a more skilled carer is not a worse match), less the amount by which it falls
    short. Children's homes fit high needs better than low ones; other settings have a fixed
    fit (assumptions in the parameter tree)."""
    if with_carer:
        return p["matching.fit_met_needs"] - max(0.0, needs - skill)
    if group == Group.RESIDENTIAL:
        return 0.55 + 0.35 * (needs - 0.5)
    if group == Group.SUPPORTED:
        return p["matching.supported_quality"]
    if group == Group.ADOPTION:
        return 0.85
    if group == Group.WITH_PARENTS:
        return 0.6
    return 0.45


@register_rule("matching")
class Matching(Rule):
    """Places children by need and policy order; waits and moves when the market is short."""

    reads = (
        "matching.",
        "market.",
        "entry.emergency_share",
        "entry.placed_with_parents_share",
        "workforce.reference_caseload",
    )

    def setup(self) -> None:
        m = self.model
        self.unplanned_move: dict[int, int] = {}  # child_id -> group that broke down
        self.waiting: dict[Need, dict[int, Child]] = {need: {} for need in Need}
        self.need_of: dict[int, Need] = {}  # waiting child -> the need it waits to meet
        self.bands_of: dict[int, Sequence[int]] = {}  # ... and the bands that would be better
        self.since: dict[int, float] = {}  # waiting child -> when this year's wait began
        self.scheduled: set[int] = set()  # waiting children whose move is scheduled
        self.moving: dict[int, Need] = {}  # children being moved to a place that freed
        self.unregistered: set[int] = set()  # children in an unregistered setting now
        self.not_yet: set[int] = set()  # ... whom no registered provider will accept yet
        self.unregistered_year: set[int] = set()  # children placed unregistered this year
        self.shortfall_days = 0.0  # child-days waiting closed this year
        self._load()
        m.set_placement_policy(self._place_child, self.name)
        m.on("placement_ended", self._ended)
        m.on("exited", self._exited)
        m.capacity.listener = self._on_vacancy
        m.indicators.add_state("cla_unregistered", lambda: float(len(self.unregistered)))

    def on_params_changed(self, changed: frozenset[str]) -> None:
        self._load()

    def _load(self) -> None:
        """Cache the parameters read at every placement (reloaded on a dated change)."""
        p = self.p
        self.order = [ORDER_NAMES[o.strip()] for o in p["matching.order"].split(",")]
        self.shortfall_order = [o.strip() for o in p["matching.shortfall_order"].split(",")]
        self.emergency_share = p["entry.emergency_share"]
        self.with_parents_share = p["entry.placed_with_parents_share"]
        self.other_share = p["matching.other_placement_share"]
        self.residential_threshold = p["matching.residential_needs_threshold"]
        self.escalation = p["matching.escalation_after_disruption"]
        self.supported_16 = p["matching.supported_probability_16"]
        self.supported_16_uasc = p["matching.supported_probability_16_uasc"]
        self.skill_tolerance = p["matching.skill_tolerance"]
        self.shortfall_penalty = p["matching.less_suitable_quality_penalty"]
        self.accept_days = p["market.unregistered_accept_days"]
        self.reference = p["workforce.reference_caseload"]

    # ---- the needs the worker sees ------------------------------------------------------
    def _needs_seen(self, child: Child) -> float:
        """The needs matching acts on: those the child's worker last assessed
        (``rules/assessment.py``, before each placement decision), the true needs where no
        worker has assessed the child (the starting population, or without the assessment
        rule). Quality always follows the true needs."""
        assessed = child.assessed_needs
        return child.needs if assessed is None else assessed

    def _need(self, child: Child, age: float, broke_down: int | None) -> Need:
        """The kind of place the child needs now."""
        threshold = self.residential_threshold
        if broke_down is not None:
            threshold -= self.escalation
            if broke_down == Group.RESIDENTIAL and age >= 10:
                return Need.HOME
        if age >= 16:
            share = self.supported_16_uasc if child.uasc else self.supported_16
            u = self.model.streams.uniform(
                "matching.supported", child.child_id, child.placement_count
            )
            if u < share:
                return Need.SUPPORTED
        if age >= 10 and self._needs_seen(child) > threshold:
            return Need.HOME
        return Need.FAMILY

    # ---- the policy -------------------------------------------------------------------------
    def _place_child(self, child: Child, request: PlacementRequest) -> None:
        m, s = self.model, self.model.streams
        cid = child.child_id
        moving = self.moving.pop(cid, None)
        if request.group is not None:  # decided by the care plan (e.g. placed for adoption)
            self.unplanned_move.pop(cid, None)
            self._place_decided(child, request.group, request)
            return
        emergency = False
        if request.reason == "entry":
            emergency = s.uniform("matching.emergency", cid, child.period) < self.emergency_share
            u = s.uniform("matching.entry_route", cid, child.period)
            if not child.uasc and u < self.with_parents_share:
                self._place(child, Group.WITH_PARENTS, None, emergency)
                return
            if u > 1.0 - self.other_share:
                self._place(child, Group.OTHER, None, emergency)
                return
        broke_down = self.unplanned_move.pop(cid, None) if request.reason != "entry" else None
        if request.reason != "entry":
            emergency = broke_down is not None
        joined = request.join
        if joined is not None and joined.active and joined.vacancies > 0:
            self._place(child, joined.sector, joined, emergency)
            return
        age = child.age(m.now)
        need = moving if moving is not None else self._need(child, age, broke_down)
        if self._suitable(child, need, age, request, emergency, INSIDE, kinship=True):
            return
        if request.room > 1:  # no place here for the whole sibling group: placed apart
            request.room = 1
            if self._suitable(child, need, age, request, emergency, INSIDE):
                return
        self._shortfall(child, need, age, request, emergency)

    def _place_decided(self, child: Child, group: int, request: PlacementRequest) -> None:
        """A group the care plan decided: market groups still need a free place."""
        if group in (Group.KINSHIP, Group.INHOUSE, Group.AGENCY):
            need = Need.FAMILY
        elif group in NEED_OF_GROUP:
            need = NEED_OF_GROUP[Group(group)]
        else:
            self._place(child, group, None, emergency=False)
            return
        age = child.age(self.model.now)
        if not self._suitable(child, need, age, request, False, LOCATIONS, kinship=True):
            self._shortfall(child, need, age, request, False)

    def _suitable(
        self,
        child: Child,
        need: Need,
        age: float,
        request: PlacementRequest,
        emergency: bool,
        bands: Sequence[int],
        kinship: bool = False,
    ) -> bool:
        """Place the child in a suitable place in ``bands`` if there is one."""
        m = self.model
        if need == Need.HOME:
            return self._home(child, bands, emergency)
        if need == Need.SUPPORTED:
            band = m.capacity.supported_band(bands)
            if band < 0:
                return False
            self._place(child, Group.SUPPORTED, None, emergency, location=band)
            return True
        seen = self._needs_seen(child)
        for band in bands:  # nearer bands first, then the policy order within a band
            for group in self.order:
                if group == Group.KINSHIP:
                    if kinship and band == bands[0] and self._kinship_found(child, request.reason):
                        carer = m.capacity.new_kinship_household(child, places=request.room)
                        self._place(child, Group.KINSHIP, carer, emergency)
                        return True
                elif group == Group.RESIDENTIAL:
                    if age >= 8 and self._home(child, (band,), emergency):
                        return True
                else:
                    carer = m.capacity.find(
                        group, seen, self.skill_tolerance, request.room, (band,)
                    )
                    if carer is not None:
                        self._place(child, group, carer, emergency)
                        return True
        return False

    def _home(
        self, child: Child, bands: Sequence[int], emergency: bool, shortfall: bool = False
    ) -> bool:
        band, inhouse_bed = self.model.capacity.home_band(bands)
        if band < 0:
            return False
        self._place(child, Group.RESIDENTIAL, None, emergency, inhouse_bed, band, shortfall)
        return True

    def _shortfall(
        self, child: Child, need: Need, age: float, request: PlacementRequest, emergency: bool
    ) -> None:
        """No suitable place in the area: the shortfall paths, in the policy's order."""
        m = self.model
        for path in self.shortfall_order:
            if path == "outside_area":
                if self._suitable(child, need, age, request, emergency, OUTSIDE):
                    m.indicators.count("shortfall_outside_area")
                    return
            elif path == "less_suitable":
                if self._less_suitable(child, need, request, emergency):
                    m.indicators.count("shortfall_less_suitable")
                    self._wait(child, need, path)
                    return
            elif path == "emergency":
                if need != Need.HOME and age >= 8 and self._home(child, LOCATIONS, True, True):
                    m.indicators.count("shortfall_emergency")
                    self._wait(child, need, path)
                    return
            elif path == "unregistered":
                break
        self._place_unregistered(child, need, emergency)

    def _less_suitable(
        self, child: Child, need: Need, request: PlacementRequest, emergency: bool
    ) -> bool:
        if need == Need.HOME:
            return False
        cap, seen = self.model.capacity, self._needs_seen(child)
        for band in LOCATIONS:  # nearer bands first, then the policy order within a band
            for group in self.order:
                if group not in (Group.INHOUSE, Group.AGENCY):
                    continue
                if need == Need.FAMILY:  # the most skilled carer with a vacancy
                    carer = cap.any(group, (band,), request.room)
                else:  # supported need: a foster carer who can meet the needs
                    carer = cap.find(group, seen, self.skill_tolerance, 1, (band,))
                if carer is not None:
                    self._place(child, group, carer, emergency, shortfall=True)
                    return True
        return False

    def _place_unregistered(self, child: Child, need: Need, emergency: bool) -> None:
        """An unregistered setting (no registered place will take the child), at a premium."""
        m = self.model
        cid = child.child_id
        self._place(child, Group.OTHER, None, emergency, shortfall=True)
        self.unregistered.add(cid)
        self.unregistered_year.add(cid)
        m.ledger.add_level("unregistered", 1)
        m.indicators.count("shortfall_unregistered")
        self._wait(child, need, "unregistered")
        # No registered provider will take the child at once: a registered place is offered
        # only after a time drawn from the child's stream (mean market.unregistered_accept_days)
        wait = m.streams.exponential("matching.unregistered_accept", cid, child.placement_count)
        self.not_yet.add(cid)
        m.at(m.now + wait * self.accept_days, self._acceptable, child, child.placement_count)

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

    def _caseload(self, child: Child) -> float:
        w = child.worker
        return self.model.caseload(w) if w is not None else self.reference

    # ---- quality ----------------------------------------------------------------------------
    def _quality(
        self,
        child: Child,
        group: int,
        carer: CarerHousehold | None,
        emergency: bool,
        shortfall: bool,
    ) -> float:
        p = self.p
        skill = carer.skill if carer is not None else 0.0
        fit = placement_fit(p, group, child.needs, skill, carer is not None)
        q = fit - (p["matching.emergency_quality_penalty"] if emergency else 0.0)
        if shortfall:
            q -= self.shortfall_penalty
        over = self._caseload(child) - self.reference
        if over > 0:
            q -= p["matching.caseload_quality_penalty"] * over
        noise = (
            self.model.streams.uniform("matching.quality", child.child_id, child.placement_count)
            - 0.5
        )
        return min(1.0, max(0.0, q + 0.2 * noise))

    def _place(
        self,
        child: Child,
        group: int,
        carer: CarerHousehold | None,
        emergency: bool,
        inhouse_bed: bool = False,
        location: int = -1,
        shortfall: bool = False,
    ) -> None:
        m = self.model
        if carer is None and location < 0:
            shares = FIXED_LOCATION.get(group)
            location = (
                m.capacity.location(
                    shares, "matching.location", child.child_id, child.placement_count
                )
                if shares is not None
                else INSIDE_LA
            )
        m.place(
            child,
            int(group),
            carer,
            quality=self._quality(child, group, carer, emergency, shortfall),
            emergency=emergency,
            inhouse_bed=inhouse_bed,
            reason="matching",
            location=location,
        )

    # ---- waiting for a suitable place -----------------------------------------------------
    def _wait(self, child: Child, need: Need, path: str) -> None:
        """The child waits for a suitable place: in the area, or outside it too when the
        policy would have taken a suitable place outside before ``path``."""
        cid = child.child_id
        self.waiting[need][cid] = child
        self.need_of[cid] = need
        order = self.shortfall_order
        before = order[: order.index(path)] if path in order else order
        self.bands_of[cid] = LOCATIONS if "outside_area" in before else INSIDE
        self.since[cid] = self.model.now
        self.model.capacity.wait(need, +1)

    def _stop_waiting(self, child: Child) -> None:
        cid = child.child_id
        need = self.need_of.pop(cid, None)
        if need is None:
            return
        del self.waiting[need][cid]
        del self.bands_of[cid]
        self.shortfall_days += self.model.now - self.since.pop(cid)
        self.scheduled.discard(cid)
        self.model.capacity.wait(need, -1)

    def _left_placement(self, child: Child) -> None:
        cid = child.child_id
        if cid in self.need_of:
            self._stop_waiting(child)
        if cid in self.unregistered:
            self.unregistered.discard(cid)
            self.not_yet.discard(cid)
            self.model.ledger.add_level("unregistered", -1)

    def _acceptable(self, child: Child, k: int) -> None:
        """A registered provider will now take the child: move when a suitable place is
        free (now, if one is)."""
        cid = child.child_id
        if child.placement_count != k or cid not in self.not_yet:
            return
        self.not_yet.discard(cid)
        need = self.need_of.get(cid)
        if need is not None and cid not in self.scheduled and self._suitable_free(child, need):
            self.scheduled.add(cid)
            self.model.at(self.model.now, self._move_when_free, child, k)

    def _ended(self, child: Child, group: int, carer: object, reason: str, unplanned: bool) -> None:
        if unplanned:
            self.unplanned_move[child.child_id] = group
        self._left_placement(child)

    def _exited(self, child: Child, route: str, group: int, carer: object) -> None:
        self._left_placement(child)

    def _on_vacancy(self, need: Need, carer: CarerHousehold | None) -> None:
        """A place freed while children wait: schedule the move of the first who fits."""
        for cid, child in self.waiting[need].items():
            if cid in self.scheduled or cid in self.not_yet:
                continue
            if carer is not None:
                if carer.location not in self.bands_of[cid] or skill_bucket(
                    carer.skill
                ) < skill_bucket(self._needs_seen(child) - self.skill_tolerance):
                    continue  # the carer cannot meet this child's needs (as find judges it)
                if carer is child.carer:  # the carer can now meet the needs: no move
                    self.model.at(self.model.now, self._now_suitable, child, child.placement_count)
                    self.scheduled.add(cid)
                    return
            elif not self._suitable_free(child, need):
                continue
            self.scheduled.add(cid)
            self.model.at(self.model.now, self._move_when_free, child, child.placement_count)
            return

    def _now_suitable(self, child: Child, k: int) -> None:
        self.scheduled.discard(child.child_id)
        if child.in_care and child.placement_count == k and child.child_id in self.need_of:
            self._stop_waiting(child)

    def _move_when_free(self, child: Child, k: int) -> None:
        """Move a waiting child to a suitable place that has freed (a planned move)."""
        cid = child.child_id
        self.scheduled.discard(cid)
        need = self.need_of.get(cid)
        if need is None or not child.in_care or child.placement_count != k:
            return
        if not self._suitable_free(child, need):
            return  # taken meanwhile: wait for the next one
        self.moving[cid] = need
        self.model.end_placement(child, "CARPL", unplanned=False)

    def _suitable_free(self, child: Child, need: Need) -> bool:
        """Whether a suitable place the child would move to is free now."""
        cap, bands = self.model.capacity, self.bands_of[child.child_id]
        if need == Need.HOME:
            return cap.home_band(bands)[0] >= 0
        if need == Need.SUPPORTED:
            return cap.supported_band(bands) >= 0
        seen = self._needs_seen(child)
        return any(
            cap.find(g, seen, self.skill_tolerance, 1, bands) is not None
            for g in self.order
            if g in (Group.INHOUSE, Group.AGENCY)
        )

    # ---- month and year ends ---------------------------------------------------------------
    def _occupancy(self) -> tuple[float, float]:
        """(share of the purchased children's home places filled, the share their starting
        use fills: the reference at which the price is the published one). The reference
        comes from the places' sizing, so a lever that opens beds does not move it."""
        pool = self.model.capacity.pools[Group.RESIDENTIAL]
        places = sum(pool.places)
        if not places:
            return 0.0, 0.0
        return sum(pool.used) / places, pool.base / places

    def month_end(self, day: float) -> None:
        """Set the purchased price from occupancy; offer freed places to children still
        waiting (a notice can be missed when a place was taken between notice and move)."""
        occupancy, reference = self._occupancy()
        elasticity = self.p["market.residential_price_elasticity"]
        multiplier = occupancy_price_multiplier(occupancy, reference, elasticity)
        self.model.ledger.set_multiplier("residential", multiplier)
        for need, queue in self.waiting.items():
            for child in list(queue.values()):
                cid = child.child_id
                if (
                    cid not in self.scheduled
                    and cid not in self.not_yet
                    and self._suitable_free(child, need)
                ):
                    self.scheduled.add(child.child_id)
                    self.model.at(
                        self.model.now, self._move_when_free, child, child.placement_count
                    )

    def year_end(self, year: int) -> None:
        m = self.model
        now = m.now
        for cid in self.since:
            self.shortfall_days += now - self.since[cid]
            self.since[cid] = now
        m.indicators.count("placement_shortfall_days", self.shortfall_days)
        m.indicators.count("unregistered_placements", float(len(self.unregistered_year)))
        for name in SHORTFALL_PATHS:
            m.indicators.count(f"shortfall_{name}", 0.0)
        self.shortfall_days = 0.0
        self.unregistered_year = set(self.unregistered)
