"""Write a set of files so that readers see the old set or the new one, never half of each.

Each file is first written in full to a hidden temporary file beside its target
(``.<name>.tmp-<pid>``) and flushed to disk; only then are the temporaries renamed over their
targets (``os.replace`` is atomic per file), with Ctrl-C and SIGTERM held back for the few
microseconds the renames take. An interrupt before the renames leaves every target as it was
(the temporaries are removed); one during them is taken after the last rename, so the caller
can say truthfully that the set was written. Temporaries left by a killed process are removed
by the next write to the same folder.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

TMP_MARK = ".tmp-"
HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def write_set(folder: Path, files: Mapping[str, str], remove: Sequence[str] = ()) -> list[Path]:
    """Write ``files`` (name -> text) into ``folder`` as one set, in the given order, and
    delete the names in ``remove`` (stale members of an older set) after the renames.
    Returns the written paths. Raises OSError if the folder cannot be written."""
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(folder, files)
    staged: list[tuple[Path, Path]] = []
    try:  # an interrupt while staging leaves every target as it was
        for name, text in files.items():
            final = folder / name
            tmp = folder / f".{name}{TMP_MARK}{os.getpid()}"
            staged.append((tmp, final))
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        with held_signals():
            for tmp, final in staged:
                os.replace(tmp, final)
            for name in remove:
                (folder / name).unlink(missing_ok=True)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return [final for _, final in staged]


def remove_stale_temporaries(folder: Path, files: Mapping[str, str]) -> None:
    """Delete temporaries of these names left by a process that no longer runs."""
    for name in files:
        for tmp in folder.glob(f".{name}{TMP_MARK}*"):
            pid = tmp.name.rsplit(TMP_MARK, 1)[-1]
            if not pid.isdigit() or not _alive(int(pid)):
                tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours, from an earlier failed attempt in this process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class WrittenThenInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM arrived while a set was being renamed: the new set is complete."""


@contextlib.contextmanager
def held_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the block, then raise :class:`WrittenThenInterrupted` if
    one came (unless it was being ignored). Only the main thread can hold signals; in another
    thread the block runs unprotected."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, FrameType | None]] = []
    previous: dict[int, Any] = {int(s): signal.getsignal(s) for s in HELD_SIGNALS}

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append((signum, frame))

    for s in HELD_SIGNALS:
        signal.signal(s, hold)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if any(previous[signum] != signal.SIG_IGN for signum, _ in caught):
            raise WrittenThenInterrupted
