"""Screening policy: restricted parties, end use and destination (DOMAIN.md §4), pure.

Every finding is a Flag that names the rule that raised it, the evidence and a plain
explanation; flags decide whether a countersignature is required and whether the case has no
time limit (a watch-listed importer or end user, DOMAIN.md §3). Nothing passes silently.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

MATCH_THRESHOLD = 90.0
OWNERSHIP_THRESHOLD = 50.0  # No. 61 II: units owned 50 % or more by a listed party
COMPANY_SUFFIXES = frozenset(
    {
        "co",
        "ltd",
        "limited",
        "inc",
        "llc",
        "gmbh",
        "ag",
        "sa",
        "plc",
        "corp",
        "corporation",
        "company",
        "kk",
        "bv",
        "oy",
        "ab",
    }
)
PRINCIPAL_ROLES = frozenset({"importer", "end_user"})

# DOMAIN.md §4, presumption of denial: WMD, terrorism or military end uses.
DENIAL_WORDS = (
    "weapon",
    "wmd",
    "nuclear weapon",
    "chemical weapon",
    "biological weapon",
    "missile",
    "terroris",
    "munition",
)
# DOMAIN.md §4, case by case: logic chips ≤ 14 nm, memory ≥ 256 layers, military-potential AI.
CASE_BY_CASE_AI_WORDS = ("military ai", "defence ai", "defense ai", "autonomous weapon")
LOGIC_NODE = re.compile(r"(\d+)\s*nm\b")
MEMORY_LAYERS = re.compile(r"(\d+)[\s-]*layers?\b")
# [U] placeholder destination risk levels: an administrator must confirm them.
DESTINATION_RISK: dict[str, str] = {
    "KP": "high",
    "IR": "high",
    "SY": "high",
    "RU": "elevated",
    "BY": "elevated",
    "MM": "elevated",
    "VE": "elevated",
}


@dataclass(frozen=True)
class ListedParty:
    name: str
    list_name: str  # "control" or "watch"
    country: str
    aliases: tuple[str, ...] = ()
    subsidiaries: tuple[tuple[str, float], ...] = ()
    source: str = ""


@dataclass(frozen=True)
class PartyToScreen:
    role: str
    name: str
    country: str


@dataclass(frozen=True)
class EndUse:
    category: str
    description: str
    military: bool


@dataclass(frozen=True)
class Flag:
    rule: str
    severity: str  # presumption_of_denial | case_by_case | warning
    explanation: str
    evidence: dict[str, str] = field(default_factory=dict)
    requires_countersignature: bool = True
    removes_time_limit: bool = False


def normalise_name(name: str) -> str:
    """Fold accents and case, drop punctuation and company suffixes."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^\w\s]", " ", ascii_name.casefold()).split()
    return " ".join(w for w in words if w not in COMPANY_SUFFIXES)


def name_score(a: str, b: str) -> float:
    """0-100; word order and punctuation do not matter."""
    return float(fuzz.token_sort_ratio(normalise_name(a), normalise_name(b)))


@dataclass(frozen=True)
class Match:
    listed: ListedParty
    score: float
    matched: str
    ownership: float | None = None  # set when the hit is a unit the listed party owns


def match_listed(
    name: str, listed: Sequence[ListedParty], threshold: float = MATCH_THRESHOLD
) -> list[Match]:
    """Every listed party whose name, alias or ≥ 50 %-owned unit matches; best first."""
    matches = []
    for party in listed:
        scored: list[tuple[float, str, float | None]] = [
            (name_score(name, candidate), candidate, None)
            for candidate in (party.name, *party.aliases)
        ]
        scored += [
            (name_score(name, unit), unit, share)
            for unit, share in party.subsidiaries
            if share >= OWNERSHIP_THRESHOLD
        ]
        score, matched, share = max(scored, key=lambda s: s[0])
        if score >= threshold:
            matches.append(Match(party, score, matched, share))
    return sorted(matches, key=lambda m: -m.score)


def screen_parties(parties: Sequence[PartyToScreen], listed: Sequence[ListedParty]) -> list[Flag]:
    flags = []
    for party in parties:
        for match in match_listed(party.name, listed):
            watch = match.listed.list_name == "watch"
            principal = party.role in PRINCIPAL_ROLES
            via = f", a unit it owns {match.ownership:.0f} %" if match.ownership is not None else ""
            evidence = {
                "party": party.name,
                "role": party.role,
                "listed": match.listed.name,
                "matched": match.matched,
                "list": match.listed.list_name,
                "score": f"{match.score:.1f}",
            }
            if match.ownership is not None:
                evidence["ownership"] = f"{match.ownership:.1f}"
            role = party.role.replace("_", " ")
            flags.append(
                Flag(
                    rule=f"restricted_party.{match.listed.list_name}",
                    severity="presumption_of_denial" if principal else "warning",
                    explanation=(
                        f"The {role} '{party.name}' matches '{match.matched}' "
                        f"({match.score:.0f} %){via} on the {match.listed.list_name} list entry "
                        f"'{match.listed.name}'."
                        + (
                            " A watch-listed importer or end user removes the time limit."
                            if watch and principal
                            else ""
                        )
                    ),
                    evidence=evidence,
                    removes_time_limit=watch and principal,
                )
            )
    return flags


def screen_end_use(end_use: EndUse) -> list[Flag]:
    text = end_use.description.casefold()
    flags = []
    if end_use.military or end_use.category == "military":
        flags.append(
            Flag(
                "end_use.military",
                "presumption_of_denial",
                "The end use is declared military: presumption of denial.",
                {"category": end_use.category},
            )
        )
    denial = [w for w in DENIAL_WORDS if w in text]
    if denial:
        flags.append(
            Flag(
                "end_use.wmd_terrorism",
                "presumption_of_denial",
                f"The end-use description mentions {', '.join(denial)}: "
                "presumption of denial for WMD, terrorism or military uses.",
                {"words": ", ".join(denial)},
            )
        )
    nodes = [int(n) for n in LOGIC_NODE.findall(text) if int(n) <= 14]
    layers = [int(n) for n in MEMORY_LAYERS.findall(text) if int(n) >= 256]
    ai = [w for w in CASE_BY_CASE_AI_WORDS if w in text]
    if nodes or layers or ai:
        found = [f"{n} nm logic" for n in nodes] + [f"{n}-layer memory" for n in layers] + ai
        flags.append(
            Flag(
                "end_use.advanced_semiconductor_or_ai",
                "case_by_case",
                f"The end use involves {', '.join(found)}: reviewed case by case.",
                {"found": ", ".join(found)},
            )
        )
    return flags


def screen_destination(country: str) -> list[Flag]:
    risk = DESTINATION_RISK.get(country.upper())
    if risk is None:
        return []
    severity = "presumption_of_denial" if risk == "high" else "warning"
    return [
        Flag(
            "destination.risk",
            severity,
            f"The destination {country.upper()} is rated {risk} risk.",
            {"country": country.upper(), "risk": risk},
        )
    ]


def screen(
    parties: Sequence[PartyToScreen],
    end_use: EndUse,
    destination: str,
    listed: Sequence[ListedParty],
) -> list[Flag]:
    return [
        *screen_parties(parties, listed),
        *screen_end_use(end_use),
        *screen_destination(destination),
    ]


def needs_countersignature(flags: Sequence[Flag]) -> bool:
    return any(flag.requires_countersignature for flag in flags)


def has_no_time_limit(flags: Sequence[Flag]) -> bool:
    return any(flag.removes_time_limit for flag in flags)
