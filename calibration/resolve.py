"""Resolve a run's parameters: defaults → area → calibrated fit → the scenario.

The caller does this, not the engine (``simulation/`` imports neither ``calibration`` nor
``results``): every command builds each replicate's validated, read-only tree here and hands it
to :func:`simulation.runner.run_replicate`. A calibrated fit carries an ensemble; replicate r
takes member ``r mod n`` in every scenario, so scenarios stay paired. An area without a fit
file runs on the parameter tree's own values, and the manifest says so (``calibration_source``
is None); a fit file that is present but cannot be read or validated is an error, never a
silent fall-back.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from calibration.areas import area_changes, canonical_area
from calibration.fitted_params import FITTED_DIR, fit_path, fitted_changes
from simulation.errors import CarepathsError, ScenarioError
from simulation.headcount import to_tree_units
from simulation.params import DatedChange, ParameterError, Parameters
from simulation.scenario import MODEL_START, Scenario


def fitted(area: str, replicate: int) -> dict[str, Any] | None:
    """The fit's parameter changes for ``replicate`` (ensemble member), or None without a fit."""
    area = canonical_area(area)  # a local authority or a file always has its fit
    if fit_path(area) is None:
        return None
    return dict(fitted_changes(area, replicate=replicate)) or None


def calibration_source(area: str) -> str | None:
    """The fit file :func:`resolve_params` uses for ``area`` (None: the tree's own values).

    Recorded in each run's manifest so a reader knows whether a fit was used.
    """
    path = fit_path(canonical_area(area))
    if path is None:
        return None
    root = FITTED_DIR.parent.parent
    return str(path.relative_to(root)) if path.is_relative_to(root) else path.name


def area_params(area: str, replicate: int) -> Parameters:
    """defaults → area → calibrated fit (ensemble member for ``replicate``)."""
    params = Parameters.defaults().with_changes(area_changes(area))
    fit = fitted(area, replicate)
    if not fit:
        return params
    try:
        return params.with_changes(fit)
    except ParameterError as exc:
        raise CarepathsError(f"calibrated fit for {area!r} is not valid: {exc}") from None


def resolve_params(scenario: Scenario, area: str, replicate: int) -> Parameters:
    """defaults → area → calibrated fit (ensemble member for ``replicate``) → the scenario.

    Headcount levers (``scenario.counts``) are converted to the tree's per-10,000 values with
    the area's children once the area and fit are applied (simulation.headcount). Scenario
    dates count from 1 April 2024; a run from a fit whose stock is of another year starts on
    1 April of that year, so each dated change moves to the same calendar date of that run (a
    change dated before the run's start applies from its first day)."""
    base = area_params(area, replicate)
    changes, dated = to_tree_units(
        {**scenario.changes, **scenario.counts},
        [*scenario.dated, *scenario.dated_counts],
        base,
        str(scenario.files[0]),
    )
    try:
        return base.with_changes(changes, shift_dated(tuple(dated), base["area.start_year"]))
    except ParameterError as exc:
        raise ScenarioError(f"{scenario.files[0]}: {exc}") from None


def shift_dated(dated: tuple[DatedChange, ...], start_year: int) -> tuple[DatedChange, ...]:
    """Dated changes (days from 1 April 2024) as days from 1 April ``start_year``."""
    shift = (MODEL_START - date(start_year, 4, 1)).days
    return tuple(DatedChange(max(0.0, d.day + shift), d.path, d.value) for d in dated)
