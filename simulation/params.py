"""One typed parameter tree: every field has a default, bounds, a unit, a kind and a source.

Kinds (STYLE.md): ``published`` (a figure in calibration/data, cited), ``calibrated`` (fitted to
targets; until the fit lands, a hand-set value that says so), ``assumption`` (no England effect
size: stated with a low/high range for sensitivity analysis) and ``lever`` (what a council
controls). Units are in the names (``_per_year``, ``_gbp_per_week``, ``_days``, ``_share``).

``Parameters`` is immutable: ``with_changes`` validates a diff of dotted paths and returns a new
tree; nothing shared is changed in place (OpenFisca's reforms, without the mutation).
Parameter definitions live in :mod:`simulation.parameter_tree`; rules from outside the package
add theirs with :func:`register`.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, Protocol

Kind = Literal["published", "calibrated", "assumption", "lever"]
Value = float | int | bool | str | tuple[float, ...]
KINDS: tuple[str, ...] = ("published", "calibrated", "assumption", "lever")


class ParameterError(ValueError):
    """A parameter value or path that is not allowed; the message says what is."""


@dataclass(frozen=True)
class Param:
    """Specification of one parameter."""

    default: Value
    unit: str
    kind: Kind
    source: str
    bounds: tuple[float, float] | None = None
    range: tuple[float, float] | None = None  # plausible low/high, for assumptions
    choices: tuple[str, ...] | None = None
    doc: str = ""
    items: tuple[str, ...] | None = None  # a comma-separated list: each item one of these

    def check(self, path: str, value: Any) -> Value:
        """Return ``value`` coerced to this parameter's type, or raise ParameterError."""
        d = self.default
        if isinstance(d, bool):
            if not isinstance(value, bool):
                raise ParameterError(f"{path}: expected true or false, got {value!r}")
            return value
        if isinstance(d, str):
            if not isinstance(value, str):
                raise ParameterError(f"{path}: expected text, got {value!r}")
            if self.choices and value not in self.choices:
                raise ParameterError(f"{path}: {value!r} is not one of {', '.join(self.choices)}")
            if self.items is not None:
                self._check_items(path, value)
            return value
        if isinstance(d, tuple):
            if not isinstance(value, list | tuple) or len(value) != len(d):
                raise ParameterError(f"{path}: expected a list of {len(d)} numbers, got {value!r}")
            items = tuple(self._number(f"{path}[{i}]", v) for i, v in enumerate(value))
            return items
        number = self._number(path, value)
        return int(number) if isinstance(d, int) and float(number).is_integer() else number

    def _check_items(self, path: str, value: str) -> None:
        """Each comma-separated item must be allowed, once; an unknown one names the closest."""
        assert self.items is not None
        names = [n.strip() for n in value.split(",")]
        allowed = ", ".join(self.items)
        if not any(names):
            raise ParameterError(f"{path}: the list is empty; allowed items: {allowed}")
        for name in names:
            if name not in self.items:
                close = difflib.get_close_matches(name, self.items, n=1, cutoff=0.5)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise ParameterError(
                    f"{path}: {name!r} is not an allowed item.{hint} Allowed: {allowed} "
                    "(comma-separated)"
                )
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ParameterError(f"{path}: {', '.join(repeated)} listed more than once")

    def _number(self, path: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(f"{path}: expected a number, got {value!r}")
        if value != value:  # NaN
            raise ParameterError(f"{path}: NaN is not allowed")
        if self.bounds is not None:
            lo, hi = self.bounds
            if not lo <= value <= hi:
                raise ParameterError(
                    f"{path}: {value} is out of range; allowed {lo} to {hi} ({self.unit})"
                )
        return float(value) if isinstance(self.default, float | tuple) else value


SPEC: dict[str, Param] = {}


def register(params: Mapping[str, Param]) -> None:
    """Add parameters to the tree (each path once). Rules call this at import time."""
    for path, spec in params.items():
        if path in SPEC and SPEC[path] != spec:
            raise ParameterError(f"parameter {path} is registered twice with different specs")
        if spec.kind not in KINDS:
            raise ParameterError(f"{path}: kind {spec.kind!r} is not one of {KINDS}")
        if spec.kind == "assumption" and spec.range is None:
            raise ParameterError(f"{path}: an assumption needs a low/high range")
        SPEC[path] = spec


def suggest(path: str) -> str:
    """A did-you-mean hint for an unknown path ('' when nothing is close)."""
    _ensure_loaded()
    close = difflib.get_close_matches(path, list(SPEC), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def spec_of(path: str) -> Param:
    _ensure_loaded()
    try:
        return SPEC[path]
    except KeyError:
        raise ParameterError(f"unknown parameter {path!r}.{suggest(path)}") from None


@dataclass(frozen=True)
class DatedChange:
    """A parameter that takes a new value from a date (days from the model's start)."""

    day: float
    path: str
    value: Value


class ParamReader(Protocol):
    """What a component that only reads parameters needs: ``[path]`` and the dated changes
    (a :class:`Parameters` tree, or a rule's declared view of one)."""

    @property
    def dated(self) -> tuple[DatedChange, ...]: ...

    def __getitem__(self, path: str) -> Any: ...


class Parameters:
    """An immutable, validated set of parameter values (defaults plus changes).

    Read-only all the way down: values are numbers, text, booleans or tuples, held behind a
    ``MappingProxyType``; there is no way to set one after validation (``with_changes`` is the
    only way to a different tree, and it validates every change). This is what the caller
    resolves (defaults → area → fit → scenario) and hands to the engine.
    """

    __slots__ = ("_dated", "_values")
    _values: dict[str, Value]
    _dated: tuple[DatedChange, ...]

    def __init__(self, values: Mapping[str, Value], dated: tuple[DatedChange, ...] = ()) -> None:
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "_dated", tuple(dated))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Parameters are read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Parameters are read-only: cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:  # pickles for worker processes
        return (Parameters, (self._values, self.dated))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Parameters)
            and self._values == other._values
            and self.dated == other.dated
        )

    def __hash__(self) -> int:
        return hash(self.sha256())

    def __repr__(self) -> str:
        return f"Parameters({len(self._values)} values, {len(self.dated)} dated changes)"

    @property
    def dated(self) -> tuple[DatedChange, ...]:
        """Dated changes (a parameter taking a new value from a day), in the given order."""
        return self._dated

    @property
    def values(self) -> Mapping[str, Value]:
        """The values, read-only."""
        return MappingProxyType(self._values)

    def keys(self) -> Iterable[str]:
        return self._values.keys()

    @classmethod
    def defaults(cls) -> Parameters:
        _ensure_loaded()
        return cls({p: s.default for p, s in SPEC.items()})

    def __getitem__(self, path: str) -> Any:
        try:
            return self._values[path]
        except KeyError:
            _ensure_loaded()
            if path in SPEC:  # registered after this tree was built (a plug-in rule)
                return SPEC[path].default
            raise ParameterError(f"unknown parameter {path!r}.{suggest(path)}") from None

    def get(self, path: str, default: Any = None) -> Any:
        return self._values.get(path, default)

    def with_changes(
        self, changes: Mapping[str, Any], dated: Iterable[DatedChange] = ()
    ) -> Parameters:
        """A new tree with ``changes`` applied; every path and value validated first."""
        _ensure_loaded()
        new = dict(self._values)
        for path, value in changes.items():
            new[path] = spec_of(path).check(path, value)
        checked = tuple(
            DatedChange(d.day, d.path, spec_of(d.path).check(d.path, d.value)) for d in dated
        )
        return Parameters(new, self.dated + checked)

    def section(self, prefix: str) -> dict[str, Any]:
        """All values under ``prefix.`` keyed by the rest of the path."""
        n = len(prefix) + 1
        return {k[n:]: v for k, v in self._values.items() if k.startswith(prefix + ".")}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: self._values[k] for k in sorted(self._values)}
        if self.dated:
            out["__dated__"] = [[d.day, d.path, d.value] for d in self.dated]
        return out

    def sha256(self) -> str:
        """A hash of the validated values, recorded in every run's manifest."""
        blob = json.dumps(self.to_dict(), sort_keys=True, default=list).encode()
        return hashlib.sha256(blob).hexdigest()


_BUILTIN_LOADED = False


def _ensure_loaded() -> None:
    """Register the built-in tree once per process. Keyed on a flag, not on an empty
    registry: a plug-in module that registers its parameters first (as in a fresh worker
    process) must not hide the built-in ones."""
    global _BUILTIN_LOADED
    if not _BUILTIN_LOADED:
        _BUILTIN_LOADED = True
        from simulation import parameter_tree  # noqa: F401  (registers the built-in tree)
