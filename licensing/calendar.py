"""China's working-day calendar (DOMAIN.md §5).

``holidays.China`` carries the State Council schedules: statutory days off and the weekend
days moved to be worked (调休 make-up days). An administrator's override table (date → is a
working day) wins over the library. Day 1 is the first working day after the start date.
A year whose schedule is neither in the library nor in the overrides is unpublished, and a due
date counted through it is provisional.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import holidays

Overrides = Mapping[dt.date, bool]
EMPTY: Overrides = MappingProxyType({})


@lru_cache(maxsize=64)
def _china(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


def is_working_day(day: dt.date, overrides: Overrides = EMPTY) -> bool:
    if day in overrides:
        return overrides[day]
    return bool(_china(day.year).is_working_day(day))


def add_working_days(start: dt.date, n: int, overrides: Overrides = EMPTY) -> dt.date:
    """The n-th working day after ``start`` (the start day itself is never counted)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n:
        day += dt.timedelta(days=1)
        if is_working_day(day, overrides):
            n -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, overrides: Overrides = EMPTY) -> int:
    """Working days d with start < d <= end."""
    return sum(
        is_working_day(start + dt.timedelta(days=i), overrides)
        for i in range(1, (end - start).days + 1)
    )


def is_published(year: int, overrides: Overrides = EMPTY) -> bool:
    if any(day.year == year for day in overrides):
        return True
    return any(day.year == year for day in _china(year).weekend_workdays)


@dataclass(frozen=True)
class DueDate:
    date: dt.date
    provisional: bool


def due_date(start: dt.date, n: int, overrides: Overrides = EMPTY) -> DueDate:
    end = add_working_days(start, n, overrides)
    years = range(start.year, end.year + 1)
    return DueDate(end, provisional=not all(is_published(y, overrides) for y in years))
