"""Write a fit: ``<area>-<year>.toml`` (parameters, ensemble, data, method, seed, date, fit
quality), ``.fit.csv`` and, with hold-out years, ``.holdout.csv``.

The TOML is written by ``tomli-w`` (a real TOML writer: every string is escaped as TOML
requires), so what ``tomllib`` reads back is exactly what was written.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w

from calibration.atomic import write_set
from calibration.search import ABC_HALF_WIDTH, COMPARE_YEARS, MIN_ENSEMBLE, FitResult
from calibration.simulated import FIT_COLUMNS
from calibration.targets import CEASED_AGE_BANDS, MARKET_CHECKS
from simulation.errors import OutputError

FITTED_DIR = Path(__file__).parent / "fitted"


def fit_names(area: str, year: int) -> tuple[str, str, str]:
    """The file names of a fit: ``.toml``, ``.fit.csv`` and ``.holdout.csv``."""
    stem = f"{area}-{year}"
    return f"{stem}.toml", f"{stem}.fit.csv", f"{stem}.holdout.csv"


def write_fit(res: FitResult, seed: int, budget: int, out_dir: Path = FITTED_DIR) -> Path:
    """Write ``<area>-<year>.toml``, ``.fit.csv`` and (with hold-out years) ``.holdout.csv``
    as one set (:func:`calibration.atomic.write_set`): a reader sees the old fit or the new
    one, never a mixture; an older ``.holdout.csv`` the new fit does not have is removed."""
    primary = [r for r in res.report if r["target"] not in SECONDARY and r["role"] == "target"]
    primary_total = len(primary)
    primary_within = sum(1 for r in primary if r["within"])
    meta: dict[str, Any] = {
        "area": res.area,
        "year": res.year,
        "seed": seed,
        "budget_runs": budget,
        "runs_used": res.runs,
        "wall_seconds": round(res.wall_seconds, 1),
        "date": datetime.now(UTC).date().isoformat(),
        "method": "direct estimates; damped ratio updates"
        + (
            " then Nelder-Mead on log-multipliers"
            if any(n == "nelder-mead" for n, _ in res.history)
            else ""
        )
        + " (common random numbers); rejection ABC on a Latin hypercube around the point "
        f"fit (±{ABC_HALF_WIDTH} log), best {MIN_ENSEMBLE} kept"
        + (
            "; ensemble and point fit recentred by one damped step on fresh replicates"
            if any(n == "recentre" for n, _ in res.history)
            else ""
        ),
        "data": [
            "calibration/data/england_targets.csv",
            "calibration/data/national_targets.csv",
            "calibration/data/published_figures.csv",
        ]
        if not res.area.startswith("la-")
        else [
            "calibration/data/la_targets_2010_2024.csv.gz",
            "calibration/data/published_figures.csv",
        ],
        "start": f"the 31 March {res.year} stock; a run from this fit starts on 1 April {res.year}",
        "compare": f"simulated DfE years {res.year + 1}-{res.year + COMPARE_YEARS} averaged vs "
        f"year {res.year} targets (year {res.year}'s rates held)",
        "targets_within": f"{sum(bool(r['within']) for r in res.report)} of {len(res.report)}",
        "primary_within": f"{primary_within} of {primary_total}",
        "point_loss": round(min(v for _, v in res.history), 3) if res.history else math.nan,
        "ensemble_loss_max": round(max(res.ensemble_loss), 3),
        "knobs": [
            f"{k.name}: {k.path}" + (f"[{k.index}]" if k.index is not None else "")
            for k in res.knobs
        ],
        "multipliers": [round(float(x), 4) for x in res.point],
    }
    document = {
        "meta": dict(sorted(meta.items())),
        "sources": dict(sorted(res.direct_sources.items())),
        "parameters": dict(sorted({**res.direct, **res.point_changes}.items())),
        "ensemble": [
            dict(sorted({**member, "_loss": round(value, 3)}.items()))
            for member, value in zip(res.ensemble, res.ensemble_loss, strict=True)
        ],
    }
    header = (
        f"# carepaths calibration: {res.area}, DfE year {res.year}. Written by "
        "`python run.py calibrate`; do not edit by hand.\n\n"
    )
    toml_name, fit_name, holdout_name = fit_names(res.area, res.year)
    files = {fit_name: _csv_text(res.report)}  # the tables first, the .toml (what loads) last
    if res.holdout:
        files[holdout_name] = _csv_text(res.holdout)
    files[toml_name] = header + tomli_w.dumps(document)
    try:
        write_set(out_dir, files, remove=() if res.holdout else (holdout_name,))
    except OSError as exc:
        raise OutputError(
            f"cannot write the fit to {out_dir} ({exc.strerror or exc}); choose another --out"
        ) from None
    return out_dir / toml_name


SECONDARY = frozenset(
    {"agency_share_pct", "foster_inhouse_share_pct", "sw_changes_3plus_pct"}
    | {indicator for indicator, *_ in MARKET_CHECKS}
    | set(CEASED_AGE_BANDS)
)


def _csv_text(rows: Sequence[dict[str, Any]]) -> str:
    fh = io.StringIO()
    w: csv.DictWriter[str] = csv.DictWriter(fh, fieldnames=list(FIT_COLUMNS), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()})
    return fh.getvalue()
