"""Run folders: atomic creation, tidy CSV writers and ``manifest.json``.

A run folder ``<out>/<YYYYmmdd-HHMMSS>-<name>/`` appears only when it is complete: everything
is written into a hidden ``<out>/.<folder>.partial-<pid>`` first and moved to the final name with
one ``os.replace`` at the very end. An exception or Ctrl-C removes the partial folder, so a
folder without the dot is always a finished run.

CSVs are byte-identical run to run: rows are sorted, floats use one fixed format
(:func:`format_value`) and nothing time-dependent goes in them (timings live in the manifest).
"""

from __future__ import annotations

import csv
import errno
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from simulation.errors import OutputError

TIMESERIES_HEADER = ("scenario", "replicate", "date", "indicator", "value")
INDICATORS_HEADER = ("scenario", "replicate", "year", "indicator", "value")
SUMMARY_HEADER = ("scenario", "indicator", "year", "unit", "mean", "p5", "p50", "p95")
PACKAGES = ("mesa", "numpy", "scipy", "salabim", "matplotlib", "typer")
MAX_SUFFIX = 1000


def format_value(value: Any) -> str:
    """One stable text form per value: floats to 12 significant digits, ``-0`` as ``0``."""
    if isinstance(value, float):
        text = format(value, ".12g")
        return "0" if text == "-0" else text
    return str(value)


# ---------------------------------------------------------------------------- out folder


def check_out_folder(out: Path) -> Path:
    """Create ``out`` if needed and prove it is writable; raise OutputError naming it."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a folder; choose a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(
            f"cannot write to the output folder {out} ({reason}); choose another --out"
        ) from None
    return out


def folder_name(name: str, when: datetime | None = None) -> str:
    """``<YYYYmmdd-HHMMSS>-<name>`` in local time, ``name`` made safe for a file name."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "run"
    return f"{stamp}-{safe}"


def _publish(partial: Path, final: Path) -> Path:
    """Move ``partial`` to ``final``, or to ``final-2``, ``final-3``... if that name is taken."""
    for n in range(1, MAX_SUFFIX + 1):
        target = final if n == 1 else final.with_name(f"{final.name}-{n}")
        if target.exists():
            continue
        try:
            os.replace(partial, target)
        except OSError as exc:  # another run took the name between the check and the move
            if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
                continue
            raise OutputError(f"cannot create the run folder {target}: {exc}") from None
        return target
    raise OutputError(f"too many run folders named {final.name}-* in {final.parent}")


class RunFolder:
    """A run folder being written: write files under ``path``; ``final`` is set on success."""

    def __init__(self, out: Path, name: str) -> None:
        self.out = Path(out)
        self.name = folder_name(name)
        self.path = self.out / f".{self.name}.partial-{os.getpid()}"
        self.final: Path | None = None

    def file(self, name: str) -> Path:
        return self.path / name


@contextmanager
def create_run(out: Path, name: str) -> Iterator[RunFolder]:
    """Yield a :class:`RunFolder`; publish it atomically on success, delete it on failure."""
    check_out_folder(out)
    run = RunFolder(out, name)
    try:
        run.path.mkdir()
    except OSError as exc:
        raise OutputError(f"cannot create a folder in {run.out}: {exc.strerror}") from None
    try:
        yield run
    except BaseException:
        shutil.rmtree(run.path, ignore_errors=True)
        raise
    run.final = _publish(run.path, run.out / run.name)


# ---------------------------------------------------------------------------- CSV writers


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write a CSV with ``\\n`` line ends and :func:`format_value` for every cell."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([format_value(v) for v in row] for row in rows)
    return path


def _sorted_rows(rows: Iterable[Sequence[Any]]) -> list[Sequence[Any]]:
    # Key on everything but the value first so ties (duplicate keys) still sort stably.
    return sorted(rows, key=lambda r: (tuple(r[:-1]), r[-1]))


def write_timeseries(path: Path, rows: Iterable[tuple[str, int, str, str, float]]) -> Path:
    """``timeseries.csv``: (scenario, replicate, date, indicator, value) rows, sorted."""
    return write_csv(path, TIMESERIES_HEADER, _sorted_rows(rows))


def write_indicators(path: Path, rows: Iterable[tuple[str, int, int, str, float]]) -> Path:
    """``indicators.csv``: (scenario, replicate, year, indicator, value) rows, sorted."""
    return write_csv(path, INDICATORS_HEADER, _sorted_rows(rows))


def write_summary(path: Path, rows: Iterable[Sequence[Any]]) -> Path:
    """``summary.csv``: rows from :func:`results.summary.summarise` (already sorted)."""
    return write_csv(path, SUMMARY_HEADER, rows)


# ---------------------------------------------------------------------------- manifest


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def package_versions(extra: Iterable[str] = ()) -> dict[str, str | None]:
    """Python and package versions (None for a package that is not installed)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    versions.update({p: _version(p) for p in (*PACKAGES, *extra)})
    return versions


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def scenario_entry(
    name: str, files: Iterable[Path], param_hashes: Sequence[str], events: Sequence[int]
) -> dict[str, Any]:
    """The manifest's record of one scenario: files with sha256, parameter hash, events.

    ``parameters_sha256`` is the hash of the validated parameters when every replicate used
    the same ones; when replicates differ (a calibrated ensemble gives each its own member) it
    is the hash of the per-replicate hashes, which are listed too.
    """
    unique = sorted(set(param_hashes))
    if len(unique) == 1:
        combined = unique[0]
    else:
        combined = hashlib.sha256("\n".join(param_hashes).encode()).hexdigest()
    entry: dict[str, Any] = {
        "name": name,
        "files": [{"path": str(p), "sha256": sha256_file(p)} for p in files],
        "parameters_sha256": combined,
        "events": int(sum(events)),
        "events_per_replicate": [int(e) for e in events],
    }
    if len(unique) > 1:
        entry["parameters_sha256_per_replicate"] = list(param_hashes)
    return entry


def build_manifest(
    *,
    argv: Sequence[str],
    command: str,
    scenarios: list[dict[str, Any]],
    area: str,
    years: int,
    replicates: int,
    seed: int,
    replicate_seeds: list[dict[str, int]],
    started: datetime,
    finished: datetime,
    executor: str,
    jobs: int,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The run's ``manifest.json`` content (plain JSON types only)."""
    manifest: dict[str, Any] = {
        "tool": "carepaths",
        "version": _version("carepaths") or "unknown",
        "command": command,
        "command_line": shlex.join(str(a) for a in argv),
        "area": area,
        "years": years,
        "replicates": replicates,
        "seed": seed,
        "replicate_seeds": replicate_seeds,
        "scenarios": scenarios,
        "executor": executor,
        "jobs": jobs,
        "started_utc": iso(started),
        "finished_utc": iso(finished),
        "wall_seconds": round((finished - started).total_seconds(), 3),
        "versions": package_versions(("dask", "distributed") if executor == "dask" else ()),
    }
    manifest.update(extra or {})
    return manifest


def write_manifest(path: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest.json`` (indented, keys in insertion order, trailing newline)."""
    path.write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    return path
