"""The rule registry: a rule is a class registered under a name and enabled from parameters.

A rule module registers itself with ``@register_rule("name")``. ``engine.rules`` lists the
built-in rules to run, in order; rules from outside the package are imported from
``engine.plugins`` (a scenario's ``plugins = [...]``) and enabled when they register with
``plugin=True``. Rules never call each other: they read and change model state through the
model's transitions and subscribe to its signals in ``setup``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from simulation.model import CareSystem

RULES: dict[str, type[Rule]] = {}
_PLUGINS: list[str] = []

R = TypeVar("R", bound="type[Rule]")


class Rule:
    """Base class: keep a reference to the model; subscribe and schedule in ``setup``."""

    name = "rule"

    def __init__(self, model: CareSystem) -> None:
        self.model = model
        self.p = model.p

    def setup(self) -> None:  # pragma: no cover - overridden
        """Subscribe to signals and schedule first events."""


def register_rule(name: str, plugin: bool = False) -> Callable[[R], R]:
    """Class decorator: register a rule under ``name``."""

    def deco(cls: R) -> R:
        cls.name = name
        RULES[name] = cls
        if plugin and name not in _PLUGINS:
            _PLUGINS.append(name)
        return cls

    return deco


def plugin_rules() -> list[str]:
    return list(_PLUGINS)


def load_builtin_rules() -> None:
    """Import the built-in rule modules (each registers itself)."""
    from simulation.rules import (  # noqa: F401
        carers,
        costs_rule,
        endings,
        entry,
        exits,
        matching,
        reunification,
        wellbeing,
        workforce,
    )
