"""Wellbeing: an index (0-100) that rises in good placements and falls in poor ones and at
every unplanned move (Stein 2009: a child lingering in a poor placement is harmed; stability
alone is not enough). Updated lazily, when the placement changes or a snapshot is taken.
All effect sizes are assumptions (``wellbeing.*``).
"""

from __future__ import annotations

from simulation.agents import YEAR_DAYS, Child
from simulation.rules.registry import Rule, register_rule


@register_rule("wellbeing")
class Wellbeing(Rule):
    """Integrates (quality - 0.5) over time in care; subtracts a loss per unplanned ending."""

    reads = ("wellbeing.",)

    def setup(self) -> None:
        self._load()
        self.model.on("admitted", self._admitted)
        self.model.on("wellbeing_update", self._update)
        self.model.on("placement_ended", self._ended)

    def on_params_changed(self, changed: frozenset[str]) -> None:
        self._load()

    def _load(self) -> None:
        self.gain = self.p["wellbeing.quality_gain_per_year"] / YEAR_DAYS
        self.loss = self.p["wellbeing.unplanned_move_loss"]
        self.start = self.p["wellbeing.start"]

    def _admitted(self, child: Child, reentry: bool) -> None:
        if not reentry and child.period == 0 and child.placement_count == 0:
            child.wellbeing = self.start
        child.wellbeing_t = self.model.now

    def _update(self, child: Child) -> None:
        now = self.model.now
        if child.placement >= 0:
            w = child.wellbeing + self.gain * (child.quality - 0.5) * (now - child.wellbeing_t)
            child.wellbeing = min(100.0, max(0.0, w))
        child.wellbeing_t = now

    def _ended(self, child: Child, group: int, carer: object, reason: str, unplanned: bool) -> None:
        if unplanned:
            child.wellbeing = max(0.0, child.wellbeing - self.loss)
