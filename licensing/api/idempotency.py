"""Idempotency-Key on POST: a repeat returns the first response and runs nothing again.

A record (caller, key) is inserted before the request runs; the unique constraint makes a
concurrent duplicate fail instead of running twice. The first response (any status below
500) is stored with a fingerprint of the request, and replayed for 24 hours. The same key
with a different request is a 422; a repeat while the first is still running is a 409.
"""

import datetime as dt
import hashlib
import json
import re
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from licensing.api.auth import api_key_of
from licensing.api.errors import PROBLEM_CONTENT_TYPE, Conflict, Unprocessable
from licensing.models import IdempotencyRecord

HEADER = "Idempotency-Key"
LIFETIME = dt.timedelta(hours=24)
REPLAYED_HEADERS = ("ETag", "Location")
KEY_PATTERN = re.compile(r"[!-~]{1,255}")


class Replay(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _caller(request: Request) -> str:
    key = api_key_of(request)
    return f"key:{key.pk}" if key is not None else f"user:{request.user.pk}"


def _canonical(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if hasattr(value, "lists"):  # QueryDict / MultiValueDict from a multipart body
        return {k: [_canonical(v) for v in vs] for k, vs in sorted(value.lists())}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def fingerprint(request: Request) -> str:
    data = _canonical(request.data)
    if request.FILES:
        data = {"data": data, "files": _canonical(request.FILES)}
    text = json.dumps([request.method, request.path, data], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def begin(request: Request) -> IdempotencyRecord | None:
    """Claim the request's key, or raise Replay / Conflict / Unprocessable."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY_PATTERN.fullmatch(key):
        raise exceptions.ValidationError({HEADER: ["Give 1 to 255 visible ASCII characters."]})
    caller, now, print_ = _caller(request), timezone.now(), fingerprint(request)
    IdempotencyRecord.objects.filter(caller=caller, key=key, expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                caller=caller,
                key=key,
                method=request.method or "",
                path=request.path[:500],
                fingerprint=print_,
                created_at=now,
                expires_at=now + LIFETIME,
            )
    except IntegrityError:
        first = IdempotencyRecord.objects.get(caller=caller, key=key)
    if first.fingerprint != print_:
        raise Unprocessable(
            f"{HEADER} '{key}' was already used for a different request; use a new key."
        )
    if first.status_code is None:
        raise Conflict(f"The first request with {HEADER} '{key}' is still running; retry later.")
    headers = dict(first.headers) | {"Idempotent-Replayed": "true"}
    raise Replay(
        Response(
            json.loads(bytes(first.body)) if first.body is not None else None,
            status=first.status_code,
            headers=headers,
            content_type=PROBLEM_CONTENT_TYPE if first.status_code >= 400 else None,
        )
    )


def finish(record: IdempotencyRecord, response: Response) -> None:
    """Store the first response; a server error frees the key so the client can retry."""
    if response.status_code >= 500:
        record.delete()
        return
    body = JSONRenderer().render(response.data) if response.data is not None else None
    record.status_code = response.status_code
    record.body = body
    record.headers = {h: response[h] for h in REPLAYED_HEADERS if h in response}
    record.save(update_fields=["status_code", "body", "headers"])
