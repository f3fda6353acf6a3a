"""The background jobs on a real broker (Redis in CI) and real workers: in a thread, and in
separate processes, one of which is killed with SIGKILL in the middle of a task."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection

from licensing import services, tasks
from licensing.celery import app
from licensing.models import Event, Notification
from licensing.workflow import Status
from tests.factories import application_in, complete_draft

pytestmark = pytest.mark.usefixtures("reference_data")
ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {condition.__doc__}")
        time.sleep(0.1)


@pytest.fixture
def empty_queue() -> None:
    """Messages left by earlier tests name rows that no longer exist."""
    app.control.purge()


@pytest.fixture
def worker(empty_queue: None) -> Iterator[Any]:
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as running:
        yield running


def test_a_submission_reaches_the_applicant_through_the_worker(actors: Any, worker: Any) -> None:
    draft = complete_draft(actors["organisation"], actors["applicant"])

    services.submit_application(draft, by=actors["applicant"])

    notification = Notification.objects.get(application=draft)

    def sent() -> bool:
        """the notification is e-mailed"""
        notification.refresh_from_db()
        return notification.email_status == Notification.EmailStatus.SENT

    wait_for(sent)
    assert [m.to for m in mail.outbox] == [[actors["applicant"].email]]


def test_every_sweep_delivered_twice_has_one_effect(actors: Any, worker: Any) -> None:
    submitted = application_in(Status.SUBMITTED, **actors)
    approved = application_in(Status.APPROVED, **actors)
    # Their deadlines have passed: the acceptance check ended, the licence ran out.
    submitted.__class__.objects.filter(pk=submitted.pk).update(acceptance_due=dt.date(2026, 1, 5))
    approved.licence.__class__.objects.filter(pk=approved.licence.pk).update(
        valid_from=dt.date(2025, 1, 5), valid_until=dt.date(2026, 1, 5)
    )

    for _ in range(2):
        tasks.sweep_due_work.delay()
        tasks.check_rules.delay()
    for _ in range(2):
        tasks.send_due_emails.delay()

    def done() -> bool:
        """the case is accepted, the licence expired and every e-mail sent"""
        submitted.refresh_from_db()
        approved.licence.refresh_from_db()
        return (
            submitted.status == Status.UNDER_REVIEW
            and approved.licence.status == "expired"
            and not Notification.objects.filter(email_status="pending").exists()
        )

    wait_for(done)
    time.sleep(1)  # let any duplicate still queued run
    assert Event.objects.filter(application=submitted, verb="accept").count() == 1
    assert Event.objects.filter(application=approved, verb="licence_expired").count() == 1
    assert Event.objects.filter(verb="rules_changed").count() == 1
    assert len(mail.outbox) == Notification.objects.exclude(recipient__email="").count()


def start_worker_process(name: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    database = settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{connection.settings_dict['NAME']}"
    )
    return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "licensing",
            "worker",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "TEST_DATABASE_URL": url,
            "TEST_CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "PYTHONPATH": str(ROOT),
        }
        | env,
        start_new_session=True,  # its own process group: the kill takes its pool child too
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_worker_killed_mid_task_the_next_worker_sends_once(
    actors: Any, empty_queue: None, tmp_path: Path
) -> None:
    marker, outbox = tmp_path / "sending", tmp_path / "mail"
    outbox.mkdir()
    draft = complete_draft(actors["organisation"], actors["applicant"])
    services.submit_application(draft, by=actors["applicant"])  # enqueues the e-mail
    notification = Notification.objects.get(application=draft)

    first = start_worker_process(
        "first",
        {
            "TEST_EMAIL_BACKEND": "tests.blocking_email.BlockingBackend",
            "BLOCKING_EMAIL_MARKER": str(marker),
            "LODESTONE_EMAIL_CLAIM_SECONDS": "2",
        },
    )
    try:
        wait_for(marker.exists)  # the task is in the middle of sending
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.PENDING  # never recorded
    time.sleep(2)  # the dead worker's claim on the row expires

    second = start_worker_process(
        "second",
        {
            "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "TEST_EMAIL_FILE_PATH": str(outbox),
            "TEST_BROKER_VISIBILITY_TIMEOUT": "2",
        },
    )
    try:
        tasks.send_due_emails.delay()  # beat's next tick

        def sent() -> bool:
            """the second worker sent the e-mail"""
            notification.refresh_from_db()
            return notification.email_status == Notification.EmailStatus.SENT

        wait_for(sent, timeout=60)
        time.sleep(4)  # past the visibility timeout: the killed worker's message comes back
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)
    assert notification.email_attempts == 2  # the killed attempt, and the one that sent
    assert len(list(outbox.iterdir())) == 1
