"""Celery tasks: take ids, load, call a service or send; idempotent (STYLE.md E)."""

from celery import shared_task
from django.core.mail import send_mail
from django.db import OperationalError
from django.utils import timezone

from licensing import webhooks
from licensing.models import Event

# Events that an applicant is told about by e-mail.
APPLICANT_VERBS = frozenset(
    {"issue_deficiency_notice", "accept", "request_information", "approve", "refuse", "lapse"}
)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def notify_application_event(event_id: int) -> int:
    """E-mail the applicant organisation's members about a change they need to act on."""
    event = Event.objects.select_related("application__organisation").get(pk=event_id)
    if event.verb not in APPLICANT_VERBS or event.application is None:
        return 0
    application = event.application
    recipients = list(
        application.organisation.memberships.exclude(user__email="").values_list(
            "user__email", flat=True
        )
    )
    subject = f"{application.reference}: {application.get_status_display()}"
    body = f"Your application {application.reference} is now {application.get_status_display()}."
    if event.reason:
        body += f"\n\n{event.reason}"
    return send_mail(subject, body, None, recipients) if recipients else 0


# --- webhooks (REST API) ----------------------------------------------------------------


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def deliver_webhook(delivery_id: int) -> bool:
    """Send one webhook delivery if it is due; failures are rescheduled on the row itself."""
    return webhooks.deliver(delivery_id)


@shared_task
def deliver_due_webhooks() -> int:
    """Beat sweep: fan out one task per due delivery (new ones whose message was lost, and
    retries whose backoff has passed)."""
    ids = webhooks.due_delivery_ids(timezone.now())
    for pk in ids:
        deliver_webhook.delay(pk)
    return len(ids)
