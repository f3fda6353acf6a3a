from django.conf import settings
from django.db import models

from licensing.validators import validate_uscc


class Organisation(models.Model):
    """An applicant company (the exporter)."""

    name = models.CharField(max_length=200)
    credit_code = models.CharField(
        "unified social credit code", max_length=18, unique=True, validators=[validate_uscc]
    )
    address = models.TextField()
    country = models.CharField(max_length=2, default="CN", help_text="ISO 3166-1 alpha-2")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user acting for an organisation; admins manage its members and API keys."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Administrator"
        MEMBER = "member", "Member"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership"),
            models.CheckConstraint(
                condition=models.Q(role__in=["admin", "member"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class CalendarOverride(models.Model):
    """A supervisor's correction to the China working-day calendar (DOMAIN.md §5)."""

    date = models.DateField(unique=True)
    is_working_day = models.BooleanField()
    source = models.CharField(max_length=300, help_text="e.g. State Council notice of 2027")

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {'working' if self.is_working_day else 'day off'}"
