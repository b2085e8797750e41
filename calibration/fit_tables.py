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
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
