"""What every service shares: the lock, the transition, the audit event, the clocks and the
judgement of lines.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from licensing import (
    clocks,
    notifications,
    permissions,
    requirements,
    rules,
    screening,
    selectors,
    webhooks,
)
from licensing.calendar import add_working_days
from licensing.catalogue import regulatory_midnight
from licensing.exceptions import NotEligible, NotPermitted
from licensing.models import (
    Application,
    ApplicationLine,
    CalendarOverride,
    ClockPause,
    Document,
    EndUseDeclaration,
    Event,
    Membership,
    ReferenceCounter,
    RestrictedParty,
    ScreeningFlag,
)
from licensing.workflow import Action, check_action

REQUIRED_DOCUMENTS = (
    Document.Kind.CONTRACT,
    Document.Kind.TECHNICAL_DESCRIPTION,
    Document.Kind.END_USER_CERTIFICATE,
)
# Dual-use Items Export Control Regulations 2024: single licence ≤ 1 year, general ≤ 3 years.
LICENCE_VALIDITY_DAYS = {Application.Type.SINGLE: 365, Application.Type.GENERAL: 3 * 365}
DRAFT_FIELDS = frozenset({"type", "intended_export_date", "destination_country"})


# --- helpers ------------------------------------------------------------------------------


def local_date(instant: dt.datetime) -> dt.date:
    """The calendar date in China at an instant; clocks count China's working days."""
    return timezone.localtime(instant, ZoneInfo(settings.REGULATORY_TIME_ZONE)).date()


def calendar_overrides() -> dict[dt.date, bool]:
    return dict(CalendarOverride.objects.values_list("date", "is_working_day"))


def record_event(
    application: Application | None,
    verb: str,
    *,
    by: Any,
    subject: Any = None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    payload: dict[str, Any] | None = None,
) -> Event:
    """Append one audit Event; callers are inside the transaction of the change it records."""
    subject = subject if subject is not None else application
    event = Event.objects.create(
        application=application,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        actor=by if by is not None and by.is_authenticated else None,
        verb=verb,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        payload=payload or {},
        at=timezone.now(),
    )
    if application is not None and to_status:  # a status change: tell whoever must act
        notifications.notify_status_change(event)
    webhooks.record_application_event(event)  # outbox rows in this transaction (REST API)
    return event


def _lock(application: Application) -> Application:
    # no_key: a FOR NO KEY UPDATE lock does not block inserts of rows that reference the case
    # (events, lines). On SQLite the IMMEDIATE transaction mode serialises writers instead.
    return Application.objects.select_for_update(no_key=True).get(pk=application.pk)


def _transition(
    application: Application,
    action: Action,
    *,
    by: Any,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    fields: tuple[str, ...] = (),
) -> Event:
    """Move a locked application along ``action``, saving ``fields`` and writing its Event."""
    source = application.status
    application.status = check_action(action, source, reference=application.reference)
    application.version += 1
    application.save(update_fields=["status", "version", "updated_at", *fields])
    return record_event(
        application,
        action.value,
        by=by,
        from_status=source,
        to_status=application.status,
        reason=reason,
        payload=payload,
    )


def _require_applicant(application: Application, user: Any) -> None:
    if not permissions.is_member(user, application.organisation_id):
        raise NotPermitted("Only a member of the applicant organisation can do this.")


def _require_reviewer(user: Any) -> None:
    if not permissions.is_reviewer(user):
        raise NotPermitted("Only a case officer or a supervisor can do this.")


def _require_supervisor(user: Any) -> None:
    if not permissions.is_supervisor(user):
        raise NotPermitted("Only a supervisor can countersign.")


def _next_number(series: str, year: int) -> int:
    """The next number in a yearly series, safe when two processes ask at once."""
    try:
        with transaction.atomic():
            ReferenceCounter.objects.get_or_create(series=series, year=year)
    except IntegrityError:  # another process created this year's counter first
        pass
    counter = ReferenceCounter.objects.select_for_update().get(series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _lock_editable(application: Application, *, by: Any) -> Application:
    application = _lock(application)
    _require_applicant(application, by)
    if not application.is_editable:
        raise NotEligible(
            f"Application {application.reference} is {application.get_status_display().lower()}"
            ": only a draft, or a case with a deficiency notice, can be edited."
        )
    return application


def _touch(application: Application) -> None:
    application.version += 1
    application.save(update_fields=["version", "updated_at"])


def _recompute_decision_due(application: Application) -> None:
    """Store the decision due date: 45 working days from acceptance plus paused working days."""
    if application.no_time_limit or application.accepted_at is None:
        application.decision_due, application.decision_due_provisional = None, False
        return
    pauses = [
        clocks.Pause(
            start=local_date(p.started_at),
            end=local_date(p.ended_at) if p.ended_at else None,
            reason=p.reason,
        )
        for p in application.pauses.all()
    ]
    due = clocks.POLICIES["china"].due(
        local_date(application.accepted_at), clocks.DECISION, pauses, calendar_overrides()
    )
    # While a pause is open the due date is unknown; keep the last one known for display.
    if due is not None:
        application.decision_due, application.decision_due_provisional = due.date, due.provisional


def _open_pause(application: Application, reason: str) -> None:
    ClockPause.objects.create(application=application, reason=reason, started_at=timezone.now())


def _close_pause(application: Application) -> None:
    application.pauses.filter(ended_at__isnull=True).update(ended_at=timezone.now())
    _recompute_decision_due(application)


def _check_answer_due(answer_due: dt.date | None) -> None:
    """An answer date the officer chooses leaves the applicant at least one day."""
    if answer_due is not None and answer_due <= local_date(timezone.now()):
        raise ValidationError({"answer_due": "Give a date after today."})
    if answer_due is not None and answer_due.year > timezone.now().year + 1:
        raise ValidationError({"answer_due": "Give a date within the next year."})


def _default_answer_due() -> dt.date:
    """An unanswered notice or request lapses the case after this window (configurable)."""
    return add_working_days(
        local_date(timezone.now()), settings.ANSWER_WINDOW_WORKING_DAYS, calendar_overrides()
    )


def _answer_open_request(application: Application, *, by: Any, answer: str) -> None:
    application.information_requests.filter(answered_at__isnull=True).update(
        answer=answer, answered_by=by, answered_at=timezone.now()
    )


def assessment_instant(application: Application) -> dt.datetime:
    """When a case's goods are judged: at the intended export date (00:00 Shanghai), or now
    if that date has passed or is not given."""
    now = timezone.now()
    if application.intended_export_date is None:
        return now
    return max(now, regulatory_midnight(application.intended_export_date))


def _line_query(line: ApplicationLine) -> requirements.LineQuery:
    return requirements.LineQuery(
        item_code=line.item.code,
        hs_code=line.hs_code,
        description=line.description,
        foreign_made=line.foreign_made,
        chinese_content_value=line.chinese_content_value,
        product_value=line.product_value,
    )


def _assess_lines(
    application: Application, snapshot: list[rules.ProvisionRule]
) -> list[tuple[ApplicationLine, bool | None, list[str]]]:
    """Store each line's licence requirement under ``snapshot``; return (line, before,
    provisions before) for the lines whose answer changed."""
    lines = list(application.lines.select_related("item"))
    answers = requirements.assess_lines(
        [_line_query(line) for line in lines],
        at=assessment_instant(application),
        snapshot=snapshot,
        items={line.item.code: line.item for line in lines},
    )
    changed = []
    for line, answer in zip(lines, answers, strict=True):
        if (line.licence_required, line.provisions) == (answer.licence_required, answer.provisions):
            continue
        changed.append((line, line.licence_required, list(line.provisions)))
        line.licence_required, line.provisions = answer.licence_required, answer.provisions
        line.save(update_fields=["licence_required", "provisions"])
    return changed


def _screen(application: Application) -> list[ScreeningFlag]:
    """Screen a locked application under the rules in force now: its lines' licence
    requirement, then its parties, end use and destination; store the rules version."""
    snapshot = selectors.current_rules()
    _assess_lines(application, snapshot)
    return _screen_parties(application, rules.rules_version(snapshot))


def _screen_parties(application: Application, version: str) -> list[ScreeningFlag]:
    """Store the flags of the parties, end use and destination, the rules version, and what
    the flags decide: a countersignature, and whether the case has a time limit."""
    listed = [
        screening.ListedParty(
            name=p.name,
            list_name=p.list_name,
            country=p.country,
            aliases=tuple(p.aliases),
            subsidiaries=tuple((str(n), float(share)) for n, share in p.subsidiaries),
            source=p.source,
        )
        for p in RestrictedParty.objects.all()
    ]
    parties = [
        screening.PartyToScreen(role=p.role, name=p.name, country=p.country)
        for p in application.parties.all()
    ]
    declaration = EndUseDeclaration.objects.filter(application=application).first()
    end_use = screening.EndUse(
        category=declaration.category if declaration else "other",
        description=declaration.description if declaration else "",
        military=bool(declaration and declaration.military),
    )
    flags = screening.screen(parties, end_use, application.destination_country, listed)
    application.flags.all().delete()
    now = timezone.now()
    stored = ScreeningFlag.objects.bulk_create(
        ScreeningFlag(
            application=application,
            rule=f.rule,
            severity=f.severity,
            explanation=f.explanation,
            evidence=f.evidence,
            requires_countersignature=f.requires_countersignature,
            removes_time_limit=f.removes_time_limit,
            rules_version=version,
            raised_at=now,
        )
        for f in flags
    )
    application.countersign_required = screening.needs_countersignature(flags)
    application.no_time_limit = screening.has_no_time_limit(flags)
    application.rules_version = version
    return stored


def _is_org_admin(user: Any, organisation_id: int) -> bool:
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, role=Membership.Role.ADMIN
    ).exists()


SCREENING_FIELDS = ("countersign_required", "no_time_limit", "rules_version")
