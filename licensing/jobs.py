"""What the clock and the calendar of rules do on their own, swept every minute by beat.

Each job reads rows whose due time has come (stored due dates, information requests, licences,
the rules data) and acts once: reminders and escalations are notifications with unique keys,
status changes go through ``licensing.services``, and a change of the rules is a ``RulesCheck``
row with a unique key. Running a job twice, or in two beat processes at once, changes nothing
more. The ``due_*`` functions select the work; the others do one piece of it.
"""

import datetime as dt
import hashlib
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from licensing import notifications, rules, selectors, services, tasks, webhooks
from licensing.calendar import add_working_days, working_days_between
from licensing.exceptions import TransitionNotAllowed
from licensing.models import (
    Application,
    Document,
    Event,
    InformationRequest,
    Licence,
    Notification,
    RulesCheck,
)
from licensing.workflow import OPEN, Status

# Reminders to the officer and supervisors before a decision is due (working days).
DECISION_REMINDERS = (10, 5, 1)
# Statuses in which the decision clock runs; in the others it is stopped or not started.
CLOCK_RUNNING = (Status.UNDER_REVIEW, Status.AWAITING_COUNTERSIGN)
AWAITING_ANSWER = (Status.DEFICIENT, Status.INFORMATION_REQUESTED)


def _today() -> dt.date:
    return services.local_date(timezone.now())


# --- selecting due work -------------------------------------------------------------------


@dataclass
class DueWork:
    deemed_acceptances: list[int] = field(default_factory=list)
    decision_reminders: list[int] = field(default_factory=list)
    breaches: list[int] = field(default_factory=list)
    answer_reminders: list[int] = field(default_factory=list)
    lapses: list[int] = field(default_factory=list)
    expiries: list[int] = field(default_factory=list)


def _without_topics(candidates: dict[int, str]) -> list[int]:
    done = set(
        Notification.objects.filter(topic__in=candidates.values()).values_list("topic", flat=True)
    )
    return [pk for pk, topic in candidates.items() if topic not in done]


def due_work() -> DueWork:
    """Everything whose time has come and that has not been done (a handful of queries)."""
    today, overrides = _today(), services.calendar_overrides()
    work = DueWork()
    work.deemed_acceptances = list(
        Application.objects.filter(status=Status.SUBMITTED, acceptance_due__lt=today).values_list(
            "pk", flat=True
        )
    )
    running = Application.objects.filter(
        status__in=CLOCK_RUNNING, no_time_limit=False, decision_due__isnull=False
    )
    horizon = add_working_days(today, max(DECISION_REMINDERS), overrides)
    work.decision_reminders = _without_topics(
        {
            pk: decision_reminder_topic(pk, due, working_days_between(today, due, overrides))
            for pk, due in running.filter(
                decision_due__gte=today, decision_due__lte=horizon
            ).values_list("pk", "decision_due")
            if due is not None
        }
    )
    breached = dict(running.filter(decision_due__lt=today).values_list("pk", "decision_due"))
    escalated = set(
        Event.objects.filter(application_id__in=breached, verb="deadline_breached").values_list(
            "application_id", "payload__decision_due"
        )
    )
    work.breaches = [pk for pk, due in breached.items() if (pk, str(due)) not in escalated]
    waiting = InformationRequest.objects.filter(
        answered_at__isnull=True,
        answer_due__isnull=False,
        application__status__in=AWAITING_ANSWER,
    )
    reminder_horizon = add_working_days(today, settings.ANSWER_REMINDER_WORKING_DAYS, overrides)
    # Overdue ones too: whatever happened (an outage, a short window), a reminder comes first.
    reminders = {
        pk: answer_reminder_topic(pk, due)
        for pk, due in waiting.filter(answer_due__lte=reminder_horizon).values_list(
            "pk", "answer_due"
        )
        if due is not None
    }
    work.answer_reminders = _without_topics(reminders)
    overdue = set(waiting.filter(answer_due__lt=today).values_list("pk", flat=True))
    work.lapses = sorted(overdue - set(work.answer_reminders))
    work.expiries = list(
        Licence.objects.filter(status=Licence.Status.ACTIVE, valid_until__lt=today).values_list(
            "pk", flat=True
        )
    )
    return work


def provisional_due_date_ids() -> list[int]:
    """Open cases whose due date was counted through a year not yet published."""
    return list(
        Application.objects.open()
        .filter(decision_due_provisional=True)
        .values_list("pk", flat=True)
    )


# --- decision deadline --------------------------------------------------------------------


def decision_reminder_topic(application_id: int, due: dt.date, remaining: int) -> str:
    """The reminder a case has reached: the tightest threshold at or above the days left."""
    threshold = min((t for t in DECISION_REMINDERS if remaining <= t), default=0)
    return f"decision-reminder:{application_id}:{due}:{threshold}"


def _officer_and_supervisors(application: Application) -> list[Any]:
    people = list(notifications.supervisors())
    if application.assigned_officer is not None:
        people.append(application.assigned_officer)
    return people


@transaction.atomic
def remind_decision_due(application: Application) -> int:
    """Remind the officer and supervisors 10, 5 and 1 working days before the decision is due
    (each once; when a tick was missed, only the most urgent one left)."""
    application = Application.objects.select_related("assigned_officer").get(pk=application.pk)
    today = _today()
    due = application.decision_due
    if application.status not in CLOCK_RUNNING or due is None or today > due:
        return 0
    remaining = working_days_between(today, due, services.calendar_overrides())
    if remaining > max(DECISION_REMINDERS):
        return 0
    return notifications.notify(
        _officer_and_supervisors(application),
        topic=decision_reminder_topic(application.pk, due, remaining),
        subject=f"{application.reference}: decision due in {remaining} working day(s)",
        body=(
            f"The decision on {application.reference} is due on {due:%Y-%m-%d}"
            f"{' (provisional)' if application.decision_due_provisional else ''}: "
            f"{remaining} working day(s) from today."
        ),
        application=application,
    )


@transaction.atomic
def escalate_breach(application: Application) -> Event | None:
    """The decision is overdue: escalate to the supervisors, once per due date, on the case."""
    application = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
    due = application.decision_due
    if application.status not in CLOCK_RUNNING or due is None or _today() <= due:
        return None
    if application.events.filter(verb="deadline_breached", payload__decision_due=str(due)).exists():
        return None
    event = services.record_event(
        application,
        "deadline_breached",
        by=None,
        reason=f"The decision was due on {due:%Y-%m-%d}; escalated to the supervisors.",
        payload={"decision_due": str(due)},
    )
    notifications.notify(
        _officer_and_supervisors(application),
        topic=f"breach:{application.pk}:{due}",
        subject=f"{application.reference}: decision deadline passed",
        body=(
            f"The decision on {application.reference} was due on {due:%Y-%m-%d} (45 working "
            "days from acceptance, pauses excluded) and has not been made."
        ),
        application=application,
    )
    return event


# --- answers to deficiency notices and information requests -------------------------------


@transaction.atomic
def remind_answer_due(request: InformationRequest) -> int:
    """Remind the applicant before an unanswered notice or request lapses the case."""
    request = InformationRequest.objects.select_related("application").get(pk=request.pk)
    application, due = request.application, request.answer_due
    if request.answered_at or due is None or application.status not in AWAITING_ANSWER:
        return 0
    if _today() > due:  # the reminder day was missed (an outage): say so plainly
        warning = f"The answer was due by {due:%Y-%m-%d}: without it now, the application lapses."
    else:
        warning = f"Without an answer by {due:%Y-%m-%d} the application lapses."
    return notifications.notify(
        notifications.organisation_members(application),
        topic=answer_reminder_topic(request.pk, due),
        subject=f"{application.reference}: answer by {due:%Y-%m-%d}",
        body=(
            f"The {request.get_kind_display().lower()} on {application.reference} is still "
            f"unanswered. {warning}"
        ),
        application=application,
    )


def answer_reminder_topic(request_id: int, due: dt.date | None) -> str:
    return f"answer-reminder:{request_id}:{due}"


def lapse_unanswered(request: InformationRequest) -> Application | None:
    """No answer by the due date, and the applicant was reminded: the case lapses."""
    with suppress(TransitionNotAllowed):
        return services.lapse_unanswered_request(
            request, reminded_topic=answer_reminder_topic(request.pk, request.answer_due)
        )
    return None


# --- the calendar of rules ----------------------------------------------------------------


def _controlled(
    items: Iterable[str], at: dt.datetime, snapshot: list[rules.ProvisionRule]
) -> set[str]:
    """The items an export from China of which needs a licence at ``at``."""
    in_force = [r for r in rules.provisions_in_force(at, snapshot) if r.scope == "export"]
    return {code for code in items if any(code in r.items for r in in_force)}


def _licences_changed(
    since: dt.datetime | None, now: dt.datetime, snapshot: list[rules.ProvisionRule]
) -> list[dict[str, Any]]:
    """Active licences with an item that became, or stopped being, controlled since ``since``
    (or since the licence was issued). Licences are never altered: they are listed."""
    changed = []
    licences = Licence.objects.filter(
        status=Licence.Status.ACTIVE, valid_until__gte=services.local_date(now)
    ).prefetch_related("lines__item")
    for licence in licences:
        start = max(since, licence.issued_at) if since else licence.issued_at
        codes = {line.item.code for line in licence.lines.all()}
        before, after = _controlled(codes, start, snapshot), _controlled(codes, now, snapshot)
        if before != after:
            changed.append(
                {
                    "licence": licence.number,
                    "application_id": licence.application_id,
                    "now_controlled": sorted(after - before),
                    "no_longer_controlled": sorted(before - after),
                }
            )
    return changed


def _affected(check: RulesCheck) -> Any:
    """Drafts and open cases whose judgement the change can move: every one when the rules
    data was edited (or on the very first check, the baseline); otherwise those judged at
    'now' (export date passed or not given)."""
    cases = Application.objects.filter(status__in=OPEN, created_at__lte=check.checked_at)
    first = not RulesCheck.objects.filter(pk__lt=check.pk).exists()
    if check.definitions_changed or first:  # the first check judges every case once
        return cases
    day = services.local_date(check.checked_at)
    return cases.filter(Q(intended_export_date__isnull=True) | Q(intended_export_date__lte=day))


def check_rules() -> RulesCheck | None:
    """Notice a change of the provisions in force (a date passed, a suspension started or
    ended, an administrator edited the data) and re-screen the cases it touches.

    Returns the new RulesCheck, or None when nothing changed since the last one. Catches up by
    construction: it compares with the last check, not with the clock, so a worker that was
    down at the instant, or a deploy after it, still sees the change at the next tick.
    """
    now = timezone.now()
    snapshot = selectors.current_rules()
    version = rules.rules_version(snapshot)
    in_force = sorted(r.label for r in rules.provisions_in_force(now, snapshot))
    previous = latest_rules_check()
    if previous is not None and (previous.rules_version, previous.in_force) == (version, in_force):
        return None
    # The key names the change from the previous check, so a return to an earlier state is a
    # new change, while two ticks (or two beat processes) seeing the same change collide.
    key = hashlib.sha256(
        f"{previous.pk if previous else 0}|{version}|{','.join(in_force)}".encode()
    ).hexdigest()[:32]
    try:
        with transaction.atomic():
            check = RulesCheck.objects.create(
                key=key,
                rules_version=version,
                in_force=in_force,
                # The first check is a baseline: nothing "started", it was already so.
                started=sorted(set(in_force) - set(previous.in_force)) if previous else [],
                stopped=sorted(set(previous.in_force) - set(in_force)) if previous else [],
                definitions_changed=previous is not None and previous.rules_version != version,
                checked_at=now,
                fanned_out_at=now,
                affected_licences=_licences_changed(
                    previous.checked_at if previous else None, now, snapshot
                ),
            )
            check.applications = _affected(check).count()
            check.save(update_fields=["applications"])
            services.record_event(
                None,
                "rules_changed",
                by=None,
                subject=check,
                reason=check.changes,
                payload={
                    "rules_version": version,
                    "started": check.started,
                    "stopped": check.stopped,
                    "applications": check.applications,
                    "licences": [entry["licence"] for entry in check.affected_licences],
                },
            )
            if previous is not None:  # the first check is a baseline, not a change
                webhooks.record_measures_changed(
                    {
                        "at": now.isoformat(),
                        "rules_version": version,
                        "starts": check.started,
                        "stops": check.stopped,
                        "definitions_changed": check.definitions_changed,
                    }
                )
            if check.affected_licences:
                notifications.notify(
                    notifications.supervisors(),
                    topic=f"rules-licences:{check.pk}",
                    subject=f"Rules changed: {len(check.affected_licences)} licence(s) to review",
                    body=_licences_message(check),
                )
    except IntegrityError:  # another tick or beat process recorded this change first
        return None
    transaction.on_commit(lambda: tasks.rescreen_pending.delay(check.pk))
    return check


def _licences_message(check: RulesCheck) -> str:
    lines = [f"The rules changed ({check.changes}). Issued licences are not altered; review:"]
    for entry in check.affected_licences:
        parts = []
        if entry["now_controlled"]:
            parts.append(f"now controlled: {', '.join(entry['now_controlled'])}")
        if entry["no_longer_controlled"]:
            parts.append(f"no longer controlled: {', '.join(entry['no_longer_controlled'])}")
        lines.append(f"- {entry['licence']}: {'; '.join(parts)}")
    return "\n".join(lines)


def pending_rescreens(check: RulesCheck) -> list[int]:
    """The cases the check touches that have not been screened again for it yet."""
    return list(
        _affected(check).exclude(last_rules_check=check).order_by("pk").values_list("pk", flat=True)
    )


# A check's re-screening is fanned out again if still unfinished this long after the last time.
REFAN_AFTER = dt.timedelta(minutes=5)


def unfinished_rescreens() -> dict[int, list[int]]:
    """Re-screening lost on the way (a lost wake-up, a killed worker): for every unfinished
    rules check, the cases still to do, once per REFAN_AFTER. Finished checks are closed."""
    now = timezone.now()
    todo: dict[int, list[int]] = {}
    for check in RulesCheck.objects.filter(completed_at__isnull=True).order_by("pk"):
        pending = pending_rescreens(check)
        if not pending:
            RulesCheck.objects.filter(pk=check.pk).update(completed_at=now)
        elif check.fanned_out_at is None or check.fanned_out_at <= now - REFAN_AFTER:
            RulesCheck.objects.filter(pk=check.pk).update(fanned_out_at=now)
            todo[check.pk] = pending
    return todo


def latest_rules_check() -> RulesCheck | None:
    return RulesCheck.objects.order_by("-pk").first()


# --- stored files -------------------------------------------------------------------------

# A file younger than this may belong to an upload whose transaction has not committed yet.
ORPHAN_GRACE = dt.timedelta(hours=1)


def remove_orphan_document_files() -> list[str]:
    """Delete stored document files that no Document row names (an upload whose transaction
    rolled back after the file was written), once they are older than ORPHAN_GRACE."""
    storage = Document._meta.get_field("file").storage
    if not storage.exists("applications"):
        return []
    known = set(Document.objects.values_list("file", flat=True))
    cutoff, removed = timezone.now() - ORPHAN_GRACE, []
    for folder in storage.listdir("applications")[0]:
        for name in storage.listdir(f"applications/{folder}")[1]:
            path = f"applications/{folder}/{name}"
            if path not in known and storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                removed.append(path)
    return removed
