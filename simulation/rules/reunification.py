"""Return home and re-entry: a child who returns home is followed; the return may break down
and the child re-enters care, starting a new period (DESIGN §4.6).

Re-entry hazard: ``reunification.reentry_per_year`` = (first year, years 2-6), from the England
cohort figures (about 1 in 5 re-enter within a year and over a third within six years; PF
reentry.*), times ``reunification.support_reentry_ratio`` for families given intensive support
(the lever ``reunification.support_share``; the effect is an assumption whose range includes
no effect, LEVERS.md §5). Children are followed for ``reunification.track_years`` or until 18.
"""

from __future__ import annotations

from simulation.agents import YEAR_DAYS, CarerHousehold, Child
from simulation.rules.registry import Rule, register_rule


@register_rule("reunification")
class Reunification(Rule):
    """Follows returned children; re-admits those whose return breaks down."""

    reads = ("reunification.",)

    def setup(self) -> None:
        self.model.on("exited", self._exited)
        self.model.on("returned_existing", self._returned_existing)

    def on_params_changed(self, changed: frozenset[str]) -> None:
        now = self.model.now
        for child in list(self.model.returned.values()):
            if "reentry" in child.timers and child.returned_day is not None:
                self._set_rate(child, first_year=now - child.returned_day < YEAR_DAYS)

    def _returned_existing(self, child: Child) -> None:
        """A child of the starting population who returned home before the start."""
        m, p = self.model, self.p
        assert child.returned_day is not None
        m.returned[child.child_id] = child
        since = m.now - child.returned_day
        supported = (
            m.streams.uniform("reunification.support", child.child_id, child.period)
            < p["reunification.support_share"]
        )
        child.data["reunification_supported"] = supported
        first_year = since < YEAR_DAYS
        self._set_rate(child, first_year=first_year)
        if first_year:
            m.at(child.returned_day + YEAR_DAYS, self._after_first_year, child, child.period)
        stop = min(
            child.returned_day + p["reunification.track_years"] * YEAR_DAYS, child.day_of_age(18)
        )
        m.at(max(stop, m.now), self._stop_following, child, child.period)

    def _exited(self, child: Child, route: str, group: int, carer: CarerHousehold | None) -> None:
        m, p = self.model, self.p
        if route != "returned_home" or child.age(m.now) >= 17.5:
            return
        child.returned_day = m.now
        m.returned[child.child_id] = child
        supported = (
            m.streams.uniform("reunification.support", child.child_id, child.period)
            < p["reunification.support_share"]
        )
        child.data["reunification_supported"] = supported
        if supported:
            m.ledger.one_off(
                "reunification_support", p["reunification.support_cost_gbp_per_family"]
            )
        self._set_rate(child, first_year=True)
        period = child.period
        m.at(m.now + YEAR_DAYS, self._after_first_year, child, period)
        stop = min(m.now + p["reunification.track_years"] * YEAR_DAYS, child.day_of_age(18))
        m.at(stop, self._stop_following, child, period)

    def _set_rate(self, child: Child, first_year: bool) -> None:
        p = self.p
        rate = p["reunification.reentry_per_year"][0 if first_year else 1]
        if child.data.get("reunification_supported"):
            rate *= p["reunification.support_reentry_ratio"]
        rate = self.model.modify("reentry", child, rate)
        self.model.set_hazard(
            child, "reentry", rate / YEAR_DAYS, self._reenter, occurrence=child.period
        )

    def _after_first_year(self, child: Child, period: int) -> None:
        if not child.in_care and child.period == period and "reentry" in child.timers:
            self._set_rate(child, first_year=False)

    def _stop_following(self, child: Child, period: int) -> None:
        if not child.in_care and child.period == period:
            self.model.forget(child)

    def _reenter(self, child: Child) -> None:
        child.legal = "care_order"
        self.model.admit(child, reentry=True)
