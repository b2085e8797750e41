"""DfE's SSDA903 validator (``csc-validator-be-903``), run in a virtual environment of its own.

Version 0.1.17 pins pandas < 2 and numpy < 1.25, which need Python 3.11 or older, so it cannot
share the project's environment (Python 3.12, numpy 2). On first use the project makes one:

    <cache>/lac-validator-0.1.17-py3.11/  (python3.11 -m venv; pip install csc-validator-be-903)

where ``<cache>`` is ``$CAREPATHS_CACHE`` or ``~/.cache/carepaths``; it is made under a lock in
a temporary folder and renamed into place only once the install succeeded, so two processes
never share a half-made environment. The validator runs as a subprocess
(:mod:`calibration.ssda903.lac_worker`) with one JSON request per collection year: this year's
files and, where there are any, last year's (the rules that compare years need them). Its
findings come back as :class:`~calibration.ssda903.reader.Finding` (file, CSV line, rule).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calibration.ssda903 import codes
from calibration.ssda903.reader import Finding
from simulation.errors import CarepathsError

VALIDATOR = "csc-validator-be-903==0.1.17"
PYTHONS = ("python3.11", "python3.10", "python3.9")  # numpy < 1.25 has no wheel for 3.12
WORKER = Path(__file__).with_name("lac_worker.py")
LOCAL_AUTHORITY = "E09000027"  # a fixed LA code: the synthetic postcodes are in no LA anyway

# Rules that need real-world reference data a synthetic (or any offline) set cannot have, or
# that the validator cannot judge from two years of files, or that are defects of 0.1.17
# itself: each with the reason it is not held against a synthetic set.
REFERENCE_RULES: dict[str, str] = {
    "169": "placement LA from the placement postcode (ONS postcode look-up)",
    "179": "placement location (in/out of area) from the placement postcode",
    "392a": "placement distance from the home and placement postcodes",
    "392c": "postcodes checked against the ONS postcode directory",
    "1015": "own provision placed outside the LA: needs the placement LA from its postcode",
    "241": "supported accommodation outside the LA: needs the placement LA from its postcode",
    "1001": "care leavers' earlier episodes are older than the previous year's return (or, in "
    "the first synthetic year, before the run began), and the validator is given only this "
    "year and the previous one (rule 1002's own note says so)",
    "1002": "as 1001: episodes older than the previous year's return are not loaded",
}
VALIDATOR_DEFECTS: dict[str, str] = {
    "146": "in the 2024-25 ruleset the list of valid placement codes has 'k3' in lower case, "
    "so supported accommodation (K3) is rejected; the 2025-26 ruleset has 'K3'",
    "SW12STG2": "pairs each period-start episode (RNE S) that does not itself end the period "
    "with every social-worker spell of the child, so a spell that began before a re-entry in "
    "the year is flagged, although DfE asks for spells while the child was out of care too",
    "SW11bSTG2": "pairs each spell with the wrong neighbour, so a spell ending in the last five "
    "days of March is flagged whenever the child had an earlier spell, although the next "
    "spell is reported",
}


@dataclass
class ValidatorReport:
    """The validator's findings for a set of years, by rule."""

    findings: list[Finding]
    rulesets: dict[int, str]
    skipped: list[str]
    failed: list[str]
    version: str

    def counts(self) -> Counter[str]:
        return Counter(f.rule for f in self.findings)

    def unexplained(self) -> list[Finding]:
        """Findings outside the reference-data rules and the validator's known defects."""
        explained = set(REFERENCE_RULES) | set(VALIDATOR_DEFECTS)
        return [f for f in self.findings if f.rule not in explained]


class ValidatorUnavailable(CarepathsError):
    """The validator's environment cannot be made here (no Python 3.9-3.11, or no pip)."""


def cache_dir() -> Path:
    return Path(os.environ.get("CAREPATHS_CACHE", Path.home() / ".cache" / "carepaths"))


def _python() -> str:
    for name in PYTHONS:
        found = shutil.which(name)
        if found:
            return found
    raise ValidatorUnavailable(
        "DfE's SSDA903 validator needs Python 3.9-3.11 (it pins numpy < 1.25); none of "
        f"{', '.join(PYTHONS)} is on PATH"
    )


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def isolated_python(slug: str, requirement: str) -> Path:
    """The Python of ``<cache>/<slug>-py<version>``, an environment of its own holding
    ``requirement``, made on first use (under a lock; renamed into place only once complete)."""
    python = _python()
    version = subprocess.run(
        [python, "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    home = cache_dir() / f"{slug}-py{version}"
    exe = home / "bin" / "python"
    if exe.exists():
        return exe
    with _locked(cache_dir() / f".{slug}.lock"):
        if exe.exists():
            return exe
        tmp = Path(tempfile.mkdtemp(prefix=f".{slug}-", dir=cache_dir()))
        try:
            subprocess.run([python, "-m", "venv", str(tmp)], check=True, capture_output=True)
            done = subprocess.run(
                [str(tmp / "bin" / "python"), "-m", "pip", "install", "-q", requirement],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                last = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
                raise ValidatorUnavailable(
                    f"could not install {requirement} into its own environment: {last}"
                )
            # ``bin/python`` finds its site-packages from pyvenv.cfg beside it, so the
            # environment works after the rename (only pip's own scripts keep the old path)
            tmp.rename(home)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return exe


def environment() -> Path:
    """The validator's Python, making its environment on first use."""
    return isolated_python("lac-validator-0.1.17", VALIDATOR)


def available() -> bool:
    try:
        environment()
    except (ValidatorUnavailable, subprocess.CalledProcessError, OSError):
        return False
    return True


def year_files(folder: Path) -> dict[int, list[Path]]:
    """``folder/<year>/*.csv`` (the writer's layout, and a council's usual one)."""
    out: dict[int, list[Path]] = {}
    for sub in sorted(p for p in Path(folder).iterdir() if p.is_dir() and p.name.isdigit()):
        files = sorted(sub.glob("*.csv"))
        if files:
            out[int(sub.name)] = files
    return out


def validate_years(by_year: dict[int, list[Path]], root: Path | None = None) -> ValidatorReport:
    """Run the validator on each collection year (with the year before, where given)."""
    exe = environment()
    findings: list[Finding] = []
    rulesets: dict[int, str] = {}
    skipped: set[str] = set()
    failed: set[str] = set()
    version = ""
    for year, files in sorted(by_year.items()):
        request = {
            "collection_year": year,
            "local_authority": LOCAL_AUTHORITY,
            "this_year": [str(p) for p in files],
            "prev_year": [str(p) for p in by_year.get(year - 1, [])],
        }
        done = subprocess.run(
            [str(exe), str(WORKER)], input=json.dumps(request), capture_output=True, text=True
        )
        answer: dict[str, Any]
        try:
            answer = json.loads(done.stdout or "{}")
        except json.JSONDecodeError:
            answer = {"error": (done.stderr or "no answer").strip().splitlines()[-1]}
        if done.returncode != 0 or "error" in answer:
            raise CarepathsError(
                f"DfE's validator could not read the {year} files: {answer.get('error')}"
            )
        rulesets[year] = answer["ruleset"]
        version = answer["validator"]
        skipped |= set(answer["skipped"])
        failed |= set(answer["failed"])
        paths = _table_paths(files)
        for f in answer["findings"]:
            path = paths.get(f["table"])
            name = str(path.relative_to(root)) if path and root else str(path or f["table"])
            findings.append(Finding(name, int(f["row"]) + 2, f["rule"], f["message"], True))
    return ValidatorReport(findings, rulesets, sorted(skipped), sorted(failed), version)


def _table_paths(files: list[Path]) -> dict[str, Path]:
    """Which file holds which table (by its exact columns, as the validator decides)."""
    out = {}
    for path in files:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            header = {c.strip().upper() for c in fh.readline().strip().split(",")}
        for name, cols in codes.TABLES.items():
            if header == set(cols):
                out[name] = path
    return out


def main() -> None:  # pragma: no cover - a convenience for a shell: python -m ...validator DIR
    folder = Path(sys.argv[1])
    report = validate_years(year_files(folder), folder)
    for rule, n in sorted(report.counts().items(), key=lambda x: -x[1]):
        why = REFERENCE_RULES.get(rule) or VALIDATOR_DEFECTS.get(rule) or ""
        print(f"{rule:10s} {n:6d}  {why}")


if __name__ == "__main__":  # pragma: no cover
    main()
