"""Read the official tables in ``calibration/data``, validated before use.

Every reader checks its file first: present, UTF-8 (gzip for the LA table), with the columns
the code reads, a whole-number ``year`` and a ``value`` that is a number or blank on every
row. A problem is one :class:`~simulation.errors.DataError` naming the file, the row or
column and what is allowed; nothing downstream sees a half-read table.

The LA table holds 2010–2018 for every local authority and 2019–2024 for 128 of the 158; for
30 the later rows are held back by the data's publisher for an independent test of forecasts
(``calibration/data/README.md``); :attr:`LocalAuthority.held_back` says which.

**No look-ahead.** A back-test from year Y runs inside :func:`data_up_to` (Y): every read of
an area-year goes through :func:`read_year`, which refuses a year after Y, and
:func:`visible_years` hides later years from searches such as "the nearest year with a rate".
:func:`record_reads` lists every area-year read (the no-look-ahead test uses it).
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from simulation.errors import DataError

DATA_DIR = Path(__file__).parent / "data"
ENGLAND_FILE = DATA_DIR / "england_targets.csv"
NATIONAL_FILE = DATA_DIR / "national_targets.csv"
LA_FILE = DATA_DIR / "la_targets_2010_2024.csv.gz"
PUBLISHED_FILE = DATA_DIR / "published_figures.csv"

Key = tuple[str, str, str]  # (measure, breakdown, harmonised category)
SUPPRESSED_IMPUTE = 3.0  # DfE suppresses LA counts of 1–5: imputed as the middle
HELD_BACK_FROM = 2019  # the first year held back for the 30 authorities without later rows

TABLE_COLUMNS = ("year", "measure", "breakdown", "category", "value")
ENGLAND_COLUMNS = TABLE_COLUMNS
NATIONAL_COLUMNS = (*TABLE_COLUMNS, "is_latest")
LA_COLUMNS = (*TABLE_COLUMNS, "old_la_code", "la_code", "la_name", "harmonised_category", "note")
PUBLISHED_COLUMNS = ("key", "year", "value")


def number(text: str) -> float | None:
    """A published value: a float, or None when blank, NA or NaN."""
    if text.strip() in ("", "NA", "nan", "NaN"):
        return None
    return float(text)


def _lenient(text: str) -> float | None:
    try:
        return number(text)
    except ValueError:
        return None


def read_rows(
    path: Path,
    required: Sequence[str],
    numeric: Sequence[str] = (),
    whole: Sequence[str] = ("year",),
) -> list[dict]:
    """Every row of a CSV (``.gz`` decompressed) after checking it as the module says.

    ``numeric`` columns must hold a number or be blank on every row, ``whole`` columns a
    whole number."""
    if not path.exists():
        raise DataError(f"{path} is missing; copy it from the shared data folder")
    try:
        rows = list(_dict_rows(path))
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except (OSError, EOFError, zlib.error, csv.Error) as exc:
        raise DataError(f"{path}: cannot be read as CSV ({exc})") from None
    if not rows:
        raise DataError(f"{path}: no rows (needs the columns {', '.join(required)})")
    missing = [c for c in required if c not in rows[0]]
    if missing:
        raise DataError(
            f"{path}: missing column {', '.join(repr(c) for c in missing)} "
            f"(the file needs {', '.join(required)})"
        )
    for line, row in enumerate(rows, start=2):
        _check_row(path, line, row, required, numeric, whole)
    return rows


def _dict_rows(path: Path) -> Iterator[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _check_row(
    path: Path,
    line: int,
    row: dict,
    required: Sequence[str],
    numeric: Sequence[str],
    whole: Sequence[str],
) -> None:
    if None in row or any(row.get(c) is None for c in required):
        raise DataError(f"{path}, row {line}: wrong number of fields")
    for column in whole:
        if not row[column].strip().isdigit():
            raise DataError(f"{path}, row {line}: {column} {row[column]!r} is not a whole number")
    for column in numeric:
        try:
            number(row[column])
        except ValueError:
            raise DataError(
                f"{path}, row {line}: {column} {row[column]!r} is not a number (or blank)"
            ) from None


# ----------------------------------------------------------------------------- no look-ahead

_CUTOFF: ContextVar[int | None] = ContextVar("data_cutoff", default=None)
_READS: ContextVar[list[tuple[str, int]] | None] = ContextVar("data_reads", default=None)


class LookAheadError(DataError):
    """A read of a year after the back-test's origin."""


@contextlib.contextmanager
def data_up_to(year: int) -> Iterator[None]:
    """Inside the block, no area-year after ``year`` can be read."""
    token = _CUTOFF.set(year)
    try:
        yield
    finally:
        _CUTOFF.reset(token)


def data_cutoff() -> int | None:
    """The last readable year (None: every year)."""
    return _CUTOFF.get()


@contextlib.contextmanager
def record_reads() -> Iterator[list[tuple[str, int]]]:
    """Collect (area, year) of every read inside the block."""
    log: list[tuple[str, int]] = []
    token = _READS.set(log)
    try:
        yield log
    finally:
        _READS.reset(token)


def read_year(area: str, year: int) -> None:
    """Note a read of ``area`` in ``year``; refuse it after the cutoff."""
    log = _READS.get()
    if log is not None:
        log.append((area, year))
    cutoff = _CUTOFF.get()
    if cutoff is not None and year > cutoff:
        raise LookAheadError(
            f"{area} {year} is after {cutoff}, the last year this back-test may read"
        )


def visible_years(years: Iterable[int]) -> list[int]:
    """``years`` up to the cutoff, in order."""
    cutoff = _CUTOFF.get()
    return sorted(y for y in years if cutoff is None or y <= cutoff)


# ----------------------------------------------------------------------------- the tables


@cache
def england_rows() -> dict[int, dict[Key, float]]:
    """England's compact table: year -> (measure, breakdown, category) -> value."""
    out: dict[int, dict[Key, float]] = defaultdict(dict)
    for row in read_rows(ENGLAND_FILE, ENGLAND_COLUMNS, numeric=("value",)):
        value = number(row["value"])
        if value is not None:
            out[int(row["year"])][(row["measure"], row["breakdown"], row["category"])] = value
    return dict(out)


@cache
def national_rows() -> dict[int, dict[Key, float]]:
    """Latest-vintage national rows keyed by DfE's own category label."""
    out: dict[int, dict[Key, float]] = defaultdict(dict)
    for row in read_rows(NATIONAL_FILE, NATIONAL_COLUMNS):
        value = _lenient(row["value"])  # the full table also holds ratios such as '3:2'
        if row["is_latest"] == "1" and value is not None:
            out[int(row["year"])][(row["measure"], row["breakdown"], row["category"])] = value
    return dict(out)


@dataclass(frozen=True)
class LocalAuthority:
    """One authority's rows: values and suppressed-cell counts by year."""

    code: str
    name: str
    years: dict[int, dict[Key, float]]
    suppressed: dict[int, dict[Key, int]]
    gss: str = ""  # ONS code (E06 unitary, E08 metropolitan, E09 London, E10 county)

    @property
    def last_year(self) -> int:
        return max(self.years)

    @property
    def held_back(self) -> bool:
        """True for the 30 authorities whose rows after 2018 are held back."""
        return self.last_year < HELD_BACK_FROM


@cache
def la_table() -> dict[str, LocalAuthority]:
    """Every local authority in the LA table, by DfE 3-digit code."""
    names: dict[str, str] = {}
    gss: dict[str, str] = {}
    sums: dict[str, dict[int, dict[Key, float]]] = defaultdict(lambda: defaultdict(dict))
    hidden: dict[str, dict[int, dict[Key, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in read_rows(LA_FILE, LA_COLUMNS, numeric=("value",)):
        code = row["old_la_code"].strip()
        names[code] = row["la_name"]
        gss.setdefault(code, row["la_code"].strip())
        value = number(row["value"])
        cat = row["harmonised_category"] or row["category"]
        key = (row["measure"], row["breakdown"], cat)
        if value is None:  # suppressed (1–5 children): impute the middle, widen tolerance
            if "suppressed" not in row["note"]:
                continue
            value = SUPPRESSED_IMPUTE
            h = hidden[code][int(row["year"])]
            h[key] = h.get(key, 0) + 1
        year = sums[code][int(row["year"])]
        year[key] = year.get(key, 0.0) + value
    return {
        code: LocalAuthority(
            code,
            names[code],
            {y: dict(v) for y, v in sums[code].items()},
            {y: dict(v) for y, v in hidden[code].items()},
            gss[code],
        )
        for code in names
    }


def la_codes() -> list[tuple[str, str]]:
    """(code, name) of every local authority in the LA table."""
    return sorted((la.code, la.name) for la in la_table().values())


@cache
def published_rows() -> list[dict[str, str]]:
    """published_figures.csv rows, each with its line number in the file as ``row``."""
    rows = read_rows(PUBLISHED_FILE, PUBLISHED_COLUMNS, whole=())  # years such as '2022-23'
    return [dict(r, row=str(i + 2)) for i, r in enumerate(rows)]


def published_value(row: dict[str, str]) -> float:
    """The value of a published_figures.csv row as a number; a clear error if it is not."""
    try:
        return float(row["value"])
    except ValueError:
        raise DataError(
            f"{PUBLISHED_FILE}, row {row['row']}: value {row['value']!r} of {row['key']!r} "
            "is not a number"
        ) from None
