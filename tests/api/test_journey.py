"""An integrator's whole journey through the API alone, with the webhooks it receives."""

import base64
import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from licensing import tasks
from licensing.models import WebhookDelivery
from tests.api.receiver import webhook_receiver
from tests.factories import pdf


def signature_ok(secret: str, headers: dict[str, str], body: bytes) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return headers["webhook-signature"] == f"v1,{expected}"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def test_integrator_journey(
    as_applicant: APIClient, as_officer: APIClient, as_supervisor: APIClient, officer: User
) -> None:
    with webhook_receiver() as receiver:
        # given an endpoint subscribed to everything about applications
        hook = ok(
            as_applicant.post(
                "/api/v1/webhooks/",
                {
                    "url": receiver.url,
                    "events": [
                        "application.status_changed",
                        "information_request.created",
                        "licence.issued",
                    ],
                },
                format="json",
            ),
            201,
        )
        # when the integrator drafts, completes and submits an application
        export_date = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
        app = ok(
            as_applicant.post(
                "/api/v1/applications/",
                {"destination_country": "DE", "intended_export_date": export_date},
                format="json",
            ),
            201,
        )
        base = f"/api/v1/applications/{app['id']}"
        line = {"item_code": "1C904.a.4", "quantity": "10", "unit_value": "500.00"}
        ok(as_applicant.post(f"{base}/lines/", line, format="json"), 201)
        party = {"role": "end_user", "name": "Motorwerk GmbH", "country": "DE"}
        ok(as_applicant.post(f"{base}/parties/", party, format="json"), 201)
        end_use = {
            "category": "civil_manufacturing",
            "description": "Electric motors",
            "no_reexport_undertaking": True,
        }
        ok(as_applicant.put(f"{base}/end-use/", end_use, format="json"))
        for kind in ("contract", "technical_description", "end_user_certificate"):
            upload = {"kind": kind, "file": pdf(f"{kind}.pdf")}
            ok(as_applicant.post(f"{base}/documents/", upload, format="multipart"), 201)
        assert ok(as_applicant.post(f"{base}/submit/", {}, format="json"))["status"] == "submitted"
        # and the staff client accepts and asks a question, which the integrator answers
        ok(as_officer.post(f"{base}/claim/", {}, format="json"))
        assert ok(as_officer.post(f"{base}/accept/", {}, format="json"))["status"] == "under_review"
        question = {"question": "Which motors?"}
        ok(as_officer.post(f"{base}/information-requests/", question, format="json"))
        assert ok(as_applicant.get(f"{base}/clock/"))["paused"] is True
        answer = {"answer": "Traction motors for buses."}
        assert ok(as_applicant.post(f"{base}/answer/", answer, format="json"))["status"] == (
            "under_review"
        )
        # and one reviewer recommends while another countersigns
        ok(as_officer.post(f"{base}/recommend/", {"outcome": "approve"}, format="json"))
        decided = ok(as_supervisor.post(f"{base}/countersign/", {"agree": True}, format="json"))
        # and the delivery task runs, twice over for each message
        for pk in WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True):
            tasks.deliver_webhook(pk)
            tasks.deliver_webhook(pk)
    # then the licence is there
    assert decided["status"] == "approved"
    licences = ok(as_applicant.get("/api/v1/licences/"))["results"]
    assert [lic["application"] for lic in licences] == [app["id"]]
    # and every webhook arrived once, signed
    bodies = [json.loads(m.body) for m in receiver.messages]
    assert all(signature_ok(hook["secret"], m.headers, m.body) for m in receiver.messages)
    assert len({m.headers["webhook-id"] for m in receiver.messages}) == len(receiver.messages)
    assert sorted(b["type"] for b in bodies) == sorted(
        ["application.status_changed"] * 6 + ["information_request.created", "licence.issued"]
    )
    assert [
        b["data"]["to_status"] for b in bodies if b["type"] == "application.status_changed"
    ] == [
        "submitted",
        "under_review",
        "information_requested",
        "under_review",
        "awaiting_countersign",
        "approved",
    ]
    assert WebhookDelivery.objects.exclude(status="delivered").count() == 0
    # and the delivery log is visible to the integrator
    log = ok(as_applicant.get(f"/api/v1/webhooks/{hook['id']}/deliveries/?page_size=100"))
    assert log["count"] == 8
