"""The Celery app. The beat schedule is code; due work lives in database rows (DESIGN.md)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensing.settings")

app = Celery("licensing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    # Webhook deliveries that are due (new, or retrying after backoff): https://crontab.guru/#*_*_*_*_*
    "deliver-due-webhooks": {
        "task": "licensing.tasks.deliver_due_webhooks",
        "schedule": crontab(),
    },
}
