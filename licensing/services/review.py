"""Review and decision: information requests and clock pauses, recommendation, countersignature,
approval (the licence), refusal, referral.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from licensing import clocks
from licensing.calendar import add_working_days
from licensing.exceptions import NotEligible, TransitionNotAllowed
from licensing.models import (
    Application,
    ClockPause,
    Decision,
    EndUseDeclaration,
    InformationRequest,
    Licence,
    LicenceLine,
)
from licensing.services._common import (
    LICENCE_VALIDITY_DAYS,
    _answer_open_request,
    _check_answer_due,
    _close_pause,
    _default_answer_due,
    _lock,
    _next_number,
    _open_pause,
    _recompute_decision_due,
    _require_applicant,
    _require_reviewer,
    _require_supervisor,
    _touch,
    _transition,
    calendar_overrides,
    local_date,
    record_event,
)
from licensing.validators import licence_check_character
from licensing.workflow import Action, Status, check_action


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
