"""Deadline jobs: deemed acceptance, decision reminders, breaches, lapses, licence expiry."""

import datetime as dt
import smtplib
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from licensing import calendar, jobs, notifications, services, tasks
from licensing.models import Event, InformationRequest, Licence, Notification
from licensing.workflow import Status
from tests.factories import application_in, pdf
from tests.sweeps import run_due_work

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An instant on a China calendar day."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def topics(prefix: str) -> list[str]:
    return sorted(
        set(Notification.objects.filter(topic__startswith=prefix).values_list("topic", flat=True))
    )


# --- deemed acceptance --------------------------------------------------------------------


def test_unchecked_application_counts_as_accepted_on_receipt(actors: Any) -> None:
    with time_machine.travel(at(dt.date(2026, 3, 2), 10), tick=False):  # Monday
        app = application_in(Status.SUBMITTED, **actors)
    assert app.acceptance_due == dt.date(2026, 3, 9)  # 5 working days

    with time_machine.travel(at(dt.date(2026, 3, 9), 23, 59), tick=False):
        assert run_due_work().deemed_acceptances == []
    with time_machine.travel(at(dt.date(2026, 3, 10), 0, 1), tick=False):
        run_due_work()
        run_due_work()  # the tick runs twice: nothing more happens

    app.refresh_from_db()
    assert app.status == Status.UNDER_REVIEW
    assert app.accepted_at == app.submitted_at  # accepted on receipt
    assert app.decision_due == calendar.add_working_days(dt.date(2026, 3, 2), 45)
    accepted = Event.objects.get(application=app, verb="accept")
    assert accepted.actor is None
    assert "acceptance check" in accepted.reason
    assert (
        Notification.objects.filter(topic=f"event:{accepted.pk}").get().recipient
        == actors["applicant"]
    )
    assert (
        Notification.objects.get(topic=f"deemed-accepted:{app.pk}").recipient
        == actors["supervisor"]
    )


def test_deficiency_notice_in_time_stops_deemed_acceptance(actors: Any) -> None:
    with time_machine.travel(at(dt.date(2026, 3, 2), 10), tick=False):
        app = application_in(Status.DEFICIENT, **actors)
    with time_machine.travel(at(dt.date(2026, 3, 20)), tick=False):
        run_due_work()
    app.refresh_from_db()
    assert app.status == Status.DEFICIENT


# --- decision reminders and breaches ------------------------------------------------------

# Accepted on Thursday 6 August 2026, the decision is due on Wednesday 14 October: the count
# runs across the Mid-Autumn Festival (Fri 25 Sep), National Day (1-7 Oct) and the make-up
# working Saturday 10 October.
ACCEPTED = dt.date(2026, 8, 6)
DUE = dt.date(2026, 10, 14)
REMINDER_DAYS = {
    dt.date(2026, 9, 23): 10,  # Wed: 10 working days before (25 Sep is a holiday)
    dt.date(2026, 10, 8): 5,  # Thu: first working day after National Day (Sat 10 Oct works)
    dt.date(2026, 10, 13): 1,  # Tue
}


@pytest.fixture
def case_due_14_october(actors: Any) -> Any:
    with time_machine.travel(at(ACCEPTED, 10), tick=False):
        app = application_in(Status.UNDER_REVIEW, **actors)
    assert app.decision_due == DUE
    return app


def test_reminders_at_exact_working_day_thresholds_across_holidays(
    case_due_14_october: Any, actors: Any
) -> None:
    app = case_due_14_october
    sent_on: dict[dt.date, list[str]] = {}
    day = dt.date(2026, 9, 14)
    while day <= DUE:
        for hour in (0, 9, 17):  # several ticks a day, on holidays too
            with time_machine.travel(at(day, hour, 1), tick=False):
                before = set(topics(f"decision-reminder:{app.pk}:"))
                run_due_work()
                new = set(topics(f"decision-reminder:{app.pk}:")) - before
                if new:
                    sent_on[day] = sorted(new)
        day += dt.timedelta(days=1)

    assert sent_on == {
        day: [f"decision-reminder:{app.pk}:{DUE}:{n}"] for day, n in REMINDER_DAYS.items()
    }
    # Each went once to the officer and once to the supervisor.
    reminders = Notification.objects.filter(topic__startswith=f"decision-reminder:{app.pk}:")
    assert sorted(reminders.values_list("recipient__username", flat=True)) == sorted(
        [actors["officer"].username, actors["supervisor"].username] * 3
    )


def test_a_missed_tick_sends_only_the_most_urgent_reminder(case_due_14_october: Any) -> None:
    app = case_due_14_october
    with time_machine.travel(at(dt.date(2026, 10, 9)), tick=False):  # 4 working days left
        run_due_work()
    assert topics(f"decision-reminder:{app.pk}:") == [f"decision-reminder:{app.pk}:{DUE}:5"]


def test_no_reminder_while_the_clock_is_paused(case_due_14_october: Any, actors: Any) -> None:
    app = services.pause_clock(
        case_due_14_october, by=actors["officer"], reason="expert_consultation"
    )
    with time_machine.travel(at(dt.date(2026, 10, 13)), tick=False):
        run_due_work()
    assert topics(f"decision-reminder:{app.pk}:") == []


def test_breached_deadline_escalates_once_and_shows_on_the_case(
    case_due_14_october: Any, actors: Any, client: Any
) -> None:
    app = case_due_14_october
    with time_machine.travel(at(DUE, 23, 59), tick=False):
        assert run_due_work().breaches == []
    with time_machine.travel(at(DUE + dt.timedelta(days=1), 0, 1), tick=False):
        run_due_work()
        assert run_due_work().breaches == []  # escalated: not selected again

    breach = Event.objects.get(application=app, verb="deadline_breached")
    assert breach.payload == {"decision_due": str(DUE)}
    escalated_to = Notification.objects.filter(topic=f"breach:{app.pk}:{DUE}")
    assert {n.recipient for n in escalated_to} == {actors["officer"], actors["supervisor"]}
    client.force_login(actors["supervisor"])
    page = client.get(f"/dashboard/applications/{app.pk}/").content.decode()
    assert "Decision overdue" in page


@pytest.mark.usefixtures("reference_data")
def test_two_sweeps_at_once_notify_once(case_due_14_october: Any) -> None:
    app = case_due_14_october
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def remind() -> None:
        try:
            barrier.wait()
            jobs.remind_decision_due(app)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(at(dt.date(2026, 10, 13)), tick=False):
        threads = [threading.Thread(target=remind) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert Notification.objects.filter(topic=f"decision-reminder:{app.pk}:{DUE}:1").count() == 2


# --- unanswered notices and requests ------------------------------------------------------


def test_unanswered_request_is_reminded_then_lapses(actors: Any) -> None:
    with time_machine.travel(at(dt.date(2026, 3, 2), 10), tick=False):
        app = application_in(Status.INFORMATION_REQUESTED, **actors)
    request = InformationRequest.objects.get(application=app)
    assert request.answer_due == calendar.add_working_days(dt.date(2026, 3, 2), 20)  # 30 Mar

    with time_machine.travel(at(dt.date(2026, 3, 20)), tick=False):  # 6 working days left
        run_due_work()
    assert topics(f"answer-reminder:{request.pk}:") == []
    with time_machine.travel(at(dt.date(2026, 3, 23)), tick=False):  # 5 left
        run_due_work()
        run_due_work()
    reminder = Notification.objects.get(topic=f"answer-reminder:{request.pk}:2026-03-30")
    assert reminder.recipient == actors["applicant"]
    with time_machine.travel(at(dt.date(2026, 3, 30), 23, 59), tick=False):
        run_due_work()
    app.refresh_from_db()
    assert app.status == Status.INFORMATION_REQUESTED
    with time_machine.travel(at(dt.date(2026, 3, 31), 0, 1), tick=False):
        run_due_work()
        run_due_work()

    app.refresh_from_db()
    assert app.status == Status.LAPSED
    lapsed = Event.objects.get(application=app, verb="lapse")
    assert lapsed.actor is None
    assert "2026-03-30" in lapsed.reason
    assert not app.pauses.filter(ended_at__isnull=True).exists()


def test_answer_window_is_configurable(actors: Any, settings: Any) -> None:
    settings.ANSWER_WINDOW_WORKING_DAYS = 3
    with time_machine.travel(at(dt.date(2026, 3, 2), 10), tick=False):
        app = application_in(Status.DEFICIENT, **actors)
    request = app.information_requests.get()
    assert request.answer_due == dt.date(2026, 3, 5)
    # Nothing ran until after the due date (an outage): a reminder still comes first.
    with time_machine.travel(at(dt.date(2026, 3, 6)), tick=False):
        run_due_work()
        app.refresh_from_db()
        assert app.status == Status.DEFICIENT
        reminder = Notification.objects.get(topic=f"answer-reminder:{request.pk}:2026-03-05")
        assert "was due by 2026-03-05" in reminder.body
    with time_machine.travel(at(dt.date(2026, 3, 6), 9, 1), tick=False):
        run_due_work()
    app.refresh_from_db()
    assert app.status == Status.LAPSED


def test_an_answer_in_time_prevents_the_lapse(actors: Any) -> None:
    with time_machine.travel(at(dt.date(2026, 3, 2), 10), tick=False):
        app = application_in(Status.INFORMATION_REQUESTED, **actors)
    with time_machine.travel(at(dt.date(2026, 3, 30), 17), tick=False):
        services.answer_information_request(app, by=actors["applicant"], answer="TM-40 motors")
    with time_machine.travel(at(dt.date(2026, 4, 2)), tick=False):
        assert run_due_work().lapses == []
    app.refresh_from_db()
    assert app.status == Status.UNDER_REVIEW


# --- licences -----------------------------------------------------------------------------


def test_licence_expires_when_its_validity_ends(actors: Any) -> None:
    with time_machine.travel(at(dt.date(2026, 3, 2), 10), tick=False):
        app = application_in(Status.APPROVED, **actors)
    licence = Licence.objects.get(application=app)
    assert licence.valid_until == dt.date(2027, 3, 2)

    with time_machine.travel(at(dt.date(2027, 3, 2), 23, 59), tick=False):
        run_due_work()
    licence.refresh_from_db()
    assert licence.status == Licence.Status.ACTIVE
    with time_machine.travel(at(dt.date(2027, 3, 3), 0, 1), tick=False):
        run_due_work()
        run_due_work()

    licence.refresh_from_db()
    assert licence.status == Licence.Status.EXPIRED
    assert Event.objects.filter(application=app, verb="licence_expired").count() == 1
    assert (
        Notification.objects.get(topic=f"licence-expired:{licence.pk}").recipient
        == actors["applicant"]
    )


# --- the e-mail outbox --------------------------------------------------------------------


class RefusingBackend:
    """A mail server that is down."""

    def __init__(self, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_failed_send_is_retried_from_the_row_then_sent_once(actors: Any, settings: Any) -> None:
    start = at(dt.date(2026, 3, 2), 10)
    with time_machine.travel(start, tick=False):
        app = application_in(Status.SUBMITTED, **actors)
        notification = Notification.objects.get(application=app)
        settings.EMAIL_BACKEND = "tests.licensing.test_jobs.RefusingBackend"
        tasks.send_notification_email(notification.pk)
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == ("pending", 1)
    assert "SMTPServerDisconnected" in notification.email_error
    assert notification.email_next_attempt_at == start + dt.timedelta(minutes=1)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        assert notification.pk not in notifications.due_email_ids()
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        assert notification.pk in notifications.due_email_ids()
        tasks.send_notification_email(notification.pk)
        tasks.send_notification_email(notification.pk)  # delivered twice

    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_the_outbox_gives_up_after_repeated_failures(actors: Any, settings: Any) -> None:
    app = application_in(Status.SUBMITTED, **actors)
    notification = Notification.objects.get(application=app)
    settings.EMAIL_BACKEND = "tests.licensing.test_jobs.RefusingBackend"
    for _ in range(6):  # each retry once it is due
        Notification.objects.filter(pk=notification.pk).update(email_next_attempt_at=timezone.now())
        tasks.send_notification_email(notification.pk)
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == ("failed", 6)


def test_the_sweeps_cost_the_same_queries_for_one_due_case_or_many(actors: Any) -> None:
    with time_machine.travel(at(ACCEPTED, 10), tick=False):
        application_in(Status.UNDER_REVIEW, **actors)
    with time_machine.travel(at(dt.date(2026, 10, 13)), tick=False):
        with CaptureQueriesContext(connection) as one:
            assert len(jobs.due_work().decision_reminders) == 1
        with time_machine.travel(at(ACCEPTED, 10), tick=False):
            for _ in range(4):
                application_in(Status.UNDER_REVIEW, **actors)
        with CaptureQueriesContext(connection) as five:
            assert len(jobs.due_work().decision_reminders) == 5
    assert len(five) == len(one) <= 10


def test_provisional_due_dates_are_checked_again(actors: Any) -> None:
    with time_machine.travel(at(dt.date(2026, 12, 1), 10), tick=False):
        app = application_in(Status.UNDER_REVIEW, **actors)
    assert app.decision_due_provisional  # counted into 2027, whose schedule is unpublished
    right = app.decision_due
    # Stored under an older holidays release that counted differently.
    type(app).objects.filter(pk=app.pk).update(decision_due=right - dt.timedelta(days=3))

    with time_machine.travel(at(dt.date(2026, 12, 2), 10, 7), tick=False):
        assert app.pk in jobs.provisional_due_date_ids()
        tasks.recompute_clocks(app.pk)
        tasks.recompute_clocks(app.pk)

    app.refresh_from_db()
    assert app.decision_due == right
    assert Event.objects.filter(application=app, verb="clock_recomputed").count() == 1


def test_a_stale_lapse_for_an_answered_notice_does_nothing(actors: Any) -> None:
    with time_machine.travel(at(dt.date(2026, 3, 2), 10), tick=False):
        app = application_in(Status.DEFICIENT, **actors)
    first = app.information_requests.get()
    with time_machine.travel(at(dt.date(2026, 3, 25)), tick=False):
        run_due_work()  # the reminder for the first notice
        app = services.resubmit_application(app, by=actors["applicant"], answer="Signed.")
        services.issue_deficiency_notice(app, by=actors["officer"], deficiencies=["Stamp it"])

    with time_machine.travel(at(dt.date(2026, 4, 1)), tick=False):  # past the first due date
        tasks.lapse_unanswered(first.pk)  # delivered late, after all that happened

    app.refresh_from_db()
    assert app.status == Status.DEFICIENT
    assert not Event.objects.filter(application=app, verb="lapse").exists()


def test_a_calendar_override_moves_answer_due_dates_counted_in_working_days(
    actors: Any,
) -> None:
    with time_machine.travel(at(dt.date(2026, 3, 2), 10), tick=False):
        counted = application_in(Status.DEFICIENT, **actors)
        chosen = application_in(Status.UNDER_REVIEW, **actors)
        services.request_information(
            chosen, by=actors["officer"], question="Which?", answer_due=dt.date(2026, 3, 30)
        )
        # A supervisor records an extra day off inside both windows.
        services.save_calendar_override(
            dt.date(2026, 3, 16), by=actors["supervisor"], is_working_day=False, source="Notice"
        )
    assert counted.information_requests.get().answer_due == dt.date(2026, 3, 31)  # was 30th
    assert chosen.information_requests.get().answer_due == dt.date(2026, 3, 30)  # as chosen


def test_files_of_rolled_back_uploads_are_removed_after_an_hour(
    actors: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # only this test's files
    app = application_in(Status.DRAFT, **actors)
    kept = app.documents.first()
    storage = kept.file.storage
    assert storage.path(kept.file.name).startswith(str(tmp_path))
    orphan = storage.save(f"applications/{app.pk}/rolled-back.pdf", pdf("rolled-back.pdf"))

    assert jobs.remove_orphan_document_files() == []  # too young: its upload may be running
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        removed = jobs.remove_orphan_document_files()

    assert removed == [orphan]
    assert not storage.exists(orphan)
    assert storage.exists(kept.file.name)
