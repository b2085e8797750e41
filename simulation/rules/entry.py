"""Entry: new entrants to care, by age band and UASC status, at published rates.

Mechanism: seven independent Poisson arrival streams (five age bands of non-UASC children,
UASC aged 10-15 and 16-17), each with rate = starts per 10,000 × population × share ×
``entry.new_entrant_share`` (re-entries come from the reunification rule, not from here),
growing by ``entry.demand_growth_per_year``, times any modifier other rules put on
``entry.arrivals`` (e.g. a sibling rule that admits a group per arrival). A child's age within
its band is drawn from its own stream, uniform over the band except under 1, where a share
``entry.newborn_share`` enters in the first week of life; sex, needs, disability and legal
status as every entrant (``simulation/children.py``).
Evidence: DfE CLA 2024 starts by age, UASC and legal status (parameter sources); the newborn
share from DfE's starts, exits and stock under 1 (stock = starts × time under 1, direct.py).
"""

from __future__ import annotations

from simulation.agents import YEAR_DAYS, Child
from simulation.children import draw_child
from simulation.rules.registry import Rule, register_rule

BAND_LOW = (0.0, 1.0, 5.0, 10.0, 16.0, 10.0, 16.0)
BAND_HIGH = (1.0, 5.0, 10.0, 16.0, 18.0, 16.0, 18.0)
ENTRANT_ID_BASE = 1_000_000  # population children have ids below this
STREAM_ID_SPAN = 10_000_000
NEWBORN_DAYS = 7.0  # "newborn": entering care in the first week of life


@register_rule("entry")
class Entry(Rule):
    """Poisson arrivals of new entrants; each arrival is admitted and needs a placement."""

    reads = ("entry.",)

    def setup(self) -> None:
        self.version = 0
        self.counts = [0] * len(BAND_LOW)
        # integrated-hazard threshold of each stream's next arrival: hazard spent toward it,
        # and the rate in force since when (so a dated change keeps each arrival's draw)
        self.spent = [0.0] * len(BAND_LOW)
        self.current = [0.0] * len(BAND_LOW)
        self.since = [0.0] * len(BAND_LOW)
        self.model.at(0.0, self._start)  # after every rule's setup: modifiers are in place

    def on_params_changed(self, changed: frozenset[str]) -> None:
        """A dated change of entry rates: each stream's pending arrival is rescheduled at the
        new rate from the hazard it has already accumulated (its Exp(1) threshold is kept, so
        a change to the same rate changes nothing and paired runs stay paired)."""
        now = self.model.now
        for stream, rate in enumerate(self.current):
            self.spent[stream] += rate * (now - self.since[stream])
        self.version += 1
        self._start()

    def _start(self) -> None:
        p, m = self.p, self.model
        per_day = (
            p["entry.starts_per_10k_per_year"] * m.scale * p["entry.new_entrant_share"] / YEAR_DAYS
        )
        uasc = p["entry.uasc_share"]
        ages = p["entry.age_shares_non_uasc"]
        total = sum(ages)
        s16 = p["entry.uasc_share_16_17"]
        shares = [(1 - uasc) * a / total for a in ages] + [uasc * (1 - s16), uasc * s16]
        self.rates = [
            m.modify("entry.arrivals", stream, per_day * share)
            for stream, share in enumerate(shares)
        ]
        for stream, rate in enumerate(self.rates):
            if rate > 0:
                self._schedule_next(stream)
            else:  # no hazard accrues while a stream is closed
                self.current[stream], self.since[stream] = 0.0, m.now

    def _rate(self, stream: int, day: float) -> float:
        growth = self.p["entry.demand_growth_per_year"]
        return self.rates[stream] * (1.0 + growth) ** (day / YEAR_DAYS)

    def _schedule_next(self, stream: int) -> None:
        n = self.counts[stream]
        threshold = self.model.streams.exponential("entry.gap", stream, n)
        now = self.model.now
        rate = self._rate(stream, now)
        self.current[stream], self.since[stream] = rate, now
        left = max(threshold - self.spent[stream], 0.0)
        self.model.at(now + left / rate, self._arrive, stream, self.version)

    def _arrive(self, stream: int, version: int) -> None:
        if version != self.version:
            return  # scheduled at rates a dated change has replaced
        n = self.counts[stream]
        self.counts[stream] = n + 1
        self.spent[stream] = 0.0
        child_id = ENTRANT_ID_BASE + stream * STREAM_ID_SPAN + n
        self.model.admit(self._new_child(stream, child_id))
        self._schedule_next(stream)

    def _new_child(self, stream: int, child_id: int) -> Child:
        u = self.model.streams.uniform("entry.age", child_id)
        if stream == 0:
            age = under_1_age(u, self.p["entry.newborn_share"])
        else:
            low, high = BAND_LOW[stream], BAND_HIGH[stream]
            age = min(low + (high - low) * u, 17.99)
        return draw_child(self.model, self.p, child_id, age, uasc=stream >= 5)


def under_1_age(u: float, newborn_share: float) -> float:
    """An under-1 entrant's age in years from one uniform ``u``: below ``newborn_share`` the
    child enters in its first week (uniform over it), above it at an age uniform over the
    year. At share 0 the age is ``u`` itself, so the share's negative control is exact."""
    if u < newborn_share:
        return u / newborn_share * NEWBORN_DAYS / YEAR_DAYS
    return (u - newborn_share) / (1.0 - newborn_share)
