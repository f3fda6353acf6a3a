"""Guards, bad input, clocks and follow-up work of the services."""

import datetime as dt
from decimal import Decimal
from typing import Any
from unittest.mock import patch

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from licensing import calendar, services, tasks
from licensing.exceptions import NotEligible, NotPermitted, StaleVersion
from licensing.models import (
    ApplicationLine,
    Document,
    Event,
    Licence,
    Notification,
    Organisation,
    Party,
)
from licensing.validators import is_valid_licence_number
from licensing.workflow import Status
from tests.factories import UserFactory, application_in, complete_draft, pdf, valid_credit_code

# 2026-03-02 10:00 Asia/Shanghai is a Monday after the Spring Festival break.
MONDAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def test_submit_lists_every_missing_piece_at_once(applicant: Any, organisation: Any) -> None:
    app = services.create_draft(organisation, by=applicant)

    with pytest.raises(NotEligible) as error:
        services.submit_application(app, by=applicant)

    assert len(error.value.problems) == 8
    app.refresh_from_db()
    assert app.status == Status.DRAFT


def test_draft_gets_a_yearly_human_reference(applicant: Any, organisation: Any) -> None:
    first = services.create_draft(organisation, by=applicant)
    second = services.create_draft(organisation, by=applicant)
    year = first.created_at.year
    assert first.reference == f"LS-{year}-000001"
    assert second.reference == f"LS-{year}-000002"


@pytest.mark.parametrize("quantity", [Decimal("0"), Decimal("-5")])
def test_zero_or_negative_quantity_is_refused(
    quantity: Decimal, applicant: Any, organisation: Any
) -> None:
    app = services.create_draft(organisation, by=applicant)
    with pytest.raises(ValidationError) as error:
        services.add_line(
            app, by=applicant, item_code="1C904.a.4", quantity=quantity, unit_value=Decimal("1")
        )
    assert "quantity" in error.value.message_dict
    assert not ApplicationLine.objects.filter(application=app).exists()


def test_unknown_item_code_is_refused(applicant: Any, organisation: Any) -> None:
    app = services.create_draft(organisation, by=applicant)
    with pytest.raises(ValidationError, match="not on the control list"):
        services.add_line(
            app, by=applicant, item_code="9Z999", quantity=Decimal("1"), unit_value=Decimal("1")
        )
    assert not ApplicationLine.objects.filter(application=app).exists()
    assert not Event.objects.filter(application=app, verb="line_added").exists()


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_oversize_upload_is_refused_and_nothing_saved(applicant: Any, organisation: Any) -> None:
    app = services.create_draft(organisation, by=applicant)
    big = pdf("big.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    with pytest.raises(ValidationError, match="the limit is"):
        services.upload_document(app, by=applicant, kind="contract", file=big)
    assert not Document.objects.filter(application=app).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "not accepted"),
        ("contract.pdf", b"just some text, not a PDF", "content is an unrecognised format"),
        ("contract.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "content is image/png"),
    ],
)
def test_disallowed_upload_type_is_refused(
    name: str, content: bytes, message: str, applicant: Any, organisation: Any
) -> None:
    app = services.create_draft(organisation, by=applicant)
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError, match=message):
        services.upload_document(app, by=applicant, kind="contract", file=upload)
    assert not Document.objects.filter(application=app).exists()


def test_invalid_credit_code_saves_nothing(supervisor: Any) -> None:
    bad = Organisation(name="Bad Code Ltd", credit_code="91350100M000100Y44", address="x")
    with pytest.raises(ValidationError, match="check character"):
        services.save_reference_data(bad, by=supervisor)
    assert not Organisation.objects.filter(name="Bad Code Ltd").exists()


def test_reference_data_correction_is_audited(supervisor: Any) -> None:
    org = services.save_reference_data(
        Organisation(name="Ganzhou Metals", credit_code=valid_credit_code(77), address="x"),
        by=supervisor,
    )
    org.name = "Ganzhou Metals Group"
    services.save_reference_data(org, by=supervisor, changed=["name"])
    event = Event.objects.filter(subject_type="licensing.organisation").latest("pk")
    assert (event.verb, event.actor, event.payload) == (
        "reference_corrected",
        supervisor,
        {"name": "Ganzhou Metals Group"},
    )


def test_stale_edit_is_refused(applicant: Any, organisation: Any) -> None:
    app = services.create_draft(organisation, by=applicant)
    services.update_draft(app, by=applicant, destination_country="jp")
    with pytest.raises(StaleVersion):
        services.update_draft(app, by=applicant, expected_version=1, destination_country="KR")
    app.refresh_from_db()
    assert app.destination_country == "JP"


def test_countersigner_must_not_be_the_recommender(actors: Any) -> None:
    supervisor = actors["supervisor"]
    app = application_in(Status.UNDER_REVIEW, **actors)
    services.recommend_decision(app, by=supervisor, outcome="approve")
    with pytest.raises(NotEligible, match="must not be the person who recommended"):
        services.countersign_decision(app, by=supervisor, agree=True)
    app.refresh_from_db()
    assert app.status == Status.AWAITING_COUNTERSIGN
    assert not Licence.objects.filter(application=app).exists()


def test_military_end_use_cannot_be_approved_without_countersignature(actors: Any) -> None:
    app = complete_draft(actors["organisation"], actors["applicant"], military=True)
    app = services.submit_application(app, by=actors["applicant"])
    app = services.accept_application(app, by=actors["officer"])
    with pytest.raises(NotEligible, match="countersignature"):
        services.approve_application(app, by=actors["officer"])


def test_countersigned_approval_issues_a_licence(actors: Any) -> None:
    app = application_in(Status.AWAITING_COUNTERSIGN, **actors)
    app = services.countersign_decision(app, by=actors["supervisor"], agree=True)
    licence = Licence.objects.get(application=app)
    assert app.status == Status.APPROVED
    assert is_valid_licence_number(licence.number)
    assert (licence.valid_until - licence.valid_from).days == 365
    assert app.licence_issue_due is not None
    assert app.licence_issue_due > licence.valid_from
    assert licence.lines.get().item.code == "1C904.a.4"


def test_another_organisation_cannot_change_the_case(actors: Any, other_applicant: Any) -> None:
    app = application_in(Status.DRAFT, **actors)
    with pytest.raises(NotPermitted):
        services.submit_application(app, by=other_applicant)
    with pytest.raises(NotPermitted):
        services.add_party(
            app, by=other_applicant, role=Party.Role.CONSIGNEE, name="X", country="DE"
        )
    app.refresh_from_db()
    assert app.status == Status.DRAFT
    assert app.parties.count() == 1


def test_applicant_cannot_act_as_reviewer(actors: Any) -> None:
    app = application_in(Status.SUBMITTED, **actors)
    with pytest.raises(NotPermitted):
        services.accept_application(app, by=actors["applicant"])
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED


@time_machine.travel(MONDAY, tick=False)
def test_clock_starts_on_receipt_when_no_deficiency_notice(actors: Any) -> None:
    app = application_in(Status.SUBMITTED, **actors)
    assert app.acceptance_due == dt.date(2026, 3, 9)  # 5 working days after Monday 2 March
    with time_machine.travel(MONDAY + dt.timedelta(days=3), tick=False):
        app = services.accept_application(app, by=actors["officer"])
    assert app.accepted_at == app.submitted_at
    # 45 working days from Monday 2 March 2026 (accepted on receipt): 42 fall by 30 April
    # (Qingming 4-6 April off), Labour Day 1-5 May is off, so day 45 is Friday 8 May.
    assert app.decision_due == dt.date(2026, 5, 8)


@time_machine.travel(MONDAY, tick=False)
def test_information_request_pauses_the_clock(actors: Any) -> None:
    app = application_in(Status.UNDER_REVIEW, **actors)
    due = app.decision_due
    services.request_information(app, by=actors["officer"], question="Which models?")
    with time_machine.travel(MONDAY + dt.timedelta(days=7), tick=False):
        app = services.answer_information_request(app, by=actors["applicant"], answer="TM-40")
    # Paused Monday 2 March (the day of acceptance, never counted) to Monday 9 March:
    # the 4 working days 3-6 March are added back.
    assert app.decision_due == calendar.add_working_days(due, 4)


def test_service_writes_the_notification_and_sends_it_only_after_commit(
    actors: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = application_in(Status.SUBMITTED, **actors)
    with django_capture_on_commit_callbacks() as callbacks:
        services.accept_application(app, by=actors["officer"])
    accepted = Event.objects.get(application=app, verb="accept")
    notification = Notification.objects.get(topic=f"event:{accepted.pk}")
    assert notification.recipient == actors["applicant"]
    assert len(callbacks) == 1
    assert mail.outbox == []  # nothing was sent inside the transaction

    with patch.object(tasks.send_notification_email, "apply_async") as send:
        callbacks[0]()
    assert send.call_args.args[0] == (notification.pk,)
    tasks.send_notification_email(notification.pk)
    assert len(mail.outbox) == 1
    assert app.reference in mail.outbox[0].subject


def test_rolled_back_service_enqueues_nothing(
    actors: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = application_in(Status.SUBMITTED, **actors)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(NotPermitted):
        services.accept_application(app, by=actors["applicant"])
    assert callbacks == []


@time_machine.travel(MONDAY, tick=False)
def test_calendar_override_moves_stored_due_dates(actors: Any) -> None:
    app = application_in(Status.UNDER_REVIEW, **actors)
    due = app.decision_due
    # A supervisor records an extra day off before the due date.
    services.save_calendar_override(
        dt.date(2026, 3, 10), by=actors["supervisor"], is_working_day=False, source="Test notice"
    )
    app.refresh_from_db()
    assert app.decision_due == calendar.add_working_days(due, 1)
    assert Event.objects.filter(application=app, verb="clock_recomputed").count() == 1


def test_due_date_in_an_unpublished_year_is_provisional(actors: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        app = application_in(Status.UNDER_REVIEW, **actors)
    assert app.decision_due is not None
    assert app.decision_due.year == 2027
    assert app.decision_due_provisional is True


def test_submit_screens_and_a_watch_listed_end_user_removes_the_time_limit(actors: Any) -> None:
    app = complete_draft(actors["organisation"], actors["applicant"])
    services.add_party(
        app, by=actors["applicant"], role=Party.Role.END_USER, name="Orion Seimitsu", country="JP"
    )
    app = services.submit_application(app, by=actors["applicant"])
    assert app.no_time_limit is True
    assert app.countersign_required is True
    assert len(app.rules_version) == 12
    flag = app.flags.get()
    assert (flag.rule, flag.evidence["listed"]) == (
        "restricted_party.watch",
        "Orion Precision Instruments Co., Ltd.",
    )
    app = services.accept_application(app, by=actors["officer"])
    assert app.decision_due is None
    with pytest.raises(NotEligible, match="countersignature"):
        services.approve_application(app, by=actors["officer"])


def test_on_demand_screening_is_audited(actors: Any) -> None:
    app = application_in(Status.UNDER_REVIEW, **actors)
    app = services.screen_application(app, by=actors["officer"])
    event = Event.objects.filter(application=app).latest("pk")
    assert (event.verb, event.payload["flags"]) == ("screened", [])
    assert app.flags.count() == 0


def test_officer_claims_and_only_a_supervisor_reassigns(actors: Any) -> None:
    app = application_in(Status.SUBMITTED, **actors)
    other_officer = UserFactory(officer=True)
    app = services.assign_officer(app, by=actors["officer"], officer=actors["officer"])
    with pytest.raises(NotPermitted):
        services.assign_officer(app, by=actors["officer"], officer=other_officer)
    app = services.assign_officer(app, by=actors["supervisor"], officer=other_officer)
    app.refresh_from_db()
    assert app.assigned_officer == other_officer
    assert Event.objects.filter(application=app, verb="officer_assigned").count() == 2


@pytest.mark.parametrize("days", [-1, 0, 800])
def test_an_answer_date_must_leave_the_applicant_time(actors: Any, days: int) -> None:
    app = application_in(Status.UNDER_REVIEW, **actors)
    answer_due = timezone.localdate() + dt.timedelta(days=days)
    with pytest.raises(ValidationError) as refused:
        services.request_information(
            app, by=actors["officer"], question="Which?", answer_due=answer_due
        )
    assert "answer_due" in refused.value.message_dict
    app.refresh_from_db()
    assert app.status == Status.UNDER_REVIEW
