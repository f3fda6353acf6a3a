"""Two actors on one case at once, on two real PostgreSQL connections: exactly one wins."""

import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction

from licensing import services
from licensing.exceptions import TransitionNotAllowed
from licensing.models import Event
from licensing.workflow import Status
from tests.factories import application_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]
HOLD_SECONDS = 0.5


def test_second_actor_waits_then_gets_a_conflict(actors: Any) -> None:
    app = application_in(Status.SUBMITTED, **actors)
    first_holds_lock = threading.Event()
    outcome: dict[str, Any] = {}

    def first() -> None:
        # The first officer accepts; the transaction stays open a moment after the change.
        with transaction.atomic():
            services.accept_application(app, by=actors["officer"])
            first_holds_lock.set()
            time.sleep(HOLD_SECONDS)
            outcome["first_committed_at"] = time.monotonic()
        connection.close()

    def second() -> None:
        first_holds_lock.wait(5)
        try:
            services.issue_deficiency_notice(
                app, by=actors["supervisor"], deficiencies=["Missing signature"]
            )
            outcome["second"] = "succeeded"
        except TransitionNotAllowed as error:
            outcome["second"] = error
        outcome["second_finished_at"] = time.monotonic()
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert connection.vendor == "postgresql"
    assert isinstance(outcome["second"], TransitionNotAllowed)
    assert "under review" in str(outcome["second"])
    # The second actor was blocked by the row lock until the first committed.
    assert outcome["second_finished_at"] >= outcome["first_committed_at"]
    app.refresh_from_db()
    assert app.status == Status.UNDER_REVIEW
    assert Event.objects.filter(application=app, verb="issue_deficiency_notice").count() == 0
    assert Event.objects.filter(application=app, verb="accept").count() == 1
