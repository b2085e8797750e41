"""Capacity: where the free places are. An index, not a policy.

Foster households with a vacancy are kept in ten skill buckets per sector, each an insertion-
ordered dict, so finding "the least-skilled household that can meet this child's needs" costs
at most ten look-ups, whatever the number of carers (no scan of all agents per event).
In-house children's home beds are a counted pool (``residential.inhouse_beds_per_10k``, which a
dated change may alter: the pool follows it); purchased beds and supported accommodation are not
capacity-limited (the market absorbs them, at a price).

Households made for one placement (a kinship household, a spot purchase) take their id from
the child and placement they were made for (``agents.placement_household_id``), so a lever that
makes more or fewer of them never changes another household's id or draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulation.agents import (
    KINSHIP_ID_BASE,
    SPOT_ID_BASE,
    YEAR_DAYS,
    CarerHousehold,
    Child,
    Group,
    placement_household_id,
)

if TYPE_CHECKING:
    from simulation.model import CareSystem

BUCKETS = 10


def _bucket(skill: float) -> int:
    return min(int(skill * BUCKETS), BUCKETS - 1)


class Capacity:
    """Foster vacancies by sector and skill bucket; in-house residential beds."""

    def __init__(self, model: CareSystem) -> None:
        self.model = model
        self.inhouse_beds = round(model.p["residential.inhouse_beds_per_10k"] * model.scale)
        self.inhouse_beds_used = 0
        self.vacant: dict[int, list[dict[int, CarerHousehold]]] = {
            int(Group.INHOUSE): [{} for _ in range(BUCKETS)],
            int(Group.AGENCY): [{} for _ in range(BUCKETS)],
        }

    def update(self, carer: CarerHousehold) -> None:
        """Re-index a household after its places, children or status changed."""
        buckets = self.vacant.get(carer.sector)
        if buckets is None:
            return
        bucket = buckets[_bucket(carer.skill)]
        if carer.active and carer.vacancies > 0:
            bucket[carer.carer_id] = carer
        else:
            bucket.pop(carer.carer_id, None)

    def set_skill(self, carer: CarerHousehold, skill: float) -> None:
        """Change a household's skill (e.g. enhanced support) and move it between buckets."""
        buckets = self.vacant.get(carer.sector)
        if buckets is not None:
            buckets[_bucket(carer.skill)].pop(carer.carer_id, None)
        carer.skill = min(max(skill, 0.0), 1.0)
        self.update(carer)

    def vacancies_total(self) -> int:
        """Free foster places: every household in the index has at least one."""
        return sum(
            c.vacancies
            for buckets in self.vacant.values()
            for bucket in buckets
            for c in bucket.values()
        )

    def find(
        self, sector: int, needs: float, tolerance: float, room: int = 1
    ) -> CarerHousehold | None:
        """The first household in the lowest skill bucket that can meet ``needs`` and has
        ``room`` free places (room above one: a sibling group placed together)."""
        buckets = self.vacant[sector]
        for b in range(_bucket(max(needs - tolerance, 0.0)), BUCKETS):
            bucket = buckets[b]
            if not bucket:
                continue
            if room <= 1:
                return next(iter(bucket.values()))
            for carer in bucket.values():
                if carer.vacancies >= room:
                    return carer
        return None

    def any(self, sector: int) -> CarerHousehold | None:
        """Any household with a vacancy, most skilled first (a poor fit, but a bed)."""
        for bucket in reversed(self.vacant[sector]):
            if bucket:
                return next(iter(bucket.values()))
        return None

    def inhouse_bed_free(self) -> bool:
        return self.inhouse_beds_used < self.inhouse_beds

    def take_bed(self) -> None:
        self.inhouse_beds_used += 1

    def free_bed(self) -> None:
        self.inhouse_beds_used -= 1

    def on_params_changed(self, changed: frozenset[str]) -> None:
        """A dated change of in-house bed numbers: the pool follows (children already in a
        bed above the new number keep it until they leave)."""
        if "residential.inhouse_beds_per_10k" in changed:
            m = self.model
            self.inhouse_beds = round(m.p["residential.inhouse_beds_per_10k"] * m.scale)

    def new_kinship_household(self, child: Child, places: int = 1) -> CarerHousehold:
        """A connected-person household approved for this child (and ``places - 1`` of its
        siblings), its id from the child and placement it is made for."""
        m = self.model
        s = m.streams
        skill = 0.45 + 0.4 * s.uniform("kinship.skill", child.child_id, child.placement_count)
        carer = CarerHousehold(
            m,
            placement_household_id(KINSHIP_ID_BASE, child),
            int(Group.KINSHIP),
            places=places,
            skill=skill,
            older=s.uniform("kinship.older", child.child_id, child.placement_count) < 0.45,
            joined=m.now,
        )
        m.add_carer(carer)
        return carer

    def spot_purchase(self, child: Child, joined: float) -> CarerHousehold:
        """An agency household bought for this one child when no foster place fits, its id
        from the child and placement it is bought for."""
        m = self.model
        carer = CarerHousehold(
            m,
            placement_household_id(SPOT_ID_BASE, child),
            int(Group.AGENCY),
            places=1,
            skill=child.needs,
            older=False,
            joined=joined,
        )
        m.add_carer(carer)
        return carer

    def existing(self, child: Child, group: int) -> tuple[CarerHousehold | None, bool, int]:
        """A place for a child of the starting population: (carer, in-house bed, group)."""
        m = self.model
        tolerance = m.p["matching.skill_tolerance"]
        if group == Group.KINSHIP:
            return self.new_kinship_household(child), False, group
        if group in (Group.INHOUSE, Group.AGENCY):
            other = Group.AGENCY if group == Group.INHOUSE else Group.INHOUSE
            for sector in (group, other):
                carer = self.find(sector, child.needs, tolerance) or self.any(sector)
                if carer is not None:
                    return carer, False, int(sector)
            return self.spot_purchase(child, joined=-5 * YEAR_DAYS), False, int(Group.AGENCY)
        if group == Group.RESIDENTIAL:
            return None, self.inhouse_bed_free(), group
        return None, False, group
