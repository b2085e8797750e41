"""``python run.py levers``: every lever and assumption with its unit, range, kind and source.

Levers are what a council controls (with their allowed bounds); assumptions are what it does
not (with the low–high range they are sampled over, calibration.assumptions). Headcount keys a
scenario may write instead of a per-10,000 lever (simulation.headcount) are listed with the
path they convert to.
"""

from __future__ import annotations

from dataclasses import dataclass

from calibration.assumptions import held_reason
from simulation.headcount import HEADCOUNT
from simulation.params import SPEC, Parameters, Value

KINDS_LISTED = ("lever", "assumption")


@dataclass(frozen=True)
class ParameterRow:
    """One line of the listing."""

    path: str
    kind: str  # lever, assumption, or "lever (count)"
    unit: str
    default: str
    range: str  # assumptions: sampled low to high; levers: allowed bounds
    source: str


def _text(value: Value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return ", ".join(f"{v:g}" for v in value)
    return str(value)


def _range(path: str) -> str:
    spec = SPEC[path]
    if spec.kind == "assumption":
        held = held_reason(path, spec)
        if held is not None or spec.range is None:
            return "held at its value"
        low, high = spec.range
        return f"{low:g} to {high:g} (sampled)"
    if spec.bounds is not None:
        return f"{spec.bounds[0]:g} to {spec.bounds[1]:g} (allowed)"
    if spec.choices:
        return " | ".join(spec.choices)
    if spec.items:
        return "comma-separated, each one of: " + ", ".join(spec.items)
    return ""


def parameter_rows(kind: str | None = None) -> list[ParameterRow]:
    """Levers, then headcount keys, then assumptions (each sorted by path)."""
    Parameters.defaults()
    rows: list[ParameterRow] = []
    for wanted in KINDS_LISTED:
        if kind is not None and not wanted.startswith(kind):
            continue
        for path, spec in sorted(SPEC.items()):
            if spec.kind != wanted:
                continue
            source = spec.doc if wanted == "lever" and spec.doc else spec.source
            rows.append(
                ParameterRow(path, wanted, spec.unit, _text(spec.default), _range(path), source)
            )
        if wanted == "lever":
            for key, lever in sorted(HEADCOUNT.items()):
                rows.append(
                    ParameterRow(
                        key,
                        "lever (count)",
                        f"{lever.unit}, for the area",
                        "",
                        "0 or more",
                        f"converted to {lever.target} with the area's children",
                    )
                )
    return rows
