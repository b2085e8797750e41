"""Read a council's SSDA903 return: yearly CSV tables, as the return software exports them or as
Social Finance's ``liiatools`` normalises them, and check what the model needs.

Layouts recognised (any mix, searched recursively under the folder):

- the return's export: one folder or file name per collection year (``2024/episodes.csv``,
  ``SSDA903_2023-24_episodes.csv``; a year is the one ending 31 March, ``2023-24`` is 2024),
  tables recognised by their exact columns (as DfE's validator does), dates ``DD/MM/YYYY``;
- liiatools' cleaned or merged files: the same columns plus ``LA`` and ``YEAR`` (the collection
  year of each row), ISO dates, dates of birth degraded to the first of the month.

Checks of our own (each finding names the file, the CSV line and the DfE rule it matches):
a missing column, an invalid code in a field the model reads (RNE 143, LS 144, CIN 145, PLACE
146, REC 149, PLACE_PROVIDER 178), an invalid date (102, 141, 147), an episode that ends before
it starts (356), overlapping episodes (501), a child in two placements at once (two open
episodes, 142), an episode outside the file's collection year (354, 385) and a child in
Episodes with no Header row (INT03). These refuse the set (:class:`SSDA903Error`, exit 2);
other oddities are warnings. DfE's own validator adds its findings when its environment can
be made (:mod:`calibration.ssda903.validator`).

What comes out is keyed by an internal child number: the CHILD values are used only to link
the tables while reading and are kept nowhere.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path

from calibration.ssda903 import codes
from simulation.errors import DataError

MAX_SHOWN = 20  # findings listed in one message (the rest are counted)


@dataclass(frozen=True)
class Finding:
    """One problem: where (file, CSV line: the header is line 1), which rule, what."""

    file: str
    line: int | None
    rule: str
    message: str
    severe: bool = True

    def __str__(self) -> str:
        where = f"{self.file}" + (f", line {self.line}" if self.line else "")
        return f"{where}: rule {self.rule}: {self.message}"


class SSDA903Error(DataError):
    """An SSDA903 set the model cannot use; the message lists the findings."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        shown = "\n  ".join(str(f) for f in findings[:MAX_SHOWN])
        more = len(findings) - MAX_SHOWN
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(
            f"the SSDA903 files cannot be used ({len(findings)} problem(s)):\n  {shown}{tail}"
        )


@dataclass
class Table:
    name: str
    path: Path
    liia: bool
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    years: list[int] = field(default_factory=list)  # collection year of each row


@dataclass
class Episode:
    decom: date
    dec: date | None
    rne: str
    ls: str
    cin: str
    place: str
    provider: str
    rec: str
    reason: str
    year: int  # the return it was read from


@dataclass
class ChildRecord:
    """A child, by internal number: what the estimation needs and nothing that identifies."""

    dob: date
    female: bool
    uasc: bool
    episodes: list[Episode] = field(default_factory=list)
    sdq: dict[int, int] = field(default_factory=dict)  # collection year -> SDQ score
    sw: list[tuple[date, date | None, str, int]] = field(default_factory=list)


@dataclass
class SSDA903Data:
    """A council's SSDA903 episodes, by child, with the years read and any warnings."""

    children: list[ChildRecord]
    years: list[int]
    files: list[Path]
    warnings: list[Finding]
    liia: bool


# ----------------------------------------------------------------------------- reading files
_YEAR_RANGE = re.compile(r"(20\d\d)\s*[-_/]?\s*(\d\d)(?!\d)")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def path_year(path: Path, root: Path) -> int | None:
    """The collection year in a file's path below ``root`` (innermost first): ``2023-24``,
    ``202324`` or ``2024`` (the year ending 31 March)."""
    parts = list(path.relative_to(root).parts)
    for part in reversed(parts):
        m = _YEAR_RANGE.search(part)
        if m and int(m.group(2)) == (int(m.group(1)) + 1) % 100:
            return int(m.group(1)) + 1
        m = _YEAR.search(part)
        if m:
            return int(m.group(1))
    return None


def _match_table(columns: list[str]) -> tuple[str | None, bool, list[str]]:
    """(table, liiatools form, missing columns) for a header row."""
    have = {c.strip().upper() for c in columns}
    for name, cols in codes.TABLES.items():
        if have == set(cols):
            return name, False, []
        if have == set(cols) | set(codes.LIIA_EXTRA):
            return name, True, []
    best, overlap = None, 0
    for name, cols in codes.TABLES.items():
        n = len(have & set(cols))
        if n > overlap:
            best, overlap = name, n
    if best is None or overlap < 3:
        return None, False, []
    missing = [c for c in codes.TABLES[best] if c not in have]
    return best, bool(have & set(codes.LIIA_EXTRA)), missing


def read_tables(folder: Path) -> tuple[list[Table], list[Finding]]:
    """Every SSDA903 table under ``folder``; findings for files that cannot be read."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"--ssda903 {folder}: not a folder (give the folder of the CSV files)")
    findings: list[Finding] = []
    tables: list[Table] = []
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".csv")
    if not paths:
        raise DataError(f"--ssda903 {folder}: no CSV files found")
    for path in paths:
        rel = str(path.relative_to(folder))
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.reader(fh)
                header = next(reader, [])
                name, liia, missing = _match_table(header)
                if name is None:
                    findings.append(Finding(rel, 1, "columns", "not an SSDA903 table", False))
                    continue
                if missing:
                    allowed = ", ".join(codes.TABLES[name])
                    findings.append(
                        Finding(
                            rel,
                            1,
                            "columns",
                            f"{name} table without column(s) {', '.join(missing)} "
                            f"(an SSDA903 {name} table has exactly: {allowed})",
                        )
                    )
                    continue
                table = _read_rows(path, rel, folder, name, liia, header, reader, findings)
                if table is not None:
                    tables.append(table)
        except UnicodeDecodeError:
            findings.append(Finding(rel, None, "encoding", "not UTF-8 text; save it as UTF-8 CSV"))
    return tables, findings


def _read_rows(
    path: Path,
    rel: str,
    root: Path,
    name: str,
    liia: bool,
    header: list[str],
    reader: object,
    findings: list[Finding],
) -> Table | None:
    cols = [c.strip().upper() for c in header]
    table = Table(name, path, liia)
    year = path_year(path, root)
    for line, values in enumerate(reader, start=2):  # type: ignore[arg-type]
        if not any(v.strip() for v in values):
            continue
        row = {c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(cols)}
        row_year = year
        if liia and row.get("YEAR"):
            try:
                row_year = int(float(row["YEAR"]))
            except ValueError:
                findings.append(Finding(rel, line, "YEAR", f"YEAR {row['YEAR']!r} is not a year"))
                continue
        if row_year is None:
            findings.append(
                Finding(
                    rel,
                    None,
                    "year",
                    "cannot tell which collection year this file holds: put each year's "
                    "files in a folder named by the year ending 31 March (e.g. 2024/) or "
                    "name the file with it (e.g. episodes_2023-24.csv)",
                )
            )
            return None
        table.rows.append(row)
        table.lines.append(line)
        table.years.append(row_year)
    return table


def _rel(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)


def parse_date(text: str) -> date | None:
    """DD/MM/YYYY (the return) or YYYY-MM-DD (liiatools); None when blank; ValueError when
    neither."""
    text = text.strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


# ----------------------------------------------------------------------------- checking
def read_ssda903(folder: Path) -> SSDA903Data:
    """Read and check a folder of SSDA903 files; raise :class:`SSDA903Error` if the model
    cannot use them (nothing is written by this function)."""
    folder = Path(folder)
    tables, findings = read_tables(folder)
    by_name: dict[str, list[Table]] = defaultdict(list)
    for t in tables:
        by_name[t.name].append(t)
    for needed in ("Header", "Episodes"):
        if not by_name.get(needed):
            findings.append(
                Finding(
                    str(folder),
                    None,
                    "tables",
                    f"no {needed} table found (columns: {', '.join(codes.TABLES[needed])})",
                )
            )
    severe = [f for f in findings if f.severe]
    if severe:
        raise SSDA903Error(severe)
    children, more = _link(folder, by_name)
    findings += more
    severe = [f for f in findings if f.severe]
    if severe:
        raise SSDA903Error(severe)
    years = sorted({y for t in tables for y in t.years})
    return SSDA903Data(
        children=children,
        years=years,
        files=[t.path for t in tables],
        warnings=[f for f in findings if not f.severe],
        liia=any(t.liia for t in tables),
    )


def _code(
    findings: list[Finding],
    rel: str,
    line: int,
    field_name: str,
    value: str,
    allowed: frozenset[str],
    rule: str,
    blank_ok: bool = False,
    severe: bool = True,
) -> str:
    value = value.strip().upper()
    if not value and blank_ok:
        return ""
    if value not in allowed:
        shown = ", ".join(sorted(allowed))
        findings.append(
            Finding(
                rel, line, rule, f"{field_name} {value!r} is not a valid code ({shown})", severe
            )
        )
    return value


def _date(
    findings: list[Finding],
    rel: str,
    line: int,
    field_name: str,
    value: str,
    rule: str,
    blank_ok: bool = False,
) -> date | None:
    try:
        d = parse_date(value)
    except ValueError:
        findings.append(
            Finding(rel, line, rule, f"{field_name} {value!r} is not a date (DD/MM/YYYY)")
        )
        return None
    if d is None and not blank_ok:
        findings.append(Finding(rel, line, rule, f"{field_name} is blank"))
    return d


def _link(folder: Path, by_name: dict[str, list[Table]]) -> tuple[list[ChildRecord], list[Finding]]:
    """Join the tables by CHILD, check each child's episodes, return records by number."""
    findings: list[Finding] = []
    index: dict[str, int] = {}
    records: list[ChildRecord] = []
    uasc_ids = {row.get("CHILD", "") for t in by_name.get("UASC", []) for row in t.rows}
    for t in by_name["Header"]:
        rel = _rel(t.path, folder)
        for row, line in zip(t.rows, t.lines, strict=True):
            child = row.get("CHILD", "")
            dob = _date(findings, rel, line, "DOB", row.get("DOB", ""), "102")
            if dob is None or not child:
                continue
            sex = row.get("SEX", "").upper()
            rec = ChildRecord(dob, sex in ("2", "F"), child in uasc_ids)
            if child in index:
                continue  # the same child in another year's header
            index[child] = len(records)
            records.append(rec)
    episodes: dict[int, list[tuple[Episode, str, int]]] = defaultdict(list)
    for t in by_name["Episodes"]:
        rel = _rel(t.path, folder)
        for row, line, year in zip(t.rows, t.lines, t.years, strict=True):
            k = index.get(row.get("CHILD", ""))
            if k is None:
                findings.append(
                    Finding(rel, line, "INT03", "child in Episodes has no row in Header")
                )
                continue
            ep = _episode(findings, rel, line, year, row)
            if ep is not None:
                episodes[k].append((ep, rel, line))
    for k, eps in episodes.items():
        records[k].episodes = _check_child(findings, eps)
    for t in by_name.get("OC2", []):
        for row, year in zip(t.rows, t.years, strict=True):
            k = index.get(row.get("CHILD", ""))
            score = row.get("SDQ_SCORE", "").strip()
            if k is not None and score.isdigit() and int(score) <= 40:
                records[k].sdq[year] = int(score)
    for t in by_name.get("SWEpisodes", []):
        rel = _rel(t.path, folder)
        for row, line in zip(t.rows, t.lines, strict=True):
            k = index.get(row.get("CHILD", ""))
            if k is None:
                continue
            start = _date(findings, rel, line, "SW_DECOM", row.get("SW_DECOM", ""), "SW01")
            end = _date(findings, rel, line, "SW_DEC", row.get("SW_DEC", ""), "SW01", True)
            if start is not None:
                worker = hash(row.get("SW_ID", "")) & 0x7FFFFFFF  # linkage only, not kept
                records[k].sw.append((start, end, row.get("SW_REASON", "").upper(), worker))
    for rec in records:
        rec.sw = sorted(set(rec.sw), key=lambda s: s[0])
    return [r for r in records if r.episodes], findings


def _episode(
    findings: list[Finding], rel: str, line: int, year: int, row: dict[str, str]
) -> Episode | None:
    n = len(findings)
    decom = _date(findings, rel, line, "DECOM", row.get("DECOM", ""), "141")
    dec = _date(findings, rel, line, "DEC", row.get("DEC", ""), "147", blank_ok=True)
    rne = _code(findings, rel, line, "RNE", row.get("RNE", ""), codes.RNE, "143")
    ls = _code(findings, rel, line, "LS", row.get("LS", ""), codes.LS, "144")
    cin = _code(findings, rel, line, "CIN", row.get("CIN", ""), codes.CIN, "145")
    place = _code(findings, rel, line, "PLACE", row.get("PLACE", ""), codes.ALL_PLACE, "146")
    provider = _code(
        findings,
        rel,
        line,
        "PLACE_PROVIDER",
        row.get("PLACE_PROVIDER", ""),
        codes.PLACE_PROVIDER,
        "178",
        blank_ok=True,
    )
    rec = _code(findings, rel, line, "REC", row.get("REC", ""), codes.REC, "149", blank_ok=True)
    reason = _code(
        findings,
        rel,
        line,
        "REASON_PLACE_CHANGE",
        row.get("REASON_PLACE_CHANGE", ""),
        codes.REASON_PLACE_CHANGE,
        "1009",
        blank_ok=True,
        severe=False,
    )
    if len([f for f in findings[n:] if f.severe]) or decom is None:
        return None
    if dec is not None and dec < decom:
        findings.append(
            Finding(rel, line, "356", f"DEC {dec:%d/%m/%Y} is before DECOM {decom:%d/%m/%Y}")
        )
        return None
    first, last = date(year - 1, 4, 1), date(year, 3, 31)
    if decom > last or (dec is not None and dec > last):
        which = "DECOM" if decom > last else "DEC"
        findings.append(
            Finding(
                rel,
                line,
                "354" if which == "DECOM" else "385",
                f"{which} is after 31/03/{year}, the end of the file's collection year "
                f"{year - 1}-{year % 100:02d}: is this the right year's file?",
            )
        )
        return None
    if dec is not None and dec < first:
        findings.append(
            Finding(
                rel,
                line,
                "year",
                f"episode ended {dec:%d/%m/%Y}, before the file's collection year "
                f"{year - 1}-{year % 100:02d} began: is this the right year's file?",
            )
        )
        return None
    if rec and dec is None:
        findings.append(Finding(rel, line, "147", "REC given but DEC is blank", False))
    return Episode(decom, dec, rne, ls, cin, place, provider, rec if dec else "", reason, year)


def _check_child(findings: list[Finding], eps: list[tuple[Episode, str, int]]) -> list[Episode]:
    """One child's episodes over all years: the latest return's version of each (an episode
    open at 31 March appears again the next year), in order, with overlaps refused."""
    latest: dict[date, tuple[Episode, str, int]] = {}
    for item in eps:
        ep = item[0]
        kept = latest.get(ep.decom)
        if kept is None or ep.year > kept[0].year:
            latest[ep.decom] = item
        elif ep.year == kept[0].year:
            findings.append(
                Finding(
                    item[1],
                    item[2],
                    "501",
                    f"a second episode starting {ep.decom:%d/%m/%Y} for the same child "
                    f"(line {kept[2]} starts the same day)",
                )
            )
    ordered = sorted(latest.values(), key=lambda x: x[0].decom)
    for (a, _, la), (b, rel, lb) in pairwise(ordered):
        if a.dec is None:
            findings.append(
                Finding(
                    rel,
                    lb,
                    "142",
                    f"a new episode starts {b.decom:%d/%m/%Y} while the episode on line "
                    f"{la} has not ended: the child would be in two placements at once",
                )
            )
        elif b.decom < a.dec:
            findings.append(
                Finding(
                    rel,
                    lb,
                    "501",
                    f"episode starts {b.decom:%d/%m/%Y}, before the previous episode "
                    f"(line {la}) ends on {a.dec:%d/%m/%Y}: episodes overlap",
                )
            )
    return [e for e, _, _ in ordered]


def from_tables(tables: dict[int, dict[str, list[dict[str, str]]]]) -> SSDA903Data:
    """The same reading and checks for tables held in memory (the model's synthetic SSDA903,
    by collection year and table name), so simulated and observed sets are measured alike."""
    by_name: dict[str, list[Table]] = defaultdict(list)
    for year, by_table in sorted(tables.items()):
        for name, rows in by_table.items():
            t = Table(name, Path(f"{year}/{codes.FILE_NAMES[name]}"), False)
            t.rows = [{k: str(v) for k, v in r.items()} for r in rows]
            t.lines = list(range(2, len(rows) + 2))
            t.years = [year] * len(rows)
            by_name[name].append(t)
    children, findings = _link(Path("."), by_name)
    severe = [f for f in findings if f.severe]
    if severe:
        raise SSDA903Error(severe)
    return SSDA903Data(children, sorted(tables), [], findings, False)
