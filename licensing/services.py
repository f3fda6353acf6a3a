"""Every write that matters: one function per business event.

The lifecycle (licensing.workflow): an applicant drafts an application, adds lines, parties,
an end-use declaration and documents, and submits it. A case officer checks it within 5
working days — issuing one deficiency notice that lists everything missing, or accepting it —
then reviews it within 45 working days of acceptance (pauses for expert consultation,
technical identification, on-site verification and information requests are not counted),
and recommends a decision. Where policy requires, a second person countersigns; an approval
issues the licence. The applicant may withdraw an open case; an unanswered request lapses it.

Each service locks the application row, checks the transition and its guards, changes the
row, writes exactly one audit Event in the same transaction, and enqueues follow-up work only
after commit. Nothing else assigns a status.
"""

import datetime as dt
import hashlib
import secrets
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
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
from licensing.documents import validate_upload
from licensing.exceptions import NotEligible, NotPermitted, StaleVersion, TransitionNotAllowed
from licensing.models import (
    ApiKey,
    Application,
    ApplicationLine,
    CalendarOverride,
    ClockPause,
    ControlledItem,
    Decision,
    Document,
    EndUseDeclaration,
    Event,
    InformationRequest,
    Licence,
    LicenceLine,
    Membership,
    Notification,
    Organisation,
    Party,
    ReferenceCounter,
    RestrictedParty,
    RulesCheck,
    ScreeningFlag,
    WebhookDelivery,
    WebhookEndpoint,
)
from licensing.validators import licence_check_character
from licensing.workflow import OPEN, Action, Status, check_action

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


# --- drafting -----------------------------------------------------------------------------


@transaction.atomic
def create_draft(
    organisation: Organisation,
    *,
    by: Any,
    type: str = Application.Type.SINGLE,
    intended_export_date: dt.date | None = None,
    destination_country: str = "",
) -> Application:
    """A member of an organisation starts a draft application for it."""
    if not permissions.is_member(by, organisation.pk):
        raise NotPermitted("You can only apply for an organisation you are a member of.")
    application = Application(
        organisation=organisation,
        created_by=by,
        type=type,
        intended_export_date=intended_export_date,
        destination_country=destination_country.upper(),
    )
    application.full_clean(exclude=["reference", "created_by"])
    year = timezone.now().year
    application.reference = f"LS-{year}-{_next_number('application', year):06d}"
    application.save()
    record_event(application, "draft_created", by=by, to_status=Status.DRAFT)
    return application


@transaction.atomic
def update_draft(
    application: Application, *, by: Any, expected_version: int | None = None, **changes: Any
) -> Application:
    """The applicant edits the header of a draft (or of a case with a deficiency notice)."""
    unknown = set(changes) - DRAFT_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be edited."))
    application = _lock_editable(application, by=by)
    if expected_version is not None and expected_version != application.version:
        raise StaleVersion(application.reference, expected_version, application.version)
    if "destination_country" in changes:
        changes["destination_country"] = changes["destination_country"].upper()
    for name, value in changes.items():
        setattr(application, name, value)
    application.full_clean(exclude=["created_by"])
    application.version += 1
    application.save(update_fields=[*changes, "version", "updated_at"])
    if "intended_export_date" in changes:  # the lines are judged at the export date
        _assess_lines(application, selectors.current_rules())
    record_event(
        application,
        "draft_updated",
        by=by,
        payload={name: str(value) for name, value in changes.items()},
    )
    return application


@transaction.atomic
def add_line(
    application: Application,
    *,
    by: Any,
    item_code: str,
    quantity: Decimal,
    unit_value: Decimal,
    unit: str = "kg",
    currency: str = "USD",
    hs_code: str = "",
    description: str = "",
    foreign_made: bool = False,
    chinese_content_value: Decimal | None = None,
    product_value: Decimal | None = None,
) -> ApplicationLine:
    """Add a control-list item to a draft; the item must exist and the quantity be positive.
    Goods made abroad give the values the No. 61 de minimis test needs."""
    application = _lock_editable(application, by=by)
    item = ControlledItem.objects.filter(code=item_code.strip()).first()
    if item is None:
        raise ValidationError({"item_code": f"'{item_code}' is not on the control list."})
    line = ApplicationLine(
        application=application,
        item=item,
        quantity=quantity,
        unit_value=unit_value,
        unit=unit,
        currency=currency.upper(),
        hs_code=hs_code,
        description=description,
        foreign_made=foreign_made,
        chinese_content_value=chinese_content_value,
        product_value=product_value,
    )
    line.full_clean()
    try:
        requirements.validate_line(0, _line_query(line), {item.code: item})
    except ValidationError as error:  # keyed lines[0].field by the check: name the field alone
        raise ValidationError(
            {key.split(".", 1)[1]: value for key, value in error.message_dict.items()}
        ) from None
    answer = requirements.assess_lines(
        [_line_query(line)], at=assessment_instant(application), items={item.code: item}
    )[0]
    line.licence_required, line.provisions = answer.licence_required, answer.provisions
    line.save()
    _touch(application)
    record_event(
        application,
        "line_added",
        by=by,
        subject=line,
        payload={"item": item.code, "quantity": str(quantity), "unit": unit},
    )
    return line


@transaction.atomic
def remove_line(line: ApplicationLine, *, by: Any) -> None:
    application = _lock_editable(line.application, by=by)
    record_event(
        application,
        "line_removed",
        by=by,
        subject=line,
        payload={"item": line.item.code, "quantity": str(line.quantity)},
    )
    line.delete()
    _touch(application)


@transaction.atomic
def add_party(
    application: Application, *, by: Any, role: str, name: str, country: str, address: str = ""
) -> Party:
    """Name an importer, consignee, end user or intermediate consignee."""
    application = _lock_editable(application, by=by)
    party = Party(
        application=application,
        role=role,
        name=name.strip(),
        country=country.upper(),
        address=address,
    )
    party.full_clean()
    party.save()
    _touch(application)
    record_event(
        application,
        "party_added",
        by=by,
        subject=party,
        payload={"role": role, "name": party.name, "country": party.country},
    )
    return party


@transaction.atomic
def remove_party(party: Party, *, by: Any) -> None:
    application = _lock_editable(party.application, by=by)
    record_event(
        application,
        "party_removed",
        by=by,
        subject=party,
        payload={"role": party.role, "name": party.name},
    )
    party.delete()
    _touch(application)


@transaction.atomic
def set_end_use(
    application: Application,
    *,
    by: Any,
    category: str,
    description: str,
    no_reexport_undertaking: bool,
    military: bool = False,
) -> EndUseDeclaration:
    """Declare (or correct) the end use, with the undertaking not to re-export."""
    application = _lock_editable(application, by=by)
    declaration = EndUseDeclaration.objects.filter(application=application).first()
    declaration = declaration or EndUseDeclaration(application=application)
    declaration.category = category
    declaration.description = description
    declaration.no_reexport_undertaking = no_reexport_undertaking
    declaration.military = military
    declaration.full_clean()
    declaration.save()
    _touch(application)
    record_event(
        application,
        "end_use_declared",
        by=by,
        subject=declaration,
        payload={"category": category, "military": military},
    )
    return declaration


@transaction.atomic
def upload_document(
    application: Application, *, by: Any, kind: str, file: UploadedFile
) -> Document:
    """Attach a typed document; its size and real content type are checked first."""
    application = _lock_editable(application, by=by)
    content_type = validate_upload(file)
    document = Document(
        application=application,
        kind=kind,
        original_name=file.name or "upload",
        content_type=content_type,
        size=file.size or 0,
        uploaded_by=by,
    )
    document.full_clean(exclude=["file"])
    document.file.save(document.original_name, file, save=False)
    document.save()
    _touch(application)
    record_event(
        application,
        "document_uploaded",
        by=by,
        subject=document,
        payload={"kind": kind, "name": document.original_name, "size": document.size},
    )
    return document


@transaction.atomic
def remove_document(document: Document, *, by: Any) -> None:
    application = _lock_editable(document.application, by=by)
    record_event(
        application,
        "document_removed",
        by=by,
        subject=document,
        payload={"kind": document.kind, "name": document.original_name},
    )
    name = document.file.name
    storage = document.file.storage
    document.delete()
    _touch(application)
    transaction.on_commit(lambda: storage.delete(name))


# --- submission and acceptance ------------------------------------------------------------


def submission_problems(application: Application) -> list[str]:
    """Everything that stops a submission, listed at once (DOMAIN.md §3: all deficiencies)."""
    problems = []
    if not application.lines.exists():
        problems.append("Add at least one line (an item from the control list).")
    if not application.parties.filter(role=Party.Role.END_USER).exists():
        problems.append("Name the end user.")
    if not EndUseDeclaration.objects.filter(application=application).exists():
        problems.append("Declare the end use.")
    present = set(application.documents.values_list("kind", flat=True))
    for kind in REQUIRED_DOCUMENTS:
        if kind not in present:
            problems.append(f"Upload the {Document.Kind(kind).label.lower()}.")
    if not application.destination_country:
        problems.append("Give the destination country.")
    if application.intended_export_date is None:
        problems.append("Give the intended export date.")
    elif application.intended_export_date < local_date(timezone.now()):
        problems.append("The intended export date is in the past.")
    return problems


def _check_submittable(application: Application) -> None:
    problems = submission_problems(application)
    if problems:
        raise NotEligible("The application is not complete.", problems=problems)


def _start_acceptance_clock(application: Application) -> None:
    now = timezone.now()
    application.submitted_at = now
    application.acceptance_due = add_working_days(
        local_date(now), clocks.ACCEPTANCE_CHECK, calendar_overrides()
    )


@transaction.atomic
def submit_application(application: Application, *, by: Any) -> Application:
    """The applicant submits a complete draft; the 5-working-day acceptance check starts."""
    application = _lock(application)
    _require_applicant(application, by)
    check_action(Action.SUBMIT, application.status, reference=application.reference)
    _check_submittable(application)
    _start_acceptance_clock(application)
    flags = _screen(application)
    _transition(
        application,
        Action.SUBMIT,
        by=by,
        payload={"flags": [f.rule for f in flags], "rules_version": application.rules_version},
        fields=("submitted_at", "acceptance_due", *SCREENING_FIELDS),
    )
    return application


@transaction.atomic
def issue_deficiency_notice(
    application: Application, *, by: Any, deficiencies: list[str], answer_due: dt.date | None = None
) -> Application:
    """A case officer lists every deficiency at once, within the acceptance check."""
    application = _lock(application)
    _require_reviewer(by)
    check_action(
        Action.ISSUE_DEFICIENCY_NOTICE, application.status, reference=application.reference
    )
    deficiencies = [d.strip() for d in deficiencies if d.strip()]
    if not deficiencies:
        raise ValidationError({"deficiencies": "List at least one deficiency."})
    _check_answer_due(answer_due)
    InformationRequest.objects.create(
        application=application,
        kind=InformationRequest.Kind.DEFICIENCY,
        question="\n".join(deficiencies),
        asked_by=by,
        asked_at=timezone.now(),
        answer_due=answer_due or _default_answer_due(),
        answer_working_days=None if answer_due else settings.ANSWER_WINDOW_WORKING_DAYS,
    )
    application.acceptance_due = None
    _transition(
        application,
        Action.ISSUE_DEFICIENCY_NOTICE,
        by=by,
        reason="\n".join(deficiencies),
        fields=("acceptance_due",),
    )
    return application


@transaction.atomic
def resubmit_application(application: Application, *, by: Any, answer: str = "") -> Application:
    """The applicant answers a deficiency notice; the acceptance check starts again."""
    application = _lock(application)
    _require_applicant(application, by)
    check_action(Action.RESUBMIT, application.status, reference=application.reference)
    _check_submittable(application)
    _answer_open_request(application, by=by, answer=answer)
    _start_acceptance_clock(application)
    _screen(application)
    _transition(
        application,
        Action.RESUBMIT,
        by=by,
        reason=answer,
        fields=("submitted_at", "acceptance_due", *SCREENING_FIELDS),
    )
    return application


@transaction.atomic
def accept_application(application: Application, *, by: Any) -> Application:
    """Accept a submitted application; the 45-working-day decision clock starts.

    Without a deficiency notice the case counts as accepted on receipt (DOMAIN.md §3), so the
    clock starts from the day it was submitted.
    """
    application = _lock(application)
    _require_reviewer(by)
    check_action(Action.ACCEPT, application.status, reference=application.reference)
    had_notice = application.information_requests.filter(
        kind=InformationRequest.Kind.DEFICIENCY
    ).exists()
    if application.assigned_officer_id is None:
        application.assigned_officer = by
    return _accept(
        application,
        by=by,
        accepted_at=timezone.now() if had_notice else application.submitted_at,
    )


@transaction.atomic
def deem_accepted(application: Application) -> Application:
    """The acceptance check ended with no deficiency notice: the case counts as accepted on
    receipt (DOMAIN.md §3) and its decision clock runs from the day it was submitted.
    A system action; does nothing when the check has not ended or the case has moved on."""
    application = _lock(application)
    today = local_date(timezone.now())
    if (
        application.status != Status.SUBMITTED
        or application.acceptance_due is None
        or today <= application.acceptance_due
    ):
        return application
    _accept(
        application,
        by=None,
        accepted_at=application.submitted_at,
        reason=(
            f"No deficiency notice by {application.acceptance_due:%Y-%m-%d}, the end of the "
            "5-working-day acceptance check: accepted on receipt."
        ),
    )
    notifications.notify(
        notifications.supervisors(),
        topic=f"deemed-accepted:{application.pk}",
        subject=f"{application.reference}: accepted on receipt, needs an officer",
        body=(
            f"Application {application.reference} was not checked within 5 working days and "
            f"counts as accepted on receipt. Its decision is due on {application.decision_due}."
        ),
        application=application,
    )
    return application


def _accept(
    application: Application, *, by: Any, accepted_at: dt.datetime | None, reason: str = ""
) -> Application:
    application.accepted_at = accepted_at
    application.acceptance_due = None
    _recompute_decision_due(application)
    _transition(
        application,
        Action.ACCEPT,
        by=by,
        reason=reason,
        fields=(
            "accepted_at",
            "acceptance_due",
            "assigned_officer",
            "decision_due",
            "decision_due_provisional",
        ),
    )
    return application


@transaction.atomic
def assign_officer(application: Application, *, by: Any, officer: Any) -> Application:
    """A reviewer claims a case, or a supervisor reassigns it."""
    application = _lock(application)
    _require_reviewer(by)
    if officer.pk != by.pk:
        _require_supervisor(by)
    if not permissions.is_reviewer(officer):
        raise NotEligible(f"{officer} is not a case officer.")
    previous = application.assigned_officer
    application.assigned_officer = officer
    application.version += 1
    application.save(update_fields=["assigned_officer", "version", "updated_at"])
    record_event(
        application,
        "officer_assigned",
        by=by,
        payload={"from": str(previous or ""), "to": str(officer)},
    )
    return application


# --- review: information requests and pauses ----------------------------------------------


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


@transaction.atomic
def request_information(
    application: Application, *, by: Any, question: str, answer_due: dt.date | None = None
) -> Application:
    """Ask the applicant a question; the decision clock stops until the answer arrives."""
    application = _lock(application)
    _require_reviewer(by)
    check_action(Action.REQUEST_INFORMATION, application.status, reference=application.reference)
    if not question.strip():
        raise ValidationError({"question": "Write the question to the applicant."})
    _check_answer_due(answer_due)
    InformationRequest.objects.create(
        application=application,
        kind=InformationRequest.Kind.INFORMATION,
        question=question.strip(),
        asked_by=by,
        asked_at=timezone.now(),
        answer_due=answer_due or _default_answer_due(),
        answer_working_days=None if answer_due else settings.ANSWER_WINDOW_WORKING_DAYS,
    )
    _open_pause(application, ClockPause.Reason.INFORMATION_REQUEST)
    _transition(application, Action.REQUEST_INFORMATION, by=by, reason=question.strip())
    return application


@transaction.atomic
def answer_information_request(application: Application, *, by: Any, answer: str) -> Application:
    """The applicant answers; the clock runs again and the due date moves by the pause."""
    application = _lock(application)
    _require_applicant(application, by)
    check_action(
        Action.ANSWER_INFORMATION_REQUEST, application.status, reference=application.reference
    )
    if not answer.strip():
        raise ValidationError({"answer": "Write your answer."})
    _answer_open_request(application, by=by, answer=answer.strip())
    _close_pause(application)
    _transition(
        application,
        Action.ANSWER_INFORMATION_REQUEST,
        by=by,
        reason=answer.strip(),
        fields=("decision_due", "decision_due_provisional"),
    )
    return application


@transaction.atomic
def pause_clock(application: Application, *, by: Any, reason: str, note: str = "") -> Application:
    """Stop the decision clock for expert consultation, technical identification or a visit."""
    application = _lock(application)
    _require_reviewer(by)
    check_action(Action.PAUSE_CLOCK, application.status, reference=application.reference)
    allowed = set(ClockPause.Reason.values) - {ClockPause.Reason.INFORMATION_REQUEST}
    if reason not in allowed:
        raise ValidationError({"reason": f"Choose one of: {', '.join(sorted(allowed))}."})
    _open_pause(application, reason)
    _transition(
        application, Action.PAUSE_CLOCK, by=by, reason=note, payload={"pause_reason": reason}
    )
    return application


@transaction.atomic
def resume_clock(application: Application, *, by: Any, note: str = "") -> Application:
    """Restart the decision clock; the paused working days are added to the due date."""
    application = _lock(application)
    _require_reviewer(by)
    check_action(Action.RESUME_CLOCK, application.status, reference=application.reference)
    _close_pause(application)
    _transition(
        application,
        Action.RESUME_CLOCK,
        by=by,
        reason=note,
        fields=("decision_due", "decision_due_provisional"),
    )
    return application


# --- decision -----------------------------------------------------------------------------


def _needs_countersignature(application: Application) -> bool:
    """Four eyes for flagged cases and military end uses (DESIGN.md "Decision")."""
    declaration = EndUseDeclaration.objects.filter(application=application).first()
    return application.countersign_required or bool(declaration and declaration.military)


@transaction.atomic
def recommend_decision(
    application: Application,
    *,
    by: Any,
    outcome: str,
    note: str = "",
    reason_codes: list[str] | None = None,
    conditions: str = "",
) -> Application:
    """The case officer recommends; a second person must countersign."""
    application = _lock(application)
    _require_reviewer(by)
    check_action(Action.RECOMMEND, application.status, reference=application.reference)
    if outcome not in {o for o in Decision.Outcome.values if o != Decision.Outcome.RETURN}:
        raise ValidationError({"outcome": "Recommend approve, approve with conditions or refuse."})
    if outcome == Decision.Outcome.REFUSE and not (note.strip() or reason_codes):
        raise ValidationError({"note": "A refusal needs its reasons."})
    Decision.objects.create(
        application=application,
        kind=Decision.Kind.RECOMMENDATION,
        outcome=outcome,
        reason_codes=reason_codes or [],
        conditions=conditions,
        note=note,
        by=by,
        at=timezone.now(),
    )
    _transition(
        application,
        Action.RECOMMEND,
        by=by,
        reason=note,
        payload={"outcome": outcome, "reason_codes": reason_codes or []},
    )
    return application


def _latest_recommendation(application: Application) -> Decision:
    return application.decisions.filter(kind=Decision.Kind.RECOMMENDATION).latest("at", "pk")


def _check_countersigner(application: Application, by: Any) -> Decision:
    _require_supervisor(by)
    recommendation = _latest_recommendation(application)
    if recommendation.by_id == by.pk:
        raise NotEligible("The countersigner must not be the person who recommended.")
    return recommendation


def _issue_licence(application: Application, *, by: Any, conditions: str) -> Licence:
    today = local_date(timezone.now())
    body = f"RE{today.year}{_next_number('licence', today.year):06d}"
    licence = Licence.objects.create(
        number=f"{body}{licence_check_character(body)}",
        application=application,
        type=application.type,
        conditions=conditions,
        valid_from=today,
        valid_until=today
        + dt.timedelta(days=LICENCE_VALIDITY_DAYS[Application.Type(application.type)]),
        issued_by=by,
        issued_at=timezone.now(),
    )
    LicenceLine.objects.bulk_create(
        LicenceLine(licence=licence, item_id=line.item_id, quantity=line.quantity, unit=line.unit)
        for line in application.lines.all()
    )
    return licence


@transaction.atomic
def approve_application(
    application: Application, *, by: Any, note: str = "", conditions: str = ""
) -> Application:
    """Approve and issue the licence: directly when no countersignature is needed, else as
    the countersignature of an approval recommended by someone else."""
    application = _lock(application)
    _require_reviewer(by)
    check_action(Action.APPROVE, application.status, reference=application.reference)
    if application.status == Status.UNDER_REVIEW:
        if _needs_countersignature(application):
            raise NotEligible("This case needs a recommendation and a countersignature.")
        kind = Decision.Kind.RECOMMENDATION
    else:
        recommendation = _check_countersigner(application, by)
        if not recommendation.is_approval:
            raise NotEligible(
                "The recommendation is a refusal; approve it only by returning "
                "the case for review first."
            )
        conditions = conditions or recommendation.conditions
        kind = Decision.Kind.COUNTERSIGNATURE
    outcome = Decision.Outcome.APPROVE_WITH_CONDITIONS if conditions else Decision.Outcome.APPROVE
    Decision.objects.create(
        application=application,
        kind=kind,
        outcome=outcome,
        conditions=conditions,
        note=note,
        by=by,
        at=timezone.now(),
    )
    licence = _issue_licence(application, by=by, conditions=conditions)
    application.decided_at = timezone.now()
    # The certificate is due within 10 working days of the decision (DOMAIN.md §3); Lodestone
    # issues it at once, and the stored date shows the deadline it met.
    application.licence_issue_due = add_working_days(
        local_date(application.decided_at), clocks.LICENCE_ISSUE, calendar_overrides()
    )
    _transition(
        application,
        Action.APPROVE,
        by=by,
        reason=note,
        payload={"licence": licence.number},
        fields=("decided_at", "licence_issue_due"),
    )
    return application


@transaction.atomic
def refuse_application(application: Application, *, by: Any, note: str = "") -> Application:
    """Countersign a refusal recommended by someone else; refusals are always countersigned."""
    application = _lock(application)
    _require_reviewer(by)
    check_action(Action.REFUSE, application.status, reference=application.reference)
    recommendation = _check_countersigner(application, by)
    if recommendation.is_approval:
        raise NotEligible("The recommendation is an approval; return the case to refuse it.")
    Decision.objects.create(
        application=application,
        kind=Decision.Kind.COUNTERSIGNATURE,
        outcome=Decision.Outcome.REFUSE,
        reason_codes=recommendation.reason_codes,
        note=note,
        by=by,
        at=timezone.now(),
    )
    application.decided_at = timezone.now()
    _transition(
        application,
        Action.REFUSE,
        by=by,
        reason=note or recommendation.note,
        payload={"reason_codes": recommendation.reason_codes},
        fields=("decided_at",),
    )
    return application


@transaction.atomic
def return_for_review(application: Application, *, by: Any, note: str) -> Application:
    """The countersigner disagrees and sends the case back to the officer."""
    application = _lock(application)
    _require_reviewer(by)
    check_action(Action.RETURN_FOR_REVIEW, application.status, reference=application.reference)
    _check_countersigner(application, by)
    if not note.strip():
        raise ValidationError({"note": "Say why the case goes back."})
    Decision.objects.create(
        application=application,
        kind=Decision.Kind.COUNTERSIGNATURE,
        outcome=Decision.Outcome.RETURN,
        note=note,
        by=by,
        at=timezone.now(),
    )
    _transition(application, Action.RETURN_FOR_REVIEW, by=by, reason=note)
    return application


def countersign_decision(
    application: Application, *, by: Any, agree: bool, note: str = ""
) -> Application:
    """A supervisor countersigns the recommendation, or returns the case."""
    if not agree:
        return return_for_review(application, by=by, note=note)
    if _latest_recommendation(application).is_approval:
        return approve_application(application, by=by, note=note)
    return refuse_application(application, by=by, note=note)


# --- ending a case without a decision -----------------------------------------------------


@transaction.atomic
def withdraw_application(application: Application, *, by: Any, reason: str = "") -> Application:
    """The applicant withdraws an open case."""
    application = _lock(application)
    _require_applicant(application, by)
    check_action(Action.WITHDRAW, application.status, reference=application.reference)
    application.pauses.filter(ended_at__isnull=True).update(ended_at=timezone.now())
    _transition(application, Action.WITHDRAW, by=by, reason=reason)
    return application


@transaction.atomic
def lapse_application(application: Application, *, by: Any = None, reason: str = "") -> Application:
    """A deficiency notice or information request went unanswered in time (system action)."""
    application = _lock(application)
    check_action(Action.LAPSE, application.status, reference=application.reference)
    application.pauses.filter(ended_at__isnull=True).update(ended_at=timezone.now())
    _transition(
        application, Action.LAPSE, by=by, reason=reason or "No answer within the time allowed."
    )
    return application


@transaction.atomic
def lapse_unanswered_request(
    request: InformationRequest, *, reminded_topic: str
) -> Application | None:
    """The latest deficiency notice or information request went unanswered past its due date
    after a reminder: the case lapses (a system action). Checked under the case's lock, so an
    answer that arrives first wins."""
    application = _lock(request.application)
    request = InformationRequest.objects.get(pk=request.pk)
    latest = application.information_requests.order_by("-asked_at", "-pk").first()
    if (
        latest != request
        or request.answered_at is not None
        or request.answer_due is None
        or local_date(timezone.now()) <= request.answer_due
        or not Notification.objects.filter(topic=reminded_topic).exists()
    ):
        return None
    application.pauses.filter(ended_at__isnull=True).update(ended_at=timezone.now())
    _transition(
        application,
        Action.LAPSE,
        by=None,
        reason=(
            f"The {request.get_kind_display().lower()} of {local_date(request.asked_at)} was "
            f"not answered by {request.answer_due:%Y-%m-%d}."
        ),
    )
    return application


# --- reference data -----------------------------------------------------------------------


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


# --- calendar -----------------------------------------------------------------------------


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


@transaction.atomic
def recompute_application_clocks(application: Application) -> bool:
    """Check one case's stored due dates again (the hourly recheck of provisional ones)."""
    return recompute_clocks(application)


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


# --- screening ----------------------------------------------------------------------------


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
    """Screen a locked application under the rules in force now; store the flags, the rules
    version, and what they decide: a countersignature, and whether the case has a time limit."""
    snapshot = selectors.current_rules()
    version = rules.rules_version(snapshot)
    _assess_lines(application, snapshot)
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


SCREENING_FIELDS = ("countersign_required", "no_time_limit", "rules_version")


@transaction.atomic
def screen_application(application: Application, *, by: Any) -> Application:
    """Screen a case again on demand (a reviewer, or the rules-change job)."""
    application = _lock(application)
    if by is not None:
        _require_reviewer(by)
    flags = _screen(application)
    _recompute_decision_due(application)
    _touch(application)
    application.save(update_fields=[*SCREENING_FIELDS, "decision_due", "decision_due_provisional"])
    record_event(
        application,
        "screened",
        by=by,
        payload={"flags": [f.rule for f in flags], "rules_version": application.rules_version},
    )
    return application


def _describe_requirement_change(
    line: ApplicationLine, before: bool | None, provisions_before: list[str]
) -> str:
    if line.licence_required:
        return f"{line.item.code}: now needs a licence under {', '.join(line.provisions)}."
    if line.licence_required is None:
        return f"{line.item.code}: a reviewer must now confirm whether a licence is needed."
    stopped = ", ".join(provisions_before) or "the provision that covered it"
    return f"{line.item.code}: no longer needs a licence ({stopped} no longer applies)."


@transaction.atomic
def rescreen_for_rules_change(application: Application, *, check: RulesCheck) -> Application:
    """The rules changed: judge the case's lines and parties again, record the rules version,
    and tell the applicant which lines now need, or no longer need, a licence and why.
    Once per rules check; a decided case is never touched."""
    application = _lock(application)
    if application.last_rules_check_id == check.pk or application.status not in OPEN:
        return application
    snapshot = selectors.current_rules()
    # A line never assessed before (no answer, no provisions) has nothing to compare with.
    changed = [c for c in _assess_lines(application, snapshot) if c[1] is not None or c[2]]
    flags = _screen(application) if application.status != Status.DRAFT else []
    application.rules_version = rules.rules_version(snapshot)
    application.last_rules_check = check
    _recompute_decision_due(application)
    application.save(
        update_fields=[
            *SCREENING_FIELDS,
            "last_rules_check",
            "decision_due",
            "decision_due_provisional",
        ]
    )
    messages = [_describe_requirement_change(*c) for c in changed]
    record_event(
        application,
        "rescreened",
        by=None,
        reason=check.changes,
        payload={
            "rules_check": check.pk,
            "rules_version": application.rules_version,
            "flags": [f.rule for f in flags],
            "lines": messages,
        },
    )
    if messages:
        notifications.notify(
            notifications.organisation_members(application),
            topic=f"rules:{check.pk}:{application.pk}",
            subject=f"{application.reference}: the licence requirement changed",
            body=(
                f"The export-control rules changed ({check.changes}).\n\n"
                + "\n".join(messages)
                + f"\n\nApplication {application.reference} was screened again under rules "
                f"version {application.rules_version}."
            ),
            application=application,
        )
    return application


@transaction.atomic
def expire_licence(licence: Licence) -> Licence:
    """A licence whose validity has ended expires (a system action; idempotent)."""
    licence = Licence.objects.select_for_update().select_related("application").get(pk=licence.pk)
    if licence.status != Licence.Status.ACTIVE or licence.valid_until >= local_date(timezone.now()):
        return licence
    licence.status = Licence.Status.EXPIRED
    licence.save(update_fields=["status"])
    record_event(
        licence.application,
        "licence_expired",
        by=None,
        subject=licence,
        payload={"licence": licence.number, "valid_until": str(licence.valid_until)},
    )
    notifications.notify(
        notifications.organisation_members(licence.application),
        topic=f"licence-expired:{licence.pk}",
        subject=f"Licence {licence.number} has expired",
        body=f"Licence {licence.number} was valid until {licence.valid_until:%Y-%m-%d}.",
        application=licence.application,
    )
    return licence


# --- REST API: keys, webhook endpoints, referral -----------------------------------------


def _is_org_admin(user: Any, organisation_id: int) -> bool:
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, role=Membership.Role.ADMIN
    ).exists()


def _new_api_secret() -> tuple[str, str, str]:
    """A fresh key as (prefix, full key shown once, SHA-256 of the full key)."""
    prefix = secrets.token_hex(4)
    key = f"ls_{prefix}_{secrets.token_urlsafe(32)}"
    return prefix, key, hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_key(
    *,
    by: Any,
    name: str,
    scope: str,
    organisation: Organisation | None,
    known_key: str | None = None,
) -> tuple[ApiKey, str]:
    """An organisation administrator creates a key for the organisation, or a case officer or
    supervisor creates a staff key for themselves; the secret is returned once, never stored."""
    if organisation is not None and not _is_org_admin(by, organisation.pk):
        raise NotPermitted("Only an administrator of the organisation can create its API keys.")
    if organisation is None and not permissions.is_reviewer(by):
        raise NotPermitted("Only case officers and supervisors have staff API keys.")
    prefix, key, hashed = _new_api_secret()
    if known_key is not None:  # the demo's published keys (seed_demo); never in production
        prefix, key = known_key.split("_", 2)[1], known_key
        hashed = hashlib.sha256(key.encode()).hexdigest()
    api_key = ApiKey(
        name=name.strip(),
        user=by,
        organisation=organisation,
        scope=scope,
        prefix=prefix,
        hashed_secret=hashed,
    )
    api_key.full_clean()
    api_key.save()
    record_event(
        None, "api_key_created", by=by, subject=api_key, payload={"name": name, "scope": scope}
    )
    return api_key, key


@transaction.atomic
def revoke_api_key(api_key: ApiKey, *, by: Any) -> ApiKey:
    """An organisation administrator (or a staff key's owner) revokes a key; it fails at once."""
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.organisation_id is not None:
        if not _is_org_admin(by, api_key.organisation_id):
            raise NotPermitted("Only an administrator of the organisation can revoke its keys.")
    elif api_key.user_id != by.pk:
        raise NotPermitted("Only its owner can revoke a staff key.")
    if api_key.revoked_at is not None:
        return api_key
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked_at"])
    record_event(None, "api_key_revoked", by=by, subject=api_key, payload={"name": api_key.name})
    return api_key


@transaction.atomic
def create_webhook_endpoint(
    organisation: Organisation, *, by: Any, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """An organisation administrator registers a URL for the events it picks (as for API keys:
    a webhook carries the organisation's data out); the target must be a public address."""
    if not _is_org_admin(by, organisation.pk):
        raise NotPermitted("Only an administrator of the organisation can add webhooks.")
    webhooks.check_target(url)
    unknown = set(events) - set(WebhookEndpoint.EventType.values)
    if not events or unknown:
        raise ValidationError({"events": "Pick one or more of the documented event types."})
    endpoint = WebhookEndpoint(
        organisation=organisation,
        url=url,
        events=sorted(set(events)),
        description=description,
        secret=webhooks.new_secret(),
        created_by=by,
    )
    endpoint.full_clean()
    endpoint.save()
    record_event(
        None,
        "webhook_endpoint_created",
        by=by,
        subject=endpoint,
        payload={"url": url, "events": endpoint.events},
    )
    return endpoint


@transaction.atomic
def delete_webhook_endpoint(endpoint: WebhookEndpoint, *, by: Any) -> None:
    """Stop sending to an endpoint; its delivery log is kept."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not _is_org_admin(by, endpoint.organisation_id):
        raise NotPermitted("Only an administrator of the organisation can remove webhooks.")
    endpoint.deleted_at = timezone.now()
    endpoint.save(update_fields=["deleted_at"])
    endpoint.deliveries.filter(status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED, last_error="Endpoint removed."
    )
    record_event(None, "webhook_endpoint_deleted", by=by, subject=endpoint)


@transaction.atomic
def refer_application(application: Application, *, by: Any, note: str) -> Application:
    """Refer a case under review to the State Council (and the military commission): from then
    on the decision has no time limit (DOMAIN.md §3), so the due date is cleared."""
    application = _lock(application)
    _require_reviewer(by)
    if application.status != Status.UNDER_REVIEW:
        raise TransitionNotAllowed(application.reference, application.status, "referred")
    if not note.strip():
        raise ValidationError({"note": "Say to whom and why the case is referred."})
    if application.no_time_limit:
        raise NotEligible("This case already has no time limit.")
    application.no_time_limit = True
    _recompute_decision_due(application)
    _touch(application)
    application.save(update_fields=["no_time_limit", "decision_due", "decision_due_provisional"])
    record_event(application, "referred", by=by, reason=note.strip())
    return application
