"""Rates an SSDA903 set gives directly: events over the time at risk, in the collection years read.

The same function reads a council's files and the model's own synthetic SSDA903 (written from
its event log), so a fit can compare like with like: :mod:`calibration.ssda903.estimate`
scales each hazard parameter by observed ÷ simulated, the ratio of two measurements made the
same way (indirect inference), which carries every factor the model multiplies its hazards
by (needs, match quality, time in placement) without restating them.

Each rate is a :class:`Rate` (events, years at risk), so its Poisson standard error is known:
a rate from n events has a relative standard error of about 1/√n.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from calibration.ssda903 import codes
from calibration.ssda903.reader import ChildRecord, Episode
from simulation.agents import GROUP_NAMES, Group

YEAR = 365.25
UNPLANNED = frozenset({"CREQB", "CREQO", "CHILD", "ALLEG", "STAND", "OTHER", "CLOSE", "APPRR"})
TIME_IN_CARE_BANDS = (182.0, 730.0)  # days: <6 months, 6-24 months, 24+ (rules/exits.py)
EARLY_DAYS, SETTLED_DAYS = 91.0, 365.0  # a placement's first months; settled after a year
ORDER_GROUPS = frozenset({Group.KINSHIP, Group.INHOUSE, Group.AGENCY, Group.WITH_PARENTS})


@dataclass
class Rate:
    events: float = 0.0
    years: float = 0.0

    @property
    def per_year(self) -> float:
        return self.events / self.years if self.years > 0 else math.nan

    def rse(self) -> float:
        """Relative standard error (Poisson): 1/√events."""
        return 1.0 / math.sqrt(self.events) if self.events > 0 else math.inf


@dataclass
class Placement:
    start: date
    end: date | None
    group: int
    reason: str  # REASON_PLACE_CHANGE of the move that ended it ("" if the period ended)


@dataclass
class Period:
    start: date
    end: date | None
    rec: str
    placements: list[Placement]
    legal: str
    cin: str


def periods_of(child: ChildRecord) -> list[Period]:
    """A child's periods of care from their episodes: a period ends with a REC other than X1;
    placements change at a new PLACE/provider (RNE P, B, T, U); temporary moves (T0-T4) and
    short breaks (V3, V4) are not periods or placements."""
    out: list[Period] = []
    current: Period | None = None
    after_temporary = False
    for ep in child.episodes:
        if ep.ls in codes.SHORT_BREAKS:
            continue
        group = codes.place_group(ep.place, ep.provider)
        if current is None or ep.rne == "S":
            current = Period(ep.decom, None, "", [], codes.legal_status(ep.ls), ep.cin)
            out.append(current)
            after_temporary = False
        last = current.placements[-1] if current.placements else None
        if group < 0:
            after_temporary = True  # a temporary move: the placement goes on
        elif last is None or (
            ep.rne in ("P", "B", "T", "U") and not (after_temporary and last.group == group)
        ):
            if last is not None and last.end is None:
                last.end = ep.decom
            current.placements.append(Placement(ep.decom, None, group, ""))
            after_temporary = False
        if ep.dec is not None and ep.rec and ep.rec != "X1":
            current.end, current.rec = ep.dec, ep.rec
            if current.placements:
                current.placements[-1].end = ep.dec
            current = None
        elif ep.dec is not None and ep.reason and current.placements:
            current.placements[-1].reason = ep.reason
    return out


def _overlap(a: date, b: date | None, lo: date, hi: date) -> float:
    """Years of [a, b) inside [lo, hi]."""
    end = min(b or hi, hi)
    start = max(a, lo)
    return max(0.0, (end - start).days / YEAR)


def _split_at(a: date, b: date | None, cuts: list[date], lo: date, hi: date) -> list[float]:
    """Years of [a, b) ∩ [lo, hi] in each interval between successive ``cuts``."""
    out = []
    edges = [a, *cuts, date.max]
    for i in range(len(edges) - 1):
        s, e = max(edges[i], a), edges[i + 1]
        out.append(_overlap(s, min(e, b) if b else e, lo, hi) if e > s else 0.0)
    return out


@dataclass
class Measures:
    """Rates and counts from one SSDA903 set over its collection years."""

    rates: dict[str, Rate]
    counts: dict[str, float]
    years: float


def measure(children: list[ChildRecord], first: date, last: date) -> Measures:
    """Events and years at risk between ``first`` and ``last`` (inclusive)."""
    rates: dict[str, Rate] = defaultdict(Rate)
    counts: dict[str, float] = defaultdict(float)
    for child in children:
        periods = periods_of(child)
        for k, period in enumerate(periods):
            _period_rates(rates, counts, child, period, first, last)
            if period.rec in ("E4A", "E4B") and period.end is not None:
                nxt = periods[k + 1].start if k + 1 < len(periods) else None
                _reentry(rates, period.end, nxt, child, first, last)
        _sw_rates(rates, child, periods, first, last)
    years = (last - first).days / YEAR
    return Measures(dict(rates), dict(counts), years)


def _period_rates(
    rates: dict[str, Rate],
    counts: dict[str, float],
    child: ChildRecord,
    period: Period,
    first: date,
    last: date,
) -> None:
    hi = last + timedelta(days=1)
    if first <= period.start <= last:
        counts["starts"] += 1
    start, end = period.start, period.end
    # exits as competing risks, by time in care (return home) and age (other)
    cuts = [start + timedelta(days=d) for d in TIME_IN_CARE_BANDS]
    for band, years in enumerate(_split_at(start, end, cuts, first, hi)):
        rates[f"exit.returned_home.{band}"].years += years
    ten = _birthday(child.dob, 10)
    for band, years in enumerate(_split_at(start, end, [ten], first, hi)):
        rates[f"exit.other.{band}"].years += years
    total = _overlap(start, end, first, hi)
    rates["exit.adopted"].years += total
    # SGO and CAO as the model allows them: after 6 months in care, under 16, from foster
    # care (SGO: kinship apart from other foster care) or, for CAO, also from home
    six_months = start + timedelta(days=TIME_IN_CARE_BANDS[0])
    sixteen = _birthday(child.dob, 16)
    for p in period.placements:
        if p.group not in ORDER_GROUPS:
            continue
        a = max(p.start, six_months)
        b = min(p.end or sixteen, sixteen)
        if b <= a:
            continue
        years = _overlap(a, b, first, hi)
        rates["exit.cao"].years += years
        if p.group != Group.WITH_PARENTS:
            rates[
                "exit.sgo." + ("kinship" if p.group == Group.KINSHIP else "foster")
            ].years += years
    if end is not None and first <= end <= last:
        route = codes.exit_route(period.rec, (end - child.dob).days / YEAR)
        counts[f"ceased.{route}"] += 1
        if route == "returned_home":
            t = (end - start).days
            band = 0 if t < TIME_IN_CARE_BANDS[0] else (1 if t < TIME_IN_CARE_BANDS[1] else 2)
            rates[f"exit.returned_home.{band}"].events += 1
        elif route == "other":
            rates[f"exit.other.{0 if end < ten else 1}"].events += 1
        elif route == "sgo":
            last_group = period.placements[-1].group if period.placements else -1
            rates[
                "exit.sgo." + ("kinship" if last_group == Group.KINSHIP else "foster")
            ].events += 1
        elif route in ("cao", "adopted"):
            rates[f"exit.{route}"].events += 1
    for p in period.placements:
        _placement_rates(rates, child, p, first, hi)


def _sgo_key(group: int) -> str:
    return "exit.sgo.kinship" if group == Group.KINSHIP else "exit.sgo.foster"


def _placement_rates(
    rates: dict[str, Rate], child: ChildRecord, p: Placement, first: date, hi: date
) -> None:
    name = GROUP_NAMES[p.group]
    years = _overlap(p.start, p.end, first, hi)
    rates[f"unplanned.{name}"].years += years
    cuts = [p.start + timedelta(days=EARLY_DAYS), p.start + timedelta(days=SETTLED_DAYS)]
    foster = p.group in (Group.KINSHIP, Group.INHOUSE, Group.AGENCY)
    if foster:
        for band, y in enumerate(_split_at(p.start, p.end, cuts, first, hi)):
            rates[f"unplanned.foster.duration.{band}"].years += y
        eleven = _birthday(child.dob, 11)
        for band, y in enumerate(_split_at(p.start, p.end, [eleven], first, hi)):
            rates[f"unplanned.foster.age.{band}"].years += y
    if p.end is None or not (first <= p.end < hi) or p.reason not in UNPLANNED:
        return
    rates[f"unplanned.{name}"].events += 1
    if foster:
        held = (p.end - p.start).days
        band = 0 if held < EARLY_DAYS else (1 if held < SETTLED_DAYS else 2)
        rates[f"unplanned.foster.duration.{band}"].events += 1
        rates[f"unplanned.foster.age.{0 if p.end < _birthday(child.dob, 11) else 1}"].events += 1


def _reentry(
    rates: dict[str, Rate],
    returned: date,
    back: date | None,
    child: ChildRecord,
    first: date,
    last: date,
) -> None:
    """Re-entry after a return home, in the first year and later (until 18)."""
    hi = min(last + timedelta(days=1), _birthday(child.dob, 18))
    cut = returned + timedelta(days=round(YEAR))
    first_year, later = _split_at(returned, back, [cut], first, hi)
    rates["reentry.0"].years += first_year
    rates["reentry.1"].years += later
    if back is not None and first <= back <= last:
        rates["reentry.0" if back < cut else "reentry.1"].events += 1


def _sw_rates(
    rates: dict[str, Rate], child: ChildRecord, periods: list[Period], first: date, last: date
) -> None:
    """Changes of social worker while in care, per child-year in care."""
    hi = last + timedelta(days=1)
    for period in periods:
        rates["sw_change"].years += _overlap(period.start, period.end, first, hi)
    for k, (start, _end, _reason, _worker) in enumerate(child.sw):
        if k == 0 or not (first <= start <= last):
            continue
        if any(p.start < start and (p.end is None or start <= p.end) for p in periods):
            rates["sw_change"].events += 1


def _birthday(dob: date, age: int) -> date:
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:
        return dob.replace(year=dob.year + age, day=28)


def stock_on(children: list[ChildRecord], day: date) -> list[tuple[int, int, bool, float]]:
    """(age band, placement group, UASC, years in care) of every child in care on ``day``."""
    from simulation.agents import age_band

    out = []
    for child in children:
        for period in periods_of(child):
            if period.start <= day and (period.end is None or period.end > day):
                group = next((p.group for p in reversed(period.placements) if p.start <= day), -1)
                if group < 0:
                    continue
                age = (day - child.dob).days / YEAR
                out.append((age_band(age), group, child.uasc, (day - period.start).days / YEAR))
    return out


def episode_rows(children: list[ChildRecord]) -> list[Episode]:
    return [ep for c in children for ep in c.episodes]
