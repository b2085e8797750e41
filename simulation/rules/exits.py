"""Exits from care as competing risks: return home, adoption, special guardianship (SGO),
child arrangements order (CAO), turning 18 (with Staying Put), other.

Each route has its own integrated-hazard threshold drawn once per period of care, so changing
one route's rate never re-draws another's luck.
- Return home: rate by time in care (<6 months, 6-24 months, 24+) × s20 ratio × an age ratio
  (under 5, 10-17; calibrated to DfE ceased by age at ceasing); UASC rarely return; none once
  an adoption plan is made.
- Adoption: entrants under 10 get an adoption plan with ``exits.adoption_plan_probability`` by
  age band; they move to a placement for adoption after about ``exits.days_to_placement_for_
  adoption`` and are adopted about ``exits.days_placed_to_adoption_order`` later. The starting
  population's pathway: every placement order under 10 has a plan, and a child under a care
  order who entered under 10 has one with its band's probability times the chance of still
  waiting after its time in care; a child already placed for adoption waits only for the
  order, the rest wait memorylessly, so the starting pool is placed at the entrants' pace.
- SGO (mostly kinship carers becoming special guardians) and CAO: after 6 months in care, for
  fostered children under 16.
- Other (independent living before 18, custody, adult services, other): by age under/over 10,
  with its own ratio at 16-17 (most who leave before 18 move to independent living).
- Turning 18: the period ends on the 18th birthday; the carers rule handles Staying Put.
Rates are calibrated to DfE 2024 ceased-by-reason counts (parameter tree).

Needs and social workers reach these routes:
- return home × ``exits.return_home_needs_ratio_per_sd`` per SD of SDQ above the CLA mean, at
  the needs of the day the routes are set (each placement in a new exit class, a dated change):
  a slow route, so it is not re-evaluated at every annual review;
- each change of social worker in the period delays permanence by ``workforce.change_delay_
  days``: when an SGO or a CAO is due (its hazard fires) it is made that many days later per
  change of worker not yet charged (a new worker takes the plan and the court work over; the
  child may leave by another route meanwhile); the changes before a placement for adoption
  delay the adoption order, those during it delay it again. At 0 days every exit is immediate,
  as before. (Reunification planning is reached through re-entry: rules/reunification.py.)
"""

from __future__ import annotations

import math

from simulation.agents import FOSTER_GROUPS, YEAR_DAYS, Child, Group
from simulation.rules.needs import sdq_sds
from simulation.rules.registry import Rule, register_rule

HALF_YEAR = 182.0
TWO_YEARS = 730.0
AGE_5 = 5 * YEAR_DAYS  # day of age of the birthdays that change exit rates
AGE_10 = 10 * YEAR_DAYS
AGE_16 = 16 * YEAR_DAYS
# Placement groups whose exit rates are the same (see ``Exits._rates``), by Group value.
EXIT_CLASS = (0, 1, 1, 2, 2, 3, 2, 4)


@register_rule("exits")
class Exits(Rule):
    """Competing exit hazards per period of care, set at each placement with their known
    future steps (6 and 24 months in care, 5th, 10th and 16th birthdays)."""

    reads = ("exits.", "workforce.change_delay_days")

    def setup(self) -> None:
        m = self.model
        self.routes = (
            ("exit.returned_home", self._return_home),
            ("exit.sgo", self._sgo),
            ("exit.cao", self._cao),
            ("exit.other", self._other),
        )
        self.processes = tuple(process for process, _ in self.routes)
        self.charged: dict[int, int] = {}  # child -> changes of worker already charged
        self.pending: set[int] = set()  # children whose delayed exit is on its way
        self._load()
        m.on("admitted", self._admitted)
        m.on("placed", self._placed)

    def _load(self) -> None:
        """Cache the rates read at every placement (reloaded on a dated change)."""
        p = self.p
        self.return_home = p["exits.return_home_per_year"]
        self.s20_ratio = p["exits.return_home_s20_ratio"]
        self.adolescent_ratio = p["exits.return_home_adolescent_ratio"]
        self.young_ratio = p["exits.return_home_under_5_ratio"]
        self.with_parents_ratio = p["exits.return_home_with_parents_ratio"]
        self.sgo = p["exits.sgo_per_year"]
        self.cao = p["exits.cao_per_year"]
        self.other = p["exits.other_per_year"]
        self.other_16_ratio = p["exits.other_age_16_ratio"]
        self.rh_needs_ratio = p["exits.return_home_needs_ratio_per_sd"]
        self.needs_factor = 1.0
        self.change_delay = p["workforce.change_delay_days"]

    def _admitted(self, child: Child, reentry: bool) -> None:
        m, p, s = self.model, self.p, self.model.streams
        now, cid, k = m.now, child.child_id, child.period
        if self.charged:
            self.charged.pop(cid, None)
        age = child.age(now)
        existing = child.existing and child.period == 0
        days_to_place = p["exits.days_to_placement_for_adoption"]
        placement_order = existing and child.legal == "placement_order" and age < 10
        child.adoption_plan = placement_order
        if not placement_order and not child.uasc:
            # An entrant under 10 gets a plan with the probability of its age band. A child of
            # the starting population under a care order who entered under 10 is on the same
            # pathway, not yet placed, with that probability times the chance of still
            # waiting after its time in care (the wait is exponential): the pathway at the
            # start is the one the model's own entrants fill (issue 11's stable baseline).
            at_entry = (child.period_start - child.birth_day) / YEAR_DAYS
            chance = 0.0
            if not existing and age < 10:
                chance = 1.0
            elif existing and child.legal == "care_order" and at_entry < 10:
                chance = math.exp(-(now - child.period_start) / days_to_place)
            if chance > 0.0:
                band = 0 if at_entry < 1 else (1 if at_entry < 5 else 2)
                plan_p = p["exits.adoption_plan_probability"][band] * chance
                child.adoption_plan = s.uniform("exits.adoption_plan", cid, k) < plan_p
        if child.adoption_plan:
            wait = s.exponential("exits.adoption_wait", cid, k) * days_to_place
            if existing:  # placed already (known once placed) or waiting, memorylessly
                m.at(now, self._existing_pathway, child, k, now + wait)
            else:
                m.at(max(child.period_start + wait, now), self._place_for_adoption, child, k)
        eighteen = child.day_of_age(18)
        m.at(max(eighteen, now), self._turn_18, child, k)

    def _placed(self, child: Child) -> None:
        # The routes' rates depend on the placement only through its class (kinship, other
        # foster, with parents, adoption, elsewhere): a move within a class changes nothing,
        # so it is skipped unless a researcher's rule modifies exit hazards.
        state = (
            child.period,
            EXIT_CLASS[child.placement],
            child.legal == "s20",
            child.adoption_plan,
        )
        if state == child.data.get("_exit_state") and not self._modified():
            return
        child.data["_exit_state"] = state
        self._refresh(child)

    def _modified(self) -> bool:
        return self.model.has_any_modifiers(self.processes)

    def on_params_changed(self, changed: frozenset[str]) -> None:
        """A dated change: every child's routes from today at the new rates."""
        self._load()
        for child in list(self.model.children.values()):
            if child.placement >= 0:
                self._refresh(child)

    def _rates(self, child: Child, day: float) -> tuple[float, float, float, float]:
        """Per-year rates of (return home, SGO, CAO, other) on ``day`` for the current
        placement: they change with time in care (6 and 24 months) and age (5, 10, 16)."""
        t = day - child.period_start
        age = (day - child.birth_day) / YEAR_DAYS
        group = child.placement
        rh = self.return_home[0 if t < HALF_YEAR else (1 if t < TWO_YEARS else 2)]
        if child.legal == "s20":
            rh *= self.s20_ratio
        if age >= 10:
            rh *= self.adolescent_ratio
        elif age < 5:
            rh *= self.young_ratio
        if group == Group.WITH_PARENTS:
            rh *= self.with_parents_ratio
        if child.uasc:
            rh *= 0.02
        rh *= self.needs_factor  # of this refresh's child (set by _refresh)
        if child.adoption_plan or group == Group.ADOPTION:
            rh = 0.0
        orders_open = t >= HALF_YEAR and age < 16 and not child.uasc and not child.adoption_plan
        sgo = cao = 0.0
        if orders_open and group in FOSTER_GROUPS:
            sgo = self.sgo[0 if group == Group.KINSHIP else 1]
            cao = self.cao
        elif orders_open and group == Group.WITH_PARENTS:
            cao = self.cao
        other = 0.0 if group == Group.ADOPTION else self.other[0 if age < 10 else 1]
        if age >= 16:
            other *= self.other_16_ratio
        return rh, sgo, cao, other

    def _refresh(self, child: Child) -> None:
        """Set every route's hazard with its known future steps, solved in closed form."""
        m = self.model
        now = m.now
        start, born = child.period_start, child.birth_day
        steps = [start + HALF_YEAR, start + TWO_YEARS, born + AGE_10, born + AGE_16]
        if self.young_ratio != 1.0:  # at ratio 1 the 5th birthday changes nothing
            steps.append(born + AGE_5)
        changes = sorted(d for d in steps if d > now)
        ratio = self.rh_needs_ratio
        self.needs_factor = ratio ** sdq_sds(child.needs) if ratio != 1.0 else 1.0
        rates = self._rates
        current = rates(child, now)
        future = [(d, rates(child, d)) for d in changes]
        modified = self._modified()
        mod = 1.0 / YEAR_DAYS
        timers = child.timers
        period = child.period
        for i, (process, fire) in enumerate(self.routes):
            rate = current[i]
            if not rate and process not in timers and not any([r[i] for _, r in future]):
                continue  # never due and nothing to cancel (set_hazard would do nothing)
            if modified:
                mod = m.modify(process, child, 1.0) / YEAR_DAYS
            steps = tuple([(d, r[i] * mod) for d, r in future])
            m.set_hazard(child, process, rate * mod, fire, occurrence=period, steps=steps)

    # ---- events -------------------------------------------------------------------------
    def _delay(self, child: Child) -> float:
        """Days of delay for the changes of worker in this period not yet charged (charged
        now): 0 when there are none or ``workforce.change_delay_days`` is 0."""
        if not self.change_delay:
            return 0.0
        done = self.charged.get(child.child_id, 0)
        n = child.period_worker_changes - done
        if n <= 0:
            return 0.0
        self.charged[child.child_id] = child.period_worker_changes
        return n * self.change_delay

    def _due(self, child: Child, route: str) -> None:
        """An SGO or a CAO is due: now, or after the changes-of-worker delay."""
        cid = child.child_id
        if cid in self.pending:
            return  # already on its way (a route re-armed during the delay fired again)
        delay = self._delay(child)
        if delay > 0.0:
            self.pending.add(cid)
            m = self.model
            m.at(m.now + delay, self._delayed_exit, child, child.period, route)
        else:
            self.model.discharge(child, route)

    def _delayed_exit(self, child: Child, period: int, route: str) -> None:
        self.pending.discard(child.child_id)
        if child.in_care and child.period == period:
            self.model.discharge(child, route)

    def _return_home(self, child: Child) -> None:
        self.model.discharge(child, "returned_home")

    def _sgo(self, child: Child) -> None:
        self._due(child, "sgo")

    def _cao(self, child: Child) -> None:
        self._due(child, "cao")

    def _other(self, child: Child) -> None:
        self.model.discharge(child, "other")

    def _turn_18(self, child: Child, period: int) -> None:
        if child.in_care and child.period == period:
            self.model.discharge(child, "age_18")

    def _existing_pathway(self, child: Child, period: int, when: float) -> None:
        """A starting child on the adoption pathway: one already placed for adoption waits
        for the order from today; one not yet placed (a placement or care order) waits the
        rest of the exponential wait, which is memoryless, so the starting pool is placed at
        the pace of the model's own entrants (issue 11's stable baseline)."""
        if child.placement == Group.ADOPTION:
            self._place_for_adoption(child, period)
        else:
            self.model.at(when, self._place_for_adoption, child, period)

    def _place_for_adoption(self, child: Child, period: int) -> None:
        m = self.model
        if not (child.in_care and child.period == period and child.adoption_plan):
            return
        if child.placement != Group.ADOPTION:
            m.end_placement(child, "CARPL", unplanned=False, next_group=int(Group.ADOPTION))
        child.legal = "placement_order"
        wait = (
            m.streams.exponential("exits.adoption_order", child.child_id, period)
            * self.p["exits.days_placed_to_adoption_order"]
        )  # changes of worker so far delay the order (a new worker takes the plan over)
        m.at(m.now + wait + self._delay(child), self._adopted, child, period)

    def _adopted(self, child: Child, period: int) -> None:
        if child.in_care and child.period == period and child.placement == Group.ADOPTION:
            delay = self._delay(child)
            if delay > 0.0:
                self.model.at(self.model.now + delay, self._adopted, child, period)
                return
            self.model.discharge(child, "adopted")
