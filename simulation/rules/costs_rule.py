"""Costs of the levers and fixed capacity: sets the ledger levels that are not placements.

- In-house children's home beds cost the same whether filled or not
  (``costs.inhouse_residential_weekly_gbp`` per bed-week); beds above the default add a one-off
  ``residential.inhouse_opening_cost_gbp_per_bed``.
- Extra assessing social workers (``pipeline.assessors_extra_per_10k`` for foster carers,
  ``matching.kinship_assessors_extra_per_10k`` for connected persons) at
  ``pipeline.assessor_cost_gbp_per_fte_year``; extra enquiries from recruitment campaigns at
  ``pipeline.recruitment_cost_gbp_per_enquiry_uplift`` each.
Placement, workforce, support and reunification costs are levelled by the rules that own those
states; the ledger (simulation/costs.py) prices them.
"""

from __future__ import annotations

from simulation.params import spec_of
from simulation.rules.registry import Rule, register_rule


@register_rule("costs")
class Costs(Rule):
    """Fixed-capacity and lever cost levels."""

    def setup(self) -> None:
        self.model.on("param_changed", self._param_changed)
        self._levels()
        p, m = self.p, self.model
        default_beds = round(spec_of("residential.inhouse_beds_per_10k").default * m.scale)
        extra_beds = max(0, m.residential_inhouse_beds - default_beds)
        if extra_beds:
            m.ledger.one_off(
                "beds_opening", extra_beds * p["residential.inhouse_opening_cost_gbp_per_bed"]
            )

    def _param_changed(self, path: str) -> None:
        m = self.model
        if path == "residential.inhouse_beds_per_10k":  # a dated change of bed numbers
            m.residential_inhouse_beds = round(m.p[path] * m.scale)
        self._levels()

    def _levels(self) -> None:
        m = self.model
        p = m.p
        ledger = m.ledger
        ledger.settle(m.now)  # price what has accrued at the old unit costs
        ledger.set_level("residential_inhouse_beds", m.residential_inhouse_beds)
        ledger.set_level(
            "assessors_extra",
            (p["pipeline.assessors_extra_per_10k"] + p["matching.kinship_assessors_extra_per_10k"])
            * m.scale,
        )
        ledger.set_level(
            "enquiries_extra",
            p["pipeline.enquiries_uplift"] * p["pipeline.enquiries_per_10k_per_year"] * m.scale,
        )
