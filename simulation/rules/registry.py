"""The rule life cycle and registry: one module per process, one class per rule.

A rule is a class registered under a name with ``@register_rule("name")`` and enabled from
``engine.rules`` (built-in rules, in order) or from a scenario's ``plugins = [...]`` (a rule
registered with ``plugin=True`` in a module named there). The life cycle is written once, here,
and the engine (``simulation/model.py``) calls it in this order:

1. ``setup()``: every enabled rule, in rule order, before the starting population is built:
   subscribe to signals (``model.on``), add hazard modifiers (``model.add_modifier``), register
   indicators and prices, schedule first events. The starting population is then built through
   the engine's transitions, so the rules set its hazards.
2. during the run, in time order: the rule's own scheduled events and signal handlers;
   ``on_params_changed(changed)`` when a dated change alters a parameter the rule ``reads``
   (``self.p`` is already the new tree); ``month_end(day)`` at each month end (before the
   monthly snapshot); ``year_end(year)`` at each 31 March (before the DfE indicators close).
3. ``finalise()`` once, after the last event, before results are read.

Each rule overrides only the hooks it needs. A rule declares the parameters it ``reads``
(exact paths, or prefixes ending in ``.``): ``self.p`` is a read-only view that refuses any
other path, so the declaration is the truth, and a dated change reaches exactly the rules that
read it. Rules never call each other: they talk through the engine's declared signals
(``simulation/signals.py``), declared model state and the placement-policy hook
(``model.set_placement_policy``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from simulation.errors import CarepathsError
from simulation.params import SPEC, DatedChange, Parameters

if TYPE_CHECKING:
    from simulation.model import CareSystem

RULES: dict[str, type[Rule]] = {}
_PLUGINS: list[str] = []

R = TypeVar("R", bound="type[Rule]")


def _covers(reads: tuple[str, ...], path: str) -> bool:
    return any(path == r or (r.endswith(".") and path.startswith(r)) for r in reads)


class ParamView:
    """The read-only parameters one rule may read: those its ``reads`` declares.

    The values are looked up once, when the view is made (a rule reads some parameters at
    every event; a dated change makes a new view): a read is then one dictionary look-up."""

    __slots__ = ("_allowed", "_params", "_rule", "_values")

    def __init__(self, params: Parameters, allowed: frozenset[str], rule: str) -> None:
        self._params = params
        self._allowed = allowed
        self._rule = rule
        self._values = {path: params[path] for path in allowed}

    @property
    def dated(self) -> tuple[DatedChange, ...]:
        """The tree's dated changes of the parameters this rule reads."""
        return tuple(d for d in self._params.dated if d.path in self._allowed)

    def __getitem__(self, path: str) -> Any:
        try:
            return self._values[path]
        except KeyError:
            pass
        raise CarepathsError(
            f"rule {self._rule!r} reads parameter {path!r} but does not declare it: add it "
            f"(or its prefix, e.g. {path.split('.')[0] + '.'!r}) to the rule's `reads`"
        )

    def get(self, path: str, default: Any = None) -> Any:
        return self[path] if path in self._allowed else default


class Rule:
    """Base class of every rule: the life cycle's hooks, each a no-op until overridden."""

    name: ClassVar[str] = "rule"
    reads: ClassVar[tuple[str, ...]] = ()  # parameter paths, or prefixes ending in "."

    def __init__(self, model: CareSystem) -> None:
        self.model = model
        self.p: ParamView = self.view(model.p)

    def view(self, params: Parameters) -> ParamView:
        """The read-only view of ``params`` this rule may read (the engine calls this)."""
        allowed = frozenset(path for path in (*SPEC, *params.keys()) if _covers(self.reads, path))
        return ParamView(params, allowed, self.name)

    def reads_any(self, paths: frozenset[str]) -> bool:
        return any(_covers(self.reads, path) for path in paths)

    # ---- the life cycle (overridden as needed) -------------------------------------------
    def setup(self) -> None:
        """Subscribe to signals, add modifiers and indicators, schedule first events."""

    def on_params_changed(self, changed: frozenset[str]) -> None:
        """A dated change altered ``changed`` (paths this rule reads); ``self.p`` is new."""

    def month_end(self, day: float) -> None:
        """A month ends (``day`` is the first day of the next month)."""

    def year_end(self, year: int) -> None:
        """A DfE year ``year`` closes on 31 March (before its indicators are taken)."""

    def finalise(self) -> None:
        """The run is over: settle anything the rule reports."""


def overrides(rule: Rule, hook: str) -> bool:
    """Whether ``rule`` overrides a life-cycle hook (the engine calls only those)."""
    return getattr(type(rule), hook) is not getattr(Rule, hook)


def register_rule(name: str, plugin: bool = False) -> Callable[[R], R]:
    """Class decorator: register a rule under ``name``."""

    def deco(cls: R) -> R:
        old = RULES.get(name)
        if old is not None and (old.__module__, old.__qualname__) != (
            cls.__module__,
            cls.__qualname__,
        ):
            raise CarepathsError(
                f"two rules are registered as {name!r}: {old.__module__}.{old.__qualname__} "
                f"and {cls.__module__}.{cls.__qualname__}"
            )
        cls.name = name
        RULES[name] = cls
        if plugin and name not in _PLUGINS:
            _PLUGINS.append(name)
        return cls

    return deco


def plugin_rules(modules: tuple[str, ...]) -> list[str]:
    """Plug-in rules registered by the given modules (those a scenario names in ``plugins``),
    in registration order; a module imported earlier in the same process for another
    scenario does not enable its rules here."""
    return [n for n in _PLUGINS if RULES[n].__module__ in modules]


def load_builtin_rules() -> None:
    """Import the built-in rule modules (each registers itself)."""
    from simulation.rules import (  # noqa: F401
        assessment,
        carers,
        costs_rule,
        endings,
        entry,
        exits,
        matching,
        needs,
        permanence,
        reunification,
        workforce,
    )
