"""Celery tasks: take ids, load, call a service; idempotent (STYLE.md E).

Beat runs the sweeps every minute (licensing/celery.py); each sweep reads what is due from the
database and fans out one small task per row. A task delivered twice, or for work already
done, does nothing more. Only transient database errors are retried, with backoff.
"""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from licensing import jobs, notifications, services, webhooks
from licensing.models import Application, InformationRequest, Licence, RulesCheck

TRANSIENT: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


@shared_task
def sweep_due_work() -> None:
    """Every minute: deadlines, reminders, lapses and expiries that are due."""
    work = jobs.due_work()
    for kind, task in DUE_WORK_TASKS.items():
        for pk in getattr(work, kind):
            task.delay(pk)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def deem_accepted(application_id: int) -> None:
    services.deem_accepted(Application.objects.get(pk=application_id))


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def remind_decision_due(application_id: int) -> None:
    jobs.remind_decision_due(Application.objects.get(pk=application_id))


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def escalate_breach(application_id: int) -> None:
    jobs.escalate_breach(Application.objects.get(pk=application_id))


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def remind_answer_due(request_id: int) -> None:
    jobs.remind_answer_due(InformationRequest.objects.get(pk=request_id))


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def lapse_unanswered(request_id: int) -> None:
    jobs.lapse_unanswered(InformationRequest.objects.get(pk=request_id))


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def expire_licence(licence_id: int) -> None:
    services.expire_licence(Licence.objects.get(pk=licence_id))


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def check_rules() -> None:
    """Every minute: has the set of provisions in force changed? Then re-screen; and finish
    any re-screening whose wake-ups were lost."""
    jobs.check_rules()  # a new check fans out its own re-screening after commit
    for check_id, pending in jobs.unfinished_rescreens().items():
        for pk in pending:
            rescreen_application.delay(pk, check_id)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def rescreen_pending(check_id: int) -> None:
    for pk in jobs.pending_rescreens(RulesCheck.objects.get(pk=check_id)):
        rescreen_application.delay(pk, check_id)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def rescreen_application(application_id: int, check_id: int) -> None:
    services.rescreen_for_rules_change(
        Application.objects.get(pk=application_id), check=RulesCheck.objects.get(pk=check_id)
    )


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def recheck_provisional_due_dates() -> None:
    """Hourly: due dates counted through an unpublished year, checked again (a holidays
    release or an override may have published it)."""
    for pk in jobs.provisional_due_date_ids():
        recompute_clocks.delay(pk)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def recompute_clocks(application_id: int) -> None:
    services.recompute_clocks(Application.objects.get(pk=application_id))


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def remove_orphan_document_files() -> None:
    """Hourly: files of uploads whose transaction rolled back."""
    jobs.remove_orphan_document_files()


@shared_task
def send_due_emails() -> None:
    """Every minute: e-mails not yet sent (new, or failed and due for a retry)."""
    for pk in notifications.due_email_ids():
        send_notification_email.delay(pk)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> None:
    notifications.send_notification_email(notification_id)


# Which task does each kind of due work (jobs.DueWork's fields).
DUE_WORK_TASKS: dict[str, Task[[int], None]] = {
    "deemed_acceptances": deem_accepted,
    "decision_reminders": remind_decision_due,
    "breaches": escalate_breach,
    "answer_reminders": remind_answer_due,
    "lapses": lapse_unanswered,
    "expiries": expire_licence,
}


# --- webhooks (REST API) ----------------------------------------------------------------


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
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
