"""How a child coming into care is drawn: sex, needs, disability and legal status.

Shared by every rule that brings children into care (new entrants, siblings who come in with
them), so they are drawn alike. Each draw comes from the child's own stream, keyed by its
domain id: the same child has the same characteristics in every scenario.

Needs are Beta(``entry.needs_beta_a``, ``entry.needs_beta_b``) on [0, 1], shifted up by
``entry.needs_adolescent_shift`` for children aged 10 or more (assumptions); disability at the
DfE share; legal status at the DfE 2024 shares of starts (UASC are accommodated under s20).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulation.agents import YEAR_DAYS, Child
from simulation.params import ParamReader

if TYPE_CHECKING:
    from simulation.model import CareSystem

LEGAL = ("s20", "care_order", "police_protection", "youth_justice")
# Parameters :func:`draw_child` reads: a rule that calls it declares these in its ``reads``.
READS = (
    "entry.needs_beta_a",
    "entry.needs_beta_b",
    "entry.needs_adolescent_shift",
    "entry.legal_status_shares",
    "entry.disability_share",
)


def draw_child(
    model: CareSystem,
    p: ParamReader,
    child_id: int,
    age: float,
    uasc: bool,
    legal: str | None = None,
) -> Child:
    """A new child aged ``age`` years today, drawn from its own stream (``legal`` given: the
    same legal route as a sibling)."""
    s = model.streams
    needs = s.beta(p["entry.needs_beta_a"], p["entry.needs_beta_b"], "entry.needs", child_id)
    if age >= 10:
        needs = min(1.0, needs + p["entry.needs_adolescent_shift"])
    if legal is None:
        legal = (
            "s20"
            if uasc
            else LEGAL[s.choice(p["entry.legal_status_shares"], "entry.legal", child_id)]
        )
    return Child(
        model,
        child_id,
        birth_day=model.now - age * YEAR_DAYS,
        female=s.uniform("entry.sex", child_id) < (0.1 if uasc else 0.47),
        needs=needs,
        disabled=s.uniform("entry.disability", child_id) < p["entry.disability_share"],
        uasc=uasc,
        legal=legal,
    )
