"""Placement endings: unplanned disruptions and planned moves.

Unplanned (disruption) hazard per placement-year = base rate of the placement group
(``endings.disruption_per_year``) × exp(needs effect × (needs - 0.3)) × adolescent ratio (11+)
× exp(match-quality effect × (0.5 - quality)) × enhanced-support ratio (supported carers)
× (1 + caseload effect × cases above the reference) × early-months ratio (first 91 days)
× settled ratio (after a year: most endings come early).
Reasons follow SSDA903 REASON_PLACE_CHANGE in the shares DfE reports for 2024 (carer requests
due to behaviour, other carer requests, child requests, allegation, standards, other).

Planned: an emergency placement is followed by a planned move (care plan, CARPL) with
probability ``endings.emergency_move_probability`` after about ``endings.emergency_move_days``;
a poor placement (quality below ``endings.quality_move_threshold``) is left for a better one at
``endings.quality_move_per_year`` — but only when a better foster place exists; otherwise the
child lingers (Stein 2009). Evidence kinds are in the parameter tree: base rates are hand-set
calibrated values; effect sizes are assumptions.
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


@register_rule("endings")
class Endings(Rule):
    """Sets each placement's disruption and planned-move hazards and carries them out."""

    reads = (
        "endings.",
        "carers.support_disruption_ratio",
        "workforce.reference_caseload",
        "costs.kinship_allowance_uplift_gbp_per_week",
    )

    def setup(self) -> None:
        m = self.model
        self._load()
        m.on("placed", self._placed)
        m.on("caseload_changed", self._caseload_changed)
        m.on("carer_support_changed", self._support_changed)

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

    def _level(self, child: Child) -> float:
        """Disruptions per year before the factors that change with time (placement age,
        the child's 11th birthday) and before researchers' modifiers."""
        group = child.placement
        rate = 0.1 * self.base[Group.OTHER] if group == Group.ADOPTION else self.base[group]
        rate *= math.exp(
            self.needs_effect * (child.needs - 0.3) + self.quality_effect * (0.5 - child.quality)
        )
        if group == Group.KINSHIP:
            rate *= self.kinship_ratio
        carer = child.carer
        if carer is not None and carer.enhanced:
            rate *= self.support
        if child.worker is not None:
            over = self.model.caseload(child.worker) - self.reference
            if over > 0:
                rate *= 1.0 + self.caseload_effect * over
        return self.model.modify("disruption", child, rate) / YEAR_DAYS

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

    def _refresh(self, child: Child) -> None:
        """Set the disruption hazard with its known future steps (end of the first months,
        the first year, the 11th birthday) solved in closed form: no event at each step."""
        if child.placement < 0:
            return
        now = self.model.now
        level = self._level(child)
        start = child.placement_start
        factor = self._factor
        steps = tuple(
            [
                (d, level * factor(child, d))
                for d in sorted(
                    (start + EARLY_DAYS, start + SETTLED_DAYS, child.birth_day + AGE_11)
                )
                if d > now
            ]
        )
        self.model.set_hazard(
            child,
            "disruption",
            level * factor(child, now),
            self._disrupt,
            scope="placement",
            occurrence=child.placement_count,
            steps=steps,
        )

    def _placed(self, child: Child) -> None:
        m, p = self.model, self.p
        k = child.placement_count
        self._refresh(child)
        movable = child.placement in FOSTER_GROUPS or child.placement == Group.RESIDENTIAL
        if not movable:
            return
        s = m.streams
        if (
            child.emergency
            and s.uniform("endings.emergency_move", child.child_id, k)
            < p["endings.emergency_move_probability"]
        ):
            m.set_hazard(
                child,
                "planned_move",
                1.0 / p["endings.emergency_move_days"],
                self._planned_move,
                scope="placement",
                occurrence=k,
            )
        if child.quality < p["endings.quality_move_threshold"]:
            m.set_hazard(
                child,
                "quality_move",
                p["endings.quality_move_per_year"] / YEAR_DAYS,
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
        i = self.model.streams.choice(
            UNPLANNED_WEIGHTS, "endings.reason", child.child_id, child.placement_count
        )
        self.model.end_placement(child, UNPLANNED_REASONS[i], unplanned=True)

    def _planned_move(self, child: Child) -> None:
        self.model.end_placement(child, "CARPL", unplanned=False)

    def _quality_move(self, child: Child) -> None:
        m = self.model
        better = None
        for sector in (Group.INHOUSE, Group.AGENCY):
            better = m.capacity.find(sector, child.needs, 0.1)
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
                self.p["endings.quality_move_per_year"] / YEAR_DAYS,
                self._quality_move,
                scope="placement",
                occurrence=k * 1000 + int(self.model.now),
            )
