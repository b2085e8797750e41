"""Unit costs and spend: a ledger that integrates levels (children placed, staff, supported
households) over time and prices them with the weekly and yearly unit costs in ``costs.*``.

Levels change at events; the ledger integrates level × days lazily (only when a level changes),
so spend is exact in continuous time without a daily tick. Prices are applied when the ledger
settles: at each year end and whenever a parameter changes (a dated price change).
Sources of the unit costs are in the parameter tree (NAO, CMA, PSSRU; assumptions marked).

Market prices (issue 11):
- the purchased children's home price is the published weekly price × a multiplier the market
  sets monthly (:func:`occupancy_price_multiplier`: it rises with the occupancy of the
  purchased places); the ledger integrates level × multiplier over time, so a price that moves
  mid-year is priced exactly;
- an unregistered setting costs ``market.unregistered_gbp_per_week`` a week (its premium over
  the "other" weekly price is the ``unregistered`` level), in ``placements_other``;
- agency foster care costs the published weekly price × (1 + the lever
  ``market.agency_fee_uplift_share``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulation.agents import GROUP_NAMES

if TYPE_CHECKING:
    from simulation.model import CareSystem

PLACEMENT_COST_GROUPS = ("kinship", "inhouse", "agency", "residential", "supported", "other")


def occupancy_price_multiplier(occupancy: float, reference: float, elasticity: float) -> float:
    """The purchased price relative to its published level: (occupancy / reference) **
    elasticity, where occupancy is the share of the purchased places filled and the reference
    is the share the starting use fills (elasticity 0: the price never moves)."""
    if reference <= 0.0 or occupancy <= 0.0:
        return 1.0
    return (occupancy / reference) ** elasticity


class CostLedger:
    """Integrates levels over time and prices them into yearly spend by component."""

    def __init__(self, model: CareSystem) -> None:
        self.model = model
        self.levels: dict[str, float] = defaultdict(float)
        self.days: dict[str, float] = defaultdict(float)
        self.since: dict[str, float] = {}  # when each level last changed (integrated to then)
        self.year: dict[str, float] = defaultdict(float)
        self.prices: dict[str, tuple[str, Callable[[], float]]] = {}
        self.multipliers: dict[str, float] = {}  # price multipliers of levels (market prices)

    def register_price(
        self, key: str, component: str, gbp_per_unit_year: Callable[[], float]
    ) -> None:
        """Price a level a researcher's rule sets (e.g. hub households) into ``component``
        ('levers', 'workforce' or 'placements_<group>')."""
        self.prices[key] = (component, gbp_per_unit_year)

    def _integrate_key(self, key: str, now: float) -> None:
        """Add ``key``'s level x days since it last changed (each level is integrated only
        when it changes, so an event costs one update, not one per level)."""
        level = self.levels[key]
        if level:
            days = level * (now - self.since.get(key, 0.0))
            mult = self.multipliers.get(key)
            self.days[key] += days if mult is None else days * mult
        self.since[key] = now

    def set_multiplier(self, key: str, multiplier: float) -> None:
        """From now, price ``key``'s level at ``multiplier`` × its unit price (days before
        now keep the multiplier they accrued at)."""
        self._integrate_key(key, self.model.now)
        self.multipliers[key] = multiplier

    def multiplier(self, key: str) -> float:
        return self.multipliers.get(key, 1.0)

    def _integrate(self, now: float) -> None:
        for key in list(self.levels):
            self._integrate_key(key, now)

    def set_level(self, key: str, level: float) -> None:
        self._integrate_key(key, self.model.now)
        self.levels[key] = level

    def add_level(self, key: str, delta: float) -> None:
        self._integrate_key(key, self.model.now)
        self.levels[key] += delta

    def change(self, group: int, delta: int, inhouse_bed: bool) -> None:
        """A placement of ``group`` starts (+1) or ends (-1)."""
        key = "residential_inhouse" if inhouse_bed else GROUP_NAMES[group]
        self._integrate_key(key, self.model.now)
        self.levels[key] += delta

    def one_off(self, component: str, gbp: float) -> None:
        """A one-off cost (e.g. support for one returning family, opening a bed)."""
        self.year[component] += gbp

    def settle(self, now: float) -> None:
        """Price the integrated days with the current unit costs and add them to the year."""
        self._integrate(now)
        p = self.model.p
        week = p["costs.weekly_gbp"]
        per_day = {name: week[i] / 7.0 for i, name in enumerate(GROUP_NAMES)}
        per_day["agency"] *= 1.0 + p["market.agency_fee_uplift_share"]
        d = self.days
        y = self.year
        y["placements_kinship"] += (
            d.get("kinship", 0.0) * p["costs.kinship_allowance_uplift_gbp_per_week"] / 7.0
        )
        for name in GROUP_NAMES:
            bucket = "other" if name in ("with_parents", "adoption", "other") else name
            y[f"placements_{bucket}"] += d.pop(name, 0.0) * per_day[name]
        y["placements_residential"] += (
            d.pop("residential_inhouse_beds", 0.0) * p["costs.inhouse_residential_weekly_gbp"] / 7.0
        )
        d.pop("residential_inhouse", None)  # in-house beds cost the same used or empty
        premium = max(p["market.unregistered_gbp_per_week"] - week[GROUP_NAMES.index("other")], 0)
        y["placements_other"] += d.pop("unregistered", 0.0) * premium / 7.0
        y["placements_other"] += (
            d.pop("staying_put", 0.0) * p["costs.staying_put_gbp_per_year"] / 365.25
        )
        y["workforce"] += (
            d.pop("sw_permanent", 0.0) * p["costs.sw_permanent_gbp_per_fte_year"]
            + d.pop("sw_agency", 0.0) * p["costs.sw_agency_gbp_per_fte_year"]
        ) / 365.25
        y["levers"] += (
            d.pop("support_households", 0.0) * p["carers.support_cost_gbp_per_household_year"]
            + d.pop("assessors_extra", 0.0) * p["pipeline.assessor_cost_gbp_per_fte_year"]
            + d.pop("enquiries_extra", 0.0) * p["pipeline.recruitment_cost_gbp_per_enquiry_uplift"]
        ) / 365.25
        for key, (component, price) in self.prices.items():
            y[component] += d.pop(key, 0.0) * price() / 365.25
        d.clear()

    def close_year(self) -> dict[str, float]:
        """The year's spend by component (GBP), and reset for the next year."""
        y = self.year
        placements = {g: y.get(f"placements_{g}", 0.0) for g in PLACEMENT_COST_GROUPS}
        levers = (
            y.get("levers", 0.0) + y.get("reunification_support", 0.0) + y.get("beds_opening", 0.0)
        )
        out = {f"cost_placements_{g}_gbp": v for g, v in placements.items()}
        out["cost_placements_gbp"] = sum(placements.values())
        out["cost_workforce_gbp"] = y.get("workforce", 0.0)
        out["cost_levers_gbp"] = levers
        out["cost_total_gbp"] = out["cost_placements_gbp"] + out["cost_workforce_gbp"] + levers
        self.year = defaultdict(float)
        return out
