"""Ending a case or a licence without a decision: withdrawal, lapse, licence expiry."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from licensing import notifications
from licensing.models import (
    Application,
    InformationRequest,
    Licence,
    Notification,
)
from licensing.services._common import (
    _lock,
    _require_applicant,
    _transition,
    local_date,
    record_event,
)
from licensing.workflow import Action, check_action


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
