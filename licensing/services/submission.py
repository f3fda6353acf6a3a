"""Submission and the 5-working-day acceptance check: deficiency notice, resubmission, acceptance
(or acceptance on receipt), assignment.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from licensing import (
    clocks,
    notifications,
    permissions,
)
from licensing.calendar import add_working_days
from licensing.exceptions import NotEligible
from licensing.models import (
    Application,
    Document,
    EndUseDeclaration,
    InformationRequest,
    Party,
)
from licensing.services._common import (
    REQUIRED_DOCUMENTS,
    SCREENING_FIELDS,
    _answer_open_request,
    _check_answer_due,
    _default_answer_due,
    _lock,
    _recompute_decision_due,
    _require_applicant,
    _require_reviewer,
    _require_supervisor,
    _screen,
    _transition,
    calendar_overrides,
    local_date,
    record_event,
)
from licensing.workflow import Action, Status, check_action


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
