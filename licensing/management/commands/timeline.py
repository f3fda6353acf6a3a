"""Print the coming rule changes and the coming deadlines."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from licensing import rules, selectors
from licensing.models import Application


class Command(BaseCommand):
    help = "Show the coming changes of the provisions in force and the coming deadlines."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=30, help="deadlines within this many days")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        shanghai = ZoneInfo(settings.REGULATORY_TIME_ZONE)
        self.stdout.write("Coming rule changes (instants are 00:00 Asia/Shanghai):")
        changes = rules.coming_changes(now, selectors.current_rules())
        for change in changes:
            local = change.at.astimezone(shanghai)
            self.stdout.write(f"  {local:%Y-%m-%d %H:%M} Shanghai ({change.at:%Y-%m-%d %H:%M} UTC)")
            for label in change.starts:
                self.stdout.write(f"    + {label} applies")
            for label in change.stops:
                self.stdout.write(f"    - {label} stops applying")
        if not changes:
            self.stdout.write("  none scheduled")
        horizon = timezone.localdate() + dt.timedelta(days=options["days"])
        due = (
            Application.objects.open()
            .filter(Q(acceptance_due__lte=horizon) | Q(decision_due__lte=horizon))
            .order_by("acceptance_due", "decision_due")
        )
        self.stdout.write(f"Deadlines until {horizon:%Y-%m-%d}:")
        for app in due:
            kind, day = (
                ("acceptance check", app.acceptance_due)
                if app.acceptance_due
                else ("decision", app.decision_due)
            )
            flag = " (provisional)" if app.decision_due_provisional and kind == "decision" else ""
            self.stdout.write(f"  {day:%Y-%m-%d}  {app.reference}  {kind}{flag}")
        if not due:
            self.stdout.write("  none")
