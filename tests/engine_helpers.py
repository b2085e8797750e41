"""Small hand-built models for the engine's tests."""

from __future__ import annotations

from collections import Counter
from typing import Any

from simulation.agents import Group
from simulation.model import CareSystem
from simulation.params import Parameters

SMALL = {"area.population_0_17": 30_000}


def make_model(
    changes: dict[str, Any] | None = None, seed: int = 1, replicate: int = 0, keep_log: bool = True
) -> CareSystem:
    params = Parameters.defaults().with_changes({**SMALL, **(changes or {})})
    return CareSystem(params, seed=seed, replicate=replicate, keep_log=keep_log)


def run(
    changes: dict[str, Any] | None = None, years: int = 2, seed: int = 1, replicate: int = 0
) -> CareSystem:
    model = make_model(changes, seed, replicate)
    model.run_years(years)
    return model


def yearly(model: CareSystem, name: str) -> list[float]:
    return [v for _, k, v in model.indicators.yearly if k == name]


def total(model: CareSystem, name: str) -> float:
    return sum(yearly(model, name))


def events(model: CareSystem, kind: str) -> list[tuple[Any, ...]]:
    assert model.log is not None
    return [e for e in model.log if e[1] == kind]


def audit(model: CareSystem) -> None:
    """Invariants of the model state; raises AssertionError with what broke."""
    occupancy: Counter[int] = Counter()
    for child in model.children.values():
        assert child.in_care
        assert child.placement >= 0, f"child {child.child_id} in care without a placement"
        occupancy[child.placement] += 1
        if child.carer is not None:
            assert child in child.carer.children, "child not in its carer's list"
        assert child.worker is not None and child.child_id in child.worker.children
    for g in Group:
        assert model.occupancy[g] == occupancy[g], f"occupancy of {g.name} drifted"
    for carer in model.carers.values():
        assert len(carer.children) + carer.staying_put <= carer.places, "carer over capacity"
        for child in carer.children:
            assert child.carer is carer and child.in_care
    seen = Counter(id(c) for carer in model.carers.values() for c in carer.children)
    assert all(n == 1 for n in seen.values()), "a child is in two placements"
    assert all(c.carer is None or c in c.carer.children for c in model.children.values())
    _audit_places(model)
    for worker in model.workers.values():
        for child in worker.children.values():
            assert child.worker is worker and child.in_care


def _audit_places(model: CareSystem) -> None:
    """Children's home beds and places, supported places: counted right, none over capacity,
    and every child placed in one band."""
    cap = model.capacity
    beds = sum(1 for c in model.children.values() if c.inhouse_bed)
    assert cap.inhouse_beds_used == beds <= cap.inhouse_beds, "in-house beds over capacity"
    for group, pool in cap.pools.items():
        used = Counter(
            c.location
            for c in model.children.values()
            if c.placement == group and not c.inhouse_bed
        )
        for band in range(3):
            assert pool.used[band] == used[band], f"{Group(group).name} places miscounted"
            assert pool.used[band] <= pool.places[band], f"{Group(group).name} over capacity"
    for child in model.children.values():
        assert child.location in (0, 1, 2), f"child {child.child_id} placed nowhere"
        if child.carer is not None:
            assert child.location == child.carer.location
