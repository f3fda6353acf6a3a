"""The notification outbox: in-app messages, each e-mailed once, retried when sending fails.

A notification is written in the transaction of the change it reports (so it is never lost
and never sent for a change that rolled back); the e-mail goes out after commit. A send is
retried with backoff from the row's own due time, so a lost broker message costs one tick.
Exactly once: the unique key stops duplicates at creation, and a claim on the row stops two
workers sending it at once. (A crash between the mail server's reply and recording it would
send it again once the claim expires: SMTP offers nothing stronger.)
"""

import datetime as dt
import smtplib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import F, QuerySet
from django.utils import timezone

from licensing import permissions, tasks
from licensing.models import Application, Event, Notification

# Minutes to wait before each retry of a failed send; then the row is marked failed.
RETRY_BACKOFF_MINUTES = (1, 5, 15, 60, 240)

# Status changes the applicant must hear about, and those the case officer must.
APPLICANT_VERBS = frozenset(
    {"submit", "issue_deficiency_notice", "accept", "request_information", "approve", "refuse"}
    | {"lapse"}
)
OFFICER_VERBS = frozenset({"resubmit", "answer_information_request", "withdraw"})


def organisation_members(application: Application) -> QuerySet[Any]:
    return get_user_model().objects.filter(
        membership__organisation_id=application.organisation_id, is_active=True
    )


def supervisors() -> QuerySet[Any]:
    return get_user_model().objects.filter(
        groups__name=permissions.SUPERVISOR_GROUP, is_active=True
    )


def notify(
    recipients: Iterable[Any],
    *,
    topic: str,
    subject: str,
    body: str,
    application: Application | None = None,
) -> int:
    """Notify each recipient once about ``topic``; the e-mails go out after commit.

    Returns how many notifications are new; a repeat of the same topic creates none.
    """
    now = timezone.now()
    people = {user.pk: user for user in recipients}
    rows = [
        Notification(
            key=f"{topic}:{user.pk}",
            topic=topic,
            recipient=user,
            application=application,
            subject=subject[:200],
            body=body,
            created_at=now,
            email_status=(
                Notification.EmailStatus.PENDING
                if user.email
                else Notification.EmailStatus.NO_ADDRESS
            ),
            email_next_attempt_at=now,
        )
        for user in people.values()
    ]
    keys = [row.key for row in rows]
    existing = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    # ignore_conflicts: a concurrent creator of the same key wins quietly.
    Notification.objects.bulk_create(
        [row for row in rows if row.key not in existing], ignore_conflicts=True
    )
    pending = Notification.objects.filter(
        key__in=set(keys) - existing, email_status=Notification.EmailStatus.PENDING
    ).values_list("pk", flat=True)
    for pk in pending:
        tasks.send_notification_email.delay_on_commit(pk)  # type: ignore[attr-defined]
    return len(set(keys) - existing)


def notify_status_change(event: Event) -> int:
    """Tell whoever must act next that a case changed status (called inside its transaction)."""
    application = event.application
    if application is None:
        return 0
    status = application.get_status_display()
    subject = f"{application.reference}: {status}"
    body = f"Application {application.reference} is now: {status}."
    if event.reason:
        body += f"\n\n{event.reason}"
    if event.verb in APPLICANT_VERBS:
        return notify(
            organisation_members(application),
            topic=f"event:{event.pk}",
            subject=subject,
            body=body,
            application=application,
        )
    if event.verb in OFFICER_VERBS and application.assigned_officer_id is not None:
        return notify(
            [application.assigned_officer],
            topic=f"event:{event.pk}",
            subject=subject,
            body=body,
            application=application,
        )
    return 0


def _retry_delay(attempts: int) -> dt.timedelta | None:
    if attempts > len(RETRY_BACKOFF_MINUTES):
        return None
    return dt.timedelta(minutes=RETRY_BACKOFF_MINUTES[attempts - 1])


def send_notification_email(notification_id: int) -> bool:
    """Send one due notification by e-mail; True when this call sent it.

    The row is claimed first (a conditional update: one worker wins), then the mail is sent
    outside any transaction, so a slow mail server holds no lock; the result is recorded
    after. A worker killed mid-send leaves the claim to expire, and the sweep sends it again.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id,
        email_status=Notification.EmailStatus.PENDING,
        email_next_attempt_at__lte=now,
    ).update(
        email_next_attempt_at=now + dt.timedelta(seconds=settings.EMAIL_CLAIM_SECONDS),
        email_attempts=F("email_attempts") + 1,
    )
    if not claimed:  # sent already, given up, not due, or another worker has it
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        send_mail(notification.subject, notification.body, None, [notification.recipient.email])
    except (smtplib.SMTPException, OSError) as error:  # the mail server, not our code
        delay = _retry_delay(notification.email_attempts)
        notification.email_error = f"{type(error).__name__}: {error}"
        if delay is None:
            notification.email_status = Notification.EmailStatus.FAILED
        else:
            notification.email_next_attempt_at = timezone.now() + delay
        notification.save(update_fields=["email_error", "email_status", "email_next_attempt_at"])
        return False
    notification.email_status = Notification.EmailStatus.SENT
    notification.email_sent_at = timezone.now()
    notification.email_error = ""
    notification.save(update_fields=["email_status", "email_sent_at", "email_error"])
    return True


def mark_read(user: Any, *, notification_ids: Iterable[int] | None = None) -> int:
    """The reader marks their own notifications read (all of them when no ids are given)."""
    unread = Notification.objects.filter(recipient=user).unread()
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def due_email_ids() -> list[int]:
    """Notifications waiting to be e-mailed whose (re)try time has come."""
    return list(Notification.objects.email_due(timezone.now()).values_list("pk", flat=True))
