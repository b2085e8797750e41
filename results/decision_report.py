"""The report's decision summary: what each scenario costs, what it changes, how sure, and
which evidence would change the answer.

Built from the run folder (``indicators.csv`` for the paired replicates, ``evppi.csv`` when the
assumptions were sampled, the manifest for the mode, price base and value per outcome) as plain
words; the page's template escapes them. The words come from :mod:`results.decision_text`, so
the report and the console say the same thing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from results.decision import (
    DECISION_OUTCOMES,
    GREEN_BOOK_RATE,
    PRIMARY_OUTCOME,
    IndicatorRow,
    summarise_decision,
)
from results.decision_text import SINGULAR, money, summary_lines
from results.evidence_needed import study_needed
from results.evppi import SIGNIFICANCE
from simulation.params import SPEC, Parameters

TOP_EVIDENCE = 3


@dataclass(frozen=True)
class EvidenceLine:
    """One assumption whose perfect knowledge is worth most, and the study that would settle it."""

    assumption: str
    what: str
    value: str  # EVPPI in words
    study: str


@dataclass(frozen=True)
class DecisionBlock:
    """One scenario's decision summary for the page."""

    title: str
    sentences: list[str]
    cost_rows: list[tuple[str, str, str]]
    evidence: list[EvidenceLine] = field(default_factory=list)
    evidence_note: str = ""


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _indicator_rows(folder: Path) -> list[IndicatorRow]:
    return [
        (r["scenario"], int(r["replicate"]), int(r["year"]), r["indicator"], float(r["value"]))
        for r in _rows(folder / "indicators.csv")
    ]


def mode_sentence(manifest: dict[str, Any]) -> str:
    """How the intervals were made: which uncertainty they carry."""
    mode = (manifest.get("assumptions") or {}).get("mode", "central")
    if manifest.get("command") == "sensitivity":
        return (
            "The central comparison holds every assumption at its central value; the "
            "sensitivity analysis varies them as its method says."
        )
    if mode == "sampled":
        return (
            "Intervals carry chance, the calibration ensemble and every assumption's range: "
            "each replicate drew each assumption from its low–central–high range (beta-PERT), "
            "the same draw in every scenario."
        )
    return (
        "Assumptions were held at their central values (--assumptions central): the "
        "intervals show chance and the calibration ensemble only, not what the assumptions' "
        "ranges allow."
    )


def _what(path: str) -> str:
    Parameters.defaults()
    spec = SPEC.get(path)
    return spec.unit if spec is not None else path


def evidence_lines(folder: Path, scenario: str) -> tuple[list[EvidenceLine], str]:
    """The top EVPPI assumptions of ``scenario`` (those above the noise floor) with the study
    that would settle each, and a sentence introducing them."""
    rows = [r for r in _rows(folder / "evppi.csv") if r["scenario"] == scenario]
    if not rows:
        return [], ""
    rows.sort(key=lambda r: -float(r["evppi_gbp"]))
    total = float(rows[0]["evpi_gbp"])
    value = float(rows[0]["value_per_outcome_gbp"])
    basis = (
        f"valuing each {SINGULAR.get(rows[0]['outcome'], rows[0]['outcome'])} avoided at "
        f"{money(value)}"
        if value
        else "on money alone (no value put on outcomes)"
    )
    runs = rows[0]["replicates"]
    if total <= 0:
        return [], (
            f"Perfect information about the assumptions would not change this decision "
            f"{basis}: in every replicate the same option is better."
        )
    shown = rows[:TOP_EVIDENCE]
    lines = [
        EvidenceLine(
            r["assumption"],
            _what(r["assumption"]),
            f"EVPPI {money(float(r['evppi_gbp']))} a year"
            + (
                f" (above the noise floor: permutation p = {float(r['p_value']):.3f})"
                if float(r["p_value"]) < SIGNIFICANCE
                else " (within the noise floor: the order may be chance)"
            ),
            study_needed(r["assumption"], _what(r["assumption"])).sentence,
        )
        for r in shown
    ]
    above = sum(float(r["p_value"]) < SIGNIFICANCE for r in rows)
    head = (
        f"Which assumptions are worth knowing better, {basis}: the expected value of partial "
        f"perfect information (EVPPI; Strong, Oakley and Brennan 2014, regression on {runs} "
        f"sampled replicates). Knowing every assumption exactly is worth at most "
        f"{money(total)} a year (an upper bound: it includes chance no study could remove). "
    )
    if above == 0:
        head += (
            f"No assumption's EVPPI rises above the noise floor of a regression on {runs} "
            "replicates (a permutation test, Holm-adjusted over the assumptions, 5%), so the "
            "order of the three largest below may be chance; more replicates would settle it:"
        )
    else:
        head += (
            f"{above} rise above the noise floor (a permutation test, Holm-adjusted, 5%); the "
            "three largest:"
        )
    return lines, head


def _no_evppi(manifest: dict[str, Any], replicates: int) -> str:
    """Why the run has no EVPPI table."""
    from results.evppi import MIN_RUNS

    if (manifest.get("assumptions") or {}).get("mode") != "sampled":
        return (
            "Which evidence would change the answer is not estimated: the assumptions were "
            "held at their central values (run without --assumptions central to sample them)."
        )
    if replicates < MIN_RUNS:
        return (
            f"Which evidence would change the answer is not estimated: EVPPI needs at least "
            f"{MIN_RUNS} sampled replicates and this run has {replicates}."
        )
    return ""


WORD_JOINER = "\u2060"  # no line break here: a wrapped "−" / "£1.1m" reads as two numbers


def keep_signs(text: str) -> str:
    """``text`` with every minus or plus sign joined to the amount it signs (for HTML, where
    a narrow screen may otherwise break the line between them)."""
    return re.sub(r"([−+])(?=[£\d])", lambda m: m.group(1) + WORD_JOINER, text)


def decision_blocks(
    folder: Path, manifest: dict[str, Any], titles: dict[str, str]
) -> list[DecisionBlock]:
    """Every scenario's decision summary against the baseline (none for single runs)."""
    baseline = manifest.get("baseline")
    if not baseline or manifest.get("command") not in ("compare",):
        return []
    rows = _indicator_rows(folder)
    scenarios = [
        str(s["name"])
        for s in manifest.get("scenarios", [])
        if isinstance(s, dict) and s.get("name")
    ]
    decision = manifest.get("decision") or {}
    year = (manifest.get("price_base") or {}).get("price_year")
    price = f"{year} prices" if year else ""
    blocks = []
    for name in scenarios:
        if not name or name == baseline:
            continue
        summary = summarise_decision(
            rows,
            baseline,
            name,
            DECISION_OUTCOMES,
            primary=decision.get("outcome", PRIMARY_OUTCOME),
            value_per_outcome=float(decision.get("value_per_outcome_gbp", 0.0)),
            rate=float(decision.get("discount_rate", GREEN_BOOK_RATE)),
            price_base=price,
        )
        cost_rows = [
            (
                f"{y - 1}-{str(y)[2:]}",
                money(c.mean, True),
                f"{money(c.p5, True)} to {money(c.p95, True)}",
            )
            for y, c in summary.net_cost_by_year
        ]
        h = summary.net_cost_horizon
        cost_rows.append(
            (
                f"All {len(summary.years)} years, discounted at {100 * summary.discount_rate:g}%",
                money(h.mean, True),
                f"{money(h.p5, True)} to {money(h.p95, True)}",
            )
        )
        evidence, note = evidence_lines(folder, name)
        if not note:
            note = _no_evppi(manifest, summary.replicates)
        cost_rows = [(y, keep_signs(c), keep_signs(i)) for y, c, i in cost_rows]
        lines = [keep_signs(line) for line in summary_lines(summary)]
        blocks.append(DecisionBlock(titles.get(name, name), lines, cost_rows, evidence, note))
    return blocks
