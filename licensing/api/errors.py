"""One error shape for every 4xx: RFC 9457 problem details (application/problem+json)."""

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from licensing.exceptions import NotEligible, NotPermitted, StaleVersion, WorkflowError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "/api/problems/"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it; fetch it again (If-Match)."
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request cannot be processed."
    default_code = "unprocessable"


def flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field.sub[0]": [messages]}; "" is the whole body."""
    if isinstance(detail, Mapping):
        out: dict[str, list[str]] = {}
        for name, value in detail.items():
            key = "" if name == "non_field_errors" else str(name)
            out |= flatten(value, f"{prefix}.{key}" if prefix and key else prefix or key)
        return out
    if isinstance(detail, Sequence) and not isinstance(detail, str):
        if all(isinstance(v, str) for v in detail):
            return {prefix: [str(v) for v in detail]} if detail else {}
        out = {}
        for index, value in enumerate(detail):
            out |= flatten(value, f"{prefix}[{index}]")
        return out
    return {prefix: [str(detail)]}


def _translate(exc: Exception) -> Exception:
    """Service and Django errors as DRF exceptions with the right status."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, SuspiciousOperation):  # e.g. too many fields in a form body
        return exceptions.ValidationError({"": [str(exc)]})
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return exceptions.NotFound("Not found.")
    if isinstance(exc, PermissionDenied | NotPermitted):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, StaleVersion):
        return PreconditionFailed(str(exc))
    if isinstance(exc, WorkflowError):
        return Conflict(str(exc))
    return exc


def _slug(exc: Exception, code: int) -> str:
    if isinstance(exc, NotEligible):
        return "not-eligible"
    if isinstance(exc, WorkflowError) and not isinstance(exc, StaleVersion | NotPermitted):
        return "workflow-conflict"
    return HTTPStatus(code).phrase.lower().replace(" ", "-")


def problem(
    code: int, detail: str, *, instance: str = "", slug: str = "", **extra: Any
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (slug or HTTPStatus(code).phrase.lower().replace(" ", "-")),
        "title": HTTPStatus(code).phrase,
        "status": code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body |= {k: v for k, v in extra.items() if v}
    return Response(body, status=code, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    original = exc
    exc = _translate(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let it be a 500 and be logged
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    errors: dict[str, list[str]] = {}
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten(exc.detail)
        detail = "The request is not valid; see errors."
    else:
        detail = str(getattr(exc, "detail", exc))
    problems = original.problems if isinstance(original, NotEligible) else None
    result = problem(
        response.status_code,
        detail,
        instance=instance,
        slug=_slug(original, response.status_code),
        errors=errors,
        problems=problems,
    )
    for header in ("Retry-After", "WWW-Authenticate", "Allow"):
        if header in response:
            result[header] = response[header]
    return result
