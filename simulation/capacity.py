"""Capacity: where the free places are. An index, not a policy.

Foster households with a vacancy are kept in ten skill buckets per sector, each an insertion-
ordered dict, so finding "the least-skilled household that can meet this child's needs" costs
at most ten look-ups, whatever the number of carers (no scan of all agents per event).
In-house children's home beds are a counted pool; purchased beds and supported accommodation
are not capacity-limited (the market absorbs them, at a price).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulation.agents import YEAR_DAYS, CarerHousehold, Child, Group

if TYPE_CHECKING:
    from simulation.model import CareSystem

BUCKETS = 10


def _bucket(skill: float) -> int:
    return min(int(skill * BUCKETS), BUCKETS - 1)


class Capacity:
    """Foster vacancies by sector and skill bucket; in-house residential beds."""

    def __init__(self, model: CareSystem) -> None:
        self.model = model
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

    def find(self, sector: int, needs: float, tolerance: float) -> CarerHousehold | None:
        """The first household in the lowest skill bucket that can meet ``needs``."""
        buckets = self.vacant[sector]
        for b in range(_bucket(max(needs - tolerance, 0.0)), BUCKETS):
            if buckets[b]:
                return next(iter(buckets[b].values()))
        return None

    def any(self, sector: int) -> CarerHousehold | None:
        """Any household with a vacancy, most skilled first (a poor fit, but a bed)."""
        for bucket in reversed(self.vacant[sector]):
            if bucket:
                return next(iter(bucket.values()))
        return None

    def inhouse_bed_free(self) -> bool:
        m = self.model
        return m.residential_inhouse_used < m.residential_inhouse_beds

    def new_kinship_household(self, child: Child) -> CarerHousehold:
        """A connected-person household approved for this one child."""
        m = self.model
        s = m.streams
        skill = 0.45 + 0.4 * s.uniform("kinship.skill", child.child_id, child.placement_count)
        carer = CarerHousehold(
            m,
            m.new_id("carer"),
            int(Group.KINSHIP),
            places=1,
            skill=skill,
            older=s.uniform("kinship.older", child.child_id) < 0.45,
            joined=m.now,
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
            carer = CarerHousehold(
                m,
                m.new_id("carer"),
                int(Group.AGENCY),
                places=1,
                skill=child.needs,
                older=False,
                joined=-5 * YEAR_DAYS,
            )
            m.add_carer(carer)
            return carer, False, int(Group.AGENCY)
        if group == Group.RESIDENTIAL:
            return None, self.inhouse_bed_free(), group
        return None, False, group
