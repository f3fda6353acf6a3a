"""Which provisions are in force at an instant: pure functions of the measures' dates.

Every window is half-open, [start, end), in aware instants; a calendar date in a measure means
00:00 Asia/Shanghai (DOMAIN.md §1), converted once when the catalogue is loaded. Nothing is
switched on by hand: editing a date in the data changes the answer, with no code change.
"""

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime | None

    def contains(self, at: dt.datetime) -> bool:
        return self.start <= at and (self.end is None or at < self.end)


@dataclass(frozen=True)
class ProvisionRule:
    measure: str
    code: str
    effective: Window
    suspensions: tuple[Window, ...]
    items: frozenset[str]
    scope: str = "export"

    @property
    def label(self) -> str:
        return f"{self.measure} {self.code}"

    def in_force(self, at: dt.datetime) -> bool:
        return self.effective.contains(at) and not any(s.contains(at) for s in self.suspensions)

    def boundaries(self) -> set[dt.datetime]:
        """The instants at which this provision may start or stop applying."""
        edges = {self.effective.start, *(s.start for s in self.suspensions)}
        edges |= {w.end for w in (self.effective, *self.suspensions) if w.end is not None}
        return edges


def _require_aware(at: dt.datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("An instant must be timezone-aware (use django.utils.timezone.now()).")


def provisions_in_force(at: dt.datetime, rules: Iterable[ProvisionRule]) -> list[ProvisionRule]:
    """The provisions that apply at instant ``at``."""
    _require_aware(at)
    return [rule for rule in rules if rule.in_force(at)]


def is_controlled(item_code: str, at: dt.datetime, rules: Iterable[ProvisionRule]) -> bool:
    """Whether any provision in force at ``at`` covers the item."""
    return any(item_code in rule.items for rule in provisions_in_force(at, rules))


def next_change_after(at: dt.datetime, rules: Iterable[ProvisionRule]) -> dt.datetime | None:
    """The first instant after ``at`` at which the set of provisions in force may change."""
    _require_aware(at)
    later = [edge for rule in rules for edge in rule.boundaries() if edge > at]
    return min(later, default=None)


def rules_version(rules: Iterable[ProvisionRule]) -> str:
    """A short fingerprint of the rules data, recorded on each screened application."""
    digest = hashlib.sha256()
    for rule in sorted(rules, key=lambda r: r.label):
        digest.update(
            repr(
                (rule.label, rule.scope, rule.effective, rule.suspensions, sorted(rule.items))
            ).encode()
        )
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class RuleChange:
    at: dt.datetime
    starts: tuple[str, ...]
    stops: tuple[str, ...]


def coming_changes(
    after: dt.datetime, rules: Iterable[ProvisionRule], limit: int = 10
) -> list[RuleChange]:
    """The next instants at which provisions start or stop applying, and which ones."""
    rules = list(rules)
    changes: list[RuleChange] = []
    at = next_change_after(after, rules)
    while at is not None and len(changes) < limit:
        before = {r.label for r in provisions_in_force(at - dt.timedelta(microseconds=1), rules)}
        now = {r.label for r in provisions_in_force(at, rules)}
        if before != now:
            changes.append(RuleChange(at, tuple(sorted(now - before)), tuple(sorted(before - now))))
        at = next_change_after(at, rules)
    return changes
