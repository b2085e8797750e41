"""Run folders: atomic creation, tidy CSV writers and ``manifest.json``.

A run folder ``<out>/<YYYYmmdd-HHMMSS>-<name>/`` appears only when it is complete: everything
is written into a hidden ``<out>/.<folder>.partial-<pid>`` first and moved to the final name with
one ``os.replace`` at the very end. An exception or Ctrl-C removes the partial folder, so a
folder without the dot is always a finished run. A run killed outright (SIGKILL, power cut)
cannot clean up after itself: the next run in the same ``--out`` removes partial folders whose
process is gone, and ``report`` refuses a partial folder (:func:`is_partial`).

``manifest.json`` lists every file the run wrote before it (sha256 and size), so a table cut
short or changed after the run is detected when the folder is read back.

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

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PARTIAL_RE = re.compile(r"^\.(?P<name>.+)\.partial-(?P<pid>\d+)$")
MAX_NAME_BYTES = 255  # the longest file name Linux, macOS and Windows file systems all allow
MANIFEST = "manifest.json"

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


def out_folder(text: str | Path) -> Path:
    """The ``--out`` option as a folder path, refused with one message when it cannot be one.

    Checked without touching the disk, so it can run before anything else: an empty name
    (which would silently mean the current folder), a NUL character, or a path part longer
    than a file system allows (:data:`MAX_NAME_BYTES`).
    """
    raw = str(text)
    if not raw.strip():
        raise OutputError(
            "--out is empty; give the folder to write run folders into, e.g. --out results/runs"
        )
    if "\0" in raw:
        raise OutputError("--out contains a NUL character; choose another folder name")
    for part in Path(raw).parts:
        size = len(os.fsencode(part))
        if size > MAX_NAME_BYTES:
            raise OutputError(
                f"--out has a folder name of {size} bytes ({part[:40]}...); names may be at "
                f"most {MAX_NAME_BYTES} bytes: choose a shorter --out"
            )
    return Path(raw)


def check_out_folder(out: str | Path) -> Path:
    """Prove ``out`` can take a run folder, without writing anything; raise OutputError.

    ``out`` must be a writable folder, or not exist yet under a writable folder (it is
    created with the run folder, so a run that fails leaves not even an empty ``--out``).
    """
    out = out_folder(out)
    try:
        existing = next(p for p in (out, *out.parents) if p.exists())
        if not existing.is_dir():
            where = "is a file" if existing == out else f"is under {existing}, a file"
            raise OutputError(f"--out {out} {where}, not a folder; choose a folder")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise OutputError(
                f"cannot write to the output folder {out} ({existing} is not writable); "
                "choose another --out"
            )
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(
            f"cannot write to the output folder {out} ({reason}); choose another --out"
        ) from None
    return out


def _make_out_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder {out} ({exc.strerror or exc}); choose another --out"
        ) from None


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


def is_partial(folder: Path) -> bool:
    """Whether ``folder`` is a run still being written, or one a killed run left behind."""
    return PARTIAL_RE.match(Path(folder).name) is not None


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    except OSError:
        return False
    return True


def clean_stale_partials(out: Path) -> tuple[list[str], list[str]]:
    """Remove partial folders in ``out`` whose writing process has gone (a killed run).

    Returns (removed, kept): the names removed, and those kept because their process is still
    running (another run writing now, or an unrelated process that reused the number).
    """
    removed: list[str] = []
    kept: list[str] = []
    try:
        entries = sorted(Path(out).iterdir())
    except OSError:
        return removed, kept
    for entry in entries:
        match = PARTIAL_RE.match(entry.name)
        if match is None or not entry.is_dir():
            continue
        if _process_alive(int(match.group("pid"))):
            kept.append(entry.name)
            continue
        shutil.rmtree(entry, ignore_errors=True)
        (kept if entry.exists() else removed).append(entry.name)
    return removed, kept


class RunFolder:
    """A run folder being written: write files under ``path``; ``final`` is set on success."""

    def __init__(self, out: Path, name: str) -> None:
        self.out = Path(out)
        self.name = folder_name(name)
        self.path = self.out / f".{self.name}.partial-{os.getpid()}"
        self.final: Path | None = None
        self.stale_removed: list[str] = []
        self.stale_kept: list[str] = []

    def file(self, name: str) -> Path:
        return self.path / name

    def stale_note(self) -> str:
        """One line on partial folders of interrupted runs found in ``out`` ('' if none)."""
        notes = []
        if self.stale_removed:
            notes.append(
                f"removed {len(self.stale_removed)} partial folder(s) left in {self.out} by "
                f"interrupted runs: {', '.join(self.stale_removed)}"
            )
        others = [k for k in self.stale_kept if k != self.path.name]
        if others:
            notes.append(
                f"kept {len(others)} partial folder(s) in {self.out} whose process is still "
                f"running (not complete runs): {', '.join(others)}"
            )
        return "; ".join(notes)


@contextmanager
def create_run(out: Path, name: str) -> Iterator[RunFolder]:
    """Yield a :class:`RunFolder`; publish it atomically on success, delete it on failure.

    Partial folders that killed runs left in ``out`` are removed first (see
    :func:`clean_stale_partials`); :meth:`RunFolder.stale_note` says what was found.
    """
    check_out_folder(out)
    _make_out_folder(Path(out))
    run = RunFolder(out, name)
    run.stale_removed, run.stale_kept = clean_stale_partials(run.out)
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


def file_mode() -> int:
    """The mode a new file gets from ``open`` under the current umask (0644 under 022)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to a temporary file beside ``path`` and rename it into place.

    The file gets the same permissions as any other output (``mkstemp`` alone would leave
    it readable by its owner only).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def display_path(path: Path | str) -> str:
    """A path as it may appear in an output: relative to the project for its own files, else
    relative to the current folder; never an absolute path of the user's machine."""
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    for base in (PROJECT_ROOT, Path.cwd()):
        try:
            return p.relative_to(base).as_posix()
        except ValueError:
            continue
    return Path(os.path.relpath(p, Path.cwd())).as_posix()


def display_source(source: str | None) -> str | None:
    """A calibration source for the manifest: a file path via :func:`display_path`, any other
    description unchanged."""
    if source is None or not Path(source).is_absolute():
        return source
    return display_path(source)


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
        "files": [{"path": display_path(p), "sha256": sha256_file(p)} for p in files],
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


def output_entries(folder: Path) -> list[dict[str, Any]]:
    """Every file already in a run folder (but the manifest), with its sha256 and size."""
    folder = Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)
    return [
        {
            "path": p.relative_to(folder).as_posix(),
            "sha256": sha256_file(p),
            "bytes": p.stat().st_size,
        }
        for p in files
    ]


def write_manifest(path: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest.json`` (indented, keys in insertion order, trailing newline).

    ``outputs`` lists the files the folder holds at this moment (the tables), so a reader can
    tell a table cut short or edited after the run from the one the run wrote.
    """
    path = Path(path)
    manifest = {**manifest, "outputs": output_entries(path.parent)}
    path.write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    return path
