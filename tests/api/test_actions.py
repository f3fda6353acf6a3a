"""Reviewer and applicant actions through the API, key entitlement, uploads, webhook relay."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest.mock import patch

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from licensing import permissions, services, tasks, webhooks
from licensing.api.idempotency import fingerprint
from licensing.models import ApiKey, Application, WebhookDelivery
from licensing.workflow import Status
from tests.api.conftest import client_with
from tests.api.receiver import webhook_receiver
from tests.factories import IdempotencyRecordFactory, api_key, application_in

# (client, starting status, action, body, resulting status)
ACTIONS = [
    (
        "officer",
        Status.SUBMITTED,
        "deficiency-notice",
        {"deficiencies": ["Sign it"]},
        Status.DEFICIENT,
    ),
    ("applicant", Status.DEFICIENT, "resubmit", {"answer": "Signed"}, Status.SUBMITTED),
    ("officer", Status.UNDER_REVIEW, "pause", {"reason": "expert_consultation"}, Status.PAUSED),
    ("officer", Status.PAUSED, "resume", {"note": "Experts answered"}, Status.UNDER_REVIEW),
    (
        "officer",
        Status.UNDER_REVIEW,
        "refer",
        {"note": "To the State Council"},
        Status.UNDER_REVIEW,
    ),
    ("applicant", Status.UNDER_REVIEW, "withdraw", {"reason": "Order cancelled"}, Status.WITHDRAWN),
    (
        "supervisor",
        Status.AWAITING_COUNTERSIGN,
        "countersign",
        {"agree": False, "note": "Check end user"},
        Status.UNDER_REVIEW,
    ),
    ("officer", Status.UNDER_REVIEW, "claim", {}, Status.UNDER_REVIEW),
]


@pytest.mark.parametrize(("who", "start", "action", "body", "result"), ACTIONS)
def test_action(
    actors: dict[str, Any],
    as_applicant: APIClient,
    as_officer: APIClient,
    as_supervisor: APIClient,
    who: str,
    start: Status,
    action: str,
    body: dict[str, Any],
    result: Status,
) -> None:
    client = {"applicant": as_applicant, "officer": as_officer, "supervisor": as_supervisor}[who]
    app = application_in(start, **actors)
    response = client.post(f"/api/v1/applications/{app.pk}/{action}/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == result
    assert response["ETag"] == f'"{Application.objects.get(pk=app.pk).version}"'


def test_refer_clears_the_due_date(actors: dict[str, Any], as_officer: APIClient) -> None:
    app = application_in(Status.UNDER_REVIEW, **actors)
    as_officer.post(f"/api/v1/applications/{app.pk}/refer/", {"note": "SC"}, format="json")
    clock = as_officer.get(f"/api/v1/applications/{app.pk}/clock/").json()
    assert clock["no_time_limit"] is True
    assert clock["decision_due"] is None


def test_queue_is_for_reviewers_only(as_applicant: APIClient, as_officer: APIClient) -> None:
    assert as_applicant.get("/api/v1/queue/").status_code == 403
    assert as_officer.get("/api/v1/queue/").status_code == 200


def test_read_key_may_ask_the_licence_requirement(applicant: User) -> None:
    client = client_with(api_key(applicant, scope="read"))
    response = client.post(
        "/api/v1/licence-requirement/",
        {"export_date": "2099-01-10", "lines": [{"item_code": "1C904.a.4"}]},
        format="json",
    )
    assert response.status_code == 200


def test_staff_key_stops_when_user_leaves_reviewers(officer: User) -> None:
    client = client_with(api_key(officer, staff=True))
    officer.groups.remove(Group.objects.get(name=permissions.CASE_OFFICER_GROUP))
    assert client.get("/api/v1/queue/").status_code == 401


def test_organisation_key_stops_when_creator_leaves(applicant: User) -> None:
    client = client_with(api_key(applicant))
    applicant.membership_set.all().delete()
    assert client.get("/api/v1/applications/").status_code == 401


def test_oversize_upload_is_400_and_nothing_saved(
    actors: dict[str, Any], as_applicant: APIClient, settings: Any
) -> None:
    app = application_in(Status.DRAFT, **actors)
    settings.UPLOAD_MAX_BYTES = 10
    response = as_applicant.post(
        f"/api/v1/applications/{app.pk}/documents/",
        {"kind": "other", "file": SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * 100)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert app.documents.count() == 3


def test_json_upload_is_415(actors: dict[str, Any], as_applicant: APIClient) -> None:
    app = application_in(Status.DRAFT, **actors)
    response = as_applicant.post(
        f"/api/v1/applications/{app.pk}/documents/", {"kind": "other"}, format="json"
    )
    assert response.status_code == 415


def test_repeat_while_first_still_running_is_409(
    as_applicant: APIClient, applicant: User, organisation: Any
) -> None:
    key = ApiKey.objects.get(user=applicant)
    request = as_applicant.post("/api/v1/applications/", {}, format="json")  # a real first call
    IdempotencyRecordFactory(caller=f"key:{key.pk}", key="busy", fingerprint=fingerprint_of({}))
    response = as_applicant.post(
        "/api/v1/applications/", {}, format="json", HTTP_IDEMPOTENCY_KEY="busy"
    )
    assert request.status_code == 201
    assert response.status_code == 409
    assert organisation.applications.count() == 1


def fingerprint_of(body: dict[str, Any]) -> str:
    class Stub:
        method, path, data, FILES = "POST", "/api/v1/applications/", body, {}

    return fingerprint(Stub())  # type: ignore[arg-type]


def test_sweep_fans_out_due_deliveries(as_applicant: APIClient) -> None:
    as_applicant.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/", "events": ["measures.changed"]},
        format="json",
    )
    ids = webhooks.record_measures_changed({"starts": [], "stops": []})
    with patch.object(tasks.deliver_webhook, "delay") as delay:
        tasks.deliver_due_webhooks()
    delay.assert_called_once_with(ids[0])


def test_private_target_is_refused_again_at_send_time(as_applicant: APIClient) -> None:
    as_applicant.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/", "events": ["measures.changed"]},
        format="json",
    )
    (pk,) = webhooks.record_measures_changed({"starts": [], "stops": []})
    with override_settings(WEBHOOK_ALLOW_PRIVATE_TARGETS=False):
        webhooks.deliver(pk)
    delivery = WebhookDelivery.objects.get(pk=pk)
    assert delivery.last_status_code is None
    assert "private" in delivery.last_error


def test_delivery_gives_up_after_the_last_attempt(as_applicant: APIClient) -> None:
    as_applicant.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/", "events": ["measures.changed"]},
        format="json",
    )
    (pk,) = webhooks.record_measures_changed({"starts": [], "stops": []})
    for _ in range(webhooks.MAX_ATTEMPTS):
        WebhookDelivery.objects.filter(pk=pk).update(next_attempt_at=timezone.now())
        webhooks.deliver(pk)
    assert WebhookDelivery.objects.get(pk=pk).status == "failed"


def test_deficiency_notice_announces_a_question(
    actors: dict[str, Any], as_applicant: APIClient, as_officer: APIClient
) -> None:
    as_applicant.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/", "events": ["information_request.created"]},
        format="json",
    )
    app = application_in(Status.SUBMITTED, **actors)
    as_officer.post(
        f"/api/v1/applications/{app.pk}/deficiency-notice/", {"deficiencies": ["x"]}, format="json"
    )
    assert list(WebhookDelivery.objects.values_list("event_type", flat=True)) == [
        "information_request.created"
    ]


def test_removed_endpoint_is_gone(as_applicant: APIClient) -> None:
    hook = as_applicant.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/", "events": ["licence.issued"]},
        format="json",
    ).json()
    deleted = as_applicant.delete(f"/api/v1/webhooks/{hook['id']}/")
    assert deleted.status_code == 204
    assert as_applicant.get(f"/api/v1/webhooks/{hook['id']}/").status_code == 404


def test_delivery_is_written_with_the_event_and_sent_after_commit(
    actors: dict[str, Any], as_applicant: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    as_applicant.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/", "events": ["application.status_changed"]},
        format="json",
    )
    app = application_in(Status.DRAFT, **actors)
    with (
        patch.object(tasks.deliver_webhook, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.submit_application(app, by=actors["applicant"])
    delivery = WebhookDelivery.objects.get()
    assert delivery.event is not None
    assert delivery.event.verb == "submit"
    delay.assert_called_once_with(delivery.pk)


def test_a_foreign_made_line_is_judged_under_the_december_rule(
    actors: dict[str, Any], as_applicant: APIClient
) -> None:
    draft = services.create_draft(actors["organisation"], by=actors["applicant"])
    line = {"item_code": "1C904.a.4", "quantity": "5", "unit_value": "200", "foreign_made": True}

    missing = as_applicant.post(f"/api/v1/applications/{draft.pk}/lines/", line, format="json")
    added = as_applicant.post(
        f"/api/v1/applications/{draft.pk}/lines/",
        line | {"chinese_content_value": "5", "product_value": "1000"},
        format="json",
    )

    assert missing.status_code == 400
    assert "product_value" in str(missing.json()["errors"])
    assert added.status_code == 201
    assert added.json()["licence_required"] is True  # 0.5 % ≥ 0.1 %, rule in force since 10 Nov
    assert added.json()["provisions"] == ["MOFCOM-2025-61 I(1)"]


def test_a_redirect_is_not_followed(as_applicant: APIClient) -> None:
    with webhook_receiver() as inside:  # stands for a service on the internal network

        class Redirect(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.send_response(302)
                self.send_header("location", inside.url)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            as_applicant.post(
                "/api/v1/webhooks/",
                {
                    "url": f"http://127.0.0.1:{server.server_address[1]}/",
                    "events": ["measures.changed"],
                },
                format="json",
            )
            (pk,) = webhooks.record_measures_changed({"starts": [], "stops": []})
            webhooks.deliver(pk)
        finally:
            server.shutdown()
            server.server_close()

        assert inside.messages == []
    delivery = WebhookDelivery.objects.get(pk=pk)
    assert (delivery.status, delivery.last_status_code) == ("pending", 302)
    assert "redirects are not followed" in delivery.last_error


def test_a_body_declared_too_large_is_refused_before_it_is_read(
    actors: dict[str, Any], as_applicant: APIClient, settings: Any
) -> None:
    app = application_in(Status.DRAFT, **actors)
    settings.UPLOAD_MAX_BYTES = 10
    response = as_applicant.post(
        f"/api/v1/applications/{app.pk}/documents/",
        {"kind": "other", "file": SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * 2**20)},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="big",
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert app.documents.count() == 3
