"""Run calibration candidates on common random numbers through the project's executor.

Every parallel job goes through :func:`simulation.executor.run_many` (its process pool, its
Ctrl-C handling and its Dask backend); results come back in task order, so a fit is the same
whatever the number of workers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from calibration.targets import Target
from simulation.params import Parameters


@dataclass
class Simulator:
    """Runs candidates on common random numbers and counts the budget spent."""

    base: Parameters
    year: int
    years: int
    seed: int
    jobs: int
    executor: str
    scheduler: str | None
    budget: int
    advance: Callable[[int], None]
    used: int = 0
    fn: Callable[[Any], Any] | None = None  # replicate runner (tests inject a cheap one)

    def run(
        self,
        changes: Sequence[dict[str, Any]],
        replicates: Sequence[int] | Sequence[Sequence[int]],
        years: int | None = None,
    ) -> list[list[tuple[object, int, int, str, float]]]:
        """indicators rows (candidate, replicate, DfE year, indicator, value); simulated year k
        is DfE year ``self.year + k`` (the run starts from the 31 March ``self.year`` stock).

        ``replicates`` is one list for every candidate (common random numbers) or one list per
        candidate (independent chance, as in the report)."""
        from simulation.executor import Task, run_many

        tasks = []
        for i, ch in enumerate(changes):
            params = self.base.with_changes(ch)
            first = replicates[0]
            reps: Sequence[int] = (
                replicates[i] if isinstance(first, Sequence) else replicates  # type: ignore[assignment]
            )
            tasks += [Task(f"c{i}", params, years or self.years, self.seed, r) for r in reps]
        results = self._map(tasks, run_many)
        self.used += len(tasks)
        out: list[list[tuple[object, int, int, str, float]]] = [[] for _ in changes]
        for task, res in zip(tasks, results, strict=True):
            first = min(y for y, _, _ in res.indicators)
            cand = int(task.scenario[1:])
            out[cand] += [
                (task.scenario, task.replicate, self.year + 1 + (y - first), ind, val)
                for y, ind, val in res.indicators
            ]
        return out

    def _map(self, tasks: list[Any], run_many: Callable[..., list[Any]]) -> list[Any]:
        """Run tasks through the executor, results in task order (deterministic whatever
        finishes first). Each batch starts its own worker pool: see docs/calibration.md for
        what that costs a fit of many small batches."""
        return run_many(
            tasks,
            jobs=self.jobs,
            executor=self.executor,
            scheduler=self.scheduler,
            progress=lambda: self.advance(1),
            fn=self.fn or run_task_loaded,
        )

    def left(self) -> int:
        return self.budget - self.used


def run_task_loaded(task: Any) -> Any:
    """``executor.run_task`` with the parameter tree registered first: a spawned worker starts
    with an empty registry, and rules that read parameter specs need it."""
    from simulation import parameter_tree  # noqa: F401
    from simulation.executor import run_task

    return run_task(task)


def loss(targets: Sequence[Target], sims: dict[str, Any]) -> float:
    """Weighted squared error in tolerance units (a missing indicator costs 25)."""
    total = 0.0
    for t in targets:
        s = sims.get(t.indicator)
        total += t.weight * (t.error(s.mean) ** 2 if s and not math.isnan(s.mean) else 25.0)
    return total
