"""What the background jobs leave behind: the notification outbox and the rules checks.

The database is the scheduler of record (DESIGN.md "Architecture"): a beat tick sweeps these
rows and the stored due dates; the broker only carries wake-ups.
"""

from django.conf import settings
from django.db import models


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def email_due(self, now: object) -> "NotificationQuerySet":
        return self.filter(email_status="pending", email_next_attempt_at__lte=now)


class Notification(models.Model):
    """One message to one person: shown in the app, and e-mailed once through the outbox.

    ``key`` (topic + recipient) is unique: whoever creates the same notification twice (a tick
    run twice, two beat processes by mistake, a task delivered twice) creates it once.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        NO_ADDRESS = "no_address", "No e-mail address"
        FAILED = "failed", "Gave up after repeated failures"

    key = models.CharField(max_length=200, unique=True)  # topic + recipient
    topic = models.CharField(max_length=160, db_index=True)  # what it is about, once per person
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    application = models.ForeignKey(
        "licensing.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=12, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(
                fields=["email_next_attempt_at"],
                condition=models.Q(email_status="pending"),
                name="notification_email_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email_status__in=["pending", "sent", "no_address", "failed"]),
                name="notification_email_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


class RulesCheck(models.Model):
    """One change of the rules seen by the rules sweep: which provisions started or stopped
    applying (or whose dates an administrator edited), and what it touched.

    ``key`` fingerprints the rules data together with the set in force, so each change is
    handled once however many ticks or beat processes see it.
    """

    key = models.CharField(max_length=64, unique=True)
    rules_version = models.CharField(max_length=64)
    in_force = models.JSONField(default=list)
    started = models.JSONField(default=list)
    stopped = models.JSONField(default=list)
    definitions_changed = models.BooleanField(default=False)
    checked_at = models.DateTimeField()
    fanned_out_at = models.DateTimeField(null=True, blank=True)  # re-screening last enqueued
    completed_at = models.DateTimeField(null=True, blank=True)  # every case re-screened
    applications = models.PositiveIntegerField(default=0)
    affected_licences = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        get_latest_by = ["checked_at", "pk"]

    def __str__(self) -> str:
        return f"Rules check {self.checked_at:%Y-%m-%d %H:%M} ({self.rules_version})"

    @property
    def changes(self) -> str:
        parts = [f"now apply: {', '.join(self.started)}"] if self.started else []
        parts += [f"no longer apply: {', '.join(self.stopped)}"] if self.stopped else []
        if self.definitions_changed and not parts:
            parts.append("the dates or items of a measure were edited")
        return "; ".join(parts) or "the rules in force were checked for the first time"
