"""REST API access: API keys and webhook endpoints."""

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from licensing import (
    permissions,
    webhooks,
)
from licensing.exceptions import NotPermitted
from licensing.models import (
    ApiKey,
    Organisation,
    WebhookDelivery,
    WebhookEndpoint,
)
from licensing.services._common import _is_org_admin, record_event


def _new_api_secret() -> tuple[str, str, str]:
    """A fresh key as (prefix, full key shown once, SHA-256 of the full key)."""
    prefix = secrets.token_hex(4)
    key = f"ls_{prefix}_{secrets.token_urlsafe(32)}"
    return prefix, key, hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_key(
    *,
    by: Any,
    name: str,
    scope: str,
    organisation: Organisation | None,
    known_key: str | None = None,
) -> tuple[ApiKey, str]:
    """An organisation administrator creates a key for the organisation, or a case officer or
    supervisor creates a staff key for themselves; the secret is returned once, never stored."""
    if organisation is not None and not _is_org_admin(by, organisation.pk):
        raise NotPermitted("Only an administrator of the organisation can create its API keys.")
    if organisation is None and not permissions.is_reviewer(by):
        raise NotPermitted("Only case officers and supervisors have staff API keys.")
    prefix, key, hashed = _new_api_secret()
    if known_key is not None:  # the demo's published keys (seed_demo); never in production
        prefix, key = known_key.split("_", 2)[1], known_key
        hashed = hashlib.sha256(key.encode()).hexdigest()
    api_key = ApiKey(
        name=name.strip(),
        user=by,
        organisation=organisation,
        scope=scope,
        prefix=prefix,
        hashed_secret=hashed,
    )
    api_key.full_clean()
    api_key.save()
    record_event(
        None, "api_key_created", by=by, subject=api_key, payload={"name": name, "scope": scope}
    )
    return api_key, key


@transaction.atomic
def revoke_api_key(api_key: ApiKey, *, by: Any) -> ApiKey:
    """An organisation administrator (or a staff key's owner) revokes a key; it fails at once."""
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.organisation_id is not None:
        if not _is_org_admin(by, api_key.organisation_id):
            raise NotPermitted("Only an administrator of the organisation can revoke its keys.")
    elif api_key.user_id != by.pk:
        raise NotPermitted("Only its owner can revoke a staff key.")
    if api_key.revoked_at is not None:
        return api_key
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked_at"])
    record_event(None, "api_key_revoked", by=by, subject=api_key, payload={"name": api_key.name})
    return api_key


@transaction.atomic
def create_webhook_endpoint(
    organisation: Organisation, *, by: Any, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """An organisation administrator registers a URL for the events it picks (as for API keys:
    a webhook carries the organisation's data out); the target must be a public address."""
    if not _is_org_admin(by, organisation.pk):
        raise NotPermitted("Only an administrator of the organisation can add webhooks.")
    webhooks.check_target(url)
    unknown = set(events) - set(WebhookEndpoint.EventType.values)
    if not events or unknown:
        raise ValidationError({"events": "Pick one or more of the documented event types."})
    endpoint = WebhookEndpoint(
        organisation=organisation,
        url=url,
        events=sorted(set(events)),
        description=description,
        secret=webhooks.new_secret(),
        created_by=by,
    )
    endpoint.full_clean()
    endpoint.save()
    record_event(
        None,
        "webhook_endpoint_created",
        by=by,
        subject=endpoint,
        payload={"url": url, "events": endpoint.events},
    )
    return endpoint


@transaction.atomic
def delete_webhook_endpoint(endpoint: WebhookEndpoint, *, by: Any) -> None:
    """Stop sending to an endpoint; its delivery log is kept."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not _is_org_admin(by, endpoint.organisation_id):
        raise NotPermitted("Only an administrator of the organisation can remove webhooks.")
    endpoint.deleted_at = timezone.now()
    endpoint.save(update_fields=["deleted_at"])
    endpoint.deliveries.filter(status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED, last_error="Endpoint removed."
    )
    record_event(None, "webhook_endpoint_deleted", by=by, subject=endpoint)
