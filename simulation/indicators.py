"""DfE-defined measures, computed from the model's transitions and state.

Flows (starts, ceased by reason, moves, unplanned endings, re-entries, carer joins and leaves)
are counted as they happen and closed at each 31 March. State measures are taken on 31 March
with DfE definitions:

- ``started`` and ``ceased`` count children, not events: a child who starts (ceases) more
  than once in a year is counted once, at the first start (with its re-entry status) and at the
  last cessation (with its reason, days in care and pathway), as DfE counts them.
- ``placements_3plus_pct``: children looked after at 31 March who had 3 or more placements
  during the year (the placement held on 1 April counts as one), placements in an earlier
  period of care in the same year included (a child who left and came back keeps its count).
- ``long_term_stable_pct``: children under 16 at 31 March, looked after for 2.5 years or more,
  who have lived with the same carer for 2 years or more (post-2020 definition: a placement
  change with the same carer keeps the count), or who are placed for adoption and whose
  adoptive placement together with the placement before it have lasted 2 years or more.
- ``sw_changes_3plus_pct``: children looked after at 31 March who had 3 or more social workers
  during the year (kept across a re-entry in the year, like placements).
- ``sdq_mean``, ``sdq_concern_pct`` (17+), ``sdq_borderline_pct`` (14-16): the SDQ total
  difficulties score (an integer, 40 × needs rounded) of children aged 5-16 at 31 March looked
  after continuously for 12 months or more (DfE's population; every such child is taken to
  have an SDQ).
- ``wellbeing_mean``: kept for scripts that read it, now an index of the same needs: 100 × (1 -
  SDQ / 40) averaged over every child in care (100 = no difficulties). The old quality integral
  changed nothing and is retired.
- ``started_reentry_pct``: of the children who started in the year, those whose start was a
  re-entry (a return home or an order that broke down).
- ``ceased_age_under_5``, ``_5_9``, ``_10_15``, ``_16_17``: children ceasing (at their last
  cessation) by age at ceasing before 18, DfE's ceased-by-age bands; with ``ceased_age_18`` they
  add up to ``ceased``.

Market measures (issue 11), taken on 31 March (a scan of children and carers, so yearly only):

- ``placed_outside_la_pct`` / ``placed_20_miles_plus_pct``: children in care placed outside the
  council's area / outside it 20 miles or more from home (DfE's location bands; by type:
  ``..._foster_pct`` for kinship, in-house and agency foster care, ``..._residential_pct`` for
  children's homes);
- ``occupancy_inhouse_foster_pct`` / ``occupancy_agency_foster_pct``: places filled (children and
  Staying Put) in the sector's households; ``occupancy_residential_pct``: children's home places
  filled (in-house beds and the purchased places available to the council);
- ``price_residential_gbp_per_week``: the purchased children's home price now.

Yearly flows the matching rule counts: ``unregistered_placements`` (children in an unregistered
setting at any time in the year), ``placement_shortfall_days`` (child-days in a less suitable,
emergency or unregistered placement while waiting for a suitable one) and the shortfall paths
taken (placements started: ``shortfall_outside_area``, ``shortfall_less_suitable``,
``shortfall_emergency``, ``shortfall_unregistered``); ``cla_unregistered`` (state) counts the
children in an unregistered setting on 31 March.

Monthly snapshots hold the stock by placement group and the resource measures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulation.agents import (
    EXIT_ROUTES,
    FOSTER_GROUPS,
    GROUP_NAMES,
    INSIDE_LA,
    OUTSIDE_FAR,
    YEAR_DAYS,
    Child,
    Group,
    age_band,
)

SDQ_MAX = 40  # the SDQ total difficulties score is 0-40 (child.needs = score / 40)
SDQ_CONCERN = 17  # 17+ a cause for concern, 14-16 borderline, 0-13 normal (DfE)
SDQ_BORDERLINE = 14

if TYPE_CHECKING:
    from simulation.model import CareSystem

STOCK_NAMES = {
    Group.KINSHIP: "cla_foster_kinship",
    Group.INHOUSE: "cla_foster_inhouse",
    Group.AGENCY: "cla_foster_agency",
    Group.RESIDENTIAL: "cla_residential",
    Group.SUPPORTED: "cla_supported",
    Group.WITH_PARENTS: "cla_with_parents",
    Group.ADOPTION: "cla_placed_for_adoption",
    Group.OTHER: "cla_other",
}
AGE_NAMES = ("cla_age_under_1", "cla_age_1_4", "cla_age_5_9", "cla_age_10_15", "cla_age_16_17")
# Children ceasing by age at ceasing, before their 18th birthday (DfE's bands, under 1 and 1-4
# together); those leaving on it are ``ceased_age_18``.
CEASED_AGE_NAMES = ("ceased_age_under_5", "ceased_age_5_9", "ceased_age_10_15", "ceased_age_16_17")


def _ceased_band(age: float) -> int:
    return 0 if age < 5 else (1 if age < 10 else (2 if age < 16 else 3))


LEGAL_NAMES = tuple(
    f"cla_legal_{s}"
    for s in ("s20", "care_order", "placement_order", "police_protection", "youth_justice")
)
MARKET_FLOWS = (
    "unregistered_placements",
    "placement_shortfall_days",
    "shortfall_outside_area",
    "shortfall_less_suitable",
    "shortfall_emergency",
    "shortfall_unregistered",
)
PATHWAY_GROUPS = (
    "kinship",
    "inhouse",
    "agency",
    "residential",
    "supported",
    "with_parents",
    "other",
    "other",
)  # placed for adoption is never a first placement


class Indicators:
    """Counts flows and closes yearly and monthly indicator rows."""

    def __init__(self, model: CareSystem) -> None:
        self.model = model
        self.flows: defaultdict[str, float] = defaultdict(float)
        self.yearly: list[tuple[int, str, float]] = []
        self.monthly: list[tuple[str, str, float]] = []
        self.extra_state: dict[str, Callable[[], float]] = {}
        self._started_ids: set[int] = set()  # children who started this DfE year
        # child -> (route, days in care, first placement group) of its last cessation this year
        self._ceased: dict[int, tuple[str, float, int, float]] = {}
        # child -> (placements, social workers) in the year when it last ceased this year
        self._left: dict[int, tuple[int, int]] = {}
        self._carer_before: dict[int, float] = {}  # child -> carer_since of its last placement

    def add_state(self, name: str, fn: Callable[[], float]) -> None:
        """A state indicator a rule adds: ``fn()`` is read at every 31 March."""
        self.extra_state[name] = fn

    # ---- flows, called by the engine's transitions --------------------------------------
    def started(self, child: Child, reentry: bool) -> None:
        """A period of care starts (the engine has zeroed the child's placements in the year)."""
        cid = child.child_id
        left = self._left.get(cid)
        if left is not None:  # back in the same DfE year: its placements and workers count on
            child.placements_in_year, child.workers_in_year = left
        else:
            child.workers_in_year = 0  # a count left from an earlier year
        flows = self.flows
        if cid not in self._started_ids:
            self._started_ids.add(cid)
            flows["started"] += 1
            if reentry:
                flows["_started_reentries"] += 1
        if reentry and child.returned_day is not None:  # a return home that broke down
            flows["returns_home_breakdown"] += 1
            if self.model.now - child.returned_day <= 365:
                flows["reentries_within_12m"] += 1

    def ceased(self, child: Child, route: str, group: int) -> None:
        cid = child.child_id
        now = self.model.now
        self._ceased[cid] = (route, now - child.period_start, child.first_group, child.age(now))
        self._left[cid] = (child.placements_in_year, child.workers_in_year)
        if self._carer_before:
            self._carer_before.pop(cid, None)

    def placement_ended(self, child: Child, group: int, reason: str, unplanned: bool) -> None:
        if child.in_care:
            self.flows["placement_moves"] += 1
            self._carer_before[child.child_id] = child.carer_since
        if unplanned:
            self.flows["unplanned_endings"] += 1

    def count(self, name: str, n: float = 1.0) -> None:
        """A flow counted by a rule (carer approvals, deregistrations, leavers...); it is
        reported as a yearly indicator unless its name starts with '_'."""
        self.flows[name] += n

    # ---- snapshots ----------------------------------------------------------------------
    def _stock(self) -> dict[str, float]:
        occ = self.model.occupancy
        out = {STOCK_NAMES[Group(g)]: float(occ[g]) for g in range(len(GROUP_NAMES))}
        out["cla_31_march"] = float(len(self.model.children))
        return out

    def _resources(self) -> dict[str, float]:
        m = self.model
        counts = m.carers_by_sector
        inhouse, agency = counts[Group.INHOUSE], counts[Group.AGENCY]
        kinship = counts[Group.KINSHIP]
        vacancies = m.capacity.vacancies_total()
        n_workers = len(m.workers)
        n_agency = sum(1 for w in m.workers.values() if w.agency)
        return {
            "carer_households": float(inhouse + agency),
            "carer_households_inhouse": float(inhouse),
            "carer_households_agency": float(agency),
            "carer_households_kinship": float(kinship),
            "foster_vacancies": float(vacancies),
            "caseload_mean": m.mean_caseload(),
            "sw_fte": float(n_workers),
            "agency_share_pct": 100.0 * n_agency / n_workers if n_workers else 0.0,
        }

    def _market(self) -> dict[str, float]:
        """Where children live, how full the places are and the purchased price now."""
        m = self.model
        n = outside = far = 0
        foster = [0, 0, 0]  # children, outside, far
        homes = [0, 0, 0]
        for child in m.children.values():
            location = child.location
            n += 1
            out, distant = location > INSIDE_LA, location == OUTSIDE_FAR
            outside += out
            far += distant
            if child.placement in FOSTER_GROUPS:
                counts = foster
            elif child.placement == Group.RESIDENTIAL:
                counts = homes
            else:
                continue
            counts[0] += 1
            counts[1] += out
            counts[2] += distant
        cap = m.capacity

        def pct(part: float, whole: float) -> float:
            return 100.0 * part / whole if whole else 0.0

        inhouse = cap.foster_places(int(Group.INHOUSE))
        agency = cap.foster_places(int(Group.AGENCY))
        residential = cap.homes_places()
        price = m.p["costs.weekly_gbp"][Group.RESIDENTIAL] * m.ledger.multiplier("residential")
        return {
            "placed_outside_la_pct": pct(outside, n),
            "placed_20_miles_plus_pct": pct(far, n),
            "placed_outside_la_foster_pct": pct(foster[1], foster[0]),
            "placed_20_miles_plus_foster_pct": pct(foster[2], foster[0]),
            "placed_outside_la_residential_pct": pct(homes[1], homes[0]),
            "placed_20_miles_plus_residential_pct": pct(homes[2], homes[0]),
            "occupancy_inhouse_foster_pct": pct(*inhouse),
            "occupancy_agency_foster_pct": pct(*agency),
            "occupancy_residential_pct": pct(*residential),
            "price_residential_gbp_per_week": float(price),
        }

    def month_end(self, day: float) -> None:
        stamp = self.model.calendar.date(day - 1).isoformat()
        for name, value in {**self._stock(), **self._resources()}.items():
            self.monthly.append((stamp, name, value))

    def year_end(self, year: int) -> None:
        m = self.model
        now = m.now
        f = self.flows
        row: dict[str, float] = {**self._stock(), **self._resources(), **self._market()}
        for name in (
            *MARKET_FLOWS,
            "started",
            "ceased",
            "placement_moves",
            "unplanned_endings",
            "reentries_within_12m",
            "returns_home_breakdown",
            "carer_approvals",
            "carer_approvals_inhouse",
            "carer_deregistrations",
            "sw_leavers",
            "permanence_breakdowns",
            "permanence_breakdowns_adoption",
            "permanence_breakdowns_sgo",
            "permanence_breakdowns_cao",
            *(f"ceased_{route}" for route in EXIT_ROUTES),
            *CEASED_AGE_NAMES,
        ):
            row[name] = 0.0  # flows that happened zero times are still reported
        self._close_ceased()
        for key, value in f.items():
            if not key.startswith("_"):  # '_name' flows are internal workings
                row[key] = float(value)
        row.update(self._stability(now))
        row["ceased_mean_days_in_care"] = (
            f.get("_days_in_care", 0.0) / f["ceased"] if f.get("ceased") else 0.0
        )
        row["started_reentry_pct"] = (
            100.0 * f.get("_started_reentries", 0.0) / f["started"] if f.get("started") else 0.0
        )
        for name, fn in self.extra_state.items():
            row[name] = float(fn())
        fte_days = f.get("_sw_permanent_fte_days", 0.0)
        row["sw_turnover_pct"] = (
            100.0 * f.get("_sw_leavers_permanent", 0) * YEAR_DAYS / fte_days if fte_days else 0.0
        )
        households = row["carer_households"]
        row["carer_deregistration_pct"] = (
            100.0 * row["carer_deregistrations"] / households if households else 0.0
        )
        row.update(m.ledger.close_year())
        for name, value in sorted(row.items()):
            self.yearly.append((year, name, value))
        self.flows = defaultdict(float)
        self._started_ids.clear()
        self._left.clear()

    def _close_ceased(self) -> None:
        """The year's cessations, one per child (its last), into the flows."""
        f = self.flows
        for route, days, first_group, age in self._ceased.values():
            f["ceased"] += 1
            f["_days_in_care"] += days
            f[f"ceased_{route}"] += 1
            if route != "age_18":  # DfE ceased by age at ceasing; 18 is the age_18 route
                f[CEASED_AGE_NAMES[_ceased_band(age)]] += 1
            first = PATHWAY_GROUPS[first_group] if first_group >= 0 else "other"
            f[f"pathway_{first}_to_{route}"] += 1
        self._ceased.clear()

    def _stability(self, now: float) -> dict[str, float]:
        n = three = sw3 = lt = lt_stable = 0
        sdq_n = sdq_sum = concern = borderline = 0
        quality = needs = 0.0
        by: Counter[str] = Counter()
        two_years = 2 * YEAR_DAYS
        before = self._carer_before
        for child in self.model.children.values():
            n += 1
            three += child.placements_in_year >= 3
            sw3 += child.workers_in_year >= 3
            quality += child.quality
            needs += child.needs
            age = child.age(now)
            by[AGE_NAMES[age_band(age)]] += 1
            by["cla_legal_" + child.legal] += 1
            by["cla_uasc"] += child.uasc
            in_care = now - child.period_start
            if age < 16 and in_care >= 2.5 * YEAR_DAYS:
                lt += 1
                since = child.carer_since
                if child.placement == Group.ADOPTION:  # adoptive and previous placement
                    since = before.get(child.child_id, since)
                lt_stable += now - since >= two_years
            if 5.0 <= age < 17.0 and in_care >= YEAR_DAYS:
                score = int(SDQ_MAX * child.needs + 0.5)
                sdq_n += 1
                sdq_sum += score
                concern += score >= SDQ_CONCERN
                borderline += SDQ_BORDERLINE <= score < SDQ_CONCERN
            child.placements_in_year = 1 if child.placement >= 0 else 0
            child.workers_in_year = 1 if child.worker is not None else 0
        out = {name: 0.0 for name in (*AGE_NAMES, *LEGAL_NAMES, "cla_uasc")}
        out.update({k: float(v) for k, v in by.items()})
        return out | {
            "placements_3plus_pct": 100.0 * three / n if n else 0.0,
            "sw_changes_3plus_pct": 100.0 * sw3 / n if n else 0.0,
            "long_term_stable_pct": 100.0 * lt_stable / lt if lt else 0.0,
            "mean_match_quality": quality / n if n else 0.0,
            "wellbeing_mean": 100.0 * (1.0 - float(needs) / n) if n else 0.0,
            "sdq_mean": sdq_sum / sdq_n if sdq_n else 0.0,
            "sdq_concern_pct": 100.0 * concern / sdq_n if sdq_n else 0.0,
            "sdq_borderline_pct": 100.0 * borderline / sdq_n if sdq_n else 0.0,
        }
