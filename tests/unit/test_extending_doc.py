"""docs/extending.md lists every declared signal and hazard process (the researcher's contract)."""

from pathlib import Path

from simulation.signals import HAZARDS, SIGNALS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "extending.md").read_text(encoding="utf-8")


def test_every_declared_signal_is_in_the_table() -> None:
    table = [line for line in DOC.splitlines() if line.startswith("| `")]
    listed = {name.strip(" `") for line in table for name in line.split("|")[1].split("/")}
    assert set(SIGNALS) <= listed, sorted(set(SIGNALS) - listed)


def test_every_modifiable_hazard_is_named() -> None:
    assert all(f"`{name}`" in DOC for name in HAZARDS)
