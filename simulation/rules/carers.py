"""Carers: in-house approvals from the recruitment pipeline, agency market entries, enhanced
support, deregistration, kinship households and Staying Put.

- Approvals: dated in-house approvals from the salabim pipeline (simulation/pipeline.py), run
  ahead of the model.
- The agency (IFA) market is the finite supply of agency households available to this council
  (starting size ``carers.agency_households_per_10k`` × ``market.agency_supply_ratio``). It
  joins with demand and price: households join at ``carers.agency_recruit_per_year`` × the
  starting size × (demand / demand at the start) ** ``market.agency_demand_elasticity`` ×
  (1 + ``market.agency_fee_uplift_share``) ** ``market.agency_price_elasticity``, where demand
  is the agency places filled plus children waiting for a family placement (re-evaluated each
  month end; an integrated-hazard threshold per join keeps the n-th join's luck paired across
  scenarios). Households leave by deregistration, so the market shrinks when demand falls and
  fewer join than leave. No elasticity is published: both are assumptions whose ranges
  include no response (docs/evidence.md, issue 11).
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

from typing import Any

from simulation.agents import YEAR_DAYS, CarerHousehold, Child, Group
from simulation.capacity import Need
from simulation.pipeline import run_pipeline
from simulation.rules.registry import Rule, register_rule

APPROVED_ID_BASE = 200_000_000
AGENCY_JOIN_ID_BASE = 300_000_000
LOCATION_SHARES = {
    Group.INHOUSE: "market.inhouse_location_shares",
    Group.AGENCY: "market.agency_location_shares",
}


class AgencyMarket:
    """The owner of the agency joining hazard (the engine keys its threshold by ``key``)."""

    __slots__ = ("key", "timers")

    def __init__(self) -> None:
        self.key = 0
        self.timers: dict[str, Any] = {}


@register_rule("carers")
class Carers(Rule):
    """Carer households joining, being supported, straining and leaving."""

    reads = (
        "carers.",
        "pipeline.",
        "market.",
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
        self.agency_started = False
        self.start_demand = 0.0  # agency places filled (and children waiting) at the start
        self.market = AgencyMarket()
        self.enhanced = 0
        m.at(0.0, self._start_markets)

    def _start_markets(self) -> None:
        m = self.model
        self.agency_start = sum(1 for c in m.carers.values() if c.sector == Group.AGENCY)
        self.start_demand = self._agency_demand()
        self.agency_started = True
        self._set_agency_rate()
        self._schedule_approvals()

    def _agency_demand(self) -> float:
        """Demand on the agency market: its places filled, plus children waiting for a family
        placement (they are referred to the agencies too)."""
        m = self.model
        used, _ = m.capacity.foster_places(int(Group.AGENCY))
        return float(used + m.capacity.waiting_for[Need.FAMILY])

    def agency_join_rate(self) -> float:
        """Agency households joining per day, from demand and the fee paid."""
        p = self.p
        demand = self._agency_demand()
        ratio = demand / self.start_demand if self.start_demand > 0 else 1.0
        rate = p["carers.agency_recruit_per_year"] * self.agency_start / YEAR_DAYS
        rate *= ratio ** p["market.agency_demand_elasticity"]
        return (
            rate
            * (1.0 + p["market.agency_fee_uplift_share"]) ** p["market.agency_price_elasticity"]
        )

    def _set_agency_rate(self) -> None:
        """(Re)set the hazard of the next agency join at the current rate (its threshold is
        drawn once per join, so a changed rate moves the join but never re-draws it)."""
        self.agency_rate = self.agency_join_rate()
        self.model.set_hazard(
            self.market,
            "carers.agency_join",
            self.agency_rate,
            self._agency_join,
            occurrence=self.agency_joins,
        )

    def month_end(self, day: float) -> None:
        if self.agency_started:
            self._set_agency_rate()

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
        carer = CarerHousehold(m, carer_id, sector, places, skill, older, joined=m.now)
        carer.location = m.capacity.location(
            LOCATION_SHARES[Group(sector)], "carers.location", carer_id
        )
        return carer

    def _approve(self, app_id: int) -> None:
        """An in-house household approved; its id from the pipeline's application id, so a
        lever that adds approvals never changes another household's id or draws."""
        carer = self._new_household(int(Group.INHOUSE), APPROVED_ID_BASE + app_id)
        self.approvals += 1
        self.model.indicators.count("carer_approvals")
        self.model.indicators.count("carer_approvals_inhouse")
        self.model.add_carer(carer)

    def _agency_join(self, market: AgencyMarket) -> None:
        carer = self._new_household(int(Group.AGENCY), AGENCY_JOIN_ID_BASE + self.agency_joins)
        self.agency_joins += 1
        self.model.indicators.count("carer_approvals")
        self.model.add_carer(carer)
        self._set_agency_rate()

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
        if self.agency_started and any(
            path == "carers.agency_recruit_per_year" or path.startswith("market.agency")
            for path in changed
        ):
            self._set_agency_rate()
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
