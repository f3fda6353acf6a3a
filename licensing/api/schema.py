"""OpenAPI: every operation documents its problem responses and its request headers."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from licensing.api.errors import PROBLEM_CONTENT_TYPE


class ProblemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Field errors: {field path: [messages]}; '' is the whole body.",
    )
    problems = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Everything that stops a workflow action (e.g. an incomplete submission).",
    )


ALWAYS = (400, 401, 403, 404, 406, 429)
WRITES = (409, 412, 413, 415, 422)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Send the same key again to get the first response back; nothing is redone.",
    pattern=r"^[!-~]{1,255}$",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The application's ETag; a stale one is refused with 412.",
)


class ProblemAutoSchema(AutoSchema):
    def get_override_parameters(self) -> list[Any]:
        extra = {"POST": [IDEMPOTENCY_KEY], "PATCH": [IF_MATCH], "PUT": [IF_MATCH]}
        if "/applications/{" in self.path:  # every change to a case may name the version
            extra["POST"] = [IDEMPOTENCY_KEY, IF_MATCH]
        if self.method == "DELETE" and getattr(self.view, "takes_if_match", True):
            extra["DELETE"] = [IF_MATCH]
        return [*super().get_override_parameters(), *extra.get(self.method, [])]

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        codes = ALWAYS if self.method == "GET" else (*ALWAYS, *WRITES)
        for code in codes:
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    ProblemSerializer, str(code), media_types=[PROBLEM_CONTENT_TYPE]
                )
        return responses


def forbid_unknown_fields(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Request bodies refuse unknown fields (serializers.Input); say so in the schema."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result
