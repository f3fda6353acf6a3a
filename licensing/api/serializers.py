"""Input serializers only validate (unknown fields are refused); output serializers only
render. No business rule lives here: the services decide."""

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from licensing.models import (
    ApiKey,
    Application,
    ApplicationLine,
    ClockPause,
    ControlledItem,
    Decision,
    Document,
    EndUseDeclaration,
    Event,
    InformationRequest,
    Licence,
    LicenceLine,
    Organisation,
    Party,
    ScreeningFlag,
    WebhookDelivery,
    WebhookEndpoint,
)
from licensing.workflow import Status

# --- input ------------------------------------------------------------------------------


class Input(serializers.Serializer):  # type: ignore[type-arg]
    """A request body: every field declared, anything else refused with a 400."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


class EmptyInput(Input):
    """An action that takes no arguments: any field is unknown."""


class ApplicationCreateInput(Input):
    type = serializers.ChoiceField(choices=Application.Type.choices, default="single")
    intended_export_date = serializers.DateField(required=False, allow_null=True)
    destination_country = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, allow_blank=True, default=""
    )
    organisation = serializers.IntegerField(
        required=False, help_text="Only needed by a user who belongs to several organisations."
    )


class ApplicationUpdateInput(Input):
    type = serializers.ChoiceField(choices=Application.Type.choices, required=False)
    intended_export_date = serializers.DateField(required=False, allow_null=True)
    destination_country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False)


class GoodsInput(Input):
    """What the licence requirement is judged on, for a line or a requirement question."""

    hs_code = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    # Goods made abroad with Chinese-origin listed content (No. 61 I(1), de minimis 0.1 %).
    foreign_made = serializers.BooleanField(default=False)
    chinese_content_value = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True, default=None
    )
    product_value = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True, default=None
    )


class LineInput(GoodsInput):
    item_code = serializers.CharField(max_length=30)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    unit_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    unit = serializers.CharField(max_length=10, default="kg")
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", default="USD")


class PartyInput(Input):
    role = serializers.ChoiceField(choices=Party.Role.choices)
    name = serializers.CharField(max_length=300)
    country = serializers.RegexField(r"^[A-Za-z]{2}$")
    address = serializers.CharField(required=False, allow_blank=True, default="")


class EndUseInput(Input):
    category = serializers.ChoiceField(choices=EndUseDeclaration.Category.choices)
    description = serializers.CharField()
    no_reexport_undertaking = serializers.BooleanField()
    military = serializers.BooleanField(default=False)


class DocumentInput(Input):
    kind = serializers.ChoiceField(choices=Document.Kind.choices)
    file = serializers.FileField()


class ReasonInput(Input):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AnswerInput(Input):
    answer = serializers.CharField()


class ResubmitInput(Input):
    answer = serializers.CharField(required=False, allow_blank=True, default="")


class NoteInput(Input):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReferInput(Input):
    note = serializers.CharField()


class DeficiencyInput(Input):
    deficiencies = serializers.ListField(child=serializers.CharField(), min_length=1)
    answer_due = serializers.DateField(required=False, allow_null=True)


class InformationRequestInput(Input):
    question = serializers.CharField()
    answer_due = serializers.DateField(required=False, allow_null=True)


class PauseInput(Input):
    reason = serializers.ChoiceField(
        choices=[c for c in ClockPause.Reason.choices if c[0] != "information_request"]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RecommendInput(Input):
    outcome = serializers.ChoiceField(
        choices=[c for c in Decision.Outcome.choices if c[0] != Decision.Outcome.RETURN]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason_codes = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, default=list
    )
    conditions = serializers.CharField(required=False, allow_blank=True, default="")


class CountersignInput(Input):
    agree = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RequirementLineInput(GoodsInput):
    item_code = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class RequirementInput(Input):
    export_date = serializers.DateField()
    lines = RequirementLineInput(many=True, allow_empty=False, max_length=200)  # type: ignore[call-arg]


class ApiKeyInput(Input):
    name = serializers.CharField(max_length=100)
    scope = serializers.ChoiceField(choices=ApiKey.Scope.choices, default=ApiKey.Scope.READ)


class WebhookEndpointInput(Input):
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEndpoint.EventType.choices), min_length=1
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


# --- query parameters -------------------------------------------------------------------


class AtQuery(Input):
    at = serializers.DateTimeField(required=False, help_text="An ISO 8601 instant; default: now.")


class DueDateQuery(Input):
    start = serializers.DateField(help_text="YYYY-MM-DD, the day the clock starts (not counted).")
    working_days = serializers.IntegerField(min_value=0, max_value=1000)


# --- output -----------------------------------------------------------------------------


class OrganisationOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Organisation
        fields = ["id", "name", "credit_code", "address", "country", "created_at"]


class ControlledItemOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    controlled = serializers.BooleanField(help_text="Covered by a provision in force at `at`.")
    provisions = serializers.ListField(child=serializers.CharField(), source="provisions_in_force")

    class Meta:
        model = ControlledItem
        fields = [
            "code",
            "element",
            "form",
            "description",
            "hs_codes",
            "verification",
            "controlled",
            "provisions",
        ]


class SuspensionOut(serializers.Serializer):  # type: ignore[type-arg]
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    by_measure = serializers.CharField()
    active = serializers.BooleanField(help_text="The suspension covers `at`.")


class ProvisionOut(serializers.Serializer):  # type: ignore[type-arg]
    measure = serializers.CharField()
    measure_title = serializers.CharField()
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()
    scope = serializers.CharField()
    effective_from = serializers.DateTimeField()
    effective_until = serializers.DateTimeField(allow_null=True)
    in_force = serializers.BooleanField()
    suspended = serializers.BooleanField()
    suspensions = SuspensionOut(many=True)
    items = serializers.ListField(child=serializers.CharField())


class MeasuresOut(serializers.Serializer):  # type: ignore[type-arg]
    at = serializers.DateTimeField()
    provisions = ProvisionOut(many=True)


class RequirementLineOut(serializers.Serializer):  # type: ignore[type-arg]
    item_code = serializers.CharField()
    licence_required = serializers.BooleanField(
        allow_null=True, help_text="null: a reviewer must confirm."
    )
    provisions = serializers.ListField(child=serializers.CharField())
    reasons = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())


class RequirementOut(serializers.Serializer):  # type: ignore[type-arg]
    export_date = serializers.DateField()
    lines = RequirementLineOut(many=True)


class DueDateOut(serializers.Serializer):  # type: ignore[type-arg]
    due_date = serializers.DateField(source="date")
    provisional = serializers.BooleanField()


class LineOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    item_code = serializers.CharField(source="item.code")

    class Meta:
        model = ApplicationLine
        fields = [
            "id",
            "item_code",
            "description",
            "hs_code",
            "quantity",
            "unit",
            "unit_value",
            "currency",
            "foreign_made",
            "chinese_content_value",
            "product_value",
            "licence_required",
            "provisions",
        ]


class PartyOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Party
        fields = ["id", "role", "name", "address", "country"]


class EndUseOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = EndUseDeclaration
        fields = ["category", "description", "no_reexport_undertaking", "military"]


class DocumentOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Document
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at"]


class ApplicationOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    organisation = serializers.IntegerField(source="organisation_id")
    status = serializers.ChoiceField(choices=Status.choices)

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "organisation",
            "type",
            "status",
            "version",
            "intended_export_date",
            "destination_country",
            "created_at",
            "updated_at",
            "submitted_at",
            "accepted_at",
            "decided_at",
            "acceptance_due",
            "decision_due",
            "decision_due_provisional",
            "no_time_limit",
            "countersign_required",
            "assigned_officer",
        ]


class ApplicationDetailOut(ApplicationOut):
    lines = LineOut(many=True)
    parties = PartyOut(many=True)
    documents = DocumentOut(many=True)

    class Meta(ApplicationOut.Meta):
        fields = [*ApplicationOut.Meta.fields, "lines", "parties", "documents"]


class EventOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta:
        model = Event
        fields = ["id", "at", "verb", "actor", "from_status", "to_status", "reason", "payload"]


class InformationRequestOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = InformationRequest
        fields = ["id", "kind", "question", "asked_at", "answer_due", "answer", "answered_at"]


class PauseOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ClockPause
        fields = ["reason", "started_at", "ended_at"]


class ClockOut(serializers.Serializer):  # type: ignore[type-arg]
    acceptance_due = serializers.DateField(allow_null=True)
    decision_due = serializers.DateField(allow_null=True)
    provisional = serializers.BooleanField()
    paused = serializers.BooleanField()
    no_time_limit = serializers.BooleanField()
    licence_issue_due = serializers.DateField(allow_null=True)
    pauses = PauseOut(many=True)


class ScreeningFlagOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ScreeningFlag
        fields = [
            "id",
            "rule",
            "severity",
            "explanation",
            "evidence",
            "requires_countersignature",
            "removes_time_limit",
            "rules_version",
            "raised_at",
        ]


class LicenceLineOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    item_code = serializers.CharField(source="item.code")

    class Meta:
        model = LicenceLine
        fields = ["item_code", "quantity", "unit"]


class LicenceOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    application = serializers.IntegerField(source="application_id")
    application_reference = serializers.CharField(source="application.reference")
    lines = LicenceLineOut(many=True)

    class Meta:
        model = Licence
        fields = [
            "id",
            "number",
            "application",
            "application_reference",
            "type",
            "status",
            "conditions",
            "valid_from",
            "valid_until",
            "issued_at",
            "lines",
        ]


class ApiKeyOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    user = serializers.CharField(source="user.username")

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "scope",
            "user",
            "organisation",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]


class ApiKeyCreatedOut(ApiKeyOut):
    key = serializers.CharField(help_text="The secret, shown this once only.")

    class Meta(ApiKeyOut.Meta):
        fields = [*ApiKeyOut.Meta.fields, "key"]


class WebhookEndpointOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    events = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "created_at"]


class WebhookEndpointCreatedOut(WebhookEndpointOut):
    secret = serializers.CharField(help_text="The signing secret, shown this once only.")

    class Meta(WebhookEndpointOut.Meta):
        fields = [*WebhookEndpointOut.Meta.fields, "secret"]


class WebhookDeliveryOut(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event_type",
            "payload",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
            "created_at",
        ]
