"""Levers in the units a commissioner counts in: headcount for the area, not per 10,000 children.

The parameter tree keeps capacity levers per 10,000 children (so a scenario runs in any area),
but a council plans "5 more social workers" or "60 supported households". A scenario may write
these headcount keys instead; they are converted when the parameters are resolved, after the
area and its calibrated fit are known:

* per-10,000 levers: ``tree value = headcount × 10,000 / area.population_0_17``;
* ``carers.support_households``: ``carers.support_share = households / (in-house households
  at the start)``, the start count being ``carers.inhouse_households_per_10k × children /
  10,000`` at the resolved (central) value, so the conversion is the same in every replicate.

A scenario gives either the headcount key or its per-10,000 path, not both. The converted
value must lie in the tree path's bounds; the message names both keys and the area's children.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from simulation.errors import ScenarioError
from simulation.params import SPEC, DatedChange, Parameters

POPULATION = "area.population_0_17"
INHOUSE_HOUSEHOLDS = "carers.inhouse_households_per_10k"


@dataclass(frozen=True)
class HeadcountLever:
    """A lever a scenario may write as a count for the area."""

    key: str
    target: str
    unit: str
    conversion: Literal["per_10k", "share_of_inhouse_households"]

    def to_tree(self, count: float, params: Parameters) -> float:
        """The tree value for ``count`` in the area described by ``params``."""
        children = float(params[POPULATION])
        if self.conversion == "per_10k":
            return count * 10_000.0 / children
        households = float(params[INHOUSE_HOUSEHOLDS]) * children / 10_000.0
        return count / households if households > 0 else float("inf")

    def from_tree(self, value: float, params: Parameters) -> float:
        """The headcount a tree value means in the area (for listings and reports)."""
        children = float(params[POPULATION])
        if self.conversion == "per_10k":
            return value * children / 10_000.0
        return value * float(params[INHOUSE_HOUSEHOLDS]) * children / 10_000.0


HEADCOUNT: dict[str, HeadcountLever] = {
    h.key: h
    for h in (
        HeadcountLever(
            "workforce.fte_extra",
            "workforce.fte_extra_per_10k",
            "extra case-holding social-worker FTE",
            "per_10k",
        ),
        HeadcountLever(
            "pipeline.assessors_extra_fte",
            "pipeline.assessors_extra_per_10k",
            "extra assessing social-worker FTE (foster-carer assessments)",
            "per_10k",
        ),
        HeadcountLever(
            "matching.kinship_assessors_extra_fte",
            "matching.kinship_assessors_extra_per_10k",
            "extra kinship assessment and family-finding FTE",
            "per_10k",
        ),
        HeadcountLever(
            "residential.inhouse_beds",
            "residential.inhouse_beds_per_10k",
            "in-house children's home beds (all of them, not extra)",
            "per_10k",
        ),
        HeadcountLever(
            "carers.support_households",
            "carers.support_share",
            "in-house foster-carer households on enhanced support",
            "share_of_inhouse_households",
        ),
    )
}


def is_headcount(key: str) -> bool:
    return key in HEADCOUNT


def _number(where: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ScenarioError(f"{where}: [levers] {key}: expected a number, got {value!r}")
    if value < 0:
        raise ScenarioError(f"{where}: [levers] {key}: a count cannot be negative, got {value}")
    return float(value)


def _converted(where: str, lever: HeadcountLever, count: float, params: Parameters) -> float:
    value = lever.to_tree(count, params)
    spec = SPEC[lever.target]
    lo, hi = spec.bounds or (float("-inf"), float("inf"))
    if not lo <= value <= hi:
        children = int(params[POPULATION])
        most = lever.from_tree(hi, params)
        raise ScenarioError(
            f"{where}: [levers] {lever.key} = {count:g} ({lever.unit}) is {lever.target} = "
            f"{value:.4g} in an area of {children:,} children; allowed up to {hi:g} "
            f"({most:,.1f} {lever.unit.split(' (')[0]} here)"
        )
    return value


def to_tree_units(
    changes: Mapping[str, Any],
    dated: Sequence[DatedChange],
    params: Parameters,
    where: str,
) -> tuple[dict[str, Any], list[DatedChange]]:
    """``changes`` and ``dated`` with every headcount key converted to its tree path.

    ``params`` are the resolved parameters before the scenario (defaults, area, fit); ``where``
    names the scenario file for messages.
    """
    out: dict[str, Any] = {}
    for key, value in changes.items():
        lever = HEADCOUNT.get(key)
        if lever is None:
            out[key] = value
            continue
        if lever.target in changes or any(d.path == lever.target for d in dated):
            raise ScenarioError(
                f"{where}: [levers] give {lever.key} (a count) or {lever.target}, not both"
            )
        out[lever.target] = _converted(where, lever, _number(where, key, value), params)
    new_dated = []
    for d in dated:
        lever = HEADCOUNT.get(d.path)
        if lever is None:
            new_dated.append(d)
            continue
        if lever.target in changes:
            raise ScenarioError(
                f"{where}: [levers] give {lever.key} (a count) or {lever.target}, not both"
            )
        count = _number(where, d.path, d.value)
        new_dated.append(DatedChange(d.day, lever.target, _converted(where, lever, count, params)))
    return out, new_dated
