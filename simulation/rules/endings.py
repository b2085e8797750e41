"""Placement endings: unplanned disruptions and planned moves.

Unplanned (disruption) hazard per placement-year = base rate of the placement group
(``endings.disruption_per_year``) × exp(needs effect × (needs - 0.3)) × adolescent ratio (11+)
× exp(match-quality effect × (0.5 - quality)) × enhanced-support ratio (supported carers)
× exp(caseload effect × (worker's caseload - reference)), continuous on both sides of the
reference × early-months ratio (first 91 days) × settled ratio (after a year: most endings come
early) × ``workforce.change_disruption_ratio`` within ``workforce.handover_days`` of a change of
social worker. The needs are the child's current ones (rules/needs.py announces material
changes with ``needs_changed``). The handover ratio is applied by thinning, so a change of
worker costs nothing until a disruption is due: the hazard runs at the ratio throughout and a
disruption drawn outside a handover window goes ahead with probability 1 / ratio (else the
placement carries on with a fresh threshold); at a ratio of 1 nothing of this runs.
Reasons follow SSDA903 REASON_PLACE_CHANGE in the shares DfE reports for 2024 (carer requests
due to behaviour, other carer requests, child requests, allegation, standards, other).

Planned: an emergency placement is followed by a planned move (care plan, CARPL) with
probability ``endings.emergency_move_probability`` after about ``endings.emergency_move_days``;
a poor placement (quality below ``endings.quality_move_threshold``) is left for a better one at
``endings.quality_move_per_year`` — but only when a better foster place exists for the needs
the worker assessed; otherwise the child lingers (Stein 2009). A kinship placement is left for
quality only below the lower ``endings.kinship_quality_move_threshold``: kin carers are
supported rather than the child moved to strangers (Farmer & Moyers 2008). Evidence kinds
are in the parameter tree: base rates are hand-set calibrated values; effect sizes are
assumptions.
"""

from __future__ import annotations

import math

from simulation.agents import FOSTER_GROUPS, YEAR_DAYS, CarerHousehold, Child, Group, SocialWorker
from simulation.rules.registry import Rule, register_rule

# SSDA903 reasons for unplanned endings, weighted by DfE 2024 shares of placement endings
# (PF:placement_changes.share.*): CREQB 0.08, CREQO 0.06, CHILD 0.03, other 0.22 (part).
UNPLANNED_REASONS = ("CREQB", "CREQO", "CHILD", "ALLEG", "STAND", "OTHER")
UNPLANNED_WEIGHTS = (0.34, 0.26, 0.13, 0.05, 0.05, 0.17)
EARLY_DAYS = 91.0
SETTLED_DAYS = 365.0
AGE_11 = 11 * YEAR_DAYS  # the adolescent ratio applies from the 11th birthday
THINNED_OCCURRENCE = 10**7  # occurrences of the thresholds drawn after a thinned disruption


@register_rule("endings")
class Endings(Rule):
    """Sets each placement's disruption and planned-move hazards and carries them out."""

    reads = (
        "endings.",
        "carers.support_disruption_ratio",
        "workforce.reference_caseload",
        "workforce.change_disruption_ratio",
        "workforce.handover_days",
        "costs.kinship_allowance_uplift_gbp_per_week",
    )

    def setup(self) -> None:
        m = self.model
        self._load()
        m.on("placed", self._placed)
        m.on("caseload_changed", self._caseload_changed)
        m.on("carer_support_changed", self._support_changed)
        m.on("needs_changed", self._refresh)
        self.rejected: dict[int, int] = {}  # child -> disruptions thinned in this placement

    # ---- hazards --------------------------------------------------------------------------
    def _load(self) -> None:
        """Cache the parameters read on every evaluation (reloaded on a dated change)."""
        p = self.p
        self.base = p["endings.disruption_per_year"]
        self.needs_effect = p["endings.needs_effect"]
        self.quality_effect = p["endings.match_quality_effect"]
        self.adolescent = p["endings.adolescent_ratio"]
        self.support = p["carers.support_disruption_ratio"]
        self.caseload_effect = p["endings.caseload_effect"]
        self.reference = p["workforce.reference_caseload"]
        self.early = p["endings.early_months_ratio"]
        self.settled = p["endings.settled_ratio"]
        uplift = p["costs.kinship_allowance_uplift_gbp_per_week"]
        self.kinship_ratio = p["endings.kinship_allowance_disruption_ratio_per_100gbp"] ** (
            uplift / 100.0
        )
        self.handover_ratio = p["workforce.change_disruption_ratio"]
        self.handover_days = p["workforce.handover_days"]
        self.emergency_move = p["endings.emergency_move_probability"]
        self.emergency_move_rate = 1.0 / p["endings.emergency_move_days"]
        self.quality_threshold = p["endings.quality_move_threshold"]
        self.kinship_quality_threshold = p["endings.kinship_quality_move_threshold"]
        self.quality_move_rate = p["endings.quality_move_per_year"] / YEAR_DAYS

    def _level(self, child: Child) -> float:
        """Disruptions per year before the factors that change with time (placement age,
        the child's 11th birthday) and before researchers' modifiers."""
        m = self.model
        group = child.placement
        rate = 0.1 * self.base[Group.OTHER] if group == Group.ADOPTION else self.base[group]
        log_ratio = self.needs_effect * (child.needs - 0.3) + self.quality_effect * (
            0.5 - child.quality
        )
        worker = child.worker
        if worker is not None and self.caseload_effect:
            log_ratio += self.caseload_effect * (m.caseload(worker) - self.reference)
        rate *= math.exp(log_ratio)
        if group == Group.KINSHIP:
            rate *= self.kinship_ratio
        carer = child.carer
        if carer is not None and carer.enhanced:
            rate *= self.support
        if self.handover_ratio != 1.0:
            rate *= self.handover_ratio  # thinned at the event (see the module docstring)
        return m.modify("disruption", child, rate) / YEAR_DAYS

    def _factor(self, child: Child, day: float) -> float:
        in_placement = day - child.placement_start
        f = (
            self.early
            if in_placement < EARLY_DAYS
            else (self.settled if in_placement >= SETTLED_DAYS else 1.0)
        )
        return f * self.adolescent if day >= child.birth_day + AGE_11 else f

    def disruption_rate(self, child: Child) -> float:
        """Unplanned endings per day for the child's current placement, now."""
        return self._level(child) * self._factor(child, self.model.now)

    def _refresh(self, child: Child, occurrence: int | None = None) -> None:
        """Set the disruption hazard with its known future steps (end of the first months,
        the first year, the 11th birthday) solved in closed form: no event at each step.
        ``occurrence`` keys a fresh threshold (after a thinned disruption)."""
        if child.placement < 0:
            return
        now = self.model.now
        level = self._level(child)
        start = child.placement_start
        eleven = child.birth_day + AGE_11
        early, settled, adolescent = self.early, self.settled, self.adolescent
        steps = []
        for d in sorted((start + EARLY_DAYS, start + SETTLED_DAYS, eleven)):
            if d > now:  # level * self._factor(child, d), written out
                t = d - start
                f = early if t < EARLY_DAYS else (settled if t >= SETTLED_DAYS else 1.0)
                steps.append((d, level * (f * adolescent if d >= eleven else f)))
        self.model.set_hazard(
            child,
            "disruption",
            level * self._factor(child, now),
            self._disrupt,
            scope="placement",
            occurrence=child.placement_count if occurrence is None else occurrence,
            steps=tuple(steps),
        )

    def _placed(self, child: Child) -> None:
        m = self.model
        k = child.placement_count
        if self.rejected:
            self.rejected.pop(child.child_id, None)
        self._refresh(child)
        movable = child.placement in FOSTER_GROUPS or child.placement == Group.RESIDENTIAL
        if not movable:
            return
        s = m.streams
        if (
            child.emergency
            and s.uniform("endings.emergency_move", child.child_id, k) < self.emergency_move
        ):
            m.set_hazard(
                child,
                "planned_move",
                self.emergency_move_rate,
                self._planned_move,
                scope="placement",
                occurrence=k,
            )
        threshold = (
            self.kinship_quality_threshold
            if child.placement == Group.KINSHIP
            else self.quality_threshold
        )
        if child.quality < threshold:
            m.set_hazard(
                child,
                "quality_move",
                self.quality_move_rate,
                self._quality_move,
                scope="placement",
                occurrence=k,
            )

    def _caseload_changed(self, worker: SocialWorker) -> None:
        for child in list(worker.children.values()):
            self._refresh(child)

    def _support_changed(self, carer: CarerHousehold) -> None:
        for child in carer.children:
            self._refresh(child)

    def on_params_changed(self, changed: frozenset[str]) -> None:
        self._load()
        for child in list(self.model.children.values()):
            self._refresh(child)

    # ---- events -----------------------------------------------------------------------------
    def _disrupt(self, child: Child) -> None:
        if self.handover_ratio != 1.0 and not self._accept(child):
            return
        i = self.model.streams.choice(
            UNPLANNED_WEIGHTS, "endings.reason", child.child_id, child.placement_count
        )
        self.model.end_placement(child, UNPLANNED_REASONS[i], unplanned=True)

    def _accept(self, child: Child) -> bool:
        """Thinning: a disruption drawn at the handover-raised rate is real within a handover
        window, else with probability 1 / ratio; a rejected one restarts the hazard with a
        fresh threshold (keyed by placement and rejection count: common random numbers)."""
        m = self.model
        if m.now - child.worker_changed_day < self.handover_days:
            return True
        cid, k = child.child_id, child.placement_count
        n = self.rejected.get(cid, 0)
        if (
            m.streams.uniform("endings.handover_thinning", cid, k * 1000 + n) * self.handover_ratio
            < 1.0
        ):
            return True
        self.rejected[cid] = n + 1
        self._refresh(child, occurrence=THINNED_OCCURRENCE + k * 1000 + n)
        return False

    def _planned_move(self, child: Child) -> None:
        self.model.end_placement(child, "CARPL", unplanned=False)

    def _quality_move(self, child: Child) -> None:
        m = self.model
        better = None
        needs = child.assessed_needs if child.assessed_needs is not None else child.needs
        for sector in (Group.INHOUSE, Group.AGENCY):
            better = m.capacity.find(sector, needs, 0.1)
            if better is not None and better is not child.carer:
                break
            better = None
        if better is None:  # no better place: the child lingers; look again in three months
            m.at(m.now + 91.0, self._retry_quality, child, child.placement_count)
            return
        m.end_placement(child, "CARPL", unplanned=False)

    def _retry_quality(self, child: Child, k: int) -> None:
        if child.in_care and child.placement_count == k:
            self.model.set_hazard(
                child,
                "quality_move",
                self.quality_move_rate,
                self._quality_move,
                scope="placement",
                occurrence=k * 1000 + int(self.model.now),
            )
