"""Synthetic SSDA903: each replicate's care histories written as the yearly return's tables.

``--ssda903-out`` runs every replicate with a :class:`~results.ssda903_record.Recorder`
attached and writes, under ``<run>/ssda903/rep-<r>/<year>/``, one folder per DfE collection
year (ending 31 March) with DfE's CSV tables: ``header``, ``episodes``, ``uasc``, ``reviews``,
``oc2``, ``oc3``, ``ad1``, ``placed_for_adoption``, ``previous_permanence``, ``missing`` and
``sw_episodes`` (:mod:`calibration.ssda903.codes`). Everything is synthetic: CHILD is the
model's own child number, no postcode or Ofsted URN is real.

How the model's states become SSDA903 codes (the writer's conventions, each an assumption
stated here, not evidence):

- An episode starts at every placement and at every change of legal status (RNE S, P, L, B);
  a period's episodes chain with REC ``X1`` and end with the exit's REC code. Events on one day
  are merged so no episode lasts less than a day (DfE rule 355).
- PLACE by group: kinship U3 (U1 once in care a year), stranger foster U6 (U4 once in care a
  year) with provider PR1 in-house or PR4/PR5 agency, children's home K2 (PR1 in-house bed,
  else PR4), supported accommodation K3 (from 2024-25, when it replaced H5), with parents P1,
  placed for adoption A6, other settings R3 (under 5), S1, K1 or R5 (10+).
- Legal status: s20 V2, care order C2, placement order E1 under 10 (and every adoptive
  placement; the starting population's placement orders at 10 or over are written C2),
  police protection L1 for its first 3 days then an interim care order C1, youth justice J1
  (V2 under 10, DfE rule 358).
- Category of need: N8 for UASC, N2 for disabled children, otherwise drawn from DfE 2024
  starts by category of need (national_targets.csv, started/category_of_need).
- Exits: returned home E4A, adopted E11, SGO E45 from kinship care else E46, CAO E41, 18th
  birthday E17 when Staying Put began else E5, other E8.
- SDQ (OC2) for children aged 4-16 looked after 12 months at 31 March: round(40 × needs),
  the model's needs index on the SDQ's 0-40 scale.
- The model does not simulate missing episodes, reviews' participation or health checks:
  ``missing.csv`` is empty; reviews fall on the statutory timetable (28 days, 3 months, then
  6-monthly) with participation PN1; health checks are all 1.

Draws the writer needs (ethnicity, the choice within a code set) come from the replicate's
own counter-based streams under ``ssda903.*`` process names: they never touch a model draw.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from calibration.ssda903.codes import FILE_NAMES, TABLES
from results.ssda903_record import ChildHistory, Period, Placement
from simulation.agents import YEAR_DAYS, Group
from simulation.streams import Streams

G = Group
# DfE CLA 2024 starts by category of need, N1-N7 (N8 absent parenting is the UASC; N2 the
# disabled children): 18,510 / 590 / 720 / 2,420 / 3,150 / 550 / 30 (national_targets.csv).
CIN_CODES = ("N1", "N3", "N4", "N5", "N6", "N7")
CIN_WEIGHTS = (18510, 720, 2420, 3150, 550, 30)
# Ethnicity of children looked after, England 2024 (DfE CLA): assumption by broad group.
ETHNIC_CODES = ("WBRI", "WOTH", "MWBC", "MOTH", "AOTH", "BAFR", "BCRB", "OOTH")
ETHNIC_WEIGHTS = (0.66, 0.05, 0.04, 0.06, 0.05, 0.06, 0.03, 0.05)
PLACEMENT_ORDER_AGE = 10  # adoption plans are made for children under 10 (rules/exits.py)
POLICE_DAYS = 3  # police protection lasts at most 72 hours (Children Act 1989 s.46)
LONG_TERM_DAYS = 365  # an assumption: a placement begun after a year in care is long-term


def day_date(start: date, day: float) -> date:
    return start + timedelta(days=int(day // 1))


def birthday(dob: date, age: int) -> date:
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:  # 29 February
        return dob.replace(year=dob.year + age, day=28)


def fmt(d: date | None) -> str:
    return "" if d is None else d.strftime("%d/%m/%Y")


@dataclass
class Episode:
    """One SSDA903 episode in dates: what the return writes, before the year's cut."""

    decom: date
    rne: str
    ls: str
    cin: str
    place: str
    provider: str
    dec: date | None = None
    rec: str = ""
    reason: str = ""
    home: str = ""
    post: str = ""
    urn: str = ""


class Writer:
    """Turns a replicate's histories into SSDA903 tables for each collection year."""

    def __init__(self, start: date, seed: int) -> None:
        self.start = start
        self.streams = Streams(seed)

    # ---- codes ------------------------------------------------------------------------------
    def _place(self, h: ChildHistory, period: Period, p: Placement, k: int, year: int) -> tuple:
        group, s = p.group, self.streams
        long_term = p.start - period.start >= LONG_TERM_DAYS
        if group == G.KINSHIP:
            return ("U1" if long_term else "U3"), "PR1"
        if group in (G.INHOUSE, G.AGENCY):
            code = "U4" if long_term else "U6"
            if group == G.INHOUSE:
                return code, "PR1"
            voluntary = s.uniform("ssda903.voluntary_ifa", p.carer or 0) < 0.2
            return code, ("PR5" if voluntary else "PR4")
        if group == G.RESIDENTIAL:
            return "K2", ("PR1" if p.inhouse_bed else "PR4")
        if group == G.SUPPORTED:
            return "K3", "PR4"
        if group == G.WITH_PARENTS:
            return "P1", "PR0"
        if group == G.ADOPTION:
            return "A6", "PR1"
        age = (p.start - h.birth_day) / YEAR_DAYS
        if age < 5:
            return "R3", "PR1"
        options = ("S1", "K1", "R5") if age >= 10 else ("S1", "K1")
        i = s.choice((0.5, 0.3, 0.2)[: len(options)], "ssda903.other_place", h.key, k)
        return options[i], ("PR3" if options[i] == "R5" else "PR4")

    def _legal(self, h: ChildHistory, legal: str, day: float, group: int) -> str:
        age = (day - h.birth_day) / YEAR_DAYS
        if group == G.ADOPTION or (legal == "placement_order" and age < PLACEMENT_ORDER_AGE):
            return "E1"
        if legal == "placement_order":
            return "C2"  # the starting population's placement orders at 10+: a care order
        if legal == "care_order":
            return "C2"
        if legal == "police_protection":
            return "L1"
        if legal == "youth_justice":
            return "J1" if (day - h.birth_day) / YEAR_DAYS >= 10 else "V2"
        return "V2"

    def _cin(self, h: ChildHistory, k: int) -> str:
        if h.uasc:
            return "N8"
        if h.disabled:
            return "N2"
        return CIN_CODES[self.streams.choice(CIN_WEIGHTS, "ssda903.cin", h.key, k)]

    def _rec(self, period: Period) -> str:
        route = period.route
        if route == "returned_home":
            return "E4A"
        if route == "adopted":
            return "E11"
        if route == "sgo":
            last = period.placements[-1].group if period.placements else -1
            return "E45" if last == G.KINSHIP else "E46"
        if route == "cao":
            return "E41"
        if route == "age_18":
            return "E17" if period.staying_put else "E5"
        return "E8"

    # ---- episodes -----------------------------------------------------------------------------
    def episodes(self, h: ChildHistory) -> list[list[Episode]]:
        """Each period's episodes in dates (periods shorter than a day are left out)."""
        out: list[list[Episode]] = []
        last_end: date | None = None
        for k, period in enumerate(h.periods):
            eps = self._period_episodes(h, period, k)
            if not eps or (last_end is not None and eps[0].decom <= last_end):
                continue  # re-entered on the day it left: no new period (DfE rule 431)
            out.append(eps)
            last_end = eps[-1].dec
            if last_end is None:
                break
        return out

    def _period_episodes(self, h: ChildHistory, period: Period, k: int) -> list[Episode]:
        cin = self._cin(h, k)
        home = self._postcode("home", h.key)
        raw: list[Episode] = []
        placements = list(period.placements)
        if period.existing and placements and placements[0].group == G.SUPPORTED:
            # the starting population's placement start is drawn without regard to age:
            # supported accommodation begins at 16 at the earliest (DfE rule 371)
            sixteen = h.birth_day + 16 * YEAR_DAYS
            first = placements[0]
            if first.start < sixteen and (first.end is None or first.end > sixteen):
                placements[0] = Placement(
                    sixteen, first.group, first.carer, first.inhouse_bed, first.legal
                )
                placements[0].end, placements[0].reason = first.end, first.reason
        if period.existing and placements and placements[0].start > period.start:
            # in care before the run began: the placements before the current one are not
            # known; the time is written as one in-house foster placement
            first = placements[0]
            earlier = Placement(period.start, int(G.INHOUSE), None, False, first.legal)
            earlier.end, earlier.reason = first.start, "CARPL"
            placements.insert(0, earlier)
        for i, p in enumerate(placements):
            decom = day_date(self.start, p.start if i else min(p.start, period.start))
            place, provider = self._place(h, period, p, i, self._year(decom))
            post, urn = self._where(h, p, place, provider, i)
            ls = self._legal(h, p.legal, p.start, p.group)
            if ls == "L1" and i > 0:
                ls = "C1"  # police protection lasts 72 hours: a later move is under an ICO
            if place == "P1" and ls == "V2":
                ls = "C2"  # placement with parents needs a care order (DfE rule 378)
            ep = Episode(decom, "", ls, cin, place, provider, home=home, post=post, urn=urn)
            if p.end is not None:
                ep.dec = day_date(self.start, p.end)
                ep.rec, ep.reason = "X1", p.reason or "CARPL"
            raw.append(ep)
            if ls == "L1":
                self._split_police(raw)
        if not raw:
            return []
        last = raw[-1]
        if period.end is not None:
            end = day_date(self.start, period.end)
            if period.route == "age_18":  # the 18th birthday by the calendar (DfE rule 460)
                end = birthday(day_date(self.start, h.birth_day), 18)
            last.dec, last.rec, last.reason = end, self._rec(period), ""
        elif last.dec is not None:
            last.dec, last.rec, last.reason = None, "", ""  # moved and not yet placed again
        return tidy(raw)

    def _split_police(self, raw: list[Episode]) -> None:
        """Police protection ends within 72 hours: an interim care order (C1) follows."""
        ep = raw[-1]
        after = ep.decom + timedelta(days=POLICE_DAYS)
        if ep.dec is not None and ep.dec <= after:
            return
        nxt = Episode(after, "", "C1", ep.cin, ep.place, ep.provider, ep.dec, ep.rec, ep.reason)
        nxt.home, nxt.post, nxt.urn = ep.home, ep.post, ep.urn
        ep.dec, ep.rec, ep.reason = after, "X1", ""
        raw.append(nxt)

    def _where(
        self, h: ChildHistory, p: Placement, place: str, provider: str, i: int
    ) -> tuple[str, str]:
        """Synthetic placement postcode and Ofsted URN: a carer household keeps its own; a
        children's home or other setting gets one per placement; none when with parents."""
        if place == "P1":
            return self._postcode("home", h.key), ""
        key = p.carer if p.carer is not None else 1_000_000 + h.key * 100 + i
        post = self._postcode("place", key)
        if place in NO_URN:
            return post, ""
        if place in FOSTER_CODES and provider == "PR1":
            return post, INHOUSE_URN
        return post, f"SC{100000 + key % 900000:06d}"

    def _postcode(self, kind: str, key: int) -> str:
        """A well-formed postcode in no real area (the validator's look-ups cannot place it)."""
        s = self.streams
        n = int(s.uniform(f"ssda903.postcode.{kind}", key) * 10**7)
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        return f"ZZ{n % 90 + 10} {n // 90 % 10}{letters[n // 900 % 20]}{letters[n // 18000 % 20]}"

    def _year(self, d: date) -> int:
        return d.year + 1 if d.month >= 4 else d.year


FOSTER_CODES = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
# Placements with no Ofsted registration of their own (DfE rule 218 exempts them).
NO_URN = frozenset({"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1", "Z11"})
INHOUSE_URN = "SC900001"  # the council's own fostering service (synthetic)


def _changed_placement(a: Episode, b: Episode) -> bool:
    return (a.place, a.provider, a.post, a.urn) != (b.place, b.provider, b.post, b.urn)


def tidy(eps: list[Episode]) -> list[Episode]:
    """Episodes as the return holds them: none shorter than a day (a placement that began and
    ended on one day gives way to the next), none that changes nothing (merged), and each
    new episode's reason (RNE) saying what changed: S first, P placement, L legal status,
    B both."""
    out: list[Episode] = []
    for ep in eps:
        if ep.dec is not None and ep.dec <= ep.decom:
            if ep.rec == "X1":
                continue
            if not out:
                return []  # the whole period lasted less than a day
            out[-1].dec, out[-1].rec, out[-1].reason = ep.dec, ep.rec, ""
            continue
        if out:
            prev = out[-1]
            moved, legal = _changed_placement(prev, ep), prev.ls != ep.ls
            if not (moved or legal):
                prev.dec, prev.rec, prev.reason = ep.dec, ep.rec, ep.reason
                continue
            ep.rne = "B" if moved and legal else ("P" if moved else "L")
            if not moved:
                prev.reason = ""
        else:
            ep.rne = "S"
        out.append(ep)
    return out


def write_csv(path: Path, table: str, rows: Iterable[dict[str, Any]]) -> None:
    columns = TABLES[table]
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow(row)


def table_files(folder: Path) -> dict[str, Path]:
    return {t: folder / FILE_NAMES[t] for t in TABLES}


# ----------------------------------------------------------------------------- running
def record_replicate(task: Any) -> tuple[Any, dict[int, dict[str, list[dict[str, Any]]]]]:
    """Run one replicate with a recorder attached; return its usual result and its SSDA903
    tables by collection year. Module-level so worker processes can import it (the
    executor's ``fn``); the indicators are identical to an unrecorded run."""
    import gc
    import time

    from results.ssda903_record import Recorder
    from results.ssda903_tables import YearTables, child_years
    from simulation.model import CareSystem, replicate_seed
    from simulation.runner import ReplicateResult

    started = time.perf_counter()
    model = CareSystem(task.params, seed=task.seed, replicate=task.replicate)
    recorder = Recorder(model)
    gc.freeze()
    try:
        model.run_years(task.years)
    finally:
        gc.unfreeze()
    result = ReplicateResult(
        timeseries=model.indicators.monthly,
        indicators=model.indicators.yearly,
        events=model.clock.events_fired,
        wall_seconds=0.0,
    )
    start = model.calendar.start
    years = [model.calendar.dfe_year(k) for k in range(1, task.years + 1)]
    histories = list(recorder.children.values())
    model.teardown()
    writer = Writer(start, replicate_seed(task.seed, task.replicate) ^ 0x5DA903)
    children = child_years(writer, histories)
    tables = {y: YearTables(writer, y).build(children) for y in years}
    result.wall_seconds = time.perf_counter() - started
    return result, tables


def write_replicate(folder: Path, tables: dict[int, dict[str, list[dict[str, Any]]]]) -> None:
    """``folder/<year>/<table>.csv`` for each collection year (DfE's file names)."""
    for year, by_table in sorted(tables.items()):
        out = folder / str(year)
        out.mkdir(parents=True, exist_ok=True)
        for table, path in table_files(out).items():
            write_csv(path, table, by_table.get(table, []))


def write_run(
    folder: Path, tasks: Any, tables: list[dict[int, dict[str, list[dict[str, Any]]]]]
) -> None:
    """``folder/rep-<r>/<year>/`` for every replicate, and a README saying what it is."""
    folder.mkdir(parents=True, exist_ok=True)
    for task, by_year in zip(tasks, tables, strict=True):
        write_replicate(folder / f"rep-{task.replicate:03d}", by_year)
    (folder / "README.txt").write_text(
        "Synthetic SSDA903 written by carepaths from each replicate's simulated care "
        "histories (python run.py simulate --ssda903-out). No record describes a real child: "
        "CHILD is the model's own number, postcodes and Ofsted URNs are made up. The writer's "
        "conventions are in results/ssda903_out.py.\n"
    )
