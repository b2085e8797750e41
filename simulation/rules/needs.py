"""Needs that respond to care: each child's emotional and behavioural needs on the SDQ scale.

``child.needs`` (0-1, what matching, endings and exits read) is the child's Strengths and
Difficulties Questionnaire total difficulties score divided by 40 (SSDA903 collects an SDQ
for children aged 5-16 looked after continuously for 12 months; 0-13 normal, 14-16 borderline,
17+ a cause for concern). A child's score is its systematic level plus its own fluctuation:

- at entry, the drawn needs (``simulation/children.py``) give the starting score;
- while placed, the level changes by ``needs.sdq_drift_per_year`` + ``needs.sdq_per_year_
  quality`` × (match quality - 0.5) per year (good placements lower it, poor ones raise it);
- each unplanned ending adds ``needs.sdq_per_unplanned_ending``, each change of social worker
  ``needs.sdq_per_worker_change`` (both persist);
- its own fluctuation is a first-order autoregression (0.5) of yearly normal draws keyed by
  (child, DfE year), from 0 at its first admission, with a year-to-year change of SD
  ``needs.sdq_yearly_sd``: it adds spread but never drifts;
- out of care the score is frozen (nobody assesses it) until the child comes back.

Updates are lazy: the level is brought up to date when a placement ends or the child leaves
(``wellbeing_update``) and at each 31 March, the annual review, which also takes the yearly
fluctuation. When a child's needs have moved by ``NEEDS_STEP`` since its hazards last saw them,
the rule announces ``needs_changed`` and the rule that owns the disruption hazard re-evaluates
it; every placement, and every hazard set at it, sees the needs of its day.

Needs act on disruption (``endings.needs_effect``), on the placement a child needs (matching's
children's-home threshold), on reunification and its breakdown (exits, reunification,
permanence) and on cost: a child whose SDQ is 17+ costs ``costs.high_needs_premium_share``
more a week in in-house or agency foster care or a purchased children's home. Every effect is
an assumption whose range includes no effect (parameter tree); at no effect this rule changes
nothing (``tests/unit/test_needs_negative_control.py``). It replaces the old wellbeing index.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

from simulation.agents import GROUP_NAMES, YEAR_DAYS, CarerHousehold, Child, Group
from simulation.rules.registry import Rule, register_rule
from simulation.signals import declare_signal

SDQ_MAX = 40.0
SDQ_CONCERN = 17  # a cause for concern: 17+ (DfE)
SDQ_BORDERLINE = 14
SDQ_REFERENCE = 14.7  # mean SDQ of CLA 12 months+ aged 5-16, 2024 (PF:sdq.mean_score_cla row 374)
SDQ_SD = 7.0  # assumption: the spread effects "per SD" refer to (the model's stock SD is ~7.5)
# A "material" change of needs, after which the hazards that depend on them are re-evaluated:
# 4 SDQ points, 0.1 on the needs scale (the width of a carer-skill bucket).
NEEDS_STEP = 4.0 / SDQ_MAX
CONCERN_NEEDS = (SDQ_CONCERN - 0.5) / SDQ_MAX  # needs at which the integer score reaches 17
# Placements that cost more for a child whose SDQ is 17+: ledger level -> cost component.
PREMIUM_KEYS = {
    int(Group.INHOUSE): "needs_premium_inhouse",
    int(Group.AGENCY): "needs_premium_agency",
    int(Group.RESIDENTIAL): "needs_premium_residential",  # purchased homes (not in-house beds)
}
_AR_INNOVATION = math.sqrt(0.75)  # AR(1) at 0.5 with unit stationary SD
NO_KNOT = -(10**9)  # a needs state whose fluctuation is not drawn yet
FLUCTUATION = "needs.fluctuation"  # the stream of the yearly fluctuation's draws
_TWO_52 = float(2**52)
_Z = NormalDist().inv_cdf
# The fluctuation's standard normals by 13-bit uniform (see ``Needs._z``): one table instead
# of an inverse CDF per child-year (the same values: each entry is that inverse CDF).
_Z_TABLE = tuple(_Z((bits + 0.5) / 8192.0) for bits in range(8192))

declare_signal(
    "needs_changed",
    ("child",),
    "a child's needs moved materially (4 SDQ points) since its hazards last saw them",
)


def sdq_score(child: Child) -> int:
    """The child's SDQ total difficulties score as DfE records it (an integer, 0-40)."""
    return int(SDQ_MAX * child.needs + 0.5)


def sdq_sds(needs: float) -> float:
    """Needs as SDs of SDQ above the CLA mean: the unit of the 'per SD' effect sizes."""
    return (SDQ_MAX * needs - SDQ_REFERENCE) / SDQ_SD


class _Needs:
    """One child's needs state (the rule's own, keyed by child id)."""

    __slots__ = (
        "announced",
        "bits",
        "block",
        "changes",
        "knot",
        "level",
        "review_period",
        "review_score",
        "t",
        "w",
    )

    def __init__(self) -> None:
        self.level = 0.0  # systematic SDQ level (score = level + fluctuation)
        self.t = 0.0  # accrued to this day
        self.changes = 0  # changes of worker already counted in the level (this period)
        self.knot = NO_KNOT  # DfE year index of the fluctuation in the score
        self.w = 0.0  # the fluctuation in the score (SDQ points)
        self.announced = 0.0  # needs the child's hazards were last evaluated with
        self.review_score = -1  # integer score at the last 31 March (or at the start)
        self.review_period = -1
        self.block = -1  # the fluctuation's keyed uniform last drawn: its block of 4 years
        self.bits = 0  # and its 52 bits


@register_rule("needs")
class Needs(Rule):
    """Moves each child's SDQ with its care; announces material changes; prices high needs."""

    reads = ("needs.", "costs.high_needs_premium_share", "costs.weekly_gbp")

    def setup(self) -> None:
        m = self.model
        self.state: dict[int, _Needs] = {}
        self.k = 0  # DfE years closed so far: the fluctuation's current year index
        self.premium: dict[int, str] = {}  # child -> premium level it is counted in
        self.improved_pct = 0.0
        self._load()
        m.on("admitted", self._admitted)
        m.on("wellbeing_update", self._accrue)
        m.on("placement_ended", self._ended)
        m.on("placed", self._placed)
        m.on("exited", self._exited)
        m.indicators.add_state("needs_improved_pct", lambda: self.improved_pct)
        for group, key in PREMIUM_KEYS.items():
            m.ledger.register_price(key, f"placements_{GROUP_NAMES[group]}", self._price(group))

    def _price(self, group: int) -> Callable[[], float]:
        """GBP per high-needs child-year in ``group``, at the prices of the day it is settled."""

        def price() -> float:
            return self.premium_share * self.p["costs.weekly_gbp"][group] * YEAR_DAYS / 7.0

        return price

    def on_params_changed(self, changed: frozenset[str]) -> None:
        self._load()

    def _load(self) -> None:
        p = self.p
        self.per_ending = p["needs.sdq_per_unplanned_ending"]
        self.per_change = p["needs.sdq_per_worker_change"]
        self.quality_per_day = p["needs.sdq_per_year_quality"] / YEAR_DAYS
        self.drift_per_day = p["needs.sdq_drift_per_year"] / YEAR_DAYS
        self.sd = p["needs.sdq_yearly_sd"]
        self.premium_share = p["costs.high_needs_premium_share"]
        self.moves = bool(
            self.per_ending or self.per_change or self.quality_per_day or self.drift_per_day
        )

    # ---- the child's fluctuation ----------------------------------------------------------
    def _z(self, child_id: int, st: _Needs, year: int) -> float:
        """The standard normal of the child's fluctuation in DfE year ``year``. One keyed
        uniform serves four years: its 52 bits are cut into four 13-bit uniforms (a normal's
        quantiles to 1/8192 are plenty for a fluctuation), so a child-year costs a quarter of
        a draw; each year's value still depends only on (seed, child, year). The block's bits
        are kept in the child's state until a year of the next block is drawn."""
        block, j = divmod(year + 1, 4)
        if st.block != block:
            u = self.model.streams.uniform(FLUCTUATION, child_id, block)
            st.block, st.bits = block, int(u * _TWO_52)
        return _Z_TABLE[(st.bits >> (13 * j)) & 8191]

    def _set_knot(self, child_id: int, st: _Needs, year: int) -> None:
        """Move the child's fluctuation to DfE year ``year`` (0 = the first): a first-order
        autoregression in yearly steps from 0 at the child's first admission (its drawn needs
        are its score then), w = 0.5 w_before + sqrt(0.75) sd z_year, each z keyed by (child,
        year): its year-to-year change has SD ``sd`` once settled and it never drifts."""
        if st.knot == NO_KNOT:
            st.knot = year
            return
        if self.sd:
            w = st.w
            for k in range(st.knot + 1, year + 1):  # more than one only after years away
                w = 0.5 * w + _AR_INNOVATION * self.sd * self._z(child_id, st, k)
            st.w = w
        st.knot = year

    def _set_needs(self, child: Child, st: _Needs) -> None:
        child.needs = min(1.0, max(0.0, (st.level + st.w) / SDQ_MAX))

    # ---- signals --------------------------------------------------------------------------
    def _admitted(self, child: Child, reentry: bool) -> None:
        st = self.state.get(child.child_id)
        now = self.model.now
        if st is None:  # first time in care: the drawn needs are the starting score
            st = _Needs()
            self.state[child.child_id] = st
            self._set_knot(child.child_id, st, self.k)
            st.level = SDQ_MAX * child.needs - st.w
            if child.existing:  # the starting population's score at the start counts as
                st.review_score, st.review_period = sdq_score(child), child.period  # a review
        st.t = now
        st.changes = 0
        st.announced = child.needs

    def _accrue(self, child: Child) -> None:
        """Bring the child's needs up to date (a placement ends or the child leaves): the
        placement's effect since the last update and the changes of worker since then."""
        if not self.moves:
            return
        st = self.state.get(child.child_id)
        if st is None:
            return
        now = self.model.now
        level = st.level
        if child.placement >= 0:
            level += (self.drift_per_day + self.quality_per_day * (child.quality - 0.5)) * (
                now - st.t
            )
        st.t = now
        changes = child.period_worker_changes - st.changes
        if changes > 0:
            level += self.per_change * changes
            st.changes = child.period_worker_changes
        st.level = level
        needs = (level + st.w) / SDQ_MAX
        child.needs = 1.0 if needs > 1.0 else (0.0 if needs < 0.0 else needs)

    def _ended(
        self, child: Child, group: int, carer: CarerHousehold | None, reason: str, unplanned: bool
    ) -> None:
        key = self.premium.pop(child.child_id, None)
        if key is not None:
            self.model.ledger.add_level(key, -1)
        if unplanned and self.per_ending:
            st = self.state.get(child.child_id)
            if st is not None:
                st.level += self.per_ending
                self._set_needs(child, st)

    def _placed(self, child: Child) -> None:
        st = self.state.get(child.child_id)
        if st is not None:
            st.announced = child.needs
            st.t = self.model.now
        if self.premium_share and child.needs >= CONCERN_NEEDS:
            self._price_in(child)

    def _price_in(self, child: Child) -> None:
        key = PREMIUM_KEYS.get(child.placement)
        if key is not None and not child.inhouse_bed:
            self.premium[child.child_id] = key
            self.model.ledger.add_level(key, +1)

    def _exited(self, child: Child, route: str, group: int, carer: CarerHousehold | None) -> None:
        key = self.premium.pop(child.child_id, None)
        if key is not None:
            self.model.ledger.add_level(key, -1)

    # ---- the annual review ----------------------------------------------------------------
    def year_end(self, year: int) -> None:
        """31 March: every child's needs up to date with this year's fluctuation; material
        changes announced; the share whose score fell since the last 31 March recorded."""
        m = self.model
        self.k = k = self.k + 1
        now = m.now
        emit = m.emit
        uniform = m.streams.uniform
        state = self.state
        moves, sd, premium = self.moves, self.sd, self.premium_share
        drift, slope, per_change = self.drift_per_day, self.quality_per_day, self.per_change
        counted = self.premium
        innovation = _AR_INNOVATION * sd
        block, j = divmod(k + 1, 4)  # this year's fluctuation: bits 13j.. of block's uniform
        shift = 13 * j
        z_table = _Z_TABLE
        reviewed = YEAR_DAYS - 1
        n = improved = 0
        previous = k - 1
        for child in list(m.children.values()):
            cid = child.child_id
            st = state.get(cid)
            if st is None:
                continue
            level = st.level
            if moves:  # the placement's effect since the last update, the changes of worker
                if child.placement >= 0:
                    level += (drift + slope * (child.quality - 0.5)) * (now - st.t)
                st.t = now
                changes = child.period_worker_changes - st.changes
                if changes > 0:
                    level += per_change * changes
                    st.changes = child.period_worker_changes
                st.level = level
            if not sd:
                st.knot = k
            elif st.knot == previous:  # the usual case: one year on, one draw (``_z``)
                if st.block != block:
                    st.block, st.bits = block, int(uniform(FLUCTUATION, cid, block) * _TWO_52)
                st.w = 0.5 * st.w + innovation * z_table[(st.bits >> shift) & 8191]
                st.knot = k
            else:
                self._set_knot(cid, st, k)
            if moves or sd:
                needs = (level + st.w) / SDQ_MAX
                child.needs = needs = 1.0 if needs > 1.0 else (0.0 if needs < 0.0 else needs)
                if abs(needs - st.announced) >= NEEDS_STEP:
                    st.announced = needs
                    emit("needs_changed", child)
            else:
                needs = child.needs
            score = int(SDQ_MAX * needs + 0.5)
            period = child.period
            if st.review_period == period and now - child.period_start >= reviewed:
                n += 1
                improved += score < st.review_score
            st.review_score = score
            st.review_period = period
            if premium and (cid in counted) != (score >= SDQ_CONCERN):
                if cid in counted:
                    m.ledger.add_level(counted.pop(cid), -1)
                else:
                    self._price_in(child)
        self.improved_pct = 100.0 * improved / n if n else 0.0
