from typing import Any

from django.test import Client
from django.urls import reverse

from licensing.models import ControlledItem, Event
from licensing.workflow import Status
from tests.factories import UserFactory, application_in


def test_admin_correction_of_a_catalogue_entry_is_audited(client: Client, db: Any) -> None:
    admin = UserFactory(is_staff=True, is_superuser=True)
    item = ControlledItem.objects.get(code="1C906.a.1")
    client.force_login(admin)
    url = reverse("admin:licensing_controlleditem_change", args=[item.pk])
    response = client.post(
        url,
        {
            "code": item.code,
            "element": item.element,
            "form": item.form,
            "description": "Lutetium metal (verified against the gazette)",
            "hs_codes": '["2805301900"]',
            "source": item.source,
            "verification": "primary",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(verb="reference_corrected", subject_id=str(item.pk))
    assert event.actor == admin
    assert {"description", "verification"} <= set(event.payload)
    assert event.payload["verification"] == "primary"


def test_admin_offers_no_way_to_change_events_or_statuses(client: Client, actors: Any) -> None:
    app = application_in(Status.SUBMITTED, **actors)
    event = Event.objects.filter(application=app).first()
    assert event is not None
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    delete_event = client.post(
        reverse("admin:licensing_event_delete", args=[event.pk]), {"post": "yes"}
    )
    change_app = client.post(
        reverse("admin:licensing_application_change", args=[app.pk]), {"status": "approved"}
    )
    assert delete_event.status_code == 403
    assert change_app.status_code == 403
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert Event.objects.filter(pk=event.pk).exists()


def test_admin_shows_the_outbox_and_rules_checks_read_only(client: Client, actors: Any) -> None:
    application_in(Status.SUBMITTED, **actors)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    outbox = client.get(reverse("admin:licensing_notification_changelist"))
    checks = client.get(reverse("admin:licensing_rulescheck_changelist"))
    add = client.get(reverse("admin:licensing_notification_add"))
    assert outbox.status_code == checks.status_code == 200
    assert "Waiting to be sent" in outbox.content.decode()
    assert add.status_code == 403
