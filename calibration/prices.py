"""One price base for every unit cost: uprating with a cited price index.

Unit costs in the parameter tree come from sources of different years (2013-14 to 2023-24).
``calibration/data/cost_price_years.csv`` states each cost's price period (a calendar year
``2021``, a financial year ``2023-24``, or ``price base`` for levers the council states in its
own prices and assumptions with no dated source). ``calibration/data/price_index.csv`` is the
HM Treasury GDP deflator at market prices (calendar years, 2024 = 100; see that folder's README).

    value in year Y = value in period X × index[Y] / index[X]

A financial year X/X+1 is valued at 0.75 × index[X] + 0.25 × index[X+1] (nine months fall in
calendar X; the rule the data README states, not HM Treasury's). The price base is a calendar
year of the index (``--price-year``; the default is the index's latest year). Uprating multiplies
the resolved (and, when sampled, drawn) values, so a cost assumption's whole range moves with
its central value. A cost parameter the table does not list (a plug-in's) is taken to be in the
price base and named in the manifest.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from simulation.errors import DataError
from simulation.params import SPEC, Parameters, Value

DATA_DIR = Path(__file__).parent / "data"
PRICE_INDEX = DATA_DIR / "price_index.csv"
COST_PRICE_YEARS = DATA_DIR / "cost_price_years.csv"
INDEX_COLUMNS = ("year", "index", "series", "period", "base", "source")
BASE_COLUMNS = ("path", "element", "price_period", "basis", "source")
IN_PRICE_BASE = "price base"
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


@dataclass(frozen=True)
class PriceIndex:
    """A price index by calendar year, with what it is and where it comes from."""

    values: Mapping[int, float]
    series: str
    base: str
    source: str

    @property
    def latest(self) -> int:
        return max(self.values)

    def at(self, period: str) -> float:
        """The index for a calendar year ``2021`` or a financial year ``2023-24``."""
        m = _PERIOD.match(period.strip())
        if not m:
            raise DataError(
                f"price period {period!r} is not a year: write 2021 or a financial year 2023-24"
            )
        year = int(m.group(1))
        if m.group(2) is not None:
            if int(m.group(2)) != (year + 1) % 100:
                raise DataError(f"price period {period!r}: the years must follow, e.g. 2023-24")
            return 0.75 * self._year(year, period) + 0.25 * self._year(year + 1, period)
        return self._year(year, period)

    def _year(self, year: int, period: str) -> float:
        if year not in self.values:
            first, last = min(self.values), max(self.values)
            raise DataError(
                f"{PRICE_INDEX.name} has no index for {year} (needed for {period}); "
                f"it covers {first} to {last}"
            )
        return self.values[year]

    def factor(self, period: str, price_year: int) -> float:
        """Multiply a value in ``period`` prices by this to get ``price_year`` prices."""
        return self._year(price_year, str(price_year)) / self.at(period)


@dataclass(frozen=True)
class CostBase:
    """A unit cost's price period (``element`` is the position in a list-valued cost)."""

    path: str
    element: int | None
    price_period: str
    basis: str
    source: str


def _read_rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or ())]
            if missing:
                raise DataError(
                    f"{path}: missing column(s) {', '.join(missing)}; needs {', '.join(columns)}"
                )
            return list(reader)
    except FileNotFoundError:
        raise DataError(f"{path} is missing: the price base needs it") from None
    except UnicodeDecodeError:
        raise DataError(f"{path} is not UTF-8 text") from None


@cache
def load_price_index(path: Path = PRICE_INDEX) -> PriceIndex:
    """Read and check the price index (one series, one base, a positive index per year)."""
    rows = _read_rows(path, INDEX_COLUMNS)
    values: dict[int, float] = {}
    for n, row in enumerate(rows, start=2):
        try:
            year, value = int(row["year"]), float(row["index"])
        except ValueError:
            raise DataError(
                f"{path}, row {n}: year {row['year']!r} and index {row['index']!r} must be numbers"
            ) from None
        if value <= 0 or year in values:
            raise DataError(f"{path}, row {n}: index must be positive, one row per year")
        values[year] = value
    if not values:
        raise DataError(f"{path} has no rows")
    series = {r["series"] for r in rows}
    bases = {r["base"] for r in rows}
    if len(series) != 1 or len(bases) != 1:
        raise DataError(f"{path}: one series and one base expected, got {series} / {bases}")
    return PriceIndex(values, series.pop(), bases.pop(), rows[0]["source"])


@cache
def load_cost_bases(path: Path = COST_PRICE_YEARS) -> tuple[CostBase, ...]:
    """Read the price period of every unit cost (checked against the parameter tree)."""
    Parameters.defaults()
    out = []
    for n, row in enumerate(_read_rows(path, BASE_COLUMNS), start=2):
        name = row["path"]
        if name not in SPEC:
            raise DataError(f"{path}, row {n}: unknown parameter {name!r}")
        element = int(row["element"]) if row["element"].strip() else None
        default = SPEC[name].default
        if (element is None) == isinstance(default, tuple):
            raise DataError(f"{path}, row {n}: {name} needs an element only if it is a list")
        if element is not None and not 0 <= element < len(default):  # type: ignore[arg-type]
            raise DataError(f"{path}, row {n}: {name} has no element {element}")
        period = row["price_period"].strip()
        if period != IN_PRICE_BASE and not _PERIOD.match(period):
            raise DataError(
                f"{path}, row {n}: price_period {period!r} must be a year (2021), a financial "
                f"year (2023-24) or '{IN_PRICE_BASE}'"
            )
        out.append(CostBase(name, element, period, row["basis"], row["source"]))
    return tuple(out)


_MONEY_PATH = re.compile(r"(^|[._])gbp($|_per_|_a_)")  # '..._gbp', '..._gbp_per_...'


def cost_paths() -> list[str]:
    """Every parameter that is an amount of money (its name says ``_gbp`` or ``gbp_per_``;
    an effect per GBP 100, such as a hazard ratio, is not one)."""
    Parameters.defaults()
    return sorted(p for p in SPEC if _MONEY_PATH.search(p.rsplit(".", 1)[-1]))


def check_price_year(price_year: int | None, index: PriceIndex | None = None) -> int:
    """``price_year`` (or the index's latest year) if the index has it; else a clear error."""
    index = index or load_price_index()
    year = index.latest if price_year is None else price_year
    if year not in index.values:
        raise DataError(
            f"--price-year {year} is not in {PRICE_INDEX.name} ({index.series}); "
            f"use a year from {min(index.values)} to {index.latest}"
        )
    return year


def _scaled(value: Value, element: int | None, factor: float) -> Value:
    if element is None:
        return float(value) * factor  # type: ignore[arg-type]
    items = list(value)  # type: ignore[arg-type]
    items[element] = float(items[element]) * factor
    return tuple(items)


def uprated_changes(
    params: Parameters, price_year: int, index: PriceIndex | None = None
) -> dict[str, Value]:
    """Parameter changes that put every dated unit cost into ``price_year`` prices."""
    index = index or load_price_index()
    check_price_year(price_year, index)
    out: dict[str, Value] = {}
    for base in load_cost_bases():
        if base.price_period == IN_PRICE_BASE:
            continue
        current: Value = out[base.path] if base.path in out else params[base.path]
        out[base.path] = _scaled(current, base.element, index.factor(base.price_period, price_year))
    return out


def uprate(params: Parameters, price_year: int, index: PriceIndex | None = None) -> Parameters:
    """``params`` in ``price_year`` prices (dated changes of a cost uprated too)."""
    index = index or load_price_index()
    changes = uprated_changes(params, price_year, index)
    if not params.dated:
        return params.with_changes(changes)
    from simulation.params import DatedChange

    bases = [b for b in load_cost_bases() if b.price_period != IN_PRICE_BASE]
    dated = []
    for d in params.dated:
        value = d.value
        for b in bases:
            if b.path == d.path:
                value = _scaled(value, b.element, index.factor(b.price_period, price_year))
        dated.append(DatedChange(d.day, d.path, value))
    return Parameters(params.values, ()).with_changes(changes, dated)


def price_base_text(price_year: int, index: PriceIndex | None = None) -> str:
    """'2024 prices (HM Treasury GDP deflator at market prices, 2024 = 100)'."""
    index = index or load_price_index()
    return (
        f"{price_year} prices, HM Treasury GDP deflator at market prices ({index.base})"
        if (index.series == "uk_gdp_deflator_market_prices")
        else f"{price_year} prices, {_series_name(index)} ({index.base})"
    )


def _series_name(index: PriceIndex) -> str:
    if index.series == "uk_gdp_deflator_market_prices":
        return "HM Treasury GDP deflator at market prices"
    return index.series.replace("_", " ")


def manifest_entry(price_year: int, index: PriceIndex | None = None) -> dict[str, Any]:
    """The manifest's record of the price base and every cost's period and factor."""
    index = index or load_price_index()
    listed = {b.path for b in load_cost_bases()}
    return {
        "price_year": price_year,
        "text": price_base_text(price_year, index),
        "index": _series_name(index),
        "index_base": index.base,
        "index_source": index.source,
        "costs": [
            {
                "path": b.path,
                "element": b.element,
                "price_period": b.price_period,
                "factor": 1.0
                if b.price_period == IN_PRICE_BASE
                else round(index.factor(b.price_period, price_year), 6),
            }
            for b in load_cost_bases()
        ],
        "not_listed_taken_as_price_base": [p for p in cost_paths() if p not in listed],
    }
