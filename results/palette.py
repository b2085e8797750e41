"""One colour per meaning, shared by every chart (colour-blind safe).

Placement groups take the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design").
Exit routes and cost components that are not placements take Paul Tol's muted and
medium-contrast schemes, which are colour-blind safe too. Scenarios are drawn in black and
greys with distinct line styles and markers, so they stay apart from the data categories and
survive a black-and-white printer. Each hex code appears once in :data:`COLOURS`: a colour
never means two things (a unit test checks this).
"""

from __future__ import annotations

from typing import Any

PLACEMENT_GROUPS: tuple[str, ...] = (
    "kinship",
    "inhouse",
    "agency",
    "residential",
    "supported",
    "with_parents",
    "placed_for_adoption",
    "other",
)
PLACEMENT_LABELS: dict[str, str] = {
    "kinship": "Kinship foster care",
    "inhouse": "In-house foster care",
    "agency": "Agency (IFA) foster care",
    "residential": "Children's home",
    "supported": "Supported accommodation (16+)",
    "with_parents": "Placed with parents",
    "placed_for_adoption": "Placed for adoption",
    "other": "Other placement",
}
EXIT_ROUTES: tuple[str, ...] = ("returned_home", "adopted", "sgo", "cao", "age_18", "other")
EXIT_LABELS: dict[str, str] = {
    "returned_home": "Returned home",
    "adopted": "Adopted",
    "sgo": "Special guardianship",
    "cao": "Child arrangements order",
    "age_18": "Turned 18",
    "other": "Other exit",
}

# Every meaning -> one colour. Keys are "<family>:<name>".
COLOURS: dict[str, str] = {
    # placement groups: Okabe–Ito
    "placement:kinship": "#009E73",  # bluish green
    "placement:inhouse": "#0072B2",  # blue
    "placement:agency": "#E69F00",  # orange
    "placement:residential": "#D55E00",  # vermillion
    "placement:supported": "#CC79A7",  # reddish purple
    "placement:with_parents": "#56B4E9",  # sky blue
    "placement:placed_for_adoption": "#F0E442",  # yellow
    "placement:other": "#C8C8C8",  # light grey
    # exit routes: Paul Tol muted (dark members)
    "exit:returned_home": "#332288",  # indigo
    "exit:adopted": "#882255",  # wine
    "exit:sgo": "#117733",  # green
    "exit:cao": "#999933",  # olive
    "exit:age_18": "#AA4499",  # purple
    "exit:other": "#DDCC77",  # sand
    # entries and non-placement cost components: Paul Tol medium contrast
    "flow:started": "#004488",  # dark blue
    "cost:workforce": "#994455",  # dark red
    "cost:levers": "#997700",  # dark yellow
    "cost:placements": "#44AA99",  # teal (placements, when not split by type)
    # official statistics (England figures, calibration targets)
    "official": "#EE3377",  # magenta (Tol vibrant)
    # sensitivity: the assumption at its low and its high value
    "sensitivity:low": "#6699CC",  # light blue (Tol medium contrast)
    "sensitivity:high": "#EE99AA",  # light red (Tol medium contrast)
    # scenarios, in the order they were run (the baseline first)
    "scenario:0": "#000000",
    "scenario:1": "#5A5A5A",
    "scenario:2": "#8C8C8C",
    "scenario:3": "#2F2F2F",
}
SCENARIO_STYLES: tuple[tuple[str, str], ...] = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"))

#: Cost components shown in the cost chart (placement types use the placement colours).
COST_TYPES: tuple[str, ...] = ("kinship", "inhouse", "agency", "residential", "supported", "other")


def placement_colour(group: str) -> str:
    """The colour of a placement group (``kinship``, ``agency``, ...)."""
    return COLOURS[f"placement:{group}"]


def exit_colour(route: str) -> str:
    """The colour of an exit route (``returned_home``, ``adopted``, ...)."""
    return COLOURS[f"exit:{route}"]


def scenario_style(index: int) -> dict[str, Any]:
    """Colour, line style and marker of the ``index``-th scenario of a run (0 = baseline)."""
    n = len(SCENARIO_STYLES)
    line, marker = SCENARIO_STYLES[index % n]
    return {"color": COLOURS[f"scenario:{index % n}"], "linestyle": line, "marker": marker}
