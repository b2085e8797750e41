"""Carers: in-house approvals from the recruitment pipeline, agency market entries, enhanced
support, deregistration, kinship households and Staying Put.

- Approvals: dated in-house approvals from the salabim pipeline (simulation/pipeline.py), run
  ahead of the model; agency households join the independent market at
  ``carers.agency_recruit_per_year`` × its starting size (a steady market).
- Deregistration hazard per household-year = ``carers.deregistration_per_year`` (Ofsted 2022-23)
  × strain ratio for a year after an unplanned ending × older-carer ratio × enhanced-support
  ratio (lever ``carers.support_share``; Mockingbird's 82% as the low end of an assumption
  range whose high end is no effect).
- Enhanced support also raises a carer's skill (the needs they will take).
- Kinship households exist for one child and end when that placement ends.
- Staying Put: a fostered young person turning 18 stays with the carer with the Ofsted share
  (in-house 58%, agency 40%), keeping the place for about ``exits.staying_put_days``.
"""

from __future__ import annotations

from simulation.agents import YEAR_DAYS, CarerHousehold, Child, Group
from simulation.pipeline import run_pipeline
from simulation.rules.registry import Rule, register_rule

APPROVED_ID_BASE = 200_000_000
AGENCY_JOIN_ID_BASE = 300_000_000


@register_rule("carers")
class Carers(Rule):
    """Carer households joining, being supported, straining and leaving."""

    reads = (
        "carers.",
        "pipeline.",
        "exits.staying_put_share",
        "exits.staying_put_days",
        "area.population_0_17",
    )

    def setup(self) -> None:
        m = self.model
        m.on("carer_joined", self._joined)
        m.on("placement_ended", self._placement_ended)
        m.on("exited", self._exited)
        m.on("carer_support_changed", self._refresh)
        self.agency_joins = 0
        self.approvals = 0
        self.agency_rate = 0.0
        self.agency_start = 0  # the independent market's size at the start
        self.agency_version = 0  # bumped when a dated change restarts the joining stream
        self.enhanced = 0
        m.at(0.0, self._start_markets)

    def _start_markets(self) -> None:
        m = self.model
        self.agency_start = sum(1 for c in m.carers.values() if c.sector == Group.AGENCY)
        self._start_agency_joins()
        self._schedule_approvals()

    def _start_agency_joins(self) -> None:
        """Agency households join at ``carers.agency_recruit_per_year`` × the market's starting
        size; a dated change restarts the (Poisson) stream from that day at the new rate."""
        self.agency_version += 1
        self.agency_rate = self.p["carers.agency_recruit_per_year"] * self.agency_start / YEAR_DAYS
        if self.agency_rate > 0:
            self._next_agency_join()

    def _schedule_approvals(self) -> None:
        m = self.model
        result = run_pipeline(self.p, m.streams, m.horizon_days)
        for day, app_id in zip(result.approval_days, result.approval_ids, strict=True):
            m.at(day, self._approve, app_id)

    # ---- joining ---------------------------------------------------------------------------
    def _new_household(self, sector: int, carer_id: int) -> CarerHousehold:
        m, s = self.model, self.model.streams
        weights = self.p["carers.places_weights"]
        places = s.choice(weights, "carers.places", carer_id) + 1
        skill = s.beta(3.0, 2.5, "carers.skill", carer_id)
        older = s.uniform("carers.older", carer_id) < 0.15
        return CarerHousehold(m, carer_id, sector, places, skill, older, joined=m.now)

    def _approve(self, app_id: int) -> None:
        """An in-house household approved; its id from the pipeline's application id, so a
        lever that adds approvals never changes another household's id or draws."""
        carer = self._new_household(int(Group.INHOUSE), APPROVED_ID_BASE + app_id)
        self.approvals += 1
        self.model.indicators.count("carer_approvals")
        self.model.indicators.count("carer_approvals_inhouse")
        self.model.add_carer(carer)

    def _next_agency_join(self) -> None:
        gap = self.model.streams.exponential("carers.agency_join", 0, self.agency_joins)
        self.model.at(
            self.model.now + gap / self.agency_rate, self._agency_join, self.agency_version
        )

    def _agency_join(self, version: int) -> None:
        if version != self.agency_version:
            return  # scheduled at a rate a dated change has replaced
        carer = self._new_household(int(Group.AGENCY), AGENCY_JOIN_ID_BASE + self.agency_joins)
        self.agency_joins += 1
        self.model.indicators.count("carer_approvals")
        self.model.add_carer(carer)
        self._next_agency_join()

    def _joined(self, carer: CarerHousehold) -> None:
        if carer.sector == Group.KINSHIP:
            return
        if carer.sector == Group.INHOUSE:
            self._set_support(carer)
        self._refresh(carer)

    # ---- support and deregistration ----------------------------------------------------------
    def _set_support(self, carer: CarerHousehold) -> None:
        p = self.p
        u = self.model.streams.uniform("carers.support", carer.carer_id)
        enhanced = u < p["carers.support_share"]
        if enhanced == carer.enhanced:
            return
        carer.enhanced = enhanced
        gain = p["carers.support_skill_gain"]
        self.model.capacity.set_skill(carer, carer.skill + (gain if enhanced else -gain))
        self.enhanced += 1 if enhanced else -1
        self.model.ledger.set_level("support_households", self.enhanced)
        self.model.emit("carer_support_changed", carer)

    def deregistration_rate(self, carer: CarerHousehold) -> float:
        p = self.p
        rate = p["carers.deregistration_per_year"]
        if carer.strained_until > self.model.now:
            rate *= p["carers.disruption_strain_ratio"]
        if carer.older:
            rate *= p["carers.older_ratio"]
        if carer.enhanced:
            rate *= p["carers.support_deregistration_ratio"]
        return self.model.modify("deregistration", carer, rate) / YEAR_DAYS

    def _refresh(self, carer: CarerHousehold) -> None:
        if carer.active:
            self.model.set_hazard(
                carer, "deregistration", self.deregistration_rate(carer), self._deregister
            )

    def _deregister(self, carer: CarerHousehold) -> None:
        if carer.enhanced:
            self.enhanced -= 1
            self.model.ledger.set_level("support_households", self.enhanced)
        self.model.indicators.count("carer_deregistrations")
        self.model.remove_carer(carer, "deregistered")

    def _placement_ended(
        self, child: Child, group: int, carer: CarerHousehold | None, reason: str, unplanned: bool
    ) -> None:
        if carer is None or not carer.active:
            return
        if carer.sector == Group.KINSHIP:
            if not carer.children and not carer.staying_put:
                self.model.remove_carer(carer, "kinship placement ended")
            return
        if unplanned and reason != "CLOSE":
            carer.strained_until = self.model.now + YEAR_DAYS
            self._refresh(carer)
            self.model.at(carer.strained_until, self._unstrain, carer)

    def _unstrain(self, carer: CarerHousehold) -> None:
        if carer.active and carer.strained_until <= self.model.now:
            self._refresh(carer)

    def on_params_changed(self, changed: frozenset[str]) -> None:
        if "carers.agency_recruit_per_year" in changed and self.agency_version > 0:  # started
            self._start_agency_joins()
        if any(path.startswith("carers.") for path in changed):
            for carer in list(self.model.carers.values()):
                if carer.sector == Group.INHOUSE:
                    self._set_support(carer)
                if carer.sector != Group.KINSHIP:
                    self._refresh(carer)

    # ---- leaving care at 18: Staying Put ------------------------------------------------------
    def _exited(self, child: Child, route: str, group: int, carer: CarerHousehold | None) -> None:
        if carer is None or not carer.active:
            return
        m, p = self.model, self.p
        if route == "age_18" and carer.sector in (Group.INHOUSE, Group.AGENCY):
            share = p["exits.staying_put_share"][0 if carer.sector == Group.INHOUSE else 1]
            if m.streams.uniform("carers.staying_put", child.child_id) < share:
                carer.staying_put += 1
                m.capacity.update(carer)
                m.ledger.add_level("staying_put", 1)
                stay = (
                    m.streams.exponential("carers.staying_put_days", child.child_id)
                    * p["exits.staying_put_days"]
                )
                m.at(m.now + min(stay, 3 * YEAR_DAYS), self._staying_put_ends, carer)
                return
        if carer.sector == Group.KINSHIP and not carer.children:
            m.remove_carer(carer, "child left care")

    def _staying_put_ends(self, carer: CarerHousehold) -> None:
        self.model.ledger.add_level("staying_put", -1)
        carer.staying_put -= 1
        if carer.active:
            self.model.capacity.update(carer)
