"""Agents: state and small helpers, no policy.

Children, carer households and social workers are ``mesa.Agent`` subclasses so researchers meet
Mesa's vocabulary (``model.agents_by_type[Child]``). Every agent also has a *domain id*
(``child_id``, ``carer_id``, ``worker_id``) that keys its random draws; Mesa's ``unique_id`` is
never used for that, because it counts across agent types.
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import mesa

if TYPE_CHECKING:
    from simulation.model import CareSystem


class Group(IntEnum):
    """Placement groups, reported in DfE groups (SSDA903 codes in brackets)."""

    KINSHIP = 0  # foster with relative or friend (U1-U3)
    INHOUSE = 1  # council foster carer (U4-U6, PR1-PR3)
    AGENCY = 2  # independent fostering agency (U4-U6, PR4-PR5)
    RESIDENTIAL = 3  # children's home (K2, R1)
    SUPPORTED = 4  # supported accommodation, 16+ (H5, K3, P2)
    WITH_PARENTS = 5  # placed with parents (P1)
    OTHER = 6  # secure, health, custody, other (K1, R2, R3, R5, Z1, ...)
    ADOPTION = 7  # placed for adoption (A3-A6)


GROUP_NAMES = (
    "kinship",
    "inhouse",
    "agency",
    "residential",
    "supported",
    "with_parents",
    "other",
    "adoption",
)
FOSTER_GROUPS = frozenset({Group.KINSHIP, Group.INHOUSE, Group.AGENCY})

EXIT_ROUTES = ("returned_home", "adopted", "sgo", "cao", "age_18", "other")

# Where a place is, in DfE's location bands (SSDA903 placement location and distance): inside
# the council's area; outside it, under 20 miles from home; outside it, 20 miles or more.
INSIDE_LA, OUTSIDE_NEAR, OUTSIDE_FAR = 0, 1, 2
LOCATIONS = (INSIDE_LA, OUTSIDE_NEAR, OUTSIDE_FAR)

# Domain ids of households made for one placement (common random numbers: a household's id,
# and so its draws, follow from the child and placement it was made for, never from how many
# households were made before it). Child ids stay below 10**12 (CHILD_ID_LIMIT).
CHILD_ID_LIMIT = 10**12
KINSHIP_ID_BASE = 10**15
SPOT_ID_BASE = 2 * 10**15


def placement_household_id(base: int, child: Child) -> int:
    """The id of a household made for ``child``'s next placement (kinship or spot purchase)."""
    return base + child.child_id * 1000 + child.placement_count % 1000


AGE_BANDS = (0, 1, 5, 10, 16)  # lower bounds: <1, 1-4, 5-9, 10-15, 16-17
YEAR_DAYS = 365.25


def age_band(age_years: float) -> int:
    """Index of the DfE age band for an age in years."""
    if age_years < 1:
        return 0
    if age_years < 5:
        return 1
    if age_years < 10:
        return 2
    if age_years < 16:
        return 3
    return 4


class HazardTimer:
    """An integrated-hazard threshold: the event fires when the cumulative hazard reaches E.

    E ~ Exp(1) is drawn once from the child's own stream, so changing the rate later (a lever,
    a caseload change, a birthday) moves the event time but never re-draws the luck.
    """

    __slots__ = ("acc", "handle", "rate", "scope", "steps", "t0", "threshold")

    def __init__(self, threshold: float, scope: str, t0: float = 0.0) -> None:
        self.threshold = threshold
        self.acc = 0.0
        self.rate = 0.0
        self.steps: tuple[tuple[float, float], ...] = ()
        self.t0 = t0
        self.handle: Any = None
        self.scope = scope


class PlacementRequest:
    """What the placement policy is asked for: announced as ``placement_request`` first, so
    rules can shape it (the declared hook for placement decisions).

    - ``reason``: ``"entry"`` (a period of care starts) or ``"move"`` (a placement ended);
    - ``group``: a placement group the care plan has already decided (e.g. placed for
      adoption), or None for the policy to choose;
    - ``room``: places the household must have free (a sibling group placed together);
    - ``join``: a household the child should join if it has room (a sibling already there).
    """

    __slots__ = ("group", "join", "reason", "room")

    def __init__(self, reason: str, group: int | None = None) -> None:
        self.reason = reason
        self.group = group
        self.room = 1
        self.join: CarerHousehold | None = None


class Child(mesa.Agent):
    """A child who is or has been looked after."""

    def __init__(
        self,
        model: CareSystem,
        child_id: int,
        birth_day: float,
        female: bool,
        needs: float,
        disabled: bool,
        uasc: bool,
        legal: str,
    ) -> None:
        super().__init__(model)
        self.child_id = child_id
        self.key = child_id  # the domain id that keys this agent's random draws
        self.birth_day = birth_day
        self.female = female
        self.needs = needs  # emotional and behavioural needs, 0-1 = SDQ total difficulties / 40
        self.disabled = disabled
        self.uasc = uasc
        self.legal = legal  # s20, care_order, police_protection, youth_justice, placement_order
        self.in_care = False
        self.existing = False  # in care at the start (the starting population)
        self.period = -1  # index of the current/last period of care
        self.period_start = 0.0
        self.first_group: int = -1  # first placement group of the current period
        self.placement: int = -1  # Group, or -1 when not placed
        self.carer: CarerHousehold | None = None
        self.inhouse_bed = False
        self.location = -1  # band of the current placement (INSIDE_LA ...), -1 when not placed
        self.placement_start = 0.0
        self.carer_since = 0.0
        self.emergency = False
        self.quality = 0.5
        self.placement_count = 0  # placements ever (keys draws)
        self.placements_in_year = 0
        self.workers_in_year = 0
        self.worker: SocialWorker | None = None
        self.worker_changes = 0  # keys draws
        # Changes of allocated worker (not the first allocation of a period), kept by the
        # workforce rule: the day of the last one and how many in the current period.
        self.worker_changed_day = -math.inf
        self.period_worker_changes = 0
        # The needs (0-1, SDQ / 40) the allocated worker last assessed; None: never assessed
        # (the assessment rule sets it before each placement decision).
        self.assessed_needs: float | None = None
        self.adoption_plan = False
        self.wellbeing = 50.0
        self.wellbeing_t = 0.0
        self.returned_day: float | None = None
        self.timers: dict[str, HazardTimer] = {}
        self.data: dict[str, Any] = {}  # free slot for researchers' rules

    def age(self, day: float) -> float:
        """Age in years on a model day."""
        return (day - self.birth_day) / YEAR_DAYS

    def day_of_age(self, years: float) -> float:
        return self.birth_day + years * YEAR_DAYS


class CarerHousehold(mesa.Agent):
    """A fostering household: in-house mainstream, agency (IFA) or kinship (one child)."""

    def __init__(
        self,
        model: CareSystem,
        carer_id: int,
        sector: int,
        places: int,
        skill: float,
        older: bool,
        joined: float,
    ) -> None:
        super().__init__(model)
        self.carer_id = carer_id
        self.key = carer_id
        self.sector = sector  # Group.KINSHIP, Group.INHOUSE or Group.AGENCY
        self.places = places
        self.skill = skill
        self.older = older
        self.joined = joined
        self.location = INSIDE_LA  # the household's location band (set when it is made)
        self.enhanced = False
        self.strained_until = -1.0
        self.children: list[Child] = []
        self.staying_put = 0  # young people over 18 still living here under Staying Put
        self.active = True
        self.timers: dict[str, HazardTimer] = {}
        self.data: dict[str, Any] = {}  # free slot for researchers' rules

    @property
    def vacancies(self) -> int:
        return self.places - len(self.children) - self.staying_put


class SocialWorker(mesa.Agent):
    """A case-holding social worker (one FTE): permanent or agency."""

    def __init__(self, model: CareSystem, worker_id: int, agency: bool, joined: float) -> None:
        super().__init__(model)
        self.worker_id = worker_id
        self.key = worker_id
        self.agency = agency
        self.joined = joined
        self.post = -1  # the establishment post held (keys the ids of its later hires)
        self.supervised = False  # reflective supervision and training (workforce lever)
        self.children: dict[int, Child] = {}  # by child_id: ordered, deterministic
        self.caseload_used = 0.0  # the caseload children's hazards were last evaluated with
        self.timers: dict[str, HazardTimer] = {}
