"""Clock policies: how a statutory deadline is counted from a start date (DOMAIN.md §3, §6).

A policy turns (start date, length, paused intervals, calendar overrides) into a due date.
China's policy (the default) counts working days on the China calendar; the periods that
are "not counted" (technical identification, expert consultation, on-site verification,
information requests) are pauses, and the working days lost to them are added back
(DOMAIN.md §3). The US BIS model counts calendar days instead (DOMAIN.md §6). While a pause
is still open the due date is unknown, so ``due`` returns None.

A pause costs the days d with pause.start <= d < pause.end: the day a pause starts is lost,
the day it ends is counted again, so a pause opened and closed on the same day costs
nothing. Only days the clock would have counted are lost (after the start date, never the
start date itself), and a day covered by two overlapping pauses is lost once.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from licensing.calendar import EMPTY, DueDate, Overrides, due_date, is_working_day

# Dual-use Items Export Control Regulations 2024 (DOMAIN.md §3), in working days.
ACCEPTANCE_CHECK: Final = 5  # deficiencies listed within 5 working days of receipt
DECISION: Final = 45  # decision within 45 working days of acceptance
LICENCE_ISSUE: Final = 10  # certificate within 10 working days of the decision
CHANGE_DECISION: Final = 20  # change application decided within 20 working days
# US BIS (DOMAIN.md §6), in calendar days from registration to resolution.
BIS_RESOLUTION: Final = 90


@dataclass(frozen=True)
class Pause:
    """A paused interval [start, end) in China calendar dates; end None = still paused."""

    start: dt.date
    end: dt.date | None
    reason: str = ""


class ClockPolicy(Protocol):
    name: str

    def due(
        self,
        start: dt.date,
        length: int,
        pauses: Sequence[Pause],
        overrides: Overrides = EMPTY,
    ) -> DueDate | None: ...


def _paused_days(start: dt.date, pauses: Sequence[Pause]) -> set[dt.date] | None:
    """The days lost to closed pauses, after ``start``; None while any pause is open."""
    days: set[dt.date] = set()
    for pause in pauses:
        if pause.end is None:
            return None
        first = max(pause.start, start + dt.timedelta(days=1))
        days.update(first + dt.timedelta(days=i) for i in range((pause.end - first).days))
    return days


class ChinaWorkingDayPolicy:
    """Working days on the China calendar; working days spent paused are added back."""

    name = "china"

    def due(
        self,
        start: dt.date,
        length: int,
        pauses: Sequence[Pause],
        overrides: Overrides = EMPTY,
    ) -> DueDate | None:
        paused = _paused_days(start, pauses)
        if paused is None:
            return None
        lost = sum(is_working_day(day, overrides) for day in paused)
        return due_date(start, length + lost, overrides)


class CalendarDayPolicy:
    """The US BIS model: calendar days from registration; paused days are added back."""

    name = "calendar"

    def due(
        self,
        start: dt.date,
        length: int,
        pauses: Sequence[Pause],
        overrides: Overrides = EMPTY,
    ) -> DueDate | None:
        paused = _paused_days(start, pauses)
        if paused is None:
            return None
        # Calendar days need no published holiday schedule, so never provisional.
        return DueDate(start + dt.timedelta(days=length + len(paused)), provisional=False)


POLICIES: Final[dict[str, ClockPolicy]] = {
    "china": ChinaWorkingDayPolicy(),
    "calendar": CalendarDayPolicy(),
}
DEFAULT_POLICY_NAME: Final = "china"
DEFAULT_POLICY: Final[ClockPolicy] = POLICIES[DEFAULT_POLICY_NAME]
