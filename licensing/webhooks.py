"""Webhooks: which events go to which endpoints, signing, the SSRF check and delivery.

Deliveries are outbox rows written in the same transaction as the audit Event they announce,
so a rolled-back change announces nothing and a committed one is never lost; Celery relays
them after commit, and a beat sweep retries whatever is due (licensing.tasks). Messages follow
the Standard Webhooks scheme: headers ``webhook-id``, ``webhook-timestamp`` and
``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` keyed with the
endpoint's ``whsec_`` secret. Delivery is at least once; receivers de-duplicate on
``webhook-id``, and Lodestone itself never sends a delivered message again.
"""

import base64
import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from licensing import tasks
from licensing.models import Event, WebhookDelivery, WebhookEndpoint

EventType = WebhookEndpoint.EventType
MAX_ATTEMPTS = 8
# A claimed delivery is not claimed again for this long, so a task that runs twice at once
# sends once; a worker that dies mid-send is retried by the sweep after it.
CLAIM_SECONDS = 60
# Verbs of the audit events that open a question to the applicant.
QUESTION_VERBS = frozenset({"request_information", "issue_deficiency_notice"})


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks signature header value for one message."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def resolve_target(url: str) -> str:
    """The one address a webhook URL is sent to, resolved once and checked: not http(s), or a
    host that is (or resolves to) a private, loopback, link-local or reserved address, is
    refused, so Lodestone cannot be made to call into its own network (SSRF). The send then
    connects to this very address, so a second lookup (DNS rebinding) cannot change it."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError({"url": "Give an http:// or https:// URL with a host name."})
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise ValidationError({"url": f"The host {parts.hostname} cannot be resolved."}) from error
    addresses = [str(info[4][0]) for info in infos]
    if not addresses or (
        not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS and not all(_is_public(a) for a in addresses)
    ):
        raise ValidationError(
            {"url": "The host resolves to a private or loopback address; use a public one."}
        )
    return addresses[0]


def check_target(url: str) -> None:
    """Checked at registration (and, through resolve_target, before every send)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError({"url": "Give an http:// or https:// URL with a host name."})
    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        resolve_target(url)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a checked address, with the certificate checked for the URL's host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _post(url: str, address: str, body: bytes, headers: dict[str, str]) -> int:
    """POST to the checked address; redirects are answers, never followed."""
    parts = urlsplit(url)
    host, timeout = parts.hostname or "", settings.WEBHOOK_TIMEOUT_SECONDS
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(host, parts.port or 443, address, timeout)
    else:
        connection = http.client.HTTPConnection(address, parts.port or 80, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers | {"host": parts.netloc})
        return int(connection.getresponse().status)
    finally:
        connection.close()


def _endpoints_for(event_type: str, organisation_id: int | None = None) -> list[WebhookEndpoint]:
    endpoints = WebhookEndpoint.objects.filter(deleted_at__isnull=True)
    if organisation_id is not None:
        endpoints = endpoints.filter(organisation_id=organisation_id)
    return [e for e in endpoints if event_type in e.events]


def _application_data(event: Event) -> dict[str, Any]:
    application = event.application
    assert application is not None  # noqa: S101 - only called for application events
    return {
        "application": {
            "id": application.pk,
            "reference": application.reference,
            "status": application.status,
        },
        "event_id": event.pk,
        "verb": event.verb,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "at": event.at.isoformat(),
    }


def _event_types(event: Event) -> list[str]:
    types: list[str] = []
    if event.from_status and event.to_status and event.from_status != event.to_status:
        types.append(EventType.STATUS_CHANGED)
    if event.verb in QUESTION_VERBS:
        types.append(EventType.INFORMATION_REQUESTED)
    if event.verb == "approve":
        types.append(EventType.LICENCE_ISSUED)
    return types


def _create(endpoint: WebhookEndpoint, event_type: str, data: dict[str, Any], event: Any) -> int:
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type=event_type,
        event=event,
        payload={"type": event_type, "timestamp": now.isoformat(), "data": data},
        next_attempt_at=now,
        created_at=now,
    )
    return delivery.pk


def _enqueue_after_commit(ids: list[int]) -> None:
    for pk in ids:
        tasks.deliver_webhook.delay_on_commit(pk)  # type: ignore[attr-defined]


def record_application_event(event: Event) -> list[int]:
    """Write one delivery for each endpoint of the applicant organisation subscribed to what
    ``event`` announces; called by services.record_event inside the change's transaction."""
    if event.application is None:
        return []
    ids = []
    for event_type in _event_types(event):
        data = _application_data(event)
        if event_type == EventType.LICENCE_ISSUED:
            data["licence"] = event.payload.get("licence")
        for endpoint in _endpoints_for(event_type, event.application.organisation_id):
            ids.append(_create(endpoint, event_type, data, event))
    _enqueue_after_commit(ids)
    return ids


@transaction.atomic
def record_measures_changed(payload: dict[str, Any]) -> list[int]:
    """Tell every endpoint subscribed to ``measures.changed`` (all organisations) that the
    provisions in force changed; ``payload`` says which, e.g. {"at": ..., "starts": [...],
    "stops": [...]}. Called by the effective-date job."""
    ids = [
        _create(endpoint, EventType.MEASURES_CHANGED, payload, None)
        for endpoint in _endpoints_for(EventType.MEASURES_CHANGED)
    ]
    _enqueue_after_commit(ids)
    return ids


def due_delivery_ids(now: dt.datetime) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    """Take a due delivery for CLAIM_SECONDS; False when it is not due or someone has it."""
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + dt.timedelta(seconds=CLAIM_SECONDS))
    )


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, … capped at 6 h between attempts."""
    return dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), 6 * 3600))


def _send(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the message; return (HTTP status or None, error text or "")."""
    try:
        address = resolve_target(delivery.endpoint.url)
    except ValidationError as error:
        return None, "; ".join(error.messages)
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    message_id = f"msg_{delivery.message_id.hex}"
    timestamp = int(timezone.now().timestamp())
    headers = {
        "content-type": "application/json",
        "user-agent": "Lodestone-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(delivery.endpoint.secret, message_id, timestamp, body),
    }
    try:
        status = _post(delivery.endpoint.url, address, body, headers)
    except (OSError, http.client.HTTPException) as error:
        return None, str(error)[:500] or type(error).__name__
    if 300 <= status < 400:
        return status, f"HTTP {status}: redirects are not followed; register the final URL"
    return status, "" if 200 <= status < 300 else f"HTTP {status}"


def deliver(delivery_id: int) -> bool:
    """Send one due delivery once; on failure schedule the next attempt with backoff, and give
    up after MAX_ATTEMPTS. Idempotent: a delivered, failed, not-yet-due or claimed delivery is
    left alone. True when this call delivered it."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return False
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    status_code, error = _send(delivery)
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    delivery.last_status_code = status_code
    delivery.last_error = error
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = delivery.last_attempt_at
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        delivery.next_attempt_at = delivery.last_attempt_at + backoff(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return delivery.status == WebhookDelivery.Status.DELIVERED
