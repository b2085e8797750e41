"""Costs of the levers and fixed capacity: sets the ledger levels that are not placements.

- In-house children's home beds (the capacity pool, ``model.capacity.inhouse_beds``) cost the
  same whether filled or not (``costs.inhouse_residential_weekly_gbp`` per bed-week, priced by
  the ledger); each bed above the default, from the start or from a dated change, adds a
  one-off ``residential.inhouse_opening_cost_gbp_per_bed``.
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

    reads = (
        "residential.",
        "pipeline.assessors_extra_per_10k",
        "pipeline.enquiries_uplift",
        "pipeline.enquiries_per_10k_per_year",
        "matching.kinship_assessors_extra_per_10k",
    )

    def setup(self) -> None:
        m = self.model
        self.beds_opened = round(spec_of("residential.inhouse_beds_per_10k").default * m.scale)
        self._levels()

    def on_params_changed(self, changed: frozenset[str]) -> None:
        self._levels()  # the engine has settled the ledger at the old values

    def _levels(self) -> None:
        m, p = self.model, self.p
        ledger = m.ledger
        beds = m.capacity.inhouse_beds
        if beds > self.beds_opened:  # new in-house beds: a one-off opening cost each
            ledger.one_off(
                "beds_opening",
                (beds - self.beds_opened) * p["residential.inhouse_opening_cost_gbp_per_bed"],
            )
            self.beds_opened = beds
        ledger.set_level("residential_inhouse_beds", beds)
        ledger.set_level(
            "assessors_extra",
            (p["pipeline.assessors_extra_per_10k"] + p["matching.kinship_assessors_extra_per_10k"])
            * m.scale,
        )
        ledger.set_level(
            "enquiries_extra",
            p["pipeline.enquiries_uplift"] * p["pipeline.enquiries_per_10k_per_year"] * m.scale,
        )
