"""The ``calibrate`` command: check the options, fit an area, write the fit and its report.

The pieces, each in its own module: :mod:`calibration.direct` (values the tables give
directly), :mod:`calibration.knobs` (the multipliers fitted by simulation),
:mod:`calibration.simulator` (candidates run through the project's executor),
:mod:`calibration.search` (the fitting algorithm) and :mod:`calibration.fitfiles` (the files
a fit writes). docs/calibration.md has the method and the measured results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from calibration.fitfiles import write_fit
from calibration.search import MIN_ENSEMBLE, fit_area
from calibration.targets import area_targets
from simulation.errors import CarepathsError


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
) -> Path:
    """The ``calibrate`` command: fit, write the fitted files, return the .toml path."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from simulation.executor import check_executor

    if area and la:
        raise CarepathsError("give --area or --la, not both")
    name = f"la-{la.strip()}" if la else (area or "england-average")
    if not (name in ("england", "england-average") or name.startswith("la-")):
        raise CarepathsError(
            f"unknown area {name!r}; use --area england-average, "
            "--area england or --la CODE (DfE 3-digit code)"
        )
    holdout = parse_years(holdout_years)
    for y in holdout:
        if y <= year:
            raise CarepathsError(f"hold-out year {y} is not after the fit year {year}")
    area_targets(name, year)  # fail fast: unknown code or year names what is available
    for y in holdout:
        area_targets(name, y)
    check_executor(executor, scheduler, jobs)
    budget = budget or DEFAULT_BUDGET
    if budget < 40:
        raise CarepathsError(
            f"--budget {budget} is too small; at least 40 runs are needed "
            f"for an ensemble of {MIN_ENSEMBLE}"
        )
    say = console.print if console is not None else (lambda *a, **k: None)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task(f"calibrating {name} {year}", total=budget + 200)

        def advance(n: int) -> None:
            bar.advance(task, n)

        res = fit_area(
            name,
            year,
            budget,
            seed,
            holdout,
            jobs,
            executor,
            scheduler,
            advance,
            log=lambda s: bar.console.print(f"  {s}"),
        )
        bar.update(task, total=res.runs, completed=res.runs)
    path = write_fit(res, seed, budget)
    within = sum(bool(r["within"]) for r in res.report)
    say(
        f"{within} of {len(res.report)} targets within tolerance; {res.runs} runs in "
        f"{res.wall_seconds:.0f} s"
    )
    if report:
        folder = write_fit_report(path, name, year, seed, budget, res.wall_seconds)
        say(f"Report: {folder / 'report.html'}")
    return path


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
