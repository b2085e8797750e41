"""Markdown tables of committed fits, generated from their files (no number typed by hand).

    python -m calibration.fit_tables calibration/fitted/england-average-2024.fit.csv [...]

For each ``.fit.csv`` it prints a heading line (seed, budget, point loss, worst ensemble
member, targets within) from the fit's ``.toml`` and the table of targets that
``docs/calibration.md`` shows: observed, simulated mean and 5th–95th percentile, error,
tolerance, within and role. Secondary targets (``calibration.fitfiles.SECONDARY``) and checks
are marked; "primary" counts the others whose role is ``target``.
"""

from __future__ import annotations

import csv
import math
import sys
import tomllib
from pathlib import Path

from calibration.fitfiles import SECONDARY

PERCENT_UNITS = ("percent",)


def _num(text: str) -> float:
    return float(text) if text not in ("", "nan") else math.nan


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:,.1f}"


def _error(row: dict[str, str]) -> str:
    mean, observed = _num(row["simulated_mean"]), _num(row["observed"])
    if math.isnan(mean):
        return "—"
    if row["unit"] in PERCENT_UNITS:
        return f"{mean - observed:+.1f} pts"
    return f"{100 * (mean - observed) / observed:+.0f}%" if observed else "—"


def table(fit_csv: Path) -> str:
    """The heading line and markdown table of one fit."""
    rows = list(csv.DictReader(fit_csv.open(encoding="utf-8")))
    meta_path = fit_csv.with_name(fit_csv.name.replace(".fit.csv", ".toml"))
    meta = tomllib.loads(meta_path.read_text(encoding="utf-8")).get("meta", {})
    primary = [r for r in rows if r["target"] not in SECONDARY and r.get("role") == "target"]
    within = sum(r["within"] == "True" for r in primary)
    every = sum(r["within"] == "True" for r in rows)
    head = (
        f"Seed {meta.get('seed')}, budget {meta.get('budget_runs')}; **primary targets within: "
        f"{within} of {len(primary)}** (all targets {every} of {len(rows)}); point loss "
        f"{meta.get('point_loss')}, worst ensemble member {meta.get('ensemble_loss_max')}."
    )
    lines = [
        head,
        "",
        "| target | observed | simulated mean | 90% interval (p5–p95) | error | tolerance ± "
        "| within | role |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        name = f"`{r['target']}`" + (" (secondary)" if r["target"] in SECONDARY else "")
        interval = f"{_fmt(_num(r['simulated_p5']))}–{_fmt(_num(r['simulated_p95']))}"
        within_text = "yes" if r["within"] == "True" else "**no**"
        lines.append(
            f"| {name} | {_fmt(_num(r['observed']))} | {_fmt(_num(r['simulated_mean']))} "
            f"| {interval} | {_error(r)} | {_fmt(_num(r['tolerance']))} | {within_text} "
            f"| {r.get('role', 'target')} |"
        )
    return "\n".join(lines)


def holdout_table(holdout_csv: Path) -> str:
    """By hold-out year: the stock, starts and ceased against the published figures, and the
    primary targets within; then the primary misses."""
    rows = list(csv.DictReader(holdout_csv.open(encoding="utf-8")))
    by_year: dict[str, dict[str, dict[str, str]]] = {}
    for r in rows:
        by_year.setdefault(r["year"], {})[r["target"]] = r
    lines = [
        f"Hold-out (a pure projection from the fit year; all targets are in `{holdout_csv.name}`):",
        "",
        "| year | stock observed | stock simulated (p5–p95) | stock error | started (obs → sim) "
        "| ceased (obs → sim) | primary within |",
        "|---|---|---|---|---|---|---|",
    ]
    misses: dict[str, list[str]] = {}
    for year, targets in by_year.items():
        stock = targets.get("cla_31_march")
        if stock is None:
            continue

        def flow(name: str, targets: dict[str, dict[str, str]] = targets) -> str:
            r = targets.get(name)
            if r is None:
                return "—"
            return f"{_fmt(_num(r['observed']))} → {_fmt(_num(r['simulated_mean']))} ({_error(r)})"

        primary = [
            r for r in targets.values() if r["target"] not in SECONDARY and r["role"] == "target"
        ]
        for r in primary:
            if r["within"] != "True":
                misses.setdefault(r["target"], []).append(year)
        within = sum(r["within"] == "True" for r in primary)
        lines.append(
            f"| {year} | {_fmt(_num(stock['observed']))} | {_fmt(_num(stock['simulated_mean']))} "
            f"({_fmt(_num(stock['simulated_p5']))}–{_fmt(_num(stock['simulated_p95']))}) "
            f"| {_error(stock)} | {flow('started')} | {flow('ceased')} "
            f"| {within} of {len(primary)} |"
        )
    if misses:
        text = "; ".join(f"`{t}` {', '.join(years)}" for t, years in misses.items())
        lines += ["", f"Hold-out misses (primary): {text}."]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    for name in argv:
        path = Path(name)
        if not path.is_file() or not path.name.endswith(".fit.csv"):
            print(f"error: {name}: not a .fit.csv file", file=sys.stderr)
            return 2
        print(f"<!-- {path.name} -->")
        print(table(path))
        print()
        holdout = path.with_name(path.name.replace(".fit.csv", ".holdout.csv"))
        if holdout.is_file():
            print(holdout_table(holdout))
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
