"""The report's levers table: each lever and assumption a scenario sets, with its evidence.

Rows are (parameter, value, what it is, evidence kind, evidence and source); after the values
a scenario sets come the effect sizes its levers rely on, kept at their defaults, so a reader
sees which of them are assumptions (no England effect size) and what range was tested.
"""

from __future__ import annotations

from typing import Any

from simulation import params

KIND_WORDS = {
    "published": "published figure",
    "calibrated": "calibrated to official statistics",
    "assumption": "assumption (no England effect size; tested over a range)",
    "lever": "lever (set by the council)",
}
LeverRow = tuple[str, str, str, str, str]


def _spec(path: str) -> params.Param | None:
    params._ensure_loaded()
    return params.SPEC.get(path)


def value_text(value: Any) -> str:
    """A lever value as read: '0.4', '0.4 from 2025-04-01', or each dated step in turn."""
    if isinstance(value, dict) and "value" in value:
        return f"{value['value']} from {value.get('from', '?')}"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "; ".join(value_text(v) for v in value)
    return str(value)


def related(path: str) -> list[str]:
    """Effect-size parameters a lever relies on: same section and first word of the name."""
    params._ensure_loaded()
    section, _, leaf = path.partition(".")
    stem = f"{section}.{leaf.split('_')[0]}_"
    return [
        p
        for p, sp in params.SPEC.items()
        if p.startswith(stem) and p != path and sp.kind in ("assumption", "published")
    ]


def lever_rows(entry: dict[str, Any]) -> list[LeverRow]:
    """Rows for a scenario's levers and assumptions, then the effect sizes its levers rely
    on (kept at their defaults)."""
    evidence = entry.get("evidence") or {}
    rows, seen = [], set()
    changed = {**(entry.get("levers") or {}), **(entry.get("assumptions") or {})}
    for path, value in changed.items():
        seen.add(path)
        rows.append(_row(path, value_text(value), evidence.get(path)))
    for path in entry.get("levers") or {}:
        for rel in related(path):
            spec = _spec(rel)
            if rel not in seen and spec is not None:
                seen.add(rel)
                rows.append(_row(rel, f"{spec.default} (default)", evidence.get(rel)))
    return rows


def _row(path: str, value: str, note: str | None) -> LeverRow:
    spec = _spec(path)
    if spec is None:
        return (path, value, "", "unknown", note or "")
    kind: str = KIND_WORDS.get(spec.kind) or spec.kind
    if spec.kind == "assumption" and spec.range:
        kind += f"; range {spec.range[0]} to {spec.range[1]}"
    return (path, value, str(spec.doc or spec.unit), kind, note or str(spec.source))
