"""Declared signals: every announcement the engine or a rule can make, with its payload.

A rule subscribes with ``model.on(name, fn)`` and announces with ``model.emit(name, ...)``.
Both refuse a name that is not declared here (or by :func:`declare_signal`), naming the declared
ones: a misspelt ``"placd"`` is an error at set-up, not a handler that silently never runs.
Handlers run in rule order (``engine.rules``, then plug-ins), synchronously, inside the
transition that announced them.

Most signals come from the engine's state transitions (``simulation/model.py``): they say what
*happened*. Two let rules shape what happens next:

- ``placement_request(child, request)``: announced just before the placement policy places a
  child; a handler may amend the :class:`~simulation.agents.PlacementRequest` (room for a
  sibling group, a carer to join) — the declared hook for placement decisions.
- ``carer_support_changed(carer)``: announced by whoever changes a household's support or
  membership of a scheme, so the rules that own its hazards re-evaluate them.

A researcher's rule declares its own signals with :func:`declare_signal` at import time.

Hazard processes that other rules may scale (``model.add_modifier(process, fn)``) are declared
the same way, in :data:`HAZARDS`: the rule that owns a process applies every modifier to its
rate; a modifier on an undeclared process is an error, not a multiplier that never applies.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from simulation.errors import CarepathsError


@dataclass(frozen=True)
class SignalSpec:
    """A declared signal: its payload (argument names, in order) and when it is announced."""

    name: str
    args: tuple[str, ...]
    doc: str


SIGNALS: dict[str, SignalSpec] = {}


def declare_signal(name: str, args: tuple[str, ...], doc: str) -> None:
    """Declare a signal (each name once; the same declaration again is harmless)."""
    spec = SignalSpec(name, tuple(args), doc)
    if name in SIGNALS and SIGNALS[name] != spec:
        raise CarepathsError(f"signal {name!r} is declared twice with different payloads")
    SIGNALS[name] = spec


def check_signal(name: str) -> None:
    """Raise a clear error for an undeclared signal name, with the declared ones."""
    if name in SIGNALS:
        return
    close = difflib.get_close_matches(name, list(SIGNALS), n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise CarepathsError(
        f"unknown signal {name!r}.{hint} Declared signals: {', '.join(sorted(SIGNALS))} "
        "(a rule declares its own with simulation.signals.declare_signal)"
    )


for _name, _args, _doc in (
    ("admitted", ("child", "reentry"), "a period of care starts (before the child is placed)"),
    (
        "placement_request",
        ("child", "request"),
        "a child is about to be placed: amend the PlacementRequest (room, carer to join)",
    ),
    ("placed", ("child",), "a placement starts (child.placement, child.carer are set)"),
    (
        "placement_ended",
        ("child", "group", "carer", "reason", "unplanned"),
        "a placement ends with an SSDA903 REASON_PLACE_CHANGE code",
    ),
    (
        "exited",
        ("child", "route", "group", "carer"),
        "the child leaves care by a route in agents.EXIT_ROUTES",
    ),
    ("returned_existing", ("child",), "a child of the starting population who is back home"),
    ("carer_joined", ("carer",), "a household starts fostering (approved or joined the market)"),
    ("carer_left", ("carer", "reason"), "a household stops fostering"),
    ("carer_support_changed", ("carer",), "a household's support changed: re-evaluate hazards"),
    ("worker_joined", ("worker",), "a social worker takes up a post"),
    ("worker_left", ("worker",), "a social worker leaves (children are reallocated after)"),
    ("worker_changed", ("child", "old"), "a child's allocated social worker changed"),
    ("caseload_changed", ("worker",), "a worker's caseload moved materially (two cases)"),
    ("wellbeing_update", ("child",), "bring a child's wellbeing index up to date now"),
):
    declare_signal(_name, _args, _doc)


HAZARDS: dict[str, str] = {}


def declare_hazard(name: str, doc: str) -> None:
    """Declare a hazard process whose rate other rules may scale with a modifier."""
    HAZARDS[name] = doc


def check_hazard(name: str) -> None:
    if name in HAZARDS:
        return
    close = difflib.get_close_matches(name, list(HAZARDS), n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise CarepathsError(
        f"unknown hazard process {name!r}.{hint} Modifiable processes: {', '.join(sorted(HAZARDS))}"
    )


for _name, _doc in (
    ("disruption", "a child's unplanned placement ending (owner: the child; rule: endings)"),
    ("deregistration", "a foster household stopping (owner: the household; rule: carers)"),
    ("turnover", "a social worker leaving (owner: the worker; rule: workforce)"),
    ("reentry", "a returned child coming back into care (owner: the child; reunification)"),
    ("exit.returned_home", "leaving care to return home (owner: the child; rule: exits)"),
    ("exit.sgo", "leaving care on a special guardianship order (owner: the child; exits)"),
    ("exit.cao", "leaving care on a child arrangements order (owner: the child; exits)"),
    ("exit.other", "leaving care for another reason (owner: the child; rule: exits)"),
    (
        "entry.arrivals",
        "arrivals of new entrants (owner: the arrival stream index 0-6, non-UASC age bands "
        "then UASC 10-15 and 16-17; rule: entry)",
    ),
):
    declare_hazard(_name, _doc)
