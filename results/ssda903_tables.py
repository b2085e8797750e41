"""One collection year's SSDA903 tables from children's episodes (see :mod:`results.ssda903_out`).

A child is in year Y's return (1 April Y-1 to 31 March Y) when an episode of theirs was open
on any day of it; episodes still open on 31 March are written open. The other tables follow
from the same episodes: UASC, reviews, OC2 (looked after continuously for 12 months at 31
March), OC3 (care leavers around their 17th to 21st birthdays), AD1 and placed for adoption
(adopted children), previous permanence (every period's start), social-worker episodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from results.ssda903_out import Episode, Writer, birthday, fmt
from results.ssda903_record import ChildHistory
from simulation.agents import YEAR_DAYS

Row = dict[str, Any]
REVIEW_FIRST_DAYS = 28  # first review within 20 working days (Care Planning Regulations 2010)
REVIEW_SECOND_DAYS = 91  # then within three months
REVIEW_LATER_DAYS = 182  # then at most every six months
MATCH_BEFORE_PLACEMENT_DAYS = 42  # assumption: matched with adopters ~6 weeks before placement
DECISION_BEFORE_PLACEMENT_DAYS = 180  # assumption: decision to place ~6 months before placement


@dataclass
class ChildYear:
    """A child's episodes in dates and identity, shared by every table of a year."""

    child: str
    h: ChildHistory
    dob: date
    periods: list[list[Episode]]


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class YearTables:
    """Builds year Y's tables; ``writer`` supplies the synthetic codes and draws."""

    def __init__(self, writer: Writer, year: int) -> None:
        self.w = writer
        self.year = year
        self.first = date(year - 1, 4, 1)
        self.last = date(year, 3, 31)

    def open_in_year(self, ep: Episode) -> bool:
        return ep.decom <= self.last and (ep.dec is None or ep.dec >= self.first)

    def period_in_year(self, period: list[Episode]) -> bool:
        return period[0].decom <= self.last and (
            period[-1].dec is None or period[-1].dec >= self.first
        )

    def build(self, children: list[ChildYear]) -> dict[str, list[Row]]:
        t: dict[str, list[Row]] = {name: [] for name in TABLES_ORDER}
        for whole in children:
            # what had happened by the year's end: later periods are unknown to this return
            upto = [period for period in whole.periods if period[0].decom <= self.last]
            if not upto:
                continue
            cy = ChildYear(whole.child, whole.h, whole.dob, upto)
            eps = [ep for period in cy.periods for ep in period if self.open_in_year(ep)]
            leaver = self._oc3(cy)
            if not eps and leaver is None:
                continue
            t["Header"].append(self._header(cy, looked_after=bool(eps)))
            if cy.h.uasc and birthday(cy.dob, 18) >= self.first:  # DUC in or after the year
                t["UASC"].append(self._uasc(cy))
            t["Episodes"] += [self._episode(cy, ep) for ep in eps]
            if leaver is not None:
                t["OC3"].append(leaver)
            if not eps:
                continue
            t["Reviews"] += self._reviews(cy)
            oc2 = self._oc2(cy)
            if oc2 is not None:
                t["OC2"].append(oc2)
            t["AD1"] += self._ad1(cy)
            t["PlacedAdoption"] += self._placed_adoption(cy)
            t["PrevPerm"] += self._prev_perm(cy)
            t["SWEpisodes"] += self._sw(cy)
        return t

    # ---- rows ---------------------------------------------------------------------------
    def _header(self, cy: ChildYear, looked_after: bool) -> Row:
        h, s = cy.h, self.w.streams
        ethnic = ETHNIC[s.choice(ETHNIC_WEIGHTS, "ssda903.ethnic", h.key)]
        if h.uasc:
            ethnic = ("AOTH", "BAFR", "OOTH", "MOTH")[s.choice((1, 1, 1, 1), "ssda903.eu", h.key)]
        return {
            "CHILD": cy.child,
            "SEX": self._sex(h),
            "DOB": fmt(cy.dob),
            "ETHNIC": ethnic,
            "UPN": self._upn(cy),
            # every girl looked after in the year: not a mother (DfE rules 165, 393, 628)
            "MOTHER": "0" if h.female and looked_after else "",
            "MC_DOB": "",
        }

    def _sex(self, h: ChildHistory) -> str:
        """M/F from 2024-25 (DfE rule 101), 1/2 before."""
        if self.year >= 2025:
            return "F" if h.female else "M"
        return "2" if h.female else "1"

    def _upn(self, cy: ChildYear) -> str:
        """UN1 under school age; otherwise UN2 (a synthetic child has no real UPN: DfE's
        'unknown' codes keep the format valid)."""
        return "UN1" if age_on(cy.dob, self.first) < 4 else "UN2"

    def _uasc(self, cy: ChildYear) -> Row:
        eighteen = birthday(cy.dob, 18)
        return {
            "CHILD": cy.child,
            "SEX": self._sex(cy.h),
            "DOB": fmt(cy.dob),
            "DUC": fmt(eighteen),  # the status ends at 18 (the same date every year: rule 205B)
        }

    def _episode(self, cy: ChildYear, ep: Episode) -> Row:
        ended = ep.dec is not None and ep.dec <= self.last
        return {
            "CHILD": cy.child,
            "DECOM": fmt(ep.decom),
            "RNE": ep.rne,
            "LS": ep.ls,
            "CIN": ep.cin,
            "PLACE": ep.place,
            "PLACE_PROVIDER": ep.provider,
            "DEC": fmt(ep.dec) if ended else "",
            "REC": ep.rec if ended else "",
            "REASON_PLACE_CHANGE": ep.reason if ended else "",
            "HOME_POST": ep.home,
            "PL_POST": ep.post,
            "URN": ep.urn,
        }

    def _reviews(self, cy: ChildYear) -> list[Row]:
        rows = []
        for period in cy.periods:
            start, end = period[0].decom, period[-1].dec
            day = start + timedelta(days=REVIEW_FIRST_DAYS)
            gap = REVIEW_SECOND_DAYS
            while day <= self.last and (end is None or day < end):
                if day >= self.first:
                    code = "PN0" if age_on(cy.dob, day) < 4 else "PN1"
                    rows.append(
                        {
                            "CHILD": cy.child,
                            "DOB": fmt(cy.dob),
                            "REVIEW": fmt(day),
                            "REVIEW_CODE": code,
                        }
                    )
                day += timedelta(days=gap)
                gap = REVIEW_LATER_DAYS
        return rows

    def continuous(self, cy: ChildYear) -> bool:
        """Looked after continuously through the year (DfE's definition: the period began by
        1 April and did not end before 31 March)."""
        last = cy.periods[-1]
        return last[0].decom <= self.first and (last[-1].dec is None or last[-1].dec >= self.last)

    def _oc2(self, cy: ChildYear) -> Row | None:
        """Looked after continuously for the 12 months to 31 March (not in respite)."""
        if not self.continuous(cy):
            return None
        age = age_on(cy.dob, self.last)
        sdq = ""
        reason = ""
        if 4 <= age <= 16:
            sdq = str(min(40, max(0, round(40 * cy.h.needs))))
        elif self.first <= birthday(cy.dob, 4) <= self.last or (
            self.first <= birthday(cy.dob, 17) <= self.last
        ):
            reason = "SDQ1"  # aged under 4 or over 16 at the assessment (DfE rule 197B)
        row = {
            "CHILD": cy.child,
            "DOB": fmt(cy.dob),
            "SDQ_SCORE": sdq,
            "SDQ_REASON": reason,
            "CONVICTED": "0" if age >= 10 else "",
            "HEALTH_CHECK": "1" if age < 5 else "",
            "IMMUNISATIONS": "1",
            "TEETH_CHECK": "1",
            "HEALTH_ASSESSMENT": "1",
            "SUBSTANCE_MISUSE": "0",
            "INTERVENTION_RECEIVED": "",
            "INTERVENTION_OFFERED": "",
        }
        return row

    def _oc3(self, cy: ChildYear) -> Row | None:
        """A former relevant child (looked after 13 weeks or more since 14, some of it at 16
        or over) who left care at 18, in the year of their 19th to 21st birthday."""
        if not cy.periods:
            return None
        last = cy.periods[-1]
        left = last[-1].dec
        if left is None or last[-1].rec not in ("E17", "E5"):
            return None
        since14 = sum(
            (min(p[-1].dec or left, left) - max(p[0].decom, birthday(cy.dob, 14))).days
            for p in cy.periods
            if (p[-1].dec or left) > birthday(cy.dob, 14)
        )
        if since14 < 91:
            return None
        for age in (19, 20, 21):
            day = birthday(cy.dob, age)
            if self.first <= day <= self.last and day > left:
                return {
                    "CHILD": cy.child,
                    "DOB": fmt(cy.dob),
                    "IN_TOUCH": "YES",
                    "ACTIV": "F2",
                    # with former foster carers (Z) or in independent living (U), suitable (1)
                    "ACCOM": "Z1" if last[-1].rec == "E17" else "U1",
                }
        return None

    def _adoption(self, cy: ChildYear) -> tuple[date, date, list[Episode]] | None:
        """(decision, match date, period) of the latest period with a placement order or a
        placement for adoption: the decision precedes both (DfE rules 553, 554)."""
        for period in reversed(cy.periods):
            first = next((ep for ep in period if ep.ls == "E1" or ep.place.startswith("A")), None)
            if first is None:
                continue
            placed = next((ep.decom for ep in period if ep.place.startswith("A")), None)
            decision = max(
                period[0].decom,
                min(
                    first.decom,
                    (placed or first.decom) - timedelta(days=DECISION_BEFORE_PLACEMENT_DAYS),
                ),
            )
            match = max(
                decision, (placed or first.decom) - timedelta(days=MATCH_BEFORE_PLACEMENT_DAYS)
            )
            return decision, match, period
        return None

    def _ad1(self, cy: ChildYear) -> list[Row]:
        last = cy.periods[-1][-1]
        if last.rec not in ("E11", "E12") or last.dec is None:
            return []
        if self.continuous(cy):  # adopted on 31 March after a whole year: its OC2 return
            return []  # stands and AD1 stays blank (DfE rule 187)
        if not (self.first <= last.dec <= self.last):
            return []
        found = self._adoption(cy)
        if found is None:
            return []
        decision, match, _ = found
        return [
            {
                "CHILD": cy.child,
                "DOB": fmt(cy.dob),
                "DATE_INT": fmt(decision),
                "DATE_MATCH": fmt(match),
                "FOSTER_CARE": "0",
                "NB_ADOPTR": "2",
                "SEX_ADOPTR": "MF",
                "LS_ADOPTR": "L11",
            }
        ]

    def _placed_adoption(self, cy: ChildYear) -> list[Row]:
        found = self._adoption(cy)
        if found is None or found[0] > self.last or not self.period_in_year(found[2]):
            return []  # no decision, or one from a period that ended before this year
        end = found[2][-1]
        ceased = end.dec is not None and end.rec not in ("E11", "E12") and end.dec <= self.last
        return [
            {
                "CHILD": cy.child,
                "DOB": fmt(cy.dob),
                "DATE_PLACED": fmt(found[0]),
                "DATE_PLACED_CEASED": fmt(end.dec) if ceased else "",
                "REASON_PLACED_CEASED": "RD4" if ceased else "",  # left care another way
            }
        ]

    def _prev_perm(self, cy: ChildYear) -> list[Row]:
        """One row for a child who started a period in the year (DfE internal check INT35)."""
        if not any(self.first <= period[0].decom <= self.last for period in cy.periods):
            return []
        return [
            {
                "CHILD": cy.child,
                "DOB": fmt(cy.dob),
                "PREV_PERM": "Z1",
                "LA_PERM": "",
                "DATE_PERM": "",
            }
        ]

    def _sw(self, cy: ChildYear) -> list[Row]:
        """Social-worker spells, each ending when the next begins: a child keeps their worker
        between periods of care, and the latest spell stays open (DfE rules SW10, SW17)."""
        rows = []
        spells = _day_spells(self.w.start, cy.h.workers)
        for i, (decom, reason, worker) in enumerate(spells):
            dec = spells[i + 1][0] if i + 1 < len(spells) else None
            if decom > self.last or (dec is not None and dec < self.first):
                continue
            ended = dec is not None and dec <= self.last
            rows.append(
                {
                    "CHILD": cy.child,
                    "DOB": fmt(cy.dob),
                    "SW_ID": f"SW{worker:05d}",
                    "SW_DECOM": fmt(decom),
                    "SW_DEC": fmt(dec) if ended else "",
                    "SW_REASON": SW_REASONS.get(reason, "OTHERS"),
                }
            )
        return rows


TABLES_ORDER = (
    "Header",
    "Episodes",
    "UASC",
    "Reviews",
    "OC2",
    "OC3",
    "AD1",
    "PlacedAdoption",
    "PrevPerm",
    "Missing",
    "SWEpisodes",
)
ETHNIC = ("WBRI", "WOTH", "MWBC", "MOTH", "AOTH", "BAFR", "BCRB", "OOTH")
ETHNIC_WEIGHTS = (0.66, 0.05, 0.04, 0.06, 0.05, 0.06, 0.03, 0.05)
# Why a child's worker changed: the worker left their post (LEFTRL) or a manager moved the
# case (MANAGE) — the two ways the workforce rule changes a child's worker.
# A child's first worker: FCONTA, first contact (DfE rule SW10 lets only it start without a
# spell just ended).
SW_REASONS = {"": "FCONTA", "reentry": "TSPROC", "left": "LEFTRL", "transfer": "MANAGE"}


SW_MIN_DAYS = 3  # DfE rule SW09 (2025-26) reads spells under 3 days as under 24 hours: merged


def _day_spells(start: date, workers: list[Any]) -> list[tuple[date, str, int]]:
    """(start date, reason, worker) per spell, in dates. A spell shorter than two days gives
    way to the next, which starts in its place with the earlier reason if it was the first
    allocation; a re-allocation on re-entry is a transfer between teams (TSPROC), since the
    child kept a worker while out of care."""
    out: list[tuple[date, str, int]] = []
    for spell in workers:
        d = start + timedelta(days=int(spell.start // 1))
        reason = spell.reason or ("" if not out else "reentry")
        if out and (d - out[-1][0]).days < SW_MIN_DAYS:
            d, first = out[-1][0], out[-1][1]
            out[-1] = (d, first if first in ("", "reentry") else reason, spell.worker)
        elif out and out[-1][2] == spell.worker:
            continue  # the same worker again on re-entry: the spell goes on
        else:
            out.append((d, reason, spell.worker))
    return out


def child_years(writer: Writer, histories: list[ChildHistory]) -> list[ChildYear]:
    out = []
    for h in histories:
        periods = writer.episodes(h)
        if not periods:
            continue
        dob = writer.start + timedelta(days=int(h.birth_day // 1))
        out.append(ChildYear(f"{h.key + 1:06d}", h, dob, periods))
    return out


def years_old(h: ChildHistory, day: float) -> float:
    return (day - h.birth_day) / YEAR_DAYS
