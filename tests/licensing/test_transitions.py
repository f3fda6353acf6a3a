"""Every action from every status, through the real services (generated from the table)."""

from collections.abc import Callable
from typing import Any

import pytest

from licensing import services
from licensing.exceptions import TransitionNotAllowed
from licensing.models import Application, Event, Notification
from licensing.workflow import RULES, Action, Status
from tests.factories import application_in

Actors = dict[str, Any]

CALLS: dict[Action, Callable[[Application, Actors], Application]] = {
    Action.SUBMIT: lambda app, a: services.submit_application(app, by=a["applicant"]),
    Action.ISSUE_DEFICIENCY_NOTICE: lambda app, a: services.issue_deficiency_notice(
        app, by=a["officer"], deficiencies=["The contract is not signed."]
    ),
    Action.RESUBMIT: lambda app, a: services.resubmit_application(
        app, by=a["applicant"], answer="Signed contract uploaded."
    ),
    Action.ACCEPT: lambda app, a: services.accept_application(app, by=a["officer"]),
    Action.REQUEST_INFORMATION: lambda app, a: services.request_information(
        app, by=a["officer"], question="Which motor models?"
    ),
    Action.ANSWER_INFORMATION_REQUEST: lambda app, a: services.answer_information_request(
        app, by=a["applicant"], answer="Model TM-40."
    ),
    Action.PAUSE_CLOCK: lambda app, a: services.pause_clock(
        app, by=a["officer"], reason="technical_identification"
    ),
    Action.RESUME_CLOCK: lambda app, a: services.resume_clock(app, by=a["officer"]),
    Action.RECOMMEND: lambda app, a: services.recommend_decision(
        app, by=a["officer"], outcome="approve"
    ),
    Action.APPROVE: lambda app, a: services.approve_application(app, by=a["supervisor"]),
    Action.REFUSE: lambda app, a: services.refuse_application(app, by=a["supervisor"]),
    Action.RETURN_FOR_REVIEW: lambda app, a: services.return_for_review(
        app, by=a["supervisor"], note="Check the end user again."
    ),
    Action.WITHDRAW: lambda app, a: services.withdraw_application(app, by=a["applicant"]),
    Action.LAPSE: lambda app, a: services.lapse_application(app),
}

ALLOWED = [(a, s) for a in Action for s in Status if s in RULES[a].sources]
FORBIDDEN = [(a, s) for a in Action for s in Status if s not in RULES[a].sources]


def test_every_action_has_a_service() -> None:
    assert set(CALLS) == set(Action)


@pytest.mark.parametrize(("action", "status"), ALLOWED)
def test_allowed_action_moves_the_case_and_writes_one_event(
    action: Action, status: Status, actors: Actors, django_capture_on_commit_callbacks: Any
) -> None:
    app = application_in(status, **actors)
    if action == Action.REFUSE:  # a refusal countersigns a refusal recommendation
        app = services.return_for_review(app, by=actors["supervisor"], note="Refuse it.")
        app = services.recommend_decision(
            app, by=actors["officer"], outcome="refuse", note="End user not credible."
        )
    before = Event.objects.filter(application=app).count()

    with django_capture_on_commit_callbacks() as enqueued:
        app = CALLS[action](app, actors)

    app.refresh_from_db()
    assert app.status == RULES[action].target
    events = Event.objects.filter(application=app).order_by("-pk")
    assert events.count() == before + 1
    assert (events[0].verb, events[0].from_status, events[0].to_status) == (
        action.value,
        status.value,
        RULES[action].target.value,
    )
    # Whoever must act is notified in the same transaction; e-mails are enqueued after it.
    notified = Notification.objects.filter(topic=f"event:{events[0].pk}", email_status="pending")
    assert len(enqueued) == notified.count()


@pytest.mark.parametrize(("action", "status"), FORBIDDEN)
def test_forbidden_action_changes_nothing(action: Action, status: Status, actors: Actors) -> None:
    app = application_in(status, **actors)
    before = (Event.objects.filter(application=app).count(), app.version)

    with pytest.raises(TransitionNotAllowed):
        CALLS[action](app, actors)

    app.refresh_from_db()
    assert app.status == status
    assert (Event.objects.filter(application=app).count(), app.version) == before
