"""Permanence can break down: special guardianship (SGO), child arrangements (CAO) and adoption
orders that end with the child back in care.

A child who leaves care on an order is followed until 18. Its breakdown hazard per year is
``permanence.breakdown_per_year`` for its order (adoption before and after the child's 11th
birthday, SGO, CAO; derived from Selwyn et al 2014 and Wijedasa & Selwyn 2017) × ``permanence.
needs_ratio_per_sd`` per SD of SDQ above the CLA mean when the order was made × any modifier on
``permanence.breakdown``. Nothing in the model changes these rates after the order, so the
breakdown time is solved once, in closed form, from a threshold E ~ Exp(1) keyed by (child,
period): only children whose order breaks down before 18 and within the run are kept; the rest
are forgotten at once (no memory or events for them). A breakdown re-admits the child
(``model.admit(child, reentry=True)``, on a care order) and counts ``permanence_breakdowns``
(and by order, ``permanence_breakdowns_adoption`` / ``_sgo`` / ``_cao``).

From day one the model also follows the children who left care on an order in the 18 years
before the start (``permanence.start_orders_per_10k_per_year``, England 2024 rates; ages at the
order are assumptions below), each kept only if its order has survived to the start (E above
the hazard it has already met) and breaks down before 18: re-entries after permanence run at
their usual level from the first year instead of building up from zero.
"""

from __future__ import annotations

import numpy as np

from simulation.agents import YEAR_DAYS, CarerHousehold, Child
from simulation.rules.needs import sdq_sds
from simulation.rules.registry import Rule, register_rule
from simulation.signals import declare_hazard

ROUTES = ("adopted", "sgo", "cao")
FLOW = {"adopted": "adoption", "sgo": "sgo", "cao": "cao"}
AGE_11, AGE_18 = 11.0, 18.0
PERMANENCE_ID_BASE = 80_000_000  # ids of the children followed from the start (below 10**8)
# Assumption: ages at the order (uniform, years) of the children followed from the start:
# adoption mostly of young children (DfE: about 3 years on average), SGOs and CAOs wider.
ORDER_AGES = {"adopted": (1.0, 6.0), "sgo": (1.0, 12.0), "cao": (1.0, 14.0)}
FOLLOW_YEARS = 18.0

declare_hazard(
    "permanence.breakdown",
    "an SGO, CAO or adoption order breaking down (owner: the child, evaluated when the order "
    "is made; rule: permanence)",
)


def breakdown_years(
    route: str, age: float, rates: tuple[float, ...], ratio: float, e: float
) -> float | None:
    """Years from an order made at ``age`` until the cumulative breakdown hazard reaches ``e``
    (None if not before 18). ``rates`` = (adoption <11, adoption 11+, SGO, CAO) per year."""
    if route == "adopted":
        young, old = rates[0] * ratio, rates[1] * ratio
    else:
        young = old = rates[2 if route == "sgo" else 3] * ratio
    t = 0.0
    if age < AGE_11:
        span = AGE_11 - age
        if young > 0 and young * span >= e:
            return e / young
        e -= young * span
        t = span
    if old <= 0:
        return None
    t += e / old
    return t if age + t < AGE_18 else None


@register_rule("permanence")
class Permanence(Rule):
    """Follows children who left care on an order; re-admits those whose order breaks down."""

    reads = ("permanence.", "entry.needs_beta_a", "entry.needs_beta_b")

    def setup(self) -> None:
        self.rates: tuple[float, ...] = self.p["permanence.breakdown_per_year"]
        self.model.on("exited", self._exited)
        if any(self.rates):
            self._follow_from_start()

    def on_params_changed(self, changed: frozenset[str]) -> None:
        """A dated change applies to orders made from that day (each order's breakdown time is
        solved when it is made)."""
        self.rates = self.p["permanence.breakdown_per_year"]

    def _ratio(self, needs: float) -> float:
        ratio = self.p["permanence.needs_ratio_per_sd"]
        return ratio ** sdq_sds(needs) if ratio != 1.0 else 1.0

    def _exited(self, child: Child, route: str, group: int, carer: CarerHousehold | None) -> None:
        if route not in FLOW or not any(self.rates):
            return
        m = self.model
        age = child.age(m.now)
        ratio = self._ratio(child.needs)
        if m.has_modifiers("permanence.breakdown"):
            ratio = m.modify("permanence.breakdown", child, ratio)
        e = m.streams.exponential("permanence.breakdown", child.child_id, child.period)
        years = breakdown_years(route, age, self.rates, ratio, e)
        if years is None:
            return
        day = m.now + years * YEAR_DAYS
        if day <= m.horizon_days:
            m.returned[child.child_id] = child  # followed: not forgotten at discharge
            m.at(day, self._break_down, child, child.period, route)

    def _break_down(self, child: Child, period: int, route: str) -> None:
        if child.in_care or child.period != period:
            return
        m = self.model
        m.indicators.count("permanence_breakdowns")
        m.indicators.count(f"permanence_breakdowns_{FLOW[route]}")
        child.returned_day = None  # not a return home that broke down
        child.legal = "care_order"
        m.admit(child, reentry=True)

    def _follow_from_start(self) -> None:
        """The children on orders made in the 18 years before the start whose orders will
        break down during their childhood (see the module docstring)."""
        m, p = self.model, self.p
        rng = m.streams.numpy_generator("permanence.followed")
        per_year = p["permanence.start_orders_per_10k_per_year"]
        a, b = p["entry.needs_beta_a"], p["entry.needs_beta_b"]
        ratio = p["permanence.needs_ratio_per_sd"]
        next_id = PERMANENCE_ID_BASE
        for i, route in enumerate(ROUTES):
            n = int(rng.poisson(per_year[i] * m.scale * FOLLOW_YEARS))
            since = rng.random(n) * FOLLOW_YEARS  # years since the order
            low, high = ORDER_AGES[route]
            age_at_order = rng.uniform(low, high, n)
            needs = rng.beta(a, b, n)
            e = rng.exponential(1.0, n)
            female = rng.random(n) < 0.47
            for j in np.flatnonzero(age_at_order + since < AGE_18):
                r = ratio ** sdq_sds(float(needs[j])) if ratio != 1.0 else 1.0
                years = breakdown_years(route, float(age_at_order[j]), self.rates, r, float(e[j]))
                years_since = float(since[j])
                if years is None or years <= years_since:
                    continue  # never breaks down, or broke down before the start
                age_now = float(age_at_order[j]) + years_since
                child = Child(
                    m,
                    next_id,
                    birth_day=-age_now * YEAR_DAYS,
                    female=bool(female[j]),
                    needs=float(needs[j]),
                    disabled=False,
                    uasc=False,
                    legal="care_order",
                )
                next_id += 1
                child.period = 0
                m.returned[child.child_id] = child
                m.at((years - years_since) * YEAR_DAYS, self._break_down, child, 0, route)
