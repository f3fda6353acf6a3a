"""The case: an application with its lines, parties, end-use declaration and documents."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from licensing.models.catalogue import ControlledItem
from licensing.models.organisations import Organisation
from licensing.workflow import OPEN, Status


class ApplicationQuerySet(models.QuerySet["Application"]):
    def open(self) -> "ApplicationQuerySet":
        return self.filter(status__in=OPEN)


class Application(models.Model):
    """An export-licence application; status changes only through licensing.services."""

    class Type(models.TextChoices):
        SINGLE = "single", "Single licence"
        GENERAL = "general", "General licence"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications"
    )
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.SINGLE)
    status = models.CharField(
        max_length=25, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    intended_export_date = models.DateField(null=True, blank=True)
    destination_country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_applications",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Clocks: stored due dates (China working days), recomputed on pause, resume and overrides.
    acceptance_due = models.DateField(null=True, blank=True, editable=False)
    decision_due = models.DateField(null=True, blank=True, editable=False)
    decision_due_provisional = models.BooleanField(default=False, editable=False)
    licence_issue_due = models.DateField(null=True, blank=True, editable=False)
    no_time_limit = models.BooleanField(default=False, editable=False)
    countersign_required = models.BooleanField(default=False, editable=False)
    rules_version = models.CharField(max_length=64, blank=True, editable=False)
    # The last change of the rules this case was screened again for (the rules sweep).
    last_rules_check = models.ForeignKey(
        "licensing.RulesCheck",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="application_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=["single", "general"]),
                name="application_type_valid",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_editable(self) -> bool:
        """The applicant may edit a draft, and a case answering a deficiency notice."""
        return self.status in (Status.DRAFT, Status.DEFICIENT)


class ReferenceCounter(models.Model):
    """The last number handed out in a yearly series (application LS-2026-000123, licences)."""

    series = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="unique_counter_series_year")
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last}"


class ApplicationLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(ControlledItem, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=500, blank=True)
    hs_code = models.CharField(max_length=10, blank=True)
    quantity = models.DecimalField(
        max_digits=14, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    unit = models.CharField(max_length=10, default="kg")
    unit_value = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(max_length=3, default="USD")
    # Goods made abroad with Chinese-origin listed content (No. 61 I(1), the December 1 rule).
    foreign_made = models.BooleanField(default=False)
    chinese_content_value = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True
    )
    product_value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    # The licence-requirement answer under the rules last screened against (None: a reviewer
    # must confirm, or not assessed yet); the rules sweep compares against it.
    licence_required = models.BooleanField(null=True, blank=True, editable=False)
    provisions = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_value__gte=0), name="line_unit_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.unit} {self.item.code}"


class Party(models.Model):
    class Role(models.TextChoices):
        IMPORTER = "importer", "Importer"
        CONSIGNEE = "consignee", "Consignee"
        END_USER = "end_user", "End user"
        INTERMEDIATE_CONSIGNEE = "intermediate_consignee", "Intermediate consignee"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=25, choices=Role.choices)
    name = models.CharField(max_length=300)
    address = models.TextField(blank=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "parties"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    role__in=["importer", "consignee", "end_user", "intermediate_consignee"]
                ),
                name="party_role_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class EndUseDeclaration(models.Model):
    class Category(models.TextChoices):
        CIVIL_MANUFACTURING = "civil_manufacturing", "Civil manufacturing"
        RESEARCH = "research", "Research and development"
        SEMICONDUCTOR = "semiconductor", "Semiconductor manufacturing"
        MEDICAL = "medical", "Medical"
        ENERGY = "energy", "Energy"
        MILITARY = "military", "Military"
        OTHER = "other", "Other"

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="end_use"
    )
    category = models.CharField(max_length=25, choices=Category.choices)
    description = models.TextField()
    no_reexport_undertaking = models.BooleanField(default=False)
    military = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.get_category_display()} end use"


def document_path(document: "Document", filename: str) -> str:
    return f"applications/{document.application_id}/{filename}"


class Document(models.Model):
    class Kind(models.TextChoices):
        APPLICATION_FORM = "application_form", "Application form"
        IDENTITY = "identity", "IDs of legal representative, managers and handler"
        CONTRACT = "contract", "Contract"
        TECHNICAL_DESCRIPTION = "technical_description", "Technical description or test report"
        END_USER_CERTIFICATE = "end_user_certificate", "End-user and end-use certificate"
        COMPLIANCE_PROGRAMME = "compliance_programme", "Internal compliance programme"
        OTHER = "other", "Other"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=25, choices=Kind.choices)
    file = models.FileField(upload_to=document_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class InformationRequest(models.Model):
    """A deficiency notice or an information request, and the applicant's answer."""

    class Kind(models.TextChoices):
        DEFICIENCY = "deficiency", "Deficiency notice"
        INFORMATION = "information", "Information request"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="information_requests"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    question = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField()
    answer_due = models.DateField(null=True, blank=True)
    # Working days allowed when the due date was counted (None: the officer chose the date);
    # a calendar override moves such a date.
    answer_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.application}"


class ClockPause(models.Model):
    """A stored interval during which the decision clock does not run (DOMAIN.md §3)."""

    class Reason(models.TextChoices):
        EXPERT_CONSULTATION = "expert_consultation", "Expert consultation"
        TECHNICAL_IDENTIFICATION = "technical_identification", "Technical identification"
        ON_SITE_VERIFICATION = "on_site_verification", "On-site verification"
        INFORMATION_REQUEST = "information_request", "Information request"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_pause_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} from {self.started_at:%Y-%m-%d}"


class ScreeningFlag(models.Model):
    """One finding of screening: the rule that raised it, the evidence and why it matters."""

    class Severity(models.TextChoices):
        PRESUMPTION_OF_DENIAL = "presumption_of_denial", "Presumption of denial"
        CASE_BY_CASE = "case_by_case", "Case by case"
        WARNING = "warning", "Warning"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="flags")
    rule = models.CharField(max_length=60)
    severity = models.CharField(max_length=25, choices=Severity.choices)
    explanation = models.TextField()
    evidence = models.JSONField(default=dict, blank=True)
    requires_countersignature = models.BooleanField(default=True)
    removes_time_limit = models.BooleanField(default=False)
    rules_version = models.CharField(max_length=64)
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["raised_at", "pk"]

    def __str__(self) -> str:
        return f"{self.rule}: {self.explanation}"
