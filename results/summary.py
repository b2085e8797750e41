"""Summaries over replicates: ``summary.csv`` and paired scenario differences.

Intervals are the 5th and 95th percentiles of the replicate values (numpy's default linear
interpolation), i.e. a 90% interval of what the model produces, not a confidence interval for
the mean.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from simulation.indicator_names import unit_of

IndicatorRow = tuple[str, int, int, str, float]  # scenario, replicate, year, indicator, value
SummaryRow = tuple[str, str, int, str, float, float, float, float]
PERCENTILES = (5.0, 50.0, 95.0)


def summarise(indicator_rows: Iterable[IndicatorRow]) -> list[SummaryRow]:
    """One row per (scenario, indicator, year): unit, mean, p5, p50, p95 over replicates.

    Rows come sorted by scenario, indicator and year. Values are gathered in replicate order
    so the floating-point sums, and hence the output, do not depend on the input order.
    """
    groups: dict[tuple[str, str, int], list[tuple[int, float]]] = defaultdict(list)
    for scenario, replicate, year, indicator, value in indicator_rows:
        groups[(scenario, indicator, int(year))].append((int(replicate), float(value)))
    rows: list[SummaryRow] = []
    for (scenario, indicator, year), pairs in sorted(groups.items()):
        values = np.array([v for _, v in sorted(pairs)], dtype=float)
        p5, p50, p95 = (float(x) for x in np.percentile(values, PERCENTILES))
        rows.append(
            (scenario, indicator, year, unit_of(indicator), float(values.mean()), p5, p50, p95)
        )
    return rows


def paired_differences(
    base_values: Sequence[float], scen_values: Sequence[float]
) -> tuple[float, float, float]:
    """Mean, p5 and p95 of ``scenario - baseline`` taken replicate by replicate.

    Element ``i`` of both sequences must be the same replicate (same seed and replicate
    number, hence the same common random numbers), so each difference cancels the luck the
    two runs share; the interval is the 5th-95th percentile of those differences.
    """
    if len(base_values) != len(scen_values):
        raise ValueError(
            f"paired differences need equal replicate counts, got "
            f"{len(base_values)} baseline and {len(scen_values)} scenario"
        )
    if not base_values:
        raise ValueError("paired differences need at least one replicate")
    diffs = np.asarray(scen_values, dtype=float) - np.asarray(base_values, dtype=float)
    p5, p95 = (float(x) for x in np.percentile(diffs, (5.0, 95.0)))
    return float(diffs.mean()), p5, p95
