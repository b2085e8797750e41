"""Return home and re-entry: a child who returns home is followed; the return may break down
and the child re-enters care, starting a new period (DESIGN §4.6).

Re-entry hazard: ``reunification.reentry_per_year`` = (first year, years 2-6; stepped in closed
form, no event at the step), from the England cohort figures (about 1 in 5 re-enter within a
year and over a third within six years; PF reentry.*), times ``reunification.support_
reentry_ratio`` for families given intensive support (the lever ``reunification.support_share``;
the effect is an assumption whose range includes no effect, LEVERS.md §5). Children are
followed for ``reunification.track_years`` or until 18.

Needs and social work reach the breakdown: the hazard is × ``reunification.reentry_needs_ratio_
per_sd`` per SD of the child's SDQ above the CLA mean at the return, and × ``workforce.change_
reentry_ratio`` for a return made within ``workforce.handover_days`` of a change of social worker
(reunification planned by a worker who had just taken the case over). Both ratios are fixed at
the return (needs are not followed out of care); at 1 they change nothing.
"""

from __future__ import annotations

from simulation.agents import YEAR_DAYS, CarerHousehold, Child
from simulation.rules.needs import sdq_sds
from simulation.rules.registry import Rule, register_rule


@register_rule("reunification")
class Reunification(Rule):
    """Follows returned children; re-admits those whose return breaks down."""

    reads = (
        "reunification.",
        "workforce.change_reentry_ratio",
        "workforce.handover_days",
    )

    def setup(self) -> None:
        self.model.on("exited", self._exited)
        self.model.on("returned_existing", self._returned_existing)

    def on_params_changed(self, changed: frozenset[str]) -> None:
        for child in list(self.model.returned.values()):
            if "reentry" in child.timers and child.returned_day is not None:
                self._set_rate(child)

    def _returned_existing(self, child: Child) -> None:
        """A child of the starting population who returned home before the start."""
        m, p = self.model, self.p
        assert child.returned_day is not None
        m.returned[child.child_id] = child
        supported = (
            m.streams.uniform("reunification.support", child.child_id, child.period)
            < p["reunification.support_share"]
        )
        child.data["reunification_supported"] = supported
        child.data["_reentry_ratio"] = self._return_ratio(child, handover=False)
        self._follow(child)

    def _exited(self, child: Child, route: str, group: int, carer: CarerHousehold | None) -> None:
        m, p = self.model, self.p
        if route != "returned_home" or child.age(m.now) >= 17.5:
            child.returned_day = None  # its last exit was not a return home it is followed in
            child.data.pop("_follow_until", None)
            return
        child.returned_day = m.now
        m.returned[child.child_id] = child
        supported = (
            m.streams.uniform("reunification.support", child.child_id, child.period)
            < p["reunification.support_share"]
        )
        child.data["reunification_supported"] = supported
        child.data["_reentry_ratio"] = self._return_ratio(child, handover=True)
        if supported:
            m.ledger.one_off(
                "reunification_support", p["reunification.support_cost_gbp_per_family"]
            )
        self._follow(child)

    def _follow(self, child: Child) -> None:
        """Follow a returned child until ``reunification.track_years`` after the return or 18:
        its re-entry hazard steps from the first-year rate to the later one, and to zero when
        it is no longer followed, in closed form (no event at either step); the child is
        forgotten at the first 31 March after that."""
        assert child.returned_day is not None
        child.data["_follow_until"] = min(
            child.returned_day + self.p["reunification.track_years"] * YEAR_DAYS,
            child.day_of_age(18),
        )
        self._set_rate(child)

    def _return_ratio(self, child: Child, handover: bool) -> float:
        """The re-entry hazard ratio fixed at the return: needs, and a change of worker in the
        handover window before it."""
        p = self.p
        ratio = 1.0
        needs_ratio = p["reunification.reentry_needs_ratio_per_sd"]
        if needs_ratio != 1.0:
            ratio *= needs_ratio ** sdq_sds(child.needs)
        change_ratio = p["workforce.change_reentry_ratio"]
        if (
            handover
            and change_ratio != 1.0
            and self.model.now - child.worker_changed_day < p["workforce.handover_days"]
        ):
            ratio *= change_ratio
        return ratio

    def _rate(self, child: Child, first_year: bool) -> float:
        """Re-entries per day in the first year after the return or after it."""
        p = self.p
        rate = p["reunification.reentry_per_year"][0 if first_year else 1]
        if child.data.get("reunification_supported"):
            rate *= p["reunification.support_reentry_ratio"]
        ratio = child.data.get("_reentry_ratio", 1.0)
        if ratio != 1.0:
            rate *= ratio
        return self.model.modify("reentry", child, rate) / YEAR_DAYS

    def _set_rate(self, child: Child) -> None:
        """The re-entry hazard from now: first-year rate, later rate, then none."""
        m = self.model
        assert child.returned_day is not None
        now = m.now
        one_year = child.returned_day + YEAR_DAYS
        until = child.data["_follow_until"]
        later = self._rate(child, first_year=False)
        if now < one_year:
            rate = self._rate(child, first_year=True)
            steps = ((one_year, later), (until, 0.0)) if until > one_year else ((until, 0.0),)
        else:
            rate, steps = later, ((until, 0.0),)
        if now >= until:
            rate, steps = 0.0, ()
        m.set_hazard(child, "reentry", rate, self._reenter, occurrence=child.period, steps=steps)

    def year_end(self, year: int) -> None:
        """Forget the returned children no longer followed (their hazard is already zero)."""
        m = self.model
        now = m.now
        for child in [c for c in m.returned.values() if not c.in_care]:
            until = child.data.get("_follow_until")
            if until is not None and until <= now:
                m.forget(child)

    def _reenter(self, child: Child) -> None:
        child.legal = "care_order"
        self.model.admit(child, reentry=True)
