"""The calendar of rules: re-screening when the provisions in force change (time-travel)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from licensing import jobs, services, tasks
from licensing.models import (
    Application,
    Event,
    Licence,
    Notification,
    Provision,
    RulesCheck,
    Suspension,
    WebhookDelivery,
)
from licensing.workflow import Status
from tests.factories import MembershipFactory, application_in, complete_draft
from tests.sweeps import run_rules_check

UTC = dt.UTC
# 2025-12-01 00:00 Asia/Shanghai: MOFCOM No. 61 I(1), the December 1 rule, takes effect.
DECEMBER_RULE = dt.datetime(2025, 11, 30, 16, 0, tzinfo=UTC)
# 2026-11-10 24:00 Asia/Shanghai: the end of the No. 70 suspension of Nos. 55-58 and 61-62.
SUSPENSION_END = dt.datetime(2026, 11, 10, 16, 0, tzinfo=UTC)
SECOND = dt.timedelta(seconds=1)


def notified(application: Application) -> list[str]:
    rows = Notification.objects.filter(application=application, topic__startswith="rules:")
    return sorted(rows.values_list("recipient__username", flat=True))


def foreign_made(content: str) -> dict[str, Any]:
    """A magnet made abroad, worth 1,000, with Chinese-origin listed content worth ``content``."""
    return {
        "foreign_made": True,
        "chinese_content_value": Decimal(content),
        "product_value": Decimal("1000"),
    }


def test_december_rule_as_published_rescreens_and_notifies_the_right_applicants(
    actors: Any, supervisor: Any
) -> None:
    with time_machine.travel(dt.datetime(2025, 11, 20, 2, tzinfo=UTC), tick=False):
        # The rule as first published, before No. 70 suspended it: an administrator removes
        # the suspension of No. 61 I(1) (an edit of the rules data, audited).
        suspension = Suspension.objects.get(provision__code="I(1)")
        services.delete_reference_data(suspension, by=supervisor)
        export = {"intended_export_date": dt.date(2025, 11, 28)}
        above = complete_draft(
            actors["organisation"], actors["applicant"], line=foreign_made("5"), **export
        )
        below = complete_draft(
            actors["organisation"], actors["applicant"], line=foreign_made("0.5"), **export
        )
        domestic = application_in(Status.SUBMITTED, **actors)
        issued = application_in(Status.APPROVED, **actors)
        licence = Licence.objects.get(application=issued)
    assert above.lines.get().licence_required is False  # judged before 1 December

    with time_machine.travel(DECEMBER_RULE - SECOND, tick=False):
        run_rules_check()  # the first check: the baseline
    assert [notified(a) for a in (above, below, domestic)] == [[], [], []]
    with time_machine.travel(DECEMBER_RULE + 30 * SECOND, tick=False):
        check = run_rules_check()
        assert run_rules_check() is None  # a second tick, or a second beat: nothing more

    assert check is not None
    assert check.started == ["MOFCOM-2025-61 I(1)"]
    line = above.lines.get()
    assert (line.licence_required, line.provisions) == (True, ["MOFCOM-2025-61 I(1)"])
    assert notified(above) == [actors["applicant"].username]
    message = Notification.objects.get(application=above, topic__startswith="rules:").body
    assert "now needs a licence under MOFCOM-2025-61 I(1)" in message
    assert below.lines.get().licence_required is False  # 0.05 %: below de minimis
    assert notified(below) == []
    assert notified(domestic) == []
    rescreened = Event.objects.get(
        application=above, verb="rescreened", payload__rules_check=check.pk
    )
    assert rescreened.actor is None
    above.refresh_from_db()
    assert above.rules_version == check.rules_version
    # An issued licence is never altered; its item's status did not change, so it is not listed.
    assert Licence.objects.get(pk=licence.pk).status == Licence.Status.ACTIVE
    assert check.affected_licences == []


def test_no_rescreen_across_december_first_while_the_rule_is_suspended(actors: Any) -> None:
    with time_machine.travel(DECEMBER_RULE - SECOND, tick=False):
        complete_draft(actors["organisation"], actors["applicant"], line=foreign_made("5"))
        assert run_rules_check() is not None
    with time_machine.travel(DECEMBER_RULE + 30 * SECOND, tick=False):
        assert run_rules_check() is None
    assert RulesCheck.objects.count() == 1


@pytest.fixture
def before_suspension_end(actors: Any) -> dict[str, Any]:
    """Cases judged during the No. 70 suspension, when 1C913 (No. 57) needed no licence."""
    other = MembershipFactory().user
    other_actors = actors | {
        "applicant": other,
        "organisation": other.membership_set.get().organisation,
    }
    with time_machine.travel(dt.datetime(2026, 10, 12, 2, tzinfo=UTC), tick=False):
        export = {"intended_export_date": dt.date(2026, 11, 5)}
        cases = {
            "affected": complete_draft(
                actors["organisation"], actors["applicant"], item_code="1C913.b", **export
            ),
            "unaffected": complete_draft(
                other_actors["organisation"], other, item_code="1C904.a.4", **export
            ),
            "later": complete_draft(
                actors["organisation"],
                actors["applicant"],
                item_code="1C913.b",
                intended_export_date=dt.date(2027, 1, 5),
            ),
        }
        issued = complete_draft(actors["organisation"], actors["applicant"], item_code="1C913.b")
        issued = services.submit_application(issued, by=actors["applicant"])
        issued = services.accept_application(issued, by=actors["officer"])
        cases["issued"] = services.approve_application(issued, by=actors["officer"])
    return cases


def licence_state(application: Application) -> tuple[Any, ...]:
    licence = Licence.objects.get(application=application)
    lines = list(licence.lines.values_list("item__code", "quantity"))
    return (licence.status, licence.valid_from, licence.valid_until, licence.conditions, lines)


def test_end_of_suspension_rescreens_affected_cases_and_lists_licences(
    before_suspension_end: dict[str, Any], actors: Any
) -> None:
    cases = before_suspension_end
    assert cases["affected"].lines.get().licence_required is False
    assert cases["later"].lines.get().licence_required is True  # judged at its export date
    licence_before = licence_state(cases["issued"])
    endpoint = services.create_webhook_endpoint(
        actors["organisation"],
        by=actors["applicant"],
        url="http://127.0.0.1:9/hooks",
        events=["measures.changed"],
    )
    with time_machine.travel(SUSPENSION_END - SECOND, tick=False):
        run_rules_check()
    assert not WebhookDelivery.objects.exists()  # the first check is a baseline

    with time_machine.travel(SUSPENSION_END + 30 * SECOND, tick=False):
        check = run_rules_check()

    assert check is not None
    assert "MOFCOM-GAC-2025-57 main" in check.started
    assert notified(cases["affected"]) == [actors["applicant"].username]
    assert notified(cases["unaffected"]) == []  # 1C904 (No. 18) needed a licence throughout
    assert notified(cases["later"]) == []  # its export date was judged under the new rules
    # Judged once by the baseline check, not again for the change: its date is still to come.
    rescreens = Event.objects.filter(application=cases["later"], verb="rescreened")
    assert [e.payload["rules_check"] for e in rescreens] == [check.pk - 1]
    assert licence_state(cases["issued"]) == licence_before  # never altered, but listed
    assert [entry["licence"] for entry in check.affected_licences] == [
        Licence.objects.get(application=cases["issued"]).number
    ]
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.event_type == "measures.changed"
    assert "MOFCOM-GAC-2025-57 main" in delivery.payload["data"]["starts"]
    listed = Notification.objects.get(topic=f"rules-licences:{check.pk}")
    assert listed.recipient == actors["supervisor"]
    assert "now controlled: 1C913.b" in listed.body


def test_catches_up_when_the_instant_passed_while_nothing_ran(
    before_suspension_end: dict[str, Any], actors: Any
) -> None:
    # No check ran before the instant (deployed after it, or the worker was down for days).
    with time_machine.travel(SUSPENSION_END + dt.timedelta(days=2), tick=False):
        check = run_rules_check()

    assert check is not None
    assert notified(before_suspension_end["affected"]) == [actors["applicant"].username]
    assert notified(before_suspension_end["unaffected"]) == []


def test_lost_wake_ups_are_recovered_by_a_later_tick(
    before_suspension_end: dict[str, Any], actors: Any
) -> None:
    affected = before_suspension_end["affected"]
    with time_machine.travel(SUSPENSION_END + 30 * SECOND, tick=False):
        check = jobs.check_rules()  # its fan-out message is lost: nothing re-screened
    assert check is not None
    with time_machine.travel(SUSPENSION_END + 2 * 60 * SECOND, tick=False):
        assert jobs.unfinished_rescreens() == {}  # just fanned out: give the workers time
    with time_machine.travel(SUSPENSION_END + 6 * 60 * SECOND, tick=False):
        todo = jobs.unfinished_rescreens()
        assert affected.pk in todo[check.pk]
        for pk in todo[check.pk]:
            tasks.rescreen_application(pk, check.pk)
            tasks.rescreen_application(pk, check.pk)  # and a duplicate delivery
    with time_machine.travel(SUSPENSION_END + 12 * 60 * SECOND, tick=False):
        assert jobs.unfinished_rescreens() == {}
    check.refresh_from_db()
    assert check.completed_at is not None
    assert notified(affected) == [actors["applicant"].username]


def test_a_return_to_an_earlier_state_is_a_change_too(
    before_suspension_end: dict[str, Any], actors: Any
) -> None:
    affected = before_suspension_end["affected"]
    no_57 = Provision.objects.get(measure__code="MOFCOM-GAC-2025-57", code="main")
    with time_machine.travel(dt.datetime(2026, 11, 20, 2, tzinfo=UTC), tick=False):
        run_rules_check()
        # Suspended again for the first half of December 2026 only.
        services.save_reference_data(
            Suspension(
                provision=no_57,
                starts_at=dt.datetime(2026, 11, 30, 16, tzinfo=UTC),
                ends_at=dt.datetime(2026, 12, 15, 16, tzinfo=UTC),
                by_measure=no_57.suspensions.first().by_measure,
                verification="unverified",
            ),
            by=actors["supervisor"],
        )
        run_rules_check()  # the edit: nothing in force changes yet
    with time_machine.travel(dt.datetime(2026, 12, 1, 2, tzinfo=UTC), tick=False):
        suspended = run_rules_check()
    with time_machine.travel(dt.datetime(2026, 12, 16, 2, tzinfo=UTC), tick=False):
        restored = run_rules_check()

    assert suspended is not None
    assert suspended.stopped == ["MOFCOM-GAC-2025-57 main"]
    assert restored is not None
    assert restored.started == ["MOFCOM-GAC-2025-57 main"]
    assert affected.lines.get().licence_required is True
    bodies = Notification.objects.filter(application=affected, topic__startswith="rules:")
    assert [("no longer" in n.body, "now needs" in n.body) for n in bodies.order_by("pk")] == [
        (False, True),  # the end of No. 70 was not seen yet: the first check finds it
        (True, False),
        (False, True),
    ]


def test_an_administrators_edit_rescreens_every_open_case_within_a_tick(
    before_suspension_end: dict[str, Any], actors: Any
) -> None:
    cases = before_suspension_end
    now = dt.datetime(2026, 11, 20, 2, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        run_rules_check()
        # A new measure suspends No. 57 again, from an hour ago until the end of 2027.
        no_57 = Provision.objects.get(measure__code="MOFCOM-GAC-2025-57", code="main")
        services.save_reference_data(
            Suspension(
                provision=no_57,
                starts_at=now - dt.timedelta(hours=1),
                ends_at=dt.datetime(2027, 12, 31, 16, tzinfo=UTC),
                by_measure=no_57.suspensions.get().by_measure,
                verification="unverified",
            ),
            by=actors["supervisor"],
        )
    with time_machine.travel(now + dt.timedelta(seconds=40), tick=False):
        check = run_rules_check()

    assert check is not None
    assert check.definitions_changed
    assert check.stopped == ["MOFCOM-GAC-2025-57 main"]
    # Even the case exporting in January 2027 is judged again: the edit reached its date.
    later = Notification.objects.get(application=cases["later"], topic__startswith="rules:")
    assert "1C913.b: no longer needs a licence (MOFCOM-GAC-2025-57 main" in later.body
    assert notified(cases["unaffected"]) == []


def test_moving_the_export_date_judges_the_lines_again(
    before_suspension_end: dict[str, Any], actors: Any
) -> None:
    draft = before_suspension_end["affected"]  # exporting 5 Nov 2026, during the suspension
    with time_machine.travel(dt.datetime(2026, 10, 13, 2, tzinfo=UTC), tick=False):
        services.update_draft(
            draft, by=actors["applicant"], intended_export_date=dt.date(2027, 1, 5)
        )
    line = draft.lines.get()
    assert (line.licence_required, line.provisions) == (True, ["MOFCOM-GAC-2025-57 main"])


def test_supervisors_see_the_licences_to_review_and_applicants_do_not(
    before_suspension_end: dict[str, Any], actors: Any, client: Any
) -> None:
    with time_machine.travel(SUSPENSION_END - SECOND, tick=False):
        run_rules_check()
    with time_machine.travel(SUSPENSION_END + 30 * SECOND, tick=False):
        run_rules_check()
    licence = Licence.objects.get(application=before_suspension_end["issued"])

    client.force_login(actors["supervisor"])
    page = client.get("/dashboard/rules-changes/").content.decode()
    client.force_login(actors["applicant"])
    refused = client.get("/dashboard/rules-changes/")

    assert "now apply: MOFCOM-2025-61 I(1)" in page
    assert f"{licence.number}</a>: now controlled 1C913.b" in page
    assert refused.status_code == 403
