"""`make bench`: figures for the hot paths (printed, never asserted in tests).

Runs on a throw-away embedded database (SQLite in a temporary folder), never on yours.
"""

import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from io import StringIO

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensing.settings")
os.environ["LODESTONE_VAR_DIR"] = tempfile.mkdtemp(prefix="lodestone-bench-")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from licensing import calendar, clocks, jobs, rules, selectors  # noqa: E402
from licensing.models import Application, Organisation  # noqa: E402
from licensing.workflow import Status  # noqa: E402

OPEN_CASES = 1000


def measure(name: str, func: Callable[[], object], repeat: int) -> None:
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            func()
        timings.append((time.perf_counter() - start) / repeat)
    best, median = min(timings), statistics.median(timings)
    print(f"{name:<55} best {best * 1e6:9.1f} µs   median {median * 1e6:9.1f} µs")  # noqa: T201


def main() -> None:
    start = dt.date(2026, 1, 30)
    pauses = [clocks.Pause(dt.date(2026, 2, 10), dt.date(2026, 2, 27), "expert_consultation")]
    call_command("migrate", verbosity=0, stdout=StringIO())
    loaded = selectors.current_rules()
    at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    measure(
        "add_working_days(45) across Spring Festival",
        lambda: calendar.add_working_days(start, 45),
        2000,
    )
    measure(
        "China decision clock (45 days, one pause)",
        lambda: clocks.POLICIES["china"].due(start, 45, pauses),
        2000,
    )
    measure(
        f"provisions_in_force ({len(loaded)} provisions)",
        lambda: rules.provisions_in_force(at, loaded),
        20000,
    )
    measure("current_rules() from the database (3 queries)", selectors.current_rules, 200)
    open_cases()
    with CaptureQueriesContext(connection) as sweep:
        jobs.due_work()
    measure(f"due_work() over {OPEN_CASES} open cases ({len(sweep)} queries)", jobs.due_work, 20)
    jobs.check_rules()
    with CaptureQueriesContext(connection) as tick:
        jobs.check_rules()
    measure(f"check_rules() when nothing changed ({len(tick)} queries)", jobs.check_rules, 50)


def open_cases() -> None:
    """Cases under review whose decisions fall due over the coming weeks (a busy authority)."""
    user = User.objects.create_user("bench")
    organisation = Organisation.objects.create(
        name="Bench Co., Ltd.", credit_code="91350100M000100Y43", address="1 Road"
    )
    today = timezone.localdate()
    Application.objects.bulk_create(
        Application(
            reference=f"LS-2026-{n:06d}",
            organisation=organisation,
            status=Status.UNDER_REVIEW,
            created_by=user,
            accepted_at=timezone.now(),
            decision_due=today + dt.timedelta(days=n % 60),
        )
        for n in range(OPEN_CASES)
    )


if __name__ == "__main__":
    main()
