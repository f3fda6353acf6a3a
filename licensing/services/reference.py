"""Reference data and the working-day calendar, every change audited; stored due dates
recomputed when the calendar changes.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from licensing import clocks
from licensing.calendar import add_working_days
from licensing.models import (
    Application,
    CalendarOverride,
    Event,
)
from licensing.services._common import (
    _lock,
    _recompute_decision_due,
    calendar_overrides,
    local_date,
    record_event,
)
from licensing.workflow import Status


@transaction.atomic
def save_reference_data(obj: Any, *, by: Any, changed: list[str] | None = None) -> Any:
    """An administrator creates or corrects reference data (control list, measures, calendar,
    organisations); the change is audited."""
    created = obj.pk is None
    obj.full_clean()
    obj.save()
    fields = changed if changed is not None else [f.name for f in obj._meta.concrete_fields]
    record_event(
        None,
        "reference_created" if created else "reference_corrected",
        by=by,
        subject=obj,
        payload={name: str(getattr(obj, name, "")) for name in fields if name != "id"},
    )
    return obj


@transaction.atomic
def delete_reference_data(obj: Any, *, by: Any) -> None:
    record_event(None, "reference_deleted", by=by, subject=obj, payload={"was": str(obj)})
    obj.delete()


@transaction.atomic
def save_reference_formset(formset: Any, *, by: Any) -> None:
    """Inline rows (a provision's suspensions) saved from the admin, each change audited."""
    for obj in formset.save(commit=False):
        save_reference_data(obj, by=by)
    for obj in formset.deleted_objects:
        delete_reference_data(obj, by=by)
    formset.save_m2m()


def record_catalogue_load(diff: Any, *, version: Any, by: Any = None) -> Event:
    """Audit a reload of the control-list file (the loader itself is licensing.catalogue)."""
    return Event.objects.create(
        subject_type="licensing.catalogue",
        subject_id=str(version),
        actor=by,
        verb="catalogue_loaded",
        at=timezone.now(),
        payload={"added": diff.added, "changed": diff.changed, "removed": diff.removed},
    )


@transaction.atomic
def save_calendar_override(
    day: dt.date, *, by: Any, is_working_day: bool, source: str
) -> CalendarOverride:
    """A supervisor corrects the working-day calendar; every stored due date that may depend
    on it is recomputed in the same transaction."""
    override = CalendarOverride.objects.filter(date=day).first() or CalendarOverride(date=day)
    override.is_working_day, override.source = is_working_day, source
    save_reference_data(override, by=by)
    recomputed = [
        recompute_clocks(app)
        for app in Application.objects.open().filter(
            Q(acceptance_due__isnull=False)
            | Q(accepted_at__isnull=False)
            | Q(status=Status.DEFICIENT)  # its notice's answer date
        )
    ]
    record_event(
        None,
        "calendar_recomputed",
        by=by,
        subject=override,
        payload={"applications": sum(recomputed)},
    )
    return override


def _recompute_answer_due(application: Application) -> int:
    """Move the due dates of open requests counted in working days; a date the officer chose
    stays. Returns how many moved."""
    moved = 0
    for request in application.information_requests.filter(
        answered_at__isnull=True, answer_working_days__isnull=False
    ):
        due = add_working_days(
            local_date(request.asked_at), request.answer_working_days or 0, calendar_overrides()
        )
        if due != request.answer_due:
            request.answer_due = due
            request.save(update_fields=["answer_due"])
            moved += 1
    return moved


@transaction.atomic
def recompute_clocks(application: Application) -> bool:
    """Recompute the stored due dates from the stored start events; True when any moved."""
    application = _lock(application)
    before = (
        application.acceptance_due,
        application.decision_due,
        application.decision_due_provisional,
    )
    if application.acceptance_due is not None and application.submitted_at is not None:
        application.acceptance_due = add_working_days(
            local_date(application.submitted_at), clocks.ACCEPTANCE_CHECK, calendar_overrides()
        )
    _recompute_decision_due(application)
    after = (
        application.acceptance_due,
        application.decision_due,
        application.decision_due_provisional,
    )
    moved_answers = _recompute_answer_due(application)
    if after == before and not moved_answers:
        return False
    application.save(update_fields=["acceptance_due", "decision_due", "decision_due_provisional"])
    record_event(
        application,
        "clock_recomputed",
        by=None,
        payload={
            "acceptance_due": str(after[0]),
            "decision_due": str(after[1]),
            "provisional": after[2],
            "answer_due_moved": moved_answers,
        },
    )
    return True
