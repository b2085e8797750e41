"""Exits from care as competing risks: return home, adoption, special guardianship (SGO),
child arrangements order (CAO), turning 18 (with Staying Put), other.

Each route has its own integrated-hazard threshold drawn once per period of care, so changing
one route's rate never re-draws another's luck.
- Return home: rate by time in care (<6 months, 6-24 months, 24+) × s20 ratio × adolescent
  ratio; UASC rarely return; none once an adoption plan is made.
- Adoption: entrants under 10 get an adoption plan with ``exits.adoption_plan_probability`` by
  age band; they move to a placement for adoption after about ``exits.days_to_placement_for_
  adoption`` and are adopted about ``exits.days_placed_to_adoption_order`` later.
- SGO (mostly kinship carers becoming special guardians) and CAO: after 6 months in care, for
  fostered children under 16.
- Other (independent living before 18, custody, adult services, other): by age under/over 10.
- Turning 18: the period ends on the 18th birthday; the carers rule handles Staying Put.
Rates are calibrated to DfE 2024 ceased-by-reason counts (parameter tree).
"""

from __future__ import annotations

from collections.abc import Callable

from simulation.agents import FOSTER_GROUPS, YEAR_DAYS, Child, Group
from simulation.rules.registry import Rule, register_rule

HALF_YEAR = 182.0
TWO_YEARS = 730.0


@register_rule("exits")
class Exits(Rule):
    """Competing exit hazards per period of care, refreshed at placement changes and
    at milestones (6 and 24 months in care, 10th birthday)."""

    def setup(self) -> None:
        m = self.model
        m.on("admitted", self._admitted)
        m.on("placed", self._placed)

    def _admitted(self, child: Child, reentry: bool) -> None:
        m, p, s = self.model, self.p, self.model.streams
        now, cid, k = m.now, child.child_id, child.period
        age = child.age(now)
        existing = child.data.get("existing", False)
        if existing:  # the starting population: some are already on the adoption pathway
            child.adoption_plan = child.legal == "placement_order" and age < 10
        else:
            child.adoption_plan = False
            if age < 10 and not child.uasc:
                band = 0 if age < 1 else (1 if age < 5 else 2)
                if s.uniform("exits.adoption_plan", cid, k) < p[
                        "exits.adoption_plan_probability"][band]:
                    child.adoption_plan = True
        if child.adoption_plan:
            wait = s.exponential("exits.adoption_wait", cid, k) * p[
                "exits.days_to_placement_for_adoption"]
            when = now + 0.3 * wait if existing else child.period_start + wait
            m.at(max(when, now), self._place_for_adoption, child, k)
        for milestone in (child.period_start + HALF_YEAR, child.period_start + TWO_YEARS,
                          child.day_of_age(10)):
            if milestone > now:
                m.at(milestone, self._milestone, child, k)
        eighteen = child.day_of_age(18)
        m.at(max(eighteen, now), self._turn_18, child, k)

    def _placed(self, child: Child) -> None:
        self._refresh(child)

    def _milestone(self, child: Child, period: int) -> None:
        if child.in_care and child.period == period:
            self._refresh(child)

    def _refresh(self, child: Child) -> None:
        m, p = self.model, self.p
        now = m.now
        t = now - child.period_start
        age = child.age(now)
        group = child.placement
        # return home
        rh = p["exits.return_home_per_year"][0 if t < HALF_YEAR else (1 if t < TWO_YEARS else 2)]
        if child.legal == "s20":
            rh *= p["exits.return_home_s20_ratio"]
        if age >= 10:
            rh *= p["exits.return_home_adolescent_ratio"]
        if group == Group.WITH_PARENTS:
            rh *= p["exits.return_home_with_parents_ratio"]
        if child.uasc:
            rh *= 0.02
        if child.adoption_plan or group == Group.ADOPTION:
            rh = 0.0
        self._set(child, "exit.returned_home", rh, self._return_home)
        # special guardianship and child arrangements orders
        orders_open = (t >= HALF_YEAR and age < 16 and not child.uasc
                       and not child.adoption_plan)
        sgo = cao = 0.0
        if orders_open and group in FOSTER_GROUPS:
            sgo = p["exits.sgo_per_year"][0 if group == Group.KINSHIP else 1]
            cao = p["exits.cao_per_year"]
        elif orders_open and group == Group.WITH_PARENTS:
            cao = p["exits.cao_per_year"]
        self._set(child, "exit.sgo", sgo, self._sgo)
        self._set(child, "exit.cao", cao, self._cao)
        other = p["exits.other_per_year"][0 if age < 10 else 1]
        if group == Group.ADOPTION:
            other = 0.0
        self._set(child, "exit.other", other, self._other)

    def _set(self, child: Child, process: str, per_year: float, fire: Callable[[Child], None]
             ) -> None:
        """Set one route's hazard, after any modifiers researchers' rules registered."""
        rate = self.model.modify(process, child, per_year) / YEAR_DAYS
        self.model.set_hazard(child, process, rate, fire, occurrence=child.period)

    # ---- events -------------------------------------------------------------------------
    def _return_home(self, child: Child) -> None:
        self.model.discharge(child, "returned_home")

    def _sgo(self, child: Child) -> None:
        self.model.discharge(child, "sgo")

    def _cao(self, child: Child) -> None:
        self.model.discharge(child, "cao")

    def _other(self, child: Child) -> None:
        self.model.discharge(child, "other")

    def _turn_18(self, child: Child, period: int) -> None:
        if child.in_care and child.period == period:
            self.model.discharge(child, "age_18")

    def _place_for_adoption(self, child: Child, period: int) -> None:
        m = self.model
        if not (child.in_care and child.period == period and child.adoption_plan):
            return
        if child.placement != Group.ADOPTION:
            child.data["requested_group"] = int(Group.ADOPTION)
            if child.placement >= 0:
                m.end_placement(child, "CARPL", unplanned=False)
        child.legal = "placement_order"
        wait = m.streams.exponential("exits.adoption_order", child.child_id, period) * self.p[
            "exits.days_placed_to_adoption_order"]
        m.at(m.now + wait, self._adopted, child, period)

    def _adopted(self, child: Child, period: int) -> None:
        if child.in_care and child.period == period and child.placement == Group.ADOPTION:
            self.model.discharge(child, "adopted")
