"""``python run.py backtest --la CODE|all --from YEAR [--to YEAR]``: forecast from data up to
the first year only, and compare each later year with the published figures.

For every authority with the data (its stock, starts and ceased in the origin year and the
year before, and a published stock after it) the model's forecast (:mod:`calibration.forecast`)
and the two baselines (:mod:`calibration.baselines`) are made from data up to the origin;
published stock, starts and ceased of each later year are read only afterwards, to score them.
Authorities run in parallel through :func:`simulation.executor.run_many` (local processes or
Dask), each a pure function of (authority, origin, seed): the results are the same for any
``--jobs`` and either executor.

Writes a run folder ``backtest-<la>-<from>/`` with ``backtest.csv`` (one row per authority,
year and measure), ``summary.csv`` (by horizon: median and mean absolute percentage errors of
the model and the baselines, and the share of authority-years whose 90% band covers the
published value; all authorities, then those under :data:`SMALL` children), a chart and
``manifest.json``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from calibration.baselines import Baseline, carry_forward, markov
from calibration.forecast import MEASURES, Forecast, forecast_la
from calibration.rates import Pool, history, pools
from calibration.tables import HELD_BACK_FROM, LA_FILE, data_up_to, la_table
from calibration.targets import la_data
from simulation.errors import CarepathsError

SMALL = 250  # children in care at the origin: "small authorities" in the sense
FIRST_ORIGIN = 2014  # the LA table's rates per 10,000 (the child population) start in 2014
COLUMNS = (
    "code",
    "name",
    "peer_group",
    "stock_at_origin",
    "small",
    "origin",
    "year",
    "horizon",
    "measure",
    "observed",
    "model_mean",
    "model_p5",
    "model_p95",
    "covered",
    "carry_forward",
    "markov",
    "model_ape",
    "carry_forward_ape",
    "markov_ape",
)
SUMMARY_COLUMNS = (
    "group",
    "measure",
    "horizon",
    "year",
    "authorities",
    "model_mdape",
    "carry_forward_mdape",
    "markov_mdape",
    "model_mape",
    "carry_forward_mape",
    "markov_mape",
    "model_beats_carry_forward",
    "coverage_90",
)


@dataclass(frozen=True)
class Job:
    """One authority's back-test: picklable, a pure function of its fields."""

    code: str
    origin: int
    horizon: int
    seed: int
    pool: dict[str, Pool]


@dataclass(frozen=True)
class JobResult:
    code: str
    forecast: Forecast
    carry_forward: Baseline
    markov: Baseline


def run_job(job: Job) -> JobResult:
    """Forecast and baselines for one authority (module level: it runs in worker processes)."""
    from simulation import parameter_tree  # noqa: F401  (a spawned worker's registry)

    return JobResult(
        job.code,
        forecast_la(job.code, job.origin, job.horizon, job.seed, job.pool),
        carry_forward(job.code, job.origin, job.horizon),
        markov(job.code, job.origin, job.horizon),
    )


def select(la: str, origin: int, last: int) -> tuple[list[str], list[str]]:
    """Codes to back-test and notes on those left out (held back, too new, no later data)."""
    table = la_table()
    if la != "all":
        from calibration.areas import find_authority

        codes = [find_authority(la).code]
    else:
        codes = sorted(table)
    chosen, held, new, none = [], [], [], []
    for code in codes:
        a = table[code]
        with data_up_to(origin):
            has_history = history(a, origin) is not None
        later = [y for y in range(origin + 1, last + 1) if _stock(code, y) is not None]
        if not has_history:
            new.append(a.name)
        elif not later:
            (held if a.held_back and origin >= HELD_BACK_FROM - 1 else none).append(a.name)
        else:
            chosen.append(code)
    notes = []
    if held:
        notes.append(
            f"{len(held)} authorities have no published data after {HELD_BACK_FROM - 1} (held "
            "back for an independent test of forecasts): not back-tested"
        )
    if new:
        notes.append(f"{len(new)} without two years of data up to {origin}: {', '.join(new)}")
    if none:
        notes.append(f"{len(none)} without published data after {origin}: {', '.join(none)}")
    if la != "all" and not chosen:
        raise CarepathsError(f"cannot back-test {la!r} from {origin}: " + "; ".join(notes))
    return chosen, notes


def _stock(code: str, year: int) -> float | None:
    try:
        return la_data(code, year).get("cla_31_march", "total", "total")
    except CarepathsError:
        return None


def _observed(code: str, year: int, measure: str) -> float | None:
    key = {"stock": ("cla_31_march", "total", "total"), "started": ("started", "total", "total")}
    try:
        return la_data(code, year).get(*key.get(measure, ("ceased", "total", "total")))
    except CarepathsError:
        return None


def check_options(la: str, origin: int, last: int | None) -> int:
    """Validate before any work; return the last year to score."""
    if not la.strip():
        raise CarepathsError("--la is empty; give a DfE 3-digit code, a name or 'all'")
    newest = max(y for a in la_table().values() for y in a.years)
    if origin < FIRST_ORIGIN or origin >= newest:
        raise CarepathsError(
            f"--from {origin}: use a year from {FIRST_ORIGIN} (the first with a child "
            f"population in the LA table) to {newest - 1} (a later year must be published)"
        )
    last = newest if last is None else last
    if last <= origin:
        raise CarepathsError(f"--to {last} must be after --from {origin}")
    if last > newest:
        raise CarepathsError(f"--to {last}: the LA table ends in {newest}")
    return last


def backtest(
    la: str,
    origin: int,
    last: int | None = None,
    seed: int = 1,
    jobs: int = 0,
    executor: str = "local",
    scheduler: str | None = None,
    out: str | Path = "results/runs",
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> tuple[Path, list[dict[str, Any]], list[str]]:
    """Run the back-test; return the run folder, the summary rows and the notes."""
    from results import store
    from simulation.executor import check_executor, run_many

    last = check_options(la, origin, last)
    check_executor(executor, scheduler, jobs)
    out = store.check_out_folder(out)
    started = time.perf_counter()
    codes, notes = select(la.strip(), origin, last)
    with data_up_to(origin):
        pool = pools(origin)
    horizon = last - origin
    tasks = [Job(c, origin, horizon, seed, pool) for c in _balanced(codes, jobs)]
    tick = progress(len(tasks)) if progress else None
    results = run_many(tasks, jobs, executor, scheduler, progress=tick, fn=run_job)
    rows = [r for res in results for r in _rows(res)]
    summary = summarise(rows)
    wall = time.perf_counter() - started
    with store.create_run(out, f"backtest-{la.strip()}-{origin}") as run:
        store.write_csv(run.file("backtest.csv"), COLUMNS, [[r[c] for c in COLUMNS] for r in rows])
        store.write_csv(
            run.file("summary.csv"),
            SUMMARY_COLUMNS,
            [[r[c] for c in SUMMARY_COLUMNS] for r in summary],
        )
        from calibration.backtest_chart import write_chart

        write_chart(run.path / "charts", summary, f"from {origin}")
        store.write_manifest(
            run.file("manifest.json"),
            _manifest(la, origin, last, seed, jobs, executor, len(codes), notes, wall, results),
        )
    assert run.final is not None
    return run.final, summary, notes


def _balanced(codes: Sequence[str], jobs: int) -> list[str]:
    """The authorities dealt largest first, back and forth, into as many groups as the
    executor makes chunks, so that each contiguous chunk carries a similar share of the work."""
    from simulation.executor import CHUNKS_PER_WORKER, worker_count

    size = {c: _stock(c, max(la_table()[c].years)) or 0.0 for c in codes}
    n = max(1, min(len(codes), worker_count(jobs) * CHUNKS_PER_WORKER))
    bins: list[list[str]] = [[] for _ in range(n)]
    for i, code in enumerate(sorted(codes, key=lambda c: (-size[c], c))):
        lap, pos = divmod(i, n)
        bins[pos if lap % 2 == 0 else n - 1 - pos].append(code)
    return [c for b in bins for c in b]


def _rows(res: JobResult) -> list[dict[str, Any]]:
    f = res.forecast
    out = []
    for measure in MEASURES:
        mean, lo, hi = f.band(measure)
        cf = getattr(res.carry_forward, measure)
        mk = getattr(res.markov, measure)
        for k, year in enumerate(f.years):
            obs = _observed(res.code, year, measure)
            if obs is None or obs <= 0:
                continue
            out.append(
                {
                    "code": res.code,
                    "name": f.inputs.name,
                    "peer_group": f.inputs.group,
                    "stock_at_origin": f.inputs.stock,
                    "small": f.inputs.small,
                    "origin": f.inputs.origin,
                    "year": year,
                    "horizon": k + 1,
                    "measure": measure,
                    "observed": obs,
                    "model_mean": round(float(mean[k]), 2),
                    "model_p5": round(float(lo[k]), 2),
                    "model_p95": round(float(hi[k]), 2),
                    "covered": bool(lo[k] <= obs <= hi[k]),
                    "carry_forward": round(float(cf[k]), 2),
                    "markov": round(float(mk[k]), 2),
                    "model_ape": round(abs(mean[k] - obs) / obs, 5),
                    "carry_forward_ape": round(abs(cf[k] - obs) / obs, 5),
                    "markov_ape": round(abs(mk[k] - obs) / obs, 5),
                }
            )
    return out


def summarise(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """By group (all, small, larger), measure and horizon: MdAPE and MAPE (%) of the model and
    the baselines, how many authorities the model beats carry-forward in, and coverage."""
    out = []
    groups = (
        ("all", lambda r: True),
        (f"under {SMALL}", lambda r: r["small"]),
        (f"{SMALL} or more", lambda r: not r["small"]),
    )
    for group, keep in groups:
        for measure in MEASURES:
            sel = [r for r in rows if keep(r) and r["measure"] == measure]
            for h in sorted({r["horizon"] for r in sel}):
                rr = [r for r in sel if r["horizon"] == h]
                ape = {
                    k: np.asarray([r[f"{k}_ape"] for r in rr]) * 100
                    for k in ("model", "carry_forward", "markov")
                }
                out.append(
                    {
                        "group": group,
                        "measure": measure,
                        "horizon": h,
                        "year": rr[0]["year"],
                        "authorities": len(rr),
                        **{f"{k}_mdape": round(float(np.median(v)), 2) for k, v in ape.items()},
                        **{f"{k}_mape": round(float(v.mean()), 2) for k, v in ape.items()},
                        "model_beats_carry_forward": int(
                            (ape["model"] < ape["carry_forward"]).sum()
                        ),
                        "coverage_90": round(100 * float(np.mean([r["covered"] for r in rr])), 1),
                    }
                )
    return out


def _manifest(
    la: str,
    origin: int,
    last: int,
    seed: int,
    jobs: int,
    executor: str,
    n: int,
    notes: list[str],
    wall: float,
    results: Sequence[JobResult],
) -> dict[str, Any]:
    from results import store

    return {
        "tool": "carepaths",
        "version": store._version("carepaths"),
        "command": "backtest",
        "argv": sys.argv[1:],
        "la": la,
        "from": origin,
        "to": last,
        "seed": seed,
        "jobs": jobs,
        "executor": executor,
        "authorities": n,
        "notes": notes,
        "data": f"calibration/data/{LA_FILE.name}",
        "runs": sum(r.forecast.runs for r in results),
        "finished_utc": store.iso(store.utc_now()),
        "wall_seconds": round(wall, 1),
        "versions": store.package_versions(),
    }
