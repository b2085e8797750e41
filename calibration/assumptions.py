"""Sampled assumptions: replicate r draws every assumption from its low–central–high range.

An ``assumption`` parameter has no England effect size, only a stated range (DESIGN §4). Holding
it at its central value hides that uncertainty; here each replicate draws it instead:

* **Distribution**: beta-PERT with minimum = low, mode = central and maximum = high, shape
  λ = 4 (Malcolm et al. 1959; Vose, *Risk Analysis*, 2008): α = 1 + 4 (c − a) / (b − a),
  β = 1 + 4 (b − c) / (b − a). The central value is the most likely one, the ends are reached
  rarely, and a central value at an end (e.g. "no effect" as the high end) is allowed.
* **Central** is the value the resolved parameters hold (the tree's default, or what the area,
  the fit or the scenario set). **Range** is the tree's ``range``, widened to include the central
  value if a scenario sets one outside it, or a narrower range a scenario gives with a reason.
* **Common random numbers**: the quantile u of each draw is a pure function of (master seed,
  parameter path, replicate) through :mod:`simulation.streams`; it does not depend on the
  scenario, on call order or on which other assumptions exist. Replicate r therefore uses the
  same u in every scenario (the same value where the scenarios agree on the central value), and
  adding an assumption changes no other draw.
* **Collapse**: mode ``central`` returns the parameters unchanged; a range whose ends equal the
  central value gives that value exactly, so sampled equals central byte for byte.
* **Held central, with the reason recorded**: text and switch parameters (``engine.*``: the
  engine's choices, not beliefs about the world) and list-valued assumptions: share vectors
  (``carers.places_weights``; the care market's ``market.with_parents_location_shares``,
  ``market.adoption_location_shares``, ``market.other_location_shares``) whose (0, 1) range
  bounds each share rather than stating a plausible spread; sampling one would need a
  Dirichlet concentration nobody has estimated, and a common scale factor would break its sum
  to one.
* **Integer-valued** assumptions (a plug-in may register one) are rounded to the nearest whole
  number after the draw.

Dated changes of an assumption (``{ from = ..., value = ... }``) are mapped through the same
quantile u, with the dated value as the central one, so a dated assumption moves with its draw.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scipy.special import betaincinv

from simulation.errors import CarepathsError
from simulation.params import SPEC, DatedChange, Param, Parameters, Value
from simulation.streams import Streams

MODES = ("sampled", "central")
DEFAULT_MODE = "sampled"
PERT_SHAPE = 4.0
DISTRIBUTION = "beta-PERT (min = low, mode = central, max = high, shape 4)"
STREAM_PREFIX = "assumption:"  # process name of each path's stream in simulation.streams

HELD_TEXT = "text or switch: an engine or model choice, not a quantity to sample"
HELD_LIST = (
    "list of shares: its range bounds each share, it states no spread; sampling would need "
    "an unestimated Dirichlet concentration and a common scale factor would break the sum"
)


@dataclass(frozen=True)
class AssumptionRange:
    """One assumption's distribution: beta-PERT on [low, high] with mode ``central``."""

    path: str
    low: float
    central: float
    high: float

    def __post_init__(self) -> None:
        if not self.low <= self.central <= self.high:
            raise CarepathsError(
                f"{self.path}: central value {self.central} is outside its range "
                f"{self.low} to {self.high}"
            )

    def quantile(self, u: float) -> float:
        """The value at cumulative probability ``u``; exactly ``central`` for a collapsed range."""
        a, c, b = self.low, self.central, self.high
        if b == a:
            return c
        alpha = 1.0 + PERT_SHAPE * (c - a) / (b - a)
        beta = 1.0 + PERT_SHAPE * (b - c) / (b - a)
        return a + (b - a) * float(betaincinv(alpha, beta, u))

    def mean(self) -> float:
        """The PERT mean (a + 4c + b) / 6."""
        return (self.low + PERT_SHAPE * self.central + self.high) / (PERT_SHAPE + 2.0)


@dataclass(frozen=True)
class AssumptionDraw:
    """What one replicate drew: value and quantile per sampled path, and what was held."""

    mode: str
    seed: int
    replicate: int
    values: dict[str, Value] = field(default_factory=dict)
    quantiles: dict[str, float] = field(default_factory=dict)
    held: dict[str, str] = field(default_factory=dict)

    def sha256(self) -> str:
        """A hash of the drawn values (recorded in the manifest)."""
        blob = json.dumps(
            {"mode": self.mode, "values": self.values}, sort_keys=True, default=list
        ).encode()
        return hashlib.sha256(blob).hexdigest()


def check_mode(mode: str) -> str:
    """``mode`` if it is one of :data:`MODES`, else a clear error (for ``--assumptions``)."""
    if mode not in MODES:
        raise CarepathsError(f"--assumptions {mode!r} is not allowed; use 'sampled' or 'central'")
    return mode


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def held_reason(path: str, spec: Param) -> str | None:
    """Why an assumption is held at its central value (None: it is sampled)."""
    if path.startswith("engine.") or isinstance(spec.default, str | bool):
        return HELD_TEXT
    if isinstance(spec.default, tuple):
        return HELD_LIST
    if not _is_number(spec.default) or spec.range is None:
        return HELD_TEXT
    return None


def sampled_paths() -> tuple[list[str], dict[str, str]]:
    """(paths sampled, {path: reason} held central) over every registered assumption."""
    Parameters.defaults()  # the built-in tree must be registered
    sampled: list[str] = []
    held: dict[str, str] = {}
    for path, spec in sorted(SPEC.items()):
        if spec.kind != "assumption":
            continue
        reason = held_reason(path, spec)
        if reason is None:
            sampled.append(path)
        else:
            held[path] = reason
    return sampled, held


def assumption_range(
    path: str, central: float, narrowed: tuple[float, float] | None = None
) -> AssumptionRange:
    """The distribution of ``path`` around ``central``.

    The tree's range, widened to include ``central``; or ``narrowed`` (a scenario's cited
    narrower range), which must lie within the tree's bounds and contain ``central``.
    """
    spec = SPEC[path]
    if spec.range is None:
        raise CarepathsError(f"{path}: an assumption needs a low/high range")
    if narrowed is not None:
        low, high = (float(v) for v in narrowed)
        if low > high:
            raise CarepathsError(f"{path}: range {low} to {high}: low is above high")
        if spec.bounds is not None and (low < spec.bounds[0] or high > spec.bounds[1]):
            raise CarepathsError(
                f"{path}: range {low} to {high} leaves the allowed bounds "
                f"{spec.bounds[0]} to {spec.bounds[1]} ({spec.unit})"
            )
        if not low <= central <= high:
            raise CarepathsError(
                f"{path}: range {low} to {high} does not contain the central value {central}"
            )
        return AssumptionRange(path, low, float(central), high)
    low, high = (float(v) for v in spec.range)
    return AssumptionRange(path, min(low, central), float(central), max(high, central))


def quantile_of(seed: int, replicate: int, path: str) -> float:
    """The quantile u in (0, 1) of ``path``'s draw for ``replicate``: a pure function of
    (seed, path, replicate), the same in every scenario."""
    return Streams(seed).uniform(STREAM_PREFIX + path, replicate)


def _value(spec: Param, rng: AssumptionRange, u: float) -> Value:
    value = rng.quantile(u)
    if isinstance(spec.default, int):
        return round(value)
    return value


def draw_assumptions(
    params: Parameters,
    seed: int,
    replicate: int,
    mode: str = DEFAULT_MODE,
    narrowed: Mapping[str, tuple[float, float]] | None = None,
    only: Iterable[str] | None = None,
) -> tuple[Parameters, AssumptionDraw]:
    """``params`` with every sampled assumption replaced by replicate ``replicate``'s draw.

    ``params`` are the resolved parameters of one scenario (their assumption values are the
    central values). ``narrowed`` maps a path to a scenario's narrower (low, high). ``only``
    restricts sampling to those paths (the rest stay central). Mode ``central`` returns
    ``params`` itself.
    """
    check_mode(mode)
    paths, held = sampled_paths()
    if only is not None:
        keep = set(only)
        paths = [p for p in paths if p in keep]
    if mode == "central":
        return params, AssumptionDraw(mode, seed, replicate, held=held)
    narrowed = narrowed or {}
    unknown = sorted(set(narrowed) - set(paths) - set(held))
    if unknown:
        raise CarepathsError(f"a range is given for {', '.join(unknown)}: not an assumption")
    changes: dict[str, Value] = {}
    quantiles: dict[str, float] = {}
    for path in paths:
        u = quantile_of(seed, replicate, path)
        rng = assumption_range(path, float(params[path]), narrowed.get(path))
        changes[path] = _value(SPEC[path], rng, u)
        quantiles[path] = u
    dated = _dated_draws(params.dated, set(paths), quantiles, narrowed)
    new = Parameters(params.values, ()).with_changes(changes, dated)
    return new, AssumptionDraw(mode, seed, replicate, changes, quantiles, held)


def _dated_draws(
    dated: Sequence[DatedChange],
    paths: set[str],
    quantiles: Mapping[str, float],
    narrowed: Mapping[str, tuple[float, float]],
) -> list[DatedChange]:
    out = []
    for d in dated:
        if d.path in paths and _is_number(d.value):
            rng = assumption_range(d.path, float(d.value), narrowed.get(d.path))  # type: ignore[arg-type]
            out.append(DatedChange(d.day, d.path, _value(SPEC[d.path], rng, quantiles[d.path])))
        else:
            out.append(d)
    return out


def draws_sha256(draws: Sequence[AssumptionDraw]) -> str:
    """One hash over every replicate's draw, in replicate order (for the manifest)."""
    joined = "\n".join(d.sha256() for d in sorted(draws, key=lambda d: d.replicate))
    return hashlib.sha256(joined.encode()).hexdigest()


def manifest_entry(draws: Sequence[AssumptionDraw]) -> dict[str, Any]:
    """The manifest's record: mode, distribution, draws' hash, what was sampled and held."""
    if not draws:
        return {"mode": DEFAULT_MODE, "draws_sha256": draws_sha256([])}
    first = draws[0]
    return {
        "mode": first.mode,
        "distribution": DISTRIBUTION if first.mode == "sampled" else "central values",
        "draws_sha256": draws_sha256(draws),
        "sampled": sorted(first.values),
        "held_central": dict(sorted(first.held.items())),
        "pairing": "replicate r uses the same quantile of each assumption in every scenario",
    }


def pert_sd(rng: AssumptionRange) -> float:
    """The PERT standard deviation (for documentation and tests)."""
    a, b = rng.low, rng.high
    if b == a:
        return 0.0
    alpha = 1.0 + PERT_SHAPE * (rng.central - a) / (b - a)
    beta = 1.0 + PERT_SHAPE * (b - rng.central) / (b - a)
    var = alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1.0))
    return (b - a) * math.sqrt(var)
