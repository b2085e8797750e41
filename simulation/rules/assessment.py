"""Assessment: the needs a child's social worker sees are the true needs plus an error.

Before every placement decision (``placement_request``) the allocated worker assesses the
child: ``child.assessed_needs`` = true needs + error, on the SDQ scale, with

    error SD = ``assessment.error_sd_sdq`` × exp(``assessment.caseload_error_growth`` ×
               (worker's caseload - reference caseload)) × ``assessment.supervision_error_ratio``
               (when the worker has reflective supervision and training),

so the error grows with caseload and shrinks with supervision, continuously on both sides of the
reference. The standard normal behind each error is keyed by (child, period of care, changes of
worker in it, DfE year): a worker's view of a child holds until a new worker takes the case or
a year closes; the same child meets the same luck in every scenario and only the error's size
changes with the worker's load.
The placement policy reads the assessed needs through one method (matching's ``_needs_seen``)
and a planned move for quality reads them too. A decision for a group the care plan has fixed
(placed for adoption) needs no assessment.

``assessment_mismatch_pct``: of the assessments made in the year, the share that put the child
on the other side of the cause-for-concern line (SDQ 17) from its true score — the screen's
misclassification (sensitivity 0.85 / specificity 0.80 cited for the SDQ at that line,
PF rows 402-403). With an error SD of 0, ``assessed_needs`` equals the true needs exactly.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from simulation.agents import Child, PlacementRequest
from simulation.rules.needs import CONCERN_NEEDS, SDQ_MAX
from simulation.rules.registry import Rule, register_rule

_Z = NormalDist().inv_cdf


@register_rule("assessment")
class Assessment(Rule):
    """Sets the needs the worker assessed before each placement decision."""

    reads = ("assessment.", "workforce.reference_caseload")

    def setup(self) -> None:
        self.assessments = 0
        self.mismatches = 0
        self.mismatch_pct = 0.0
        self.k = 0  # DfE years closed
        self.errors: dict[int, tuple[int, float]] = {}  # child -> (occurrence, z)
        self._load()
        self.model.on("placement_request", self._assess)
        self.model.indicators.add_state("assessment_mismatch_pct", lambda: self.mismatch_pct)

    def on_params_changed(self, changed: frozenset[str]) -> None:
        self._load()

    def _load(self) -> None:
        p = self.p
        self.sd = p["assessment.error_sd_sdq"] / SDQ_MAX  # on the needs scale (0-1)
        self.growth = p["assessment.caseload_error_growth"]
        self.supervised_ratio = p["assessment.supervision_error_ratio"]
        self.reference = p["workforce.reference_caseload"]

    def error_sd(self, child: Child) -> float:
        """The error SD (needs scale) of an assessment by the child's worker, now."""
        sd = self.sd
        worker = child.worker
        if worker is not None and sd:
            if self.growth:
                sd *= math.exp(self.growth * (self.model.caseload(worker) - self.reference))
            if worker.supervised:
                sd *= self.supervised_ratio
        return sd

    def _assess(self, child: Child, request: PlacementRequest) -> None:
        if request.group is not None:  # the care plan decided the group: no needs matching
            return
        needs = child.needs
        sd = self.sd
        if sd:  # error_sd and _error, written out (an assessment precedes every placement)
            worker = child.worker
            if worker is not None:
                if self.growth:
                    m = self.model
                    caseload = len(worker.children) + m.other_cases_total / (len(m.workers) or 1)
                    sd *= math.exp(self.growth * (caseload - self.reference))
                if worker.supervised:
                    sd *= self.supervised_ratio
            assessed = needs + sd * self._error(child)
            assessed = 1.0 if assessed > 1.0 else (0.0 if assessed < 0.0 else assessed)
        else:
            assessed = needs
        child.assessed_needs = assessed
        self.assessments += 1
        if (assessed >= CONCERN_NEEDS) != (needs >= CONCERN_NEEDS):
            self.mismatches += 1

    def _error(self, child: Child) -> float:
        """The standard normal behind the child's assessment. A worker's view of a child holds
        until a new worker takes the case, a new period of care starts or a year closes: the
        draw is keyed by (child, period, changes of worker in it, DfE year)."""
        occurrence = (child.period * 1000 + child.period_worker_changes) * 100 + self.k
        cached = self.errors.get(child.child_id)
        if cached is not None and cached[0] == occurrence:
            return cached[1]
        z = _Z(self.model.streams.uniform("assessment.error", child.child_id, occurrence))
        self.errors[child.child_id] = (occurrence, z)
        return z

    def year_end(self, year: int) -> None:
        self.k += 1
        self.mismatch_pct = 100.0 * self.mismatches / self.assessments if self.assessments else 0.0
        self.assessments = self.mismatches = 0
