"""The control list and the measures that bring its items under control, as editable data.

Dates in a measure mean 00:00 Asia/Shanghai; every window is stored as half-open aware
instants [start, end) (DOMAIN.md §1).
"""

from django.db import models


class Verification(models.TextChoices):
    """How well a fact is sourced (DOMAIN.md tags [P], [S], [U])."""

    PRIMARY = "primary", "Primary legal text"
    SECONDARY = "secondary", "Secondary source"
    UNVERIFIED = "unverified", "Unverified"


class Measure(models.Model):
    """A legal act, e.g. MOFCOM/GAC announcement 2025 No. 18."""

    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=300)
    issued_on = models.DateField()
    source = models.CharField(max_length=500)
    verification = models.CharField(max_length=12, choices=Verification.choices)

    class Meta:
        ordering = ["issued_on", "code"]

    def __str__(self) -> str:
        return self.title


class ControlledItem(models.Model):
    """One leaf of the control list; reference HS codes are hints, never a clearance."""

    class Form(models.TextChoices):
        METAL = "metal", "Metal"
        ALLOY = "alloy", "Alloy"
        TARGET = "target", "Target"
        MAGNET = "magnet", "Permanent-magnet material"
        OXIDE = "oxide", "Oxide and mixtures"
        COMPOUND = "compound", "Compounds and mixtures"
        INTERMEDIATE = "intermediate", "Intermediate"
        TECHNOLOGY = "technology", "Technology"

    code = models.CharField(max_length=30, unique=True)
    element = models.CharField(max_length=20)
    form = models.CharField(max_length=15, choices=Form.choices)
    description = models.CharField(max_length=500)
    hs_codes = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=500)
    verification = models.CharField(max_length=12, choices=Verification.choices)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(verification__in=Verification.values),
                name="item_verification_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class Provision(models.Model):
    """One provision of a measure, with its own effective window."""

    class Scope(models.TextChoices):
        EXPORT = "export", "Export from China of a listed item"
        FOREIGN_MADE_CONTENT = "foreign_made_content", "Foreign-made goods with Chinese content"
        FOREIGN_MADE_TECHNOLOGY = "foreign_made_technology", "Foreign-made with Chinese technology"
        REEXPORT = "reexport", "Re-export of Chinese-origin items"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="provisions")
    code = models.CharField(max_length=40, help_text="e.g. 'I(1)' or 'main'")
    description = models.TextField()
    scope = models.CharField(max_length=25, choices=Scope.choices, default=Scope.EXPORT)
    effective_from = models.DateTimeField()
    effective_until = models.DateTimeField(null=True, blank=True)
    items = models.ManyToManyField(ControlledItem, related_name="provisions", blank=True)
    verification = models.CharField(max_length=12, choices=Verification.choices)

    class Meta:
        ordering = ["measure__issued_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "code"], name="unique_provision_code"),
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_until__gt=models.F("effective_from")),
                name="provision_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.code}"


class Suspension(models.Model):
    """A window [starts_at, ends_at) in which a provision does not apply."""

    provision = models.ForeignKey(Provision, on_delete=models.CASCADE, related_name="suspensions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    by_measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="suspends")
    verification = models.CharField(max_length=12, choices=Verification.choices)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="suspension_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provision} suspended by {self.by_measure.code}"


class RestrictedParty(models.Model):
    """An entry of the control list or the watch list, with aliases and owned units."""

    class ListName(models.TextChoices):
        CONTROL = "control", "Control list"
        WATCH = "watch", "Watch list"

    name = models.CharField(max_length=300)
    list_name = models.CharField(max_length=10, choices=ListName.choices)
    country = models.CharField(max_length=2)
    aliases = models.JSONField(default=list, blank=True)
    subsidiaries = models.JSONField(
        default=list, blank=True, help_text='[["Unit name", 60.0], ...] with ownership percent'
    )
    source = models.CharField(max_length=500)
    verification = models.CharField(max_length=12, choices=Verification.choices)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "restricted parties"
        constraints = [
            models.UniqueConstraint(fields=["name", "list_name"], name="unique_listed_party")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_list_name_display()})"
