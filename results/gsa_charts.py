"""Charts of global sensitivity (one per method): Morris screening and Sobol indices.

Each reads the long rows of ``sensitivity.csv`` (``method,assumption,indicator,index,value,
conf``) and raises :class:`~results.charts.NoData` when the run has none for its method, so a
one-at-a-time run draws the tornado instead and a Morris run draws this.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from results.charts import (
    OUTCOME_LABELS,
    TORNADO_OUTCOMES,
    ChartSpec,
    NoData,
    RunData,
    _figure,
    _finish,
    fmt,
)
from simulation.indicator_names import unit_of

ROWS_SHOWN = 10  # assumptions per panel; the rest are in sensitivity.csv
PANELS = 3  # outcomes shown, in the tornado's order of importance
# Paul Tol's bright and muted schemes, colours no other chart uses (results.palette).
MU_STAR_COLOUR = "#4477AA"
FIRST_ORDER_COLOUR = "#88CCEE"
TOTAL_COLOUR = "#CC6677"


def _float(text: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return 0.0


Indices = dict[str, dict[str, dict[str, tuple[float, float]]]]


def _by_indicator(run: RunData, method: str) -> Indices:
    """indicator -> assumption -> index -> (value, conf), for ``method``'s rows."""
    out: Indices = defaultdict(lambda: defaultdict(dict))
    for r in run.sensitivity:
        if r.get("method") == method:
            out[r["indicator"]][r["assumption"]][r["index"]] = (
                _float(r["value"]),
                _float(r.get("conf", "")),
            )
    if not out:
        raise NoData(f"no {method} rows in sensitivity.csv")
    return out


def _panels(found: Indices) -> list[str]:
    order = {k: i for i, k in enumerate(TORNADO_OUTCOMES)}
    return sorted(found, key=lambda i: (order.get(i, 99), i))[:PANELS]


def _money_axis(ax, indicator: str) -> None:
    if unit_of(indicator) == "GBP":
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v, "GBP")))


def morris(run: RunData) -> Figure:
    """Morris screening: mean absolute elementary effect (mu*) of each assumption, with its
    bootstrap 95% interval, and sigma (spread: interactions or non-linearity)."""
    data = _by_indicator(run, "morris")
    inds = _panels(data)
    n = min(ROWS_SHOWN, max(len(data[i]) for i in inds))
    fig, axes = _figure(len(inds), 1, 1.6 + len(inds) * (0.8 + 0.26 * n))
    for ax, ind in zip(axes, inds, strict=True):
        ranked = sorted(data[ind].items(), key=lambda kv: kv[1].get("mu_star", (0, 0))[0])
        shown = ranked[-n:]
        y = np.arange(len(shown))
        mu = np.array([v.get("mu_star", (0.0, 0.0))[0] for _, v in shown])
        conf = np.array([max(v.get("mu_star", (0.0, 0.0))[1], 0.0) for _, v in shown])
        sigma = np.array([v.get("sigma", (0.0, 0.0))[0] for _, v in shown])
        ax.barh(y, mu, xerr=conf, color=MU_STAR_COLOUR, height=0.6, label="μ* (95% bootstrap)")
        ax.plot(sigma, y, "o", mfc="white", mec="#000000", ms=4, label="σ (spread)")
        ax.set_yticks(y, [a for a, _ in shown], fontsize=7)
        _money_axis(ax, ind)
        unit = unit_of(ind)
        ax.set_xlabel(
            f"Change in scenario − baseline, {OUTCOME_LABELS.get(ind, ind)}"
            + (f" ({unit})" if unit and unit != "GBP" else ""),
            fontsize=8,
        )
    axes[0].legend(fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False)
    k = len(next(iter(data.values())))
    return _finish(
        fig,
        run,
        "Which assumptions the scenario's effect depends on (Morris screening)",
        subtitle=f"μ*: the mean absolute change in the scenario's difference from the baseline "
        f"when one assumption moves across its range, all others varied too; σ large against "
        f"μ*: the effect depends on other assumptions. {k} assumptions screened; the "
        f"{n} largest are shown.",
    )


def sobol(run: RunData) -> Figure:
    """Sobol indices: first-order (alone) and total (with interactions) shares of the variance
    of the scenario's difference, with bootstrap 95% intervals."""
    data = _by_indicator(run, "sobol")
    inds = _panels(data)
    k = max(len(data[i]) for i in inds)
    fig, axes = _figure(len(inds), 1, 1.6 + len(inds) * (0.8 + 0.42 * k))
    for ax, ind in zip(axes, inds, strict=True):
        ranked = sorted(data[ind].items(), key=lambda kv: kv[1].get("ST", (0, 0))[0])
        y = np.arange(len(ranked))
        for offset, index, colour, label in (
            (0.18, "S1", FIRST_ORDER_COLOUR, "First-order S1 (alone)"),
            (-0.18, "ST", TOTAL_COLOUR, "Total ST (with interactions)"),
        ):
            values = np.array([v.get(index, (0.0, 0.0))[0] for _, v in ranked])
            conf = np.array([max(v.get(index, (0.0, 0.0))[1], 0.0) for _, v in ranked])
            ax.barh(y + offset, values, xerr=conf, height=0.34, color=colour, label=label)
        ax.set_yticks(y, [a for a, _ in ranked], fontsize=7)
        ax.axvline(0, color="#777777", linewidth=0.8)
        ax.set_xlabel(
            f"Share of the variance of scenario − baseline, {OUTCOME_LABELS.get(ind, ind)}",
            fontsize=8,
        )
    axes[0].legend(fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False)
    return _finish(
        fig,
        run,
        "How much of the uncertainty in the effect each assumption explains (Sobol)",
        subtitle="S1: the share explained by the assumption alone; ST: including its "
        "interactions with the others. Whiskers: bootstrap 95% intervals (estimates from a "
        "finite design can fall slightly below 0).",
    )


GSA_CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "sensitivity_morris",
        morris,
        "Morris screening of the assumptions: how much the scenario's difference from the "
        "baseline changes as each assumption moves across its range (bars, with bootstrap 95% "
        "intervals) and how much that change varies with the other assumptions (circles).",
    ),
    ChartSpec(
        "sensitivity_sobol",
        sobol,
        "Sobol indices: the share of the uncertainty in the scenario's difference from the "
        "baseline that each assumption explains alone (first-order) and with its interactions "
        "(total), with bootstrap 95% intervals.",
    ),
)


def gsa_findings(rows: list[dict[str, str]]) -> list[str]:
    """One sentence per key outcome: the assumption with the largest Morris mu* or Sobol ST."""
    if not rows or "method" not in rows[0]:
        return []
    method = rows[0]["method"]
    index = "mu_star" if method == "morris" else "ST"
    best: dict[str, tuple[str, float, float]] = {}
    for r in rows:
        if r["index"] != index or r["indicator"] not in TORNADO_OUTCOMES[:3]:
            continue
        value = _float(r["value"])
        if r["indicator"] not in best or value > best[r["indicator"]][1]:
            best[r["indicator"]] = (r["assumption"], value, _float(r.get("conf", "")))
    out = []
    for ind, (path, value, conf) in best.items():
        label = OUTCOME_LABELS.get(ind, ind).lower()
        if method == "morris":
            amount = fmt(value, unit_of(ind))
            out.append(
                f"For {label}, the result depends most on {path}: moving it across its range "
                f"changes the scenario's difference from the baseline by {amount} on average "
                f"(Morris mu*, 95% bootstrap ±{fmt(conf, unit_of(ind))})."
            )
        else:
            out.append(
                f"For {label}, {path} explains the largest share of the uncertainty in the "
                f"scenario's difference from the baseline: {100 * value:.0f}% with its "
                f"interactions (Sobol total index, 95% bootstrap ±{100 * conf:.0f} points)."
            )
    return out
