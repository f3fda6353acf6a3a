"""The Celery app. The beat schedule is code; due work lives in database rows (DESIGN.md)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensing.settings")

app = Celery("licensing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {}
