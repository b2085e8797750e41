"""What kind of study would settle an assumption, from the evidence the project holds.

``calibration/data/assumption_evidence.csv`` links an assumption to the rows of
``calibration/data/lever_evidence.csv`` about the same mechanism (by lever and mechanism name),
says what quantity a study would have to measure, and what kind of quantity it is: an
``effect`` (causal: settled by a trial or a comparison-group study), a ``cost`` (settled by a
costing study) or a ``rate`` (settled by England's administrative data followed over time).
The rows' designs are ranked:

    3  randomised or experimental trials, and meta-analyses of them
    2  comparison-group designs (quasi-experimental, matched, cohort with a comparison)
    1  evaluations without a stated comparison: before-after, programme monitoring, pilots
    0  descriptive figures: surveys, statistics, cost estimates, FOI answers

and the sentence names the best design found in England and anywhere, and the study that would
go beyond it (for an effect: an England trial where only overseas or weaker designs exist, a
larger trial where an England trial exists). An assumption with no linked rows says so. Ties
between rows of one level go to the stronger tier (official, evaluation, research before
secondary and intl), then the later year.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from simulation.errors import DataError

DATA_DIR = Path(__file__).resolve().parent.parent / "calibration" / "data"
LINKS = DATA_DIR / "assumption_evidence.csv"
EVIDENCE = DATA_DIR / "lever_evidence.csv"
KINDS = ("effect", "cost", "rate")
TIER_RANK = {"official": 2, "evaluation": 2, "research": 2, "secondary": 1, "intl": 0}
NOT_ENGLAND = ("Wales", "Scottish", "Scotland", "Northern Ireland")
LEVELS = {
    3: "a trial",
    2: "a comparison-group study",
    1: "an evaluation without a stated comparison",
    0: "descriptive figures",
}


@dataclass(frozen=True)
class Evidence:
    """One lever_evidence row, as far as the ranking needs it."""

    lever: str
    mechanism: str
    design: str
    year: str
    tier: str
    population: str

    @property
    def level(self) -> int:
        return design_level(self.design)

    @property
    def in_england(self) -> bool:
        return self.tier != "intl" and not any(w in self.population for w in NOT_ENGLAND)

    def describe(self) -> str:
        return f"{self.design}, {self.year}; {self.population}"


@dataclass(frozen=True)
class StudyNeeded:
    """What would settle one assumption."""

    path: str
    kind: str
    quantity: str
    best_england: Evidence | None
    best_anywhere: Evidence | None
    sentence: str


def design_level(design: str) -> int:
    """3 trial, 2 comparison group, 1 evaluation without comparison, 0 descriptive."""
    d = design.lower()
    if "quasi-experimental" in d or "comparison group" in d or "propensity" in d:
        return 2
    if "rct" in d or "randomised" in d or "experimental" in d or "meta-analysis" in d:
        return 3
    if d.startswith("cohort"):
        return 2
    if any(w in d for w in ("before-after", "evaluation", "programme monitoring", "pilot")):
        return 1
    return 0


@cache
def _evidence() -> tuple[Evidence, ...]:
    try:
        with EVIDENCE.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        raise DataError(f"{EVIDENCE} is missing") from None
    return tuple(
        Evidence(r["lever"], r["mechanism"], r["design"], r["year"], r["tier"], r["population"])
        for r in rows
    )


@cache
def links() -> dict[str, tuple[str, str, tuple[str, ...], str]]:
    """path -> (kind, lever, mechanisms, quantity), checked against lever_evidence.csv."""
    try:
        with LINKS.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        raise DataError(f"{LINKS} is missing") from None
    known = {(e.lever, e.mechanism) for e in _evidence()}
    out: dict[str, tuple[str, str, tuple[str, ...], str]] = {}
    for n, row in enumerate(rows, start=2):
        if row["kind"] not in KINDS:
            raise DataError(f"{LINKS}, row {n}: kind {row['kind']!r} is not one of {KINDS}")
        mechanisms = tuple(m.strip() for m in row["mechanisms"].split(";") if m.strip())
        for m in mechanisms:
            if (row["lever"], m) not in known:
                raise DataError(
                    f"{LINKS}, row {n}: no lever_evidence row for lever {row['lever']!r}, "
                    f"mechanism {m!r}"
                )
        out[row["path"]] = (row["kind"], row["lever"], mechanisms, row["quantity"])
    return out


def _best(rows: list[Evidence]) -> Evidence | None:
    return max(rows, key=lambda e: (e.level, TIER_RANK.get(e.tier, 0), e.year), default=None)


def study_needed(path: str, quantity_if_unlinked: str = "") -> StudyNeeded:
    """The best evidence held for ``path`` and the study that would settle it."""
    link = links().get(path)
    if link is None:
        quantity = quantity_if_unlinked or path
        return StudyNeeded(
            path,
            "effect",
            quantity,
            None,
            None,
            f"No study of it is in lever_evidence.csv: a comparison-group study in England (a "
            f"trial, or a matched quasi-experimental design) measuring {quantity}.",
        )
    kind, lever, mechanisms, quantity = link
    rows = [e for e in _evidence() if e.lever == lever and e.mechanism in mechanisms]
    england = _best([e for e in rows if e.in_england])
    anywhere = _best(rows)
    sentence = _sentence(kind, quantity, england, anywhere)
    return StudyNeeded(path, kind, quantity, england, anywhere, sentence)


def _sentence(kind: str, quantity: str, england: Evidence | None, anywhere: Evidence | None) -> str:
    held = (
        f"the best figure held is {LEVELS[england.level]} ({england.describe()})"
        if england is not None
        else "no England figure is held"
    )
    if kind == "cost":
        return (
            f"A cost, not an effect: {held}; a costing study in England (councils' own "
            f"accounts, by the PSSRU unit-cost method) of {quantity} would settle it."
        )
    if kind == "rate":
        return (
            f"A rate, not an effect: {held}; England's administrative data followed over time "
            f"(a cohort) measuring {quantity} would settle it."
        )
    if england is not None and england.level == 3:
        return (
            f"An England trial exists ({england.describe()}): a larger or pooled trial "
            f"measuring {quantity} would narrow the range."
        )
    here = (
        f"the best in England is {LEVELS[england.level]} ({england.describe()})"
        if england is not None
        else "nothing in England"
    )
    if anywhere is not None and anywhere.level == 3:
        return (
            f"Trials only outside England ({anywhere.describe()}) and {here}: a randomised "
            f"trial in England measuring {quantity} would settle it."
        )
    return (
        f"No trial found; {here}: a randomised trial, or a matched comparison-group study, "
        f"in England measuring {quantity} would settle it."
    )
