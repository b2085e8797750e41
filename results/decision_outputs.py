"""Decision outputs of a comparison: the draws, the EVPPI table and the console summary.

* ``draws.csv`` (``scenario,replicate,assumption,quantile,value``): what each replicate drew
  (sampled mode only), so EVPPI and any later analysis can be redone from the run folder.
* ``evppi.csv`` (``scenario,baseline,assumption,evppi_gbp,share_of_evpi,evpi_gbp,outcome,
  value_per_outcome_gbp,replicates,p_value``): the expected value of partial perfect
  information of each sampled assumption for the scenario's yearly incremental net benefit
  (``value_per_outcome × outcomes avoided − net cost``; results.evppi), regressed on the ranks
  of each assumption's draws, with the permutation p-value against the noise floor.
* :func:`print_decision`: the decision summary, first in the console, as plain sentences
  (printed without console markup, so ``[levers]`` and the like stay literal).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from calibration.assumptions import AssumptionDraw
from results.decision import (
    DECISION_OUTCOMES,
    GREEN_BOOK_RATE,
    DecisionSummary,
    IndicatorRow,
    incremental_net_benefit,
    summarise_decision,
)
from results.decision_text import money, summary_lines
from results.evppi import MIN_RUNS, evpi, evppi_table

DRAWS_HEADER = ("scenario", "replicate", "assumption", "quantile", "value")
EVPPI_HEADER = (
    "scenario",
    "baseline",
    "assumption",
    "evppi_gbp",
    "share_of_evpi",
    "evpi_gbp",
    "outcome",
    "value_per_outcome_gbp",
    "replicates",
    "p_value",
)


def draw_rows(draws: Iterable[tuple[str, AssumptionDraw]]) -> list[tuple[Any, ...]]:
    """``draws.csv`` rows from (scenario, draw) pairs, sorted."""
    rows = [
        (scenario, d.replicate, path, d.quantiles[path], value)
        for scenario, d in draws
        for path, value in d.values.items()
    ]
    return sorted(rows, key=lambda r: (r[0], r[1], r[2]))


def quantiles_by_assumption(
    rows: Iterable[Sequence[Any]], scenario: str
) -> dict[str, dict[int, float]]:
    """assumption -> replicate -> quantile, for one scenario's ``draws.csv`` rows."""
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for name, rep, path, quantile, _ in rows:
        if name == scenario:
            out[str(path)][int(rep)] = float(quantile)
    return out


def evppi_rows(
    indicators: Sequence[IndicatorRow],
    draws: Sequence[Sequence[Any]],
    baseline: str,
    scenarios: Sequence[str],
    outcome: str,
    value_per_outcome: float,
    left_out: Mapping[str, Iterable[str]] | None = None,
) -> list[tuple[Any, ...]]:
    """``evppi.csv`` rows for every scenario against ``baseline`` (none with too few runs).

    ``left_out[scenario]``: assumptions that cannot change that scenario's difference (gated
    by a lever that is off in both: results.gsa.relevant_assumptions); their EVPPI is zero by
    construction, and a regression would only add noise rows."""
    out: list[tuple[Any, ...]] = []
    for scenario in scenarios:
        if scenario == baseline:
            continue
        inb = incremental_net_benefit(indicators, baseline, scenario, outcome, value_per_outcome)
        reps = sorted(inb)
        if len(reps) < MIN_RUNS:
            continue
        skip = set((left_out or {}).get(scenario, ()))
        thetas = {
            path: [by_rep[r] for r in reps]
            for path, by_rep in quantiles_by_assumption(draws, scenario).items()
            if all(r in by_rep for r in reps) and path not in skip
        }
        if not thetas:
            continue
        values = [inb[r] for r in reps]
        table = evppi_table(thetas, values)
        total = evpi(values)
        out += [
            (
                scenario,
                baseline,
                row.assumption,
                row.evppi,
                row.share_of_evpi,
                total,
                outcome,
                value_per_outcome,
                len(reps),
                row.p_value,
            )
            for row in table
        ]
    return out


def cost_by_year_table(summary: DecisionSummary, title: str) -> Table:
    """Net cost each year with its 90% interval and the discounted horizon total."""
    table = Table(title=title, title_justify="left")
    for name in ("year", "net cost", "90% interval"):
        table.add_column(name, justify="left" if name == "year" else "right")
    for year, cost in summary.net_cost_by_year:
        table.add_row(
            f"{year - 1}-{str(year)[2:]}",
            money(cost.mean, True),
            f"{money(cost.p5, True)} to {money(cost.p95, True)}",
        )
    h = summary.net_cost_horizon
    rate = f"{100 * summary.discount_rate:g}%"
    table.add_row(
        f"all {len(summary.years)} years, discounted at {rate}",
        money(h.mean, True),
        f"{money(h.p5, True)} to {money(h.p95, True)}",
    )
    return table


def print_decision(
    console: Console, summaries: Sequence[DecisionSummary], titles: dict[str, str], mode: str
) -> None:
    """The decision summary of each scenario: sentences, then the cost by year."""
    for s in summaries:
        head = (
            f"Decision summary: {titles.get(s.scenario, s.scenario)} against "
            f"{titles.get(s.baseline, s.baseline)}, {s.replicates} paired replicates, "
            f"assumptions {mode}"
        )
        console.print(head, style="bold", markup=False, highlight=False)
        for line in summary_lines(s):
            console.print(f"  - {line}", markup=False, highlight=False, soft_wrap=True)
        console.print(cost_by_year_table(s, "Net cost by year (scenario − baseline)"))
        console.print()


def summaries(
    indicators: Sequence[IndicatorRow],
    baseline: str,
    scenarios: Sequence[str],
    outcome: str,
    value_per_outcome: float,
    price_base: str,
) -> list[DecisionSummary]:
    """Every scenario's decision summary against ``baseline``."""
    return [
        summarise_decision(
            indicators,
            baseline,
            name,
            DECISION_OUTCOMES,
            primary=outcome,
            value_per_outcome=value_per_outcome,
            rate=GREEN_BOOK_RATE,
            price_base=price_base,
        )
        for name in scenarios
        if name != baseline
    ]


def decision_entry(outcome: str, value_per_outcome: float) -> dict[str, Any]:
    """The manifest's ``decision`` record (what the summary and EVPPI were computed on)."""
    return {
        "outcome": outcome,
        "value_per_outcome_gbp": value_per_outcome,
        "discount_rate": GREEN_BOOK_RATE,
        "discount_source": "HM Treasury Green Book STPR (PF:appraisal.discount_rate_stpr)",
        "net_benefit": "value_per_outcome x outcomes avoided - net cost, a year",
    }
