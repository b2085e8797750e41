"""Benchmarks (issue 6): engine speed, replicate time, compare, England at full scale, calibration.

    python benchmarks/bench.py                       # everything; writes benchmarks/results.json
    python benchmarks/bench.py --only engine,replicate
    python benchmarks/bench.py --quick               # smaller runs: a smoke test, not the checks
    python benchmarks/bench.py --profile replicate   # cProfile of one run, top functions

Each measurement runs in its own child process, so imports, caches and memory do not leak from
one to the next; the parent reads the child's peak resident memory from ``os.wait4`` (the largest
single process in the child's tree). Results are merged into ``benchmarks/results.json`` (a
subset run updates only its own entries) and printed as a table with the issue's checks.

Measurements:
- ``engine``: one default-area replicate over 10 years (``run_replicate``: ``events`` and
  ``wall_seconds``, model build included) on each clock, then the same number of trivial events
  through a bare ``heapq`` loop (pop, call, push one, ~1,000 pending) in the same process.
- ``pipeline``: the salabim recruitment pipeline alone, default area, 10 years (median of 20).
- ``replicate``: default area, 10 years, median wall seconds of 5 replicates.
- ``compare``: ``run.py compare baseline foster-carer-support social-work-staffing --years 5
  --reps 100 --seed 1 --no-report``, wall seconds with the default executor.
- ``england``: England at full scale (83,630 children in care), 1 replicate x 5 years.
- ``calibration``: ``run.py calibrate --area england-average --year 2024 --no-report`` with the
  fitted files written to a temporary folder (calibration/fitted is left alone).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import heapq
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
MEASUREMENTS = ("engine", "pipeline", "replicate", "compare", "england", "calibration")
COMPARE_SCENARIOS = ("baseline", "foster-carer-support", "social-work-staffing")
DEFAULT_AREA = "england-average"

# Issue 6 checks on a 2-core machine: (key in the measurement, limit, "max" or "min").
CHECKS: dict[str, tuple[str, float, str]] = {
    "engine": ("overhead_ratio", 0.25, "min"),
    "replicate": ("median_seconds", 0.5, "max"),
    "compare": ("wall_seconds", 60.0, "max"),
    "england": ("wall_seconds", 120.0, "max"),
    "england_memory": ("peak_mb", 2048.0, "max"),
    "pipeline": ("median_ms", 50.0, "max"),
}


# --- helpers run inside the child ---------------------------------------------------------------


def _params(area: str, replicate: int = 0) -> Any:
    """Baseline parameters for ``area`` as the CLI resolves them (fit included if present)."""
    from calibration.resolve import resolve_params
    from simulation.scenario import load_scenario

    return resolve_params(load_scenario("baseline"), area, replicate)


def bare_heapq_events_per_second(n_events: int, pending: int = 1_000) -> float:
    """Events per second of a bare heapq loop: pop the earliest, call it, push one more."""

    def noop() -> None:
        return None

    heap: list[tuple[float, int, Callable[[], None]]] = [
        ((i * 0.37) % 100.0, i, noop) for i in range(pending)
    ]
    heapq.heapify(heap)
    push, pop = heapq.heappush, heapq.heappop
    started = time.perf_counter()
    for i in range(n_events):
        t, _, fn = pop(heap)
        fn()
        push(heap, (t + ((i * 7919) % 1000 + 1) * 0.01, pending + i, noop))
    return n_events / (time.perf_counter() - started)


def lean_clock_events_per_second(n_events: int, pending: int = 1_000) -> float:
    """The model's LeanClock with trivial events: each callback schedules the next one."""
    from simulation.clock import LeanClock

    clock = LeanClock()
    left = [n_events - pending]

    def tick() -> None:
        if left[0] > 0:
            left[0] -= 1
            clock.at(clock.now + (left[0] * 7919 % 1000 + 1) * 0.01, tick)

    for i in range(pending):
        clock.at((i * 0.37) % 100.0, tick)
    started = time.perf_counter()
    clock.run_until(float("inf"))
    return clock.events_fired / (time.perf_counter() - started)


def measure_engine(quick: bool) -> dict[str, Any]:
    from simulation.runner import run_replicate

    years = 2 if quick else 10
    out: dict[str, Any] = {"years": years, "area": DEFAULT_AREA}
    base = _params(DEFAULT_AREA)
    default_clock = base["engine.clock"]
    for clock in ("lean", "mesa"):
        params = base.with_changes({"engine.clock": clock})
        try:
            run_replicate(params, 1, 1, 0)  # warm-up: imports, caches
            cpu0 = time.process_time()
            res = run_replicate(params, years, 1, 0)
            cpu = time.process_time() - cpu0
        except Exception as exc:  # a broken clock is reported, not fatal
            out[f"{clock}_error"] = f"{type(exc).__name__}: {exc}"
            continue
        out[f"{clock}_events"] = res.events
        out[f"{clock}_wall_seconds"] = round(res.wall_seconds, 4)
        out[f"{clock}_events_per_second"] = round(res.events / res.wall_seconds)
        out[f"{clock}_events_per_cpu_second"] = round(res.events / cpu)
    events = out[f"{default_clock}_events"]
    heap_rate = statistics.median(bare_heapq_events_per_second(events) for _ in range(3))
    out["default_clock"] = default_clock
    out["events"] = events
    out["events_per_second"] = out[f"{default_clock}_events_per_second"]
    out["heapq_events_per_second"] = round(heap_rate)
    out["overhead_ratio"] = round(out["events_per_second"] / heap_rate, 4)
    lean_rate = statistics.median(lean_clock_events_per_second(events) for _ in range(3))
    out["lean_clock_trivial_events_per_second"] = round(lean_rate)
    out["clock_only_ratio"] = round(lean_rate / heap_rate, 4)  # scheduler alone vs heapq
    return out


def measure_pipeline(quick: bool) -> dict[str, Any]:
    from simulation.pipeline import (
        DAYS_PER_YEAR,
        approvals_per_year,
        run_pipeline,
    )
    from simulation.streams import Streams

    reps = 5 if quick else 20
    out: dict[str, Any] = {"years": 10, "area": DEFAULT_AREA, "reps": reps}
    variants: dict[str, dict[str, Any]] = {"tree_defaults": {}}
    for name, changes in variants.items():
        params = _params(DEFAULT_AREA).with_changes(changes)
        run_pipeline(params, Streams(0), 10 * DAYS_PER_YEAR)
        times, cpu, approvals = [], [], []
        for seed in range(1, reps + 1):
            started, cpu0 = time.perf_counter(), time.process_time()
            res = run_pipeline(params, Streams(seed), 10 * DAYS_PER_YEAR)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu0)
            approvals.append(approvals_per_year(res, 10 * DAYS_PER_YEAR, DAYS_PER_YEAR))
        out[f"{name}_median_ms"] = round(1000 * statistics.median(times), 1)
        out[f"{name}_median_cpu_ms"] = round(1000 * statistics.median(cpu), 1)
        out[f"{name}_approvals_per_year"] = round(statistics.mean(approvals), 2)  # after year 1
    out["median_ms"] = out["tree_defaults_median_ms"]
    out["median_cpu_ms"] = out["tree_defaults_median_cpu_ms"]
    return out


def measure_replicate(quick: bool) -> dict[str, Any]:
    from simulation.runner import run_replicate

    years, reps = (2, 3) if quick else (10, 5)
    run_replicate(_params(DEFAULT_AREA), 1, 1, 0)  # warm-up
    times, cpu, events = [], [], []
    for rep in range(reps):
        params = _params(DEFAULT_AREA, rep)
        cpu0 = time.process_time()
        res = run_replicate(params, years, 1, rep)
        cpu.append(time.process_time() - cpu0)
        times.append(res.wall_seconds)
        events.append(res.events)
    return {
        "years": years,
        "replicates": reps,
        "area": DEFAULT_AREA,
        "median_seconds": round(statistics.median(times), 4),
        "median_cpu_seconds": round(statistics.median(cpu), 4),
        "all_seconds": [round(t, 4) for t in times],
        "median_events": statistics.median(events),
    }


def measure_england(quick: bool) -> dict[str, Any]:
    from simulation.runner import run_replicate

    years = 1 if quick else 5
    started, cpu0 = time.perf_counter(), time.process_time()
    res = run_replicate(_params("england"), years, 1, 0)
    cpu = time.process_time() - cpu0
    return {
        "cpu_seconds": round(cpu, 2),
        "years": years,
        "area": "england",
        "wall_seconds": round(time.perf_counter() - started, 2),
        "replicate_seconds": round(res.wall_seconds, 2),
        "events": res.events,
        "events_per_second": round(res.events / res.wall_seconds),
    }


def measure_calibration(quick: bool) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import run  # the CLI, so the options stay those a user types

    out_dir = Path(tempfile.mkdtemp(prefix="carepaths-bench-fit-"))  # the checkout is left alone
    args = ["calibrate", "--area", DEFAULT_AREA, "--year", "2024", "--no-report"]
    args += ["--out", str(out_dir)]
    if quick:
        args += ["--budget", "40"]
    started = time.perf_counter()
    run.app(args, standalone_mode=False)
    return {
        "command": "python run.py " + " ".join(args),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "fitted_to": str(out_dir),
    }


def measure_compare(quick: bool) -> dict[str, Any]:
    """Runs the CLI in a grandchild so its worker pool is measured like a user's run."""
    reps = 10 if quick else 100
    missing = [s for s in COMPARE_SCENARIOS if not (ROOT / "scenarios" / f"{s}.toml").exists()]
    scenarios = [s for s in COMPARE_SCENARIOS if s not in missing]
    with tempfile.TemporaryDirectory(prefix="carepaths-bench-compare-") as tmp:
        cmd = [sys.executable, "run.py", "compare", *scenarios, "--years", "5", "--reps",
               str(reps), "--seed", "1", "--no-report", "--out", tmp]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
    out = {
        "command": " ".join(["python", *cmd[1:-1], "<tmp>"]),
        "scenarios": scenarios,
        "replicates": reps,
        "years": 5,
        "wall_seconds": round(wall, 2),
        "returncode": done.returncode,
    }
    if missing:
        out["missing_scenarios"] = missing
    if done.returncode != 0:
        out["stderr"] = done.stderr[-2000:]
    return out


MEASURE: dict[str, Callable[[bool], dict[str, Any]]] = {
    "engine": measure_engine,
    "pipeline": measure_pipeline,
    "replicate": measure_replicate,
    "compare": measure_compare,
    "england": measure_england,
    "calibration": measure_calibration,
}


# --- parent ---------------------------------------------------------------------------------------


def wait_until_idle(max_wait: float, threshold: float = 0.5) -> float:
    """Wait (up to ``max_wait`` s) for the 1-minute load average to fall; return it."""
    deadline = time.monotonic() + max_wait
    while os.getloadavg()[0] > threshold and time.monotonic() < deadline:
        time.sleep(5)
    return round(os.getloadavg()[0], 2)


def run_child(name: str, quick: bool, max_wait: float = 0.0) -> dict[str, Any]:
    """Run one measurement in a fresh process; add its wall time and peak memory."""
    load_before = wait_until_idle(max_wait)
    with tempfile.TemporaryDirectory(prefix="carepaths-bench-") as tmp:
        result_file = Path(tmp) / "result.json"
        log = Path(tmp) / "log.txt"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name,
               "--result", str(result_file)] + (["--quick"] if quick else [])  # fmt: skip
        started = time.perf_counter()
        with log.open("w") as fh:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        if proc.returncode != 0 or not result_file.exists():
            return {"status": f"failed (exit {proc.returncode})",
                    "log": log.read_text()[-3000:]}  # fmt: skip
        out = json.loads(result_file.read_text())
    out.setdefault("status", "ok")
    out["process_seconds"] = round(wall, 2)
    out["process_cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)  # whole child tree
    out["load_before_after"] = [load_before, round(os.getloadavg()[0], 2)]
    out["peak_mb"] = round(usage.ru_maxrss / 1024, 1)  # Linux: KiB
    return out


def check(name: str, entry: dict[str, Any]) -> list[tuple[str, float, str, bool]]:
    """(what, limit, direction, passed) for each check that applies to ``entry``."""
    rows = []
    for check_name, (key, limit, how) in CHECKS.items():
        if check_name.split("_")[0] != name or key not in entry:
            continue
        value = entry[key]
        rows.append((key, limit, how, value <= limit if how == "max" else value >= limit))
    return rows


def _git_commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True, check=False)  # fmt: skip
    return done.stdout.strip()


def table(results: dict[str, Any]) -> str:
    """A plain-text table of the headline numbers and the checks."""
    lines = [f"{'measurement':<12} {'result':<66} check", "-" * 110]
    for name in MEASUREMENTS:
        entry = results.get("measurements", {}).get(name)
        if entry is None:
            continue
        lines.append(f"{name:<12} {_headline(name, entry):<66} " + _checks_text(name, entry))
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    """The README table: headline, CPU seconds, peak memory, load, commit and the checks."""
    lines = [
        "| measurement | result | process CPU s | peak MB | load before/after | commit | check |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in MEASUREMENTS:
        e = results.get("measurements", {}).get(name)
        if e is None:
            continue
        load = "/".join(f"{x:g}" for x in e.get("load_before_after", []))
        verdict = _checks_text(name, e).replace(" NO", " **NO**")
        lines.append(
            f"| {name} | {_headline(name, e)} | {e.get('process_cpu_seconds', '')} | "
            f"{e.get('peak_mb', '')} | {load} | {e.get('commit', '')} | {verdict} |"
        )
    return "\n".join(lines)


def _checks_text(name: str, entry: dict[str, Any]) -> str:
    """Each check with its own verdict, e.g. ``wall_seconds <= 120 NO; peak_mb <= 2048 yes``."""
    rows = check(name, entry)
    if not rows:
        return "-"
    return "; ".join(
        f"{k} {'<=' if h == 'max' else '>='} {lim:g} {'yes' if ok else 'NO'}"
        for k, lim, h, ok in rows
    )


def _headline(name: str, e: dict[str, Any]) -> str:
    if e.get("status", "ok") != "ok":
        return str(e["status"])
    if name == "engine":
        return (f"{e['events_per_second']:,} ev/s ({e['default_clock']}); heapq "
                f"{e['heapq_events_per_second']:,}; ratio {e['overhead_ratio']:.3f}; "
                f"clock alone {e['clock_only_ratio']:.2f}")  # fmt: skip
    if name == "pipeline":
        return (f"{e['median_ms']:.0f} ms/10y (cpu {e.get('median_cpu_ms', 0):.0f}); "
                f"in-house approvals {e['tree_defaults_approvals_per_year']}/yr")  # fmt: skip
    if name == "replicate":
        return (f"{e['median_seconds']:.3f} s median, cpu {e.get('median_cpu_seconds', 0):.3f} s "
                f"({e['years']} y, {e['median_events']:,} ev)")  # fmt: skip
    if name == "compare":
        return (f"{e['wall_seconds']:.1f} s ({len(e['scenarios'])} x {e['replicates']} reps x "
                f"{e['years']} y; exit {e['returncode']})")  # fmt: skip
    if name == "england":
        return (f"{e['wall_seconds']:.1f} s, peak {e['peak_mb']:.0f} MB ({e['years']} y, "
                f"{e['events']:,} ev)")  # fmt: skip
    if name == "calibration":
        return f"{e['wall_seconds']:.0f} s" if "wall_seconds" in e else str(e)
    return ""


def profile(what: str, top: int, years: int | None = None, dump: Path | None = None) -> None:
    """cProfile one run (``replicate``: default area 10 years; ``england``: 5 years)."""
    from simulation.runner import run_replicate

    area, default_years = (DEFAULT_AREA, 10) if what == "replicate" else ("england", 5)
    years = years or default_years
    params = _params(area)
    prof = cProfile.Profile(time.process_time)  # CPU time: the box is shared, wall time lies
    prof.enable()
    run_replicate(params, years, 1, 0)
    prof.disable()
    if dump is not None:
        prof.dump_stats(dump)
    stats = pstats.Stats(prof).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--only", default=",".join(MEASUREMENTS),
                    help=f"comma-separated subset of {', '.join(MEASUREMENTS)}")  # fmt: skip
    ap.add_argument("--quick", action="store_true", help="smaller runs (not the issue's checks)")
    ap.add_argument("--wait-idle", type=float, default=0.0, metavar="SECONDS",
                    help="before each measurement wait up to this long for load < 0.5")  # fmt: skip
    ap.add_argument("--out", type=Path, default=RESULTS, help="results JSON to update")
    ap.add_argument("--profile", choices=("replicate", "england"), help="profile one run")
    ap.add_argument("--top", type=int, default=30, help="functions to show when profiling")
    ap.add_argument("--years", type=int, help="years for --profile (default 10 or 5)")
    ap.add_argument("--dump", type=Path, help="write the raw cProfile stats here")
    ap.add_argument("--markdown", action="store_true", help="print results.json as a table")
    ap.add_argument("--child", choices=MEASUREMENTS, help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    if args.child:
        args.result.write_text(json.dumps(MEASURE[args.child](args.quick)))
        return 0
    if args.markdown:
        print(markdown(json.loads(args.out.read_text())))
        return 0
    if args.profile:
        profile(args.profile, args.top, args.years, args.dump)
        return 0

    selected = [m.strip() for m in args.only.split(",") if m.strip()]
    unknown = sorted(set(selected) - set(MEASUREMENTS))
    if unknown:
        ap.error(f"unknown measurement(s) {', '.join(unknown)}; choose from {MEASUREMENTS}")
    results: dict[str, Any] = json.loads(args.out.read_text()) if args.out.exists() else {}
    results.setdefault("measurements", {})
    for name in selected:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        entry = run_child(name, args.quick, args.wait_idle)
        entry["quick"] = args.quick
        entry["measured"] = dt.datetime.now().isoformat(timespec="seconds")
        entry["commit"] = _git_commit()
        results["measurements"][name] = entry
    results["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    results["checks"] = {
        name: {k: {"limit": lim, "kind": h, "passed": ok} for k, lim, h, ok in check(name, e)}
        for name, e in results["measurements"].items()
    }
    args.out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
