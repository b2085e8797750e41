"""Capacity: where the free places are, and where they are. An index, not a policy.

Every placement type has finite places, each in one of DfE's location bands (``agents.
LOCATIONS``: inside the council's area; outside, under 20 miles; outside, 20 miles or more):

- **foster households** (in-house and agency): places and skill. Households with a vacancy are
  indexed by sector, band and ten skill buckets (insertion-ordered dicts), so finding "the
  least-skilled household in this band that can meet these needs" costs at most ten look-ups
  per band, whatever the number of carers: no scan of all agents per event.
- **children's homes**: in-house beds (lever ``residential.inhouse_beds_per_10k``, inside the
  area; a dated change moves the pool) and the purchased places available to this council
  (``market.residential_places_ratio`` × the purchased placements of the starting stock,
  split by band as ``market.residential_location_shares``).
- **supported accommodation** (16-17): ``market.supported_places_ratio`` × the starting stock,
  by band (``market.supported_location_shares``).

Kinship (connected-person) households are the child's own family: made for that child, at the
family's location, with ids from the child and placement (``agents.placement_household_id``),
so a lever that makes more or fewer of them never changes another household's id or draws.
Nothing here makes a household to fit a child.

The placement policy may listen for freed places (``listener``): it is told only while it says
children are waiting (``waiting`` > 0), so the usual cost is one integer test per change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import TYPE_CHECKING

from simulation.agents import (
    INSIDE_LA,
    KINSHIP_ID_BASE,
    LOCATIONS,
    CarerHousehold,
    Child,
    Group,
    placement_household_id,
)
from simulation.params import spec_of

if TYPE_CHECKING:
    from simulation.model import CareSystem

BUCKETS = 10


class Need(IntEnum):
    """The kind of place a child needs (what the placement policy searches for)."""

    FAMILY = 0  # a foster carer: kinship, in-house or agency
    HOME = 1  # a children's home place
    SUPPORTED = 2  # supported accommodation (16-17)


Listener = Callable[[Need, CarerHousehold | None], None]


def skill_bucket(skill: float) -> int:
    """The skill bucket of a skill level (or of the lowest skill that meets given needs)."""
    return min(int(max(skill, 0.0) * BUCKETS), BUCKETS - 1)


def split_places(total: int, shares: Sequence[float]) -> list[int]:
    """``total`` places split by ``shares`` (largest remainders, so the parts add up)."""
    weight = sum(shares)
    if total <= 0 or weight <= 0:
        return [0] * len(shares)
    exact = [total * s / weight for s in shares]
    parts = [int(x) for x in exact]
    order = sorted(range(len(shares)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def location_of(shares: Sequence[float], u: float) -> int:
    """The location band a uniform draw ``u`` falls in, by ``shares``."""
    total = sum(shares)
    acc = 0.0
    for band, share in enumerate(shares):
        acc += share
        if u * total < acc:
            return band
    return len(shares) - 1


class Pool:
    """Counted places by location band (children's homes or supported accommodation)."""

    __slots__ = ("base", "places", "ratio_key", "shares_key", "used")

    def __init__(self, ratio_key: str, shares_key: str) -> None:
        self.ratio_key = ratio_key
        self.shares_key = shares_key
        self.base = 0  # placements the places were sized on (the starting stock)
        self.places = [0, 0, 0]
        self.used = [0, 0, 0]

    def free_band(self, bands: Sequence[int]) -> int:
        """The first band in ``bands`` with a free place, or -1."""
        places, used = self.places, self.used
        for band in bands:
            if used[band] < places[band]:
                return band
        return -1


class Capacity:
    """Foster vacancies by sector, band and skill; children's home and supported places."""

    def __init__(self, model: CareSystem) -> None:
        self.model = model
        self.inhouse_beds = round(model.p["residential.inhouse_beds_per_10k"] * model.scale)
        self.inhouse_beds_used = 0
        self.vacant: dict[int, list[list[dict[int, CarerHousehold]]]] = {
            int(Group.INHOUSE): [[{} for _ in range(BUCKETS)] for _ in LOCATIONS],
            int(Group.AGENCY): [[{} for _ in range(BUCKETS)] for _ in LOCATIONS],
        }
        self.pools: dict[int, Pool] = {
            int(Group.RESIDENTIAL): Pool(
                "market.residential_places_ratio", "market.residential_location_shares"
            ),
            int(Group.SUPPORTED): Pool(
                "market.supported_places_ratio", "market.supported_location_shares"
            ),
        }
        self.listener: Listener | None = None
        self.waiting = 0  # children waiting for a suitable place (the listener hears of frees)
        self.waiting_for = [0] * len(Need)  # ... by the kind of place they wait for

    # ---- foster households ---------------------------------------------------------------
    def update(self, carer: CarerHousehold) -> None:
        """Re-index a household after its places, children or status changed."""
        sectors = self.vacant.get(carer.sector)
        if sectors is None:
            return
        bucket = sectors[carer.location][skill_bucket(carer.skill)]
        if carer.active and carer.vacancies > 0:
            bucket[carer.carer_id] = carer
            if self.waiting and self.listener is not None:
                self.listener(Need.FAMILY, carer)
        else:
            bucket.pop(carer.carer_id, None)

    def set_skill(self, carer: CarerHousehold, skill: float) -> None:
        """Change a household's skill (e.g. enhanced support) and move it between buckets."""
        sectors = self.vacant.get(carer.sector)
        if sectors is not None:
            sectors[carer.location][skill_bucket(carer.skill)].pop(carer.carer_id, None)
        carer.skill = min(max(skill, 0.0), 1.0)
        self.update(carer)

    def vacancies_total(self) -> int:
        """Free foster places: every household in the index has at least one."""
        return sum(
            c.vacancies
            for bands in self.vacant.values()
            for buckets in bands
            for bucket in buckets
            for c in bucket.values()
        )

    def find(
        self,
        sector: int,
        needs: float,
        tolerance: float,
        room: int = 1,
        bands: Sequence[int] = LOCATIONS,
    ) -> CarerHousehold | None:
        """The first household, in the first band of ``bands`` that has one, in the lowest
        skill bucket that can meet ``needs`` (skill at least ``needs - tolerance``), with
        ``room`` free places (room above one: a sibling group placed together)."""
        sectors = self.vacant[sector]
        first = skill_bucket(max(needs - tolerance, 0.0))
        for band in bands:
            buckets = sectors[band]
            for b in range(first, BUCKETS):
                bucket = buckets[b]
                if not bucket:
                    continue
                if room <= 1:
                    return next(iter(bucket.values()))
                for carer in bucket.values():
                    if carer.vacancies >= room:
                        return carer
        return None

    def any(
        self, sector: int, bands: Sequence[int] = LOCATIONS, room: int = 1
    ) -> CarerHousehold | None:
        """Any household with a vacancy, most skilled first within the first band of
        ``bands`` that has one (a poor fit, but a place)."""
        sectors = self.vacant[sector]
        for band in bands:
            for bucket in reversed(sectors[band]):
                for carer in bucket.values():
                    if carer.vacancies >= room:
                        return carer
        return None

    def foster_places(self, sector: int) -> tuple[int, int]:
        """(places used, places) in a sector's active households, Staying Put included.
        A scan of the sector's households: for month and year ends, not for events."""
        used = places = 0
        for carer in self.model.carers.values():
            if carer.sector == sector:
                places += carer.places
                used += carer.places - carer.vacancies
        return used, places

    # ---- children's homes and supported accommodation ----------------------------------
    def size_pools(self, homes_children: int, supported_children: int) -> None:
        """Size the purchased children's home and supported places from the starting stock:
        the purchased placements it implies (children's home residents less the area's
        existing in-house beds, the tree's default, so a lever that opens beds does not
        shrink the market) and the supported placements, times the market ratios."""
        m = self.model
        existing_beds = round(spec_of("residential.inhouse_beds_per_10k").default * m.scale)
        self.pools[Group.RESIDENTIAL].base = max(homes_children - existing_beds, 0)
        self.pools[Group.SUPPORTED].base = supported_children
        for pool in self.pools.values():
            self._size(pool)

    def _size(self, pool: Pool) -> None:
        p = self.model.p
        total = round(pool.base * p[pool.ratio_key])
        pool.places = split_places(total, p[pool.shares_key])

    def home_band(self, bands: Sequence[int]) -> tuple[int, bool]:
        """A free children's home place: (band, in-house bed) — an in-house bed first when
        the search includes the council's own area — or (-1, False)."""
        if bands and bands[0] == INSIDE_LA and self.inhouse_beds_used < self.inhouse_beds:
            return INSIDE_LA, True
        return self.pools[Group.RESIDENTIAL].free_band(bands), False

    def supported_band(self, bands: Sequence[int]) -> int:
        return self.pools[Group.SUPPORTED].free_band(bands)

    def inhouse_bed_free(self) -> bool:
        return self.inhouse_beds_used < self.inhouse_beds

    def take(self, child: Child) -> None:
        """The engine places ``child``: count the bed or place it takes."""
        if child.inhouse_bed:
            self.inhouse_beds_used += 1
            return
        pool = self.pools.get(child.placement)
        if pool is not None:
            pool.used[child.location] += 1

    def release(self, child: Child) -> None:
        """The engine ends ``child``'s placement: free its bed or place."""
        if child.inhouse_bed:
            self.inhouse_beds_used -= 1
            need = Need.HOME
        else:
            pool = self.pools.get(child.placement)
            if pool is None:
                return
            pool.used[child.location] -= 1
            need = Need.HOME if child.placement == Group.RESIDENTIAL else Need.SUPPORTED
        if self.waiting and self.listener is not None:
            self.listener(need, None)

    def homes_places(self) -> tuple[int, int]:
        """(children's home places used, places): in-house beds and purchased places."""
        pool = self.pools[Group.RESIDENTIAL]
        return (
            self.inhouse_beds_used + sum(pool.used),
            self.inhouse_beds + sum(pool.places),
        )

    def on_params_changed(self, changed: frozenset[str]) -> None:
        """A dated change of in-house beds or market places: the pools follow (children in a
        place above the new number keep it until they leave)."""
        m = self.model
        if "residential.inhouse_beds_per_10k" in changed:
            self.inhouse_beds = round(m.p["residential.inhouse_beds_per_10k"] * m.scale)
        for pool in self.pools.values():
            if pool.ratio_key in changed or pool.shares_key in changed:
                self._size(pool)

    def wait(self, need: Need, delta: int) -> None:
        """The placement policy says a child starts (+1) or stops (-1) waiting for ``need``."""
        self.waiting += delta
        self.waiting_for[need] += delta

    # ---- households made for one child -------------------------------------------------
    def location(self, shares_key: str, process: str, entity: int, occurrence: int = 0) -> int:
        """A location band drawn from ``shares_key``'s shares, keyed by a domain id."""
        u = self.model.streams.uniform(process, entity, occurrence)
        return location_of(self.model.p[shares_key], u)

    def new_kinship_household(self, child: Child, places: int = 1) -> CarerHousehold:
        """A connected-person household approved for this child (and ``places - 1`` of its
        siblings), where the family lives; its id from the child and placement. Its skill is
        drawn around the child's needs (``kinship.skill_offset`` ± ``kinship.skill_spread`` / 2):
        connected carers know the child (issue 12, parameter tree)."""
        m = self.model
        s = m.streams
        carer_id = placement_household_id(KINSHIP_ID_BASE, child)
        u = s.uniform("kinship.skill", child.child_id, child.placement_count)
        p = m.p
        skill = child.needs + p["kinship.skill_offset"] + p["kinship.skill_spread"] * (u - 0.5)
        skill = min(1.0, max(0.0, skill))
        carer = CarerHousehold(
            m,
            carer_id,
            int(Group.KINSHIP),
            places=places,
            skill=skill,
            older=s.uniform("kinship.older", child.child_id, child.placement_count) < 0.45,
            joined=m.now,
        )
        carer.location = self.location(
            "market.kinship_location_shares", "kinship.location", carer_id
        )
        m.add_carer(carer)
        return carer
