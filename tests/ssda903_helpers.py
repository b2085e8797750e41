"""Small synthetic SSDA903 sets for the tests: the model's own output, written as a council's."""

from __future__ import annotations

import csv
import shutil
from functools import cache
from pathlib import Path

from calibration.resolve import resolve_params
from results.ssda903_out import record_replicate, write_replicate
from simulation.executor import Task
from simulation.scenario import load_scenario

SMALL_AREA = {"area.population_0_17": 30_000}  # about 210 children in care


@cache
def _tables(years: int, population: int, seed: int) -> dict:
    params = resolve_params(load_scenario("baseline"), "england-average", 0).with_changes(
        {"area.population_0_17": population}
    )
    _, tables = record_replicate(Task("test", params, years, seed, 0))
    return tables


def council_set(folder: Path, years: int = 2, population: int = 30_000, seed: int = 3) -> Path:
    """A council-like folder ``<year>/<table>.csv`` from one simulated replicate."""
    write_replicate(folder, _tables(years, population, seed))
    return folder


def rewrite(path: Path, edit) -> None:
    """Rewrite a CSV in place: ``edit(rows)`` changes the list of dict rows."""
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    rows = edit(rows) or rows
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def relabel_children(folder: Path, prefix: str = "QZ7") -> set[str]:
    """Give every CHILD a distinctive value (as a council's own identifiers would be)."""
    seen: set[str] = set()
    for path in folder.rglob("*.csv"):

        def edit(rows: list[dict[str, str]]) -> None:
            for r in rows:
                r["CHILD"] = f"{prefix}{r['CHILD']}K"
                seen.add(r["CHILD"])

        rewrite(path, edit)
    return seen


def copy_set(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
