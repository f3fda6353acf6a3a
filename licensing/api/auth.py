"""Who is calling: API keys (hashed, scoped, revocable), per-key throttling, scope checks."""

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import permissions as drf_permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from licensing import permissions
from licensing.models import ApiKey

# last_used_at is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def find_key(presented: str) -> ApiKey | None:
    """The active key whose secret this is, or None. Format: ls_<8 hex prefix>_<secret>."""
    parts = presented.split("_", 2)
    prefix = parts[1] if len(parts) == 3 and parts[0] == "ls" else ""
    if not (prefix.isascii() and prefix.isalnum() and len(prefix) <= 16):
        return None  # not a key of ours (and a NUL byte never reaches the database)
    key = ApiKey.objects.select_related("user").active().filter(prefix=prefix).first()
    if key is None:
        return None
    hashed = hashlib.sha256(presented.encode()).hexdigest()
    return key if hmac.compare_digest(hashed, key.hashed_secret) else None


def _still_entitled(key: ApiKey) -> bool:
    """A key stops working when its user leaves the organisation or the reviewer groups."""
    user = key.user
    if not user.is_active:
        return False
    if key.organisation_id is None:
        return permissions.is_reviewer(user)
    return permissions.is_member(user, key.organisation_id)


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Bearer ls_…``: request.user is the key's user, request.auth the key."""

    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise AuthenticationFailed("Send the header as 'Authorization: Bearer <API key>'.")
        key = find_key(header[1].decode(errors="replace"))
        if key is None or not _still_entitled(key):
            raise AuthenticationFailed("Unknown or revoked API key.")
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return key.user, key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "licensing.api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "An API key: ls_…"}


def api_key_of(request: Request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


class ScopedAccess(drf_permissions.BasePermission):
    """Authenticated callers only; a read-scope key may only read (and ask questions that
    change nothing, on views marked ``read_only_post``)."""

    message = "This API key is read-only; use a read-write key."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        key = api_key_of(request)
        if key is None or key.can_write or request.method in drf_permissions.SAFE_METHODS:
            return True
        return bool(getattr(view, "read_only_post", False) and request.method == "POST")


class PerKeyThrottle(SimpleRateThrottle):
    """One budget per API key (or per browser session user), kept in the shared "api" cache so
    every web process counts the same requests."""

    scope = "api"

    def __init__(self) -> None:
        self.cache = caches["api"]
        super().__init__()

    def get_rate(self) -> str:
        return str(settings.API_THROTTLE_RATE)

    def get_cache_key(self, request: Request, view: Any) -> str:
        key = api_key_of(request)
        if key is not None:
            ident = f"key{key.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user{request.user.pk}"
        else:
            ident = f"ip{self.get_ident(request)}"
        return f"throttle_api_{ident}"
