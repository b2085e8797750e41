"""The ``calibrate`` command: check the options, fit an area, write the fit and its report.

The pieces, each in its own module: :mod:`calibration.direct` (values the tables give
directly), :mod:`calibration.knobs` (the multipliers fitted by simulation),
:mod:`calibration.simulator` (candidates run through the project's executor),
:mod:`calibration.search` (the fitting algorithm) and :mod:`calibration.fitfiles` (the files
a fit writes). docs/calibration.md has the method and the measured results.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from calibration.atomic import WrittenThenInterrupted
from calibration.fitfiles import FITTED_DIR, fit_names, write_fit
from calibration.search import MIN_ENSEMBLE, FitResult, fit_area
from calibration.targets import area_targets
from simulation.errors import CarepathsError, OutputError


def parse_years(text: str | None) -> list[int]:
    """'2020-2024' or '2017,2018' -> years; a clear error otherwise."""
    if not text:
        return []
    years: list[int] = []
    try:
        for part in text.split(","):
            if "-" in part:
                a, b = (int(x) for x in part.split("-"))
                years += list(range(a, b + 1))
            else:
                years.append(int(part))
    except ValueError:
        raise CarepathsError(f"--holdout-years {text!r}: use e.g. 2020-2024 or 2017,2018") from None
    return sorted(set(years))


DEFAULT_BUDGET = 800  # the committed England-average 2024 fit (about a minute on 2 cores)
MIN_BUDGET = 40  # 2 ratio runs and an ensemble of 20 reported once each
DEFAULT_OUT = Path("results/fits")  # users' fits; calibration/fitted holds the committed ones
NAME_MAX = 255  # bytes in one file or folder name on common file systems


class CalibrationInterrupted(CarepathsError):
    """Ctrl-C or SIGTERM during a calibration; the message says what was written."""


def calibrate(
    area: str | None = None,
    la: str | None = None,
    year: int = 2024,
    budget: int | None = None,
    seed: int = 1,
    holdout_years: str | None = None,
    jobs: int = 0,
    executor: str = "local",
    scheduler: str | None = None,
    report: bool = True,
    console: Any = None,
    out: Path | str | None = None,
    force: bool = False,
) -> Path:
    """The ``calibrate`` command: check everything, fit, write the fit files as one set
    (and a report folder); return the .toml path. Nothing is written when a check fails or
    the fit is interrupted."""
    from simulation.executor import check_executor

    name = area_name(area, la)
    holdout = parse_years(holdout_years)
    for y in holdout:
        if y <= year:
            raise CarepathsError(f"hold-out year {y} is not after the fit year {year}")
    area_targets(name, year)  # fail fast: unknown code or year names what is available
    for y in holdout:
        area_targets(name, y)
    check_executor(executor, scheduler, jobs)
    budget = check_budget(budget)
    out_dir = check_fit_folder(DEFAULT_OUT if out is None else out, name, year, force)
    say = console.print if console is not None else (lambda *a, **k: None)
    try:
        res = _fit_with_progress(name, year, budget, seed, holdout, jobs, executor, scheduler)
        path = write_fit(res, seed, budget, out_dir)
    except WrittenThenInterrupted:
        toml = out_dir / fit_names(name, year)[0]
        raise CalibrationInterrupted(
            f"interrupted after the fit was written to {toml}; no report folder was written"
        ) from None
    except KeyboardInterrupt:
        raise CalibrationInterrupted("interrupted; no fit file was written or replaced") from None
    try:
        within = sum(bool(r["within"]) for r in res.report)
        say(
            f"{within} of {len(res.report)} targets within tolerance; {res.runs} runs in "
            f"{res.wall_seconds:.0f} s"
        )
        if report:
            folder = write_fit_report(path, name, year, seed, budget, res.wall_seconds)
            say(f"Report: {folder / 'report.html'}")
    except KeyboardInterrupt:
        raise CalibrationInterrupted(
            f"interrupted after the fit was written to {path}; no report folder was written"
        ) from None
    return path


def area_name(area: str | None, la: str | None) -> str:
    """The fit's area from ``--area`` / ``--la``; a clear error for an empty or unknown one."""
    if area is not None and la is not None:
        raise CarepathsError("give --area or --la, not both")
    if la is not None:
        code = la.strip()
        if not code:
            raise CarepathsError(
                "--la is empty; give a DfE 3-digit local authority code, e.g. --la 383 "
                "(python run.py areas lists them)"
            )
        return f"la-{code}"
    name = "england-average" if area is None else area.strip()
    if name in ("england", "england-average") or (name.startswith("la-") and len(name) > 3):
        return name
    shown = repr(area) if area is not None and area.strip() else "(empty)"
    raise CarepathsError(
        f"--area {shown} is not an area calibrate can fit; use --area england-average, "
        "--area england or --la CODE (DfE 3-digit code)"
    )


def check_budget(budget: int | None) -> int:
    """The run budget (default :data:`DEFAULT_BUDGET`); below :data:`MIN_BUDGET` is refused."""
    if budget is None:
        return DEFAULT_BUDGET
    if budget < MIN_BUDGET:
        raise CarepathsError(
            f"--budget {budget} is too small; at least {MIN_BUDGET} runs are needed "
            f"for an ensemble of {MIN_ENSEMBLE} (default {DEFAULT_BUDGET})"
        )
    return budget


def check_fit_folder(out: Path | str, name: str, year: int, force: bool) -> Path:
    """``out`` if the fit can be written there, creating nothing: it is (or can become) a
    writable folder, and a committed fit in calibration/fitted is replaced only with
    ``force``."""
    text = str(out)
    if not text.strip():
        raise OutputError("--out is empty; give a folder (default results/fits)")
    out = Path(text)
    too_long = [p for p in out.parts if len(p.encode()) > NAME_MAX]
    if too_long:
        raise OutputError(f"--out {text}: a folder name is longer than {NAME_MAX} bytes")
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {text} is a file, not a folder; choose a folder")
    existing = next(p for p in (out, *out.absolute().parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write to {existing} (for --out {text}); choose another --out")
    toml = out / fit_names(name, year)[0]
    committed = out.exists() and out.resolve() == FITTED_DIR.resolve()
    if committed and toml.exists() and not force:
        raise OutputError(
            f"{toml} is a committed fit; add --force to replace it, or write elsewhere with "
            f"--out DIR (the default is {DEFAULT_OUT})"
        )
    return out


def _fit_with_progress(
    name: str,
    year: int,
    budget: int,
    seed: int,
    holdout: list[int],
    jobs: int,
    executor: str,
    scheduler: str | None,
) -> FitResult:
    """:func:`fit_area` with a progress bar on stderr (hidden when it is not a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(f"calibrating {name} {year}", total=budget)
        res = fit_area(
            name,
            year,
            budget,
            seed,
            holdout,
            jobs,
            executor,
            scheduler,
            lambda n: bar.advance(task, n),
            log=lambda s: bar.console.print(f"  {s}"),
        )
        bar.update(task, total=res.runs, completed=res.runs)
    return res


def write_fit_report(
    path: Path,
    name: str,
    year: int,
    seed: int,
    budget: int,
    wall_seconds: float,
    out: Path = Path("results/runs"),
) -> Path:
    """A run folder for a calibration: its fit (and hold-out) tables, a manifest, the
    calibration chart and report.html (written atomically, like every run folder)."""
    import shutil

    from results import store
    from results.report import write_report

    with store.create_run(out, f"calibrate-{name}-{year}") as run:
        for suffix in (".fit.csv", ".holdout.csv"):
            table = path.with_suffix("").with_suffix(suffix)
            if table.exists():
                shutil.copy(table, run.file(table.name))
        finished = store.utc_now()
        store.write_manifest(
            run.file("manifest.json"),
            {
                "tool": "carepaths",
                "version": store._version("carepaths"),
                "command": "calibrate",
                "area": name,
                "year": year,
                "seed": seed,
                "budget_runs": budget,
                "calibration_file": str(path),
                "calibration_source": str(path),
                "finished_utc": store.iso(finished),
                "wall_seconds": round(wall_seconds, 3),
                "versions": store.package_versions(),
            },
        )
        write_report(run.path)
    assert run.final is not None
    return run.final
