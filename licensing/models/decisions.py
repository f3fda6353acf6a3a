from django.conf import settings
from django.db import models

from licensing.models.applications import Application
from licensing.models.catalogue import ControlledItem


class Decision(models.Model):
    """A case officer's recommendation or a countersignature (four eyes, DESIGN.md)."""

    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", "Recommendation"
        COUNTERSIGNATURE = "countersignature", "Countersignature"

    class Outcome(models.TextChoices):
        APPROVE = "approve", "Approve"
        APPROVE_WITH_CONDITIONS = "approve_with_conditions", "Approve with conditions"
        REFUSE = "refuse", "Refuse"
        RETURN = "return", "Return for further review"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    outcome = models.CharField(max_length=25, choices=Outcome.choices)
    reason_codes = models.JSONField(default=list, blank=True)
    conditions = models.TextField(blank=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_outcome_display()}"

    @property
    def is_approval(self) -> bool:
        return self.outcome in {self.Outcome.APPROVE, self.Outcome.APPROVE_WITH_CONDITIONS}


class Licence(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        EXHAUSTED = "exhausted", "Exhausted"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        SUPERSEDED = "superseded", "Superseded"

    number = models.CharField(max_length=20, unique=True, editable=False)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="licence"
    )
    type = models.CharField(max_length=10, choices=Application.Type.choices)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.ACTIVE, editable=False
    )
    conditions = models.TextField(blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "active",
                        "suspended",
                        "exhausted",
                        "expired",
                        "revoked",
                        "superseded",
                    ]
                ),
                name="licence_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="licence_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class LicenceLine(models.Model):
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(ControlledItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit = models.CharField(max_length=10)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} {self.unit} {self.item.code}"
