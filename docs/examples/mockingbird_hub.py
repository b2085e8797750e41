"""A researcher's rule from outside the engine: Mockingbird-style carer hubs.

Mechanism: a share of the council's own foster households (``mockingbird.hub_share``) join a
constellation around an experienced hub carer, who offers respite, advice and peer support.
Members' deregistration and their placements' disruption hazards are scaled by two assumption
ratios, through the engine's hazard modifiers; the hub costs a yearly sum per member
household. The rule counts member households at every 31 March (``mockingbird_members``).

Evidence: Mockingbird participants were 82% less likely to de-register (Rees Centre evaluation
for DfE, 2020; design not stated) and carers said 18.5% of placements would otherwise have broken
down (Devon 2021, self-report). Neither is a trial estimate, so both effects are assumptions whose
ranges reach no effect (lever_evidence.csv, foster-carer support).

Enable it from a scenario file:

    plugins = ["docs.examples.mockingbird_hub"]
    [levers]
    "mockingbird.hub_share" = 0.3
"""

from __future__ import annotations

from simulation.agents import CarerHousehold, Child, Group
from simulation.indicator_names import declare_indicator
from simulation.params import Param, register
from simulation.rules.registry import Rule, register_rule

register(
    {
        "mockingbird.hub_share": Param(
            0.0,
            "share of in-house households in a hub constellation",
            "lever",
            "lever: set by the council's scenario",
            bounds=(0.0, 1.0),
        ),
        "mockingbird.cost_gbp_per_member_year": Param(
            3000.0,
            "GBP per member household per year",
            "lever",
            "lever: hub carer fee and liaison worker time, shared across members",
            bounds=(0.0, 100_000.0),
        ),
        "mockingbird.deregistration_ratio": Param(
            0.5,
            "deregistration hazard ratio for members",
            "assumption",
            "Rees Centre 2020 (82% less likely) as the low end; no effect as the high end",
            bounds=(0.0, 2.0),
            range=(0.18, 1.0),
        ),
        "mockingbird.disruption_ratio": Param(
            0.9,
            "disruption hazard ratio for members' placements",
            "assumption",
            "Devon 2021 self-report (18.5% of placements saved) as the low end; no effect high",
            bounds=(0.0, 2.0),
            range=(0.8, 1.0),
        ),
    }
)


declare_indicator("mockingbird_members", "households")


@register_rule("mockingbird", plugin=True)
class MockingbirdHub(Rule):
    """In-house households join a hub at approval with probability ``hub_share``."""

    reads = ("mockingbird.",)

    def setup(self) -> None:
        m = self.model
        self.members = 0
        m.on("carer_joined", self._joined)
        m.on("carer_left", self._left)
        m.add_modifier("deregistration", self._deregistration_ratio)
        m.add_modifier("disruption", self._disruption_ratio)
        m.ledger.register_price(
            "mockingbird_members", "levers", lambda: self.p["mockingbird.cost_gbp_per_member_year"]
        )
        m.indicators.add_state("mockingbird_members", lambda: float(self.members))

    def _joined(self, carer: CarerHousehold) -> None:
        if carer.sector != Group.INHOUSE:
            return
        u = self.model.streams.uniform("mockingbird.member", carer.carer_id)
        if u < self.p["mockingbird.hub_share"]:
            carer.data["hub"] = True
            self._count(+1)
            self.model.emit("carer_support_changed", carer)  # hazards are re-evaluated

    def _left(self, carer: CarerHousehold, reason: str) -> None:
        if carer.data.get("hub"):
            self._count(-1)

    def _count(self, delta: int) -> None:
        self.members += delta
        self.model.ledger.set_level("mockingbird_members", self.members)

    def _deregistration_ratio(self, carer: CarerHousehold) -> float:
        return self.p["mockingbird.deregistration_ratio"] if carer.data.get("hub") else 1.0

    def _disruption_ratio(self, child: Child) -> float:
        carer = child.carer
        if carer is not None and carer.data.get("hub"):
            return self.p["mockingbird.disruption_ratio"]
        return 1.0
