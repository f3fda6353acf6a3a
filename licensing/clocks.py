"""Clock policies: how a deadline is counted, with paused intervals (DOMAIN.md §3, §6)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from licensing.calendar import EMPTY, DueDate, Overrides, due_date, is_working_day

# Dual-use Items Export Control Regulations 2024 (DOMAIN.md §3), in working days.
ACCEPTANCE_CHECK = 5
DECISION = 45
LICENCE_ISSUE = 10
CHANGE_DECISION = 20


@dataclass(frozen=True)
class Pause:
    """A paused interval [start, end) in China calendar dates; end None = still paused."""

    start: dt.date
    end: dt.date | None
    reason: str = ""


class ClockPolicy(Protocol):
    name: str

    def due(self, start: dt.date, length: int, pauses: Sequence[Pause],
            overrides: Overrides = EMPTY) -> DueDate | None: ...


class ChinaWorkingDayPolicy:
    """Working days on the China calendar; paused working days are added to the length."""

    name = "china"

    def due(self, start: dt.date, length: int, pauses: Sequence[Pause],
            overrides: Overrides = EMPTY) -> DueDate | None:
        if any(p.end is None for p in pauses):
            return None
        paused = sum(
            is_working_day(p.start + dt.timedelta(days=i), overrides)
            for p in pauses
            for i in range((p.end - p.start).days)  # type: ignore[operator]
        )
        return due_date(start, length + paused, overrides)


class CalendarDayPolicy:
    """The US BIS model: calendar days from registration; paused days are added."""

    name = "calendar"

    def due(self, start: dt.date, length: int, pauses: Sequence[Pause],
            overrides: Overrides = EMPTY) -> DueDate | None:
        if any(p.end is None for p in pauses):
            return None
        paused = sum((p.end - p.start).days for p in pauses)  # type: ignore[operator]
        return DueDate(start + dt.timedelta(days=length + paused), provisional=False)


POLICIES: dict[str, ClockPolicy] = {"china": ChinaWorkingDayPolicy(), "calendar": CalendarDayPolicy()}

