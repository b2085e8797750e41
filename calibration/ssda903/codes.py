"""SSDA903 tables and code sets, and how they map onto the model's states.

The columns are DfE's CSV layout (the SSDA903 technical specification; the same lists the DfE
validator ``csc-validator-be-903`` uses to recognise a table by its exact columns). Code sets
are those the validator's rulesets accept for 2022-23 to 2026-27; where a code was added or
withdrawn (H5 and P2 withdrawn and Z1 split into Z11-Z14 from 2025-26; K3 supported
accommodation from 2024-25), the years it is valid are given.
"""

from __future__ import annotations

from simulation.agents import Group

# ---------------------------------------------------------------------------- tables and columns
TABLES: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": (
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
}

# File names as the return software exports them (and as our writer writes them).
FILE_NAMES: dict[str, str] = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "sw_episodes.csv",
}

# liiatools' normalised form adds these columns (the LA's name and the collection year).
LIIA_EXTRA = ("LA", "YEAR")

DATE_COLUMNS = frozenset(
    {
        "DOB",
        "MC_DOB",
        "DECOM",
        "DEC",
        "REVIEW",
        "DUC",
        "DATE_INT",
        "DATE_MATCH",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "DATE_PERM",
        "MIS_START",
        "MIS_END",
        "SW_DECOM",
        "SW_DEC",
    }
)

# -------------------------------------------------------------------------------- code sets
RNE = frozenset({"S", "L", "P", "T", "U", "B"})
LS = frozenset({"C1", "C2", "D1", "E1", "V2", "V3", "V4", "J1", "J2", "J3", "L1", "L2", "L3"})
CIN = frozenset({"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"})
REC = frozenset(
    {
        "E11",
        "E12",
        "E2",
        "E3",
        "E4A",
        "E4B",
        "E13",
        "E41",
        "E45",
        "E46",
        "E47",
        "E48",
        "E5",
        "E6",
        "E7",
        "E8",
        "E9",
        "E14",
        "E15",
        "E16",
        "E17",
        "X1",
    }
)
REASON_PLACE_CHANGE = frozenset(
    {
        "CARPL",
        "CLOSE",
        "ALLEG",
        "STAND",
        "APPRR",
        "CREQB",
        "CREQO",
        "CHILD",
        "LAREQ",
        "PLACE",
        "CUSTOD",
        "OTHER",
    }
)
PLACE_PROVIDER = frozenset({"PR0", "PR1", "PR2", "PR3", "PR4", "PR5"})
SEX = frozenset({"1", "2"})
SW_REASON = frozenset(
    {
        "MANAGE",
        "FCONTA",
        "LEFTRL",
        "ORGRST",
        "TSPROC",
        "ABSENC",
        "CHCHAN",
        "PCCHAN",
        "SWDIED",
        "OTHERS",
    }
)
_PLACE_ALWAYS = [
    "A3",
    "A4",
    "A5",
    "A6",
    "K1",
    "K2",
    "P1",
    "P3",
    "R1",
    "R2",
    "R3",
    "R5",
    "S1",
    "T0",
    "T1",
    "T2",
    "T3",
    "T4",
    "U1",
    "U2",
    "U3",
    "U4",
    "U5",
    "U6",
]


def place_codes(year: int) -> frozenset[str]:
    """Placement codes valid in the collection year ending 31 March ``year``."""
    codes = set(_PLACE_ALWAYS)
    codes |= {"H5", "P2", "Z1"} if year <= 2025 else {"Z11", "Z12", "Z13", "Z14"}
    if year >= 2024:
        codes.add("K3")
    return frozenset(codes)


ALL_PLACE = place_codes(2025) | place_codes(2026)

# ------------------------------------------------------------------------- onto model states
TEMPORARY = frozenset({"T0", "T1", "T2", "T3", "T4"})  # a temporary move: not a new placement
_PLACE_GROUP = {
    **dict.fromkeys(("U1", "U2", "U3"), Group.KINSHIP),
    **dict.fromkeys(("K2", "R1"), Group.RESIDENTIAL),
    **dict.fromkeys(("H5", "K3", "P2"), Group.SUPPORTED),
    "P1": Group.WITH_PARENTS,
    **dict.fromkeys(("A3", "A4", "A5", "A6"), Group.ADOPTION),
}
INDEPENDENT_PROVIDERS = frozenset({"PR4", "PR5"})  # private and voluntary: agency foster care


def place_group(place: str, provider: str) -> int:
    """The model's placement group of an SSDA903 placement (``-1`` for a temporary move).

    Stranger foster care (U4-U6) is in-house when the provider is a council or other public
    body (PR1-PR3) and agency when it is private or voluntary (PR4, PR5), as DESIGN §4 maps it.
    """
    if place in TEMPORARY:
        return -1
    if place in ("U4", "U5", "U6"):
        return int(Group.AGENCY if provider in INDEPENDENT_PROVIDERS else Group.INHOUSE)
    return int(_PLACE_GROUP.get(place, Group.OTHER))


# Legal status onto the model's five statuses (agents.Child.legal).
_LEGAL = {
    "V2": "s20",
    "V3": "s20",  # short-break respite: single episodes (V3) are s20 accommodation
    "V4": "s20",
    "C1": "care_order",
    "C2": "care_order",
    "D1": "care_order",  # freeing order: the old route to adoption
    "E1": "placement_order",
    "L1": "police_protection",
    "L2": "police_protection",  # emergency protection order
    "L3": "police_protection",  # child assessment order
    "J1": "youth_justice",
    "J2": "youth_justice",
    "J3": "youth_justice",
}


def legal_status(ls: str) -> str:
    return _LEGAL.get(ls, "care_order")


SHORT_BREAKS = frozenset({"V3", "V4"})  # respite: not a period of care in DfE's counts

# Reason episode ceased onto the model's exit routes (agents.EXIT_ROUTES); X1 is not an exit.
# E4A/E4B returned home to parents or others with parental responsibility; E11/E12 adopted;
# E45-E48 special guardianship (to former foster carers or other carers, kin or not); E41 a
# residence or child arrangements order; everything else (E13 living with someone without PR,
# E3 another LA took over, E5/E6 independent living, E7 adult care, E9 custody, E14 remand
# ended, E15 age assessed 18+, E16 moved abroad, E2 died, E8 other) is ``other`` before 18.
_ROUTE = {
    "E11": "adopted",
    "E12": "adopted",
    "E4A": "returned_home",
    "E4B": "returned_home",
    "E41": "cao",
    "E45": "sgo",
    "E46": "sgo",
    "E47": "sgo",
    "E48": "sgo",
}


def exit_route(rec: str, age_at_exit: float) -> str:
    """The exit route of a period that ended with ``rec``: a period ending on or after the
    18th birthday is ``age_18`` whatever its code (the model ends every period then)."""
    if age_at_exit >= 18.0 - 1.0 / 365.25:
        return "age_18"
    return _ROUTE.get(rec, "other")
