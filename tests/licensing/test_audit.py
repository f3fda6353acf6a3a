from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from licensing.models import Event
from licensing.models.audit import AppendOnlyError
from licensing.workflow import Status
from tests.factories import application_in


def test_events_cannot_be_changed_or_deleted_through_the_orm(actors: Any) -> None:
    app = application_in(Status.SUBMITTED, **actors)
    event = Event.objects.filter(application=app).first()
    assert event is not None
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(application=app).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(application=app).delete()


def test_database_refuses_raw_update_and_delete_of_events(actors: Any) -> None:
    app = application_in(Status.SUBMITTED, **actors)
    for sql in ("UPDATE licensing_event SET reason = 'x'", "DELETE FROM licensing_event"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert Event.objects.filter(application=app).exclude(reason="x").count() > 0
