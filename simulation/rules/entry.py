"""Entry: new entrants to care, by age band and UASC status, at published rates.

Mechanism: seven independent Poisson arrival streams (five age bands of non-UASC children,
UASC aged 10-15 and 16-17), each with rate = starts per 10,000 × population × share ×
``entry.new_entrant_share`` (re-entries come from the reunification rule, not from here),
growing by ``entry.demand_growth_per_year``. A child's age within its band, sex, needs
(Beta, higher for adolescents), disability and legal status are drawn from its own stream.
Evidence: DfE CLA 2024 starts by age, UASC and legal status (parameter sources).
"""

from __future__ import annotations

from simulation.agents import YEAR_DAYS, Child
from simulation.rules.registry import Rule, register_rule

BAND_LOW = (0.0, 1.0, 5.0, 10.0, 16.0, 10.0, 16.0)
BAND_HIGH = (1.0, 5.0, 10.0, 16.0, 18.0, 16.0, 18.0)
LEGAL = ("s20", "care_order", "police_protection", "youth_justice")
ENTRANT_ID_BASE = 1_000_000  # population children have ids below this
STREAM_ID_SPAN = 10_000_000


@register_rule("entry")
class Entry(Rule):
    """Poisson arrivals of new entrants; each arrival is admitted and needs a placement."""

    def setup(self) -> None:
        self.version = 0
        self.model.on("param_changed", self._param_changed)
        self._start()

    def _param_changed(self, path: str) -> None:
        """A dated change of entry rates: restart every stream from today at the new rate
        (arrivals are Poisson, so nothing else is carried over; pending arrivals lapse)."""
        if path.startswith("entry."):
            self.version += 1
            self._start()

    def _start(self) -> None:
        p = self.p
        per_day = (
            p["entry.starts_per_10k_per_year"]
            * self.model.scale
            * p["entry.new_entrant_share"]
            / YEAR_DAYS
        )
        uasc = p["entry.uasc_share"]
        ages = p["entry.age_shares_non_uasc"]
        total = sum(ages)
        s16 = p["entry.uasc_share_16_17"]
        shares = [(1 - uasc) * a / total for a in ages] + [uasc * (1 - s16), uasc * s16]
        self.rates = [per_day * s for s in shares]
        if not hasattr(self, "counts"):
            self.counts = [0] * len(shares)
        for stream, rate in enumerate(self.rates):
            if rate > 0:
                self._schedule_next(stream)

    def _rate(self, stream: int, day: float) -> float:
        growth = self.p["entry.demand_growth_per_year"]
        return self.rates[stream] * (1.0 + growth) ** (day / YEAR_DAYS)

    def _schedule_next(self, stream: int) -> None:
        n = self.counts[stream]
        gap = self.model.streams.exponential("entry.gap", stream, n)
        now = self.model.now
        self.model.at(now + gap / self._rate(stream, now), self._arrive, stream, self.version)

    def _arrive(self, stream: int, version: int) -> None:
        if version != self.version:
            return  # scheduled at rates a dated change has replaced
        n = self.counts[stream]
        self.counts[stream] = n + 1
        child_id = ENTRANT_ID_BASE + stream * STREAM_ID_SPAN + n
        self.model.admit(self._new_child(stream, child_id))
        self._schedule_next(stream)

    def _new_child(self, stream: int, child_id: int) -> Child:
        m, p, s = self.model, self.p, self.model.streams
        low, high = BAND_LOW[stream], BAND_HIGH[stream]
        age = low + (high - low) * s.uniform("entry.age", child_id)
        age = min(age, 17.99)
        uasc = stream >= 5
        needs = s.beta(p["entry.needs_beta_a"], p["entry.needs_beta_b"], "entry.needs", child_id)
        if age >= 10:
            needs = min(1.0, needs + p["entry.needs_adolescent_shift"])
        legal = (
            "s20"
            if uasc
            else LEGAL[s.choice(p["entry.legal_status_shares"], "entry.legal", child_id)]
        )
        return Child(
            m,
            child_id,
            birth_day=m.now - age * YEAR_DAYS,
            female=s.uniform("entry.sex", child_id) < (0.1 if uasc else 0.47),
            needs=needs,
            disabled=s.uniform("entry.disability", child_id) < p["entry.disability_share"],
            uasc=uasc,
            legal=legal,
        )
