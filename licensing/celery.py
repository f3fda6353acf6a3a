"""The Celery app and the beat schedule, as code (DESIGN.md "Architecture").

Due work lives in database rows; beat only wakes the sweeps, which read what is due and fan
out one task per row. Run exactly one beat process; any number of workers.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensing.settings")

app = Celery("licensing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    # https://crontab.guru/#*_*_*_*_* — every minute: a rule change is acted on within a minute.
    "check-rules": {"task": "licensing.tasks.check_rules", "schedule": crontab()},
    # https://crontab.guru/#*_*_*_*_* — deadlines, reminders, lapses, expiries.
    "sweep-due-work": {"task": "licensing.tasks.sweep_due_work", "schedule": crontab()},
    # https://crontab.guru/#*_*_*_*_* — e-mails not yet sent, and retries of failed sends.
    "send-due-emails": {"task": "licensing.tasks.send_due_emails", "schedule": crontab()},
    # https://crontab.guru/#7_*_*_*_* — provisional due dates, checked again hourly.
    "recheck-provisional-due-dates": {
        "task": "licensing.tasks.recheck_provisional_due_dates",
        "schedule": crontab(minute="7"),
    },
    # https://crontab.guru/#37_*_*_*_* — stored files whose upload rolled back, removed hourly.
    "remove-orphan-document-files": {
        "task": "licensing.tasks.remove_orphan_document_files",
        "schedule": crontab(minute="37"),
    },
    # https://crontab.guru/#*_*_*_*_* — webhook deliveries due (new, or retrying after backoff).
    "deliver-due-webhooks": {"task": "licensing.tasks.deliver_due_webhooks", "schedule": crontab()},
}
