"""The admin: reference data is editable (and audited); workflow state is read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from licensing import services
from licensing.models import (
    Application,
    CalendarOverride,
    ControlledItem,
    Event,
    Measure,
    Membership,
    Notification,
    Organisation,
    Provision,
    RestrictedParty,
    RulesCheck,
    Suspension,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services and jobs: administrators read them, nothing more."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The audit trail can be read, never written, changed or deleted here."""

    list_display = ["at", "verb", "subject_type", "subject_id", "actor", "from_status", "to_status"]
    list_filter = ["verb", "subject_type"]
    search_fields = ["subject_id", "reason"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Cases change only through the services (the workflow), never here."""

    list_display = ["reference", "organisation", "status", "decision_due"]
    list_filter = ["status", "type"]
    search_fields = ["reference", "organisation__name"]
    readonly_fields = [f.name for f in Application._meta.fields]


@admin.register(RulesCheck)
class RulesCheckAdmin(ReadOnlyAdmin):
    """Each change of the rules in force, the cases it re-screened and the licences to review."""

    list_display = ["checked_at", "changes", "rules_version", "applications"]
    readonly_fields = [f.name for f in RulesCheck._meta.fields]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The outbox: who was told what, and whether the e-mail went (with the last error)."""

    list_display = ["created_at", "recipient", "subject", "email_status", "email_attempts"]
    list_filter = ["email_status"]
    search_fields = ["topic", "subject", "recipient__username"]
    readonly_fields = [f.name for f in Notification._meta.fields]


class AuditedAdmin(admin.ModelAdmin):
    """Reference-data edits go through a service that writes an audit Event."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.save_reference_data(obj, by=request.user, changed=form.changed_data)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_reference_data(obj, by=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a bulk delete would bypass the audit trail


@admin.register(ControlledItem)
class ControlledItemAdmin(AuditedAdmin):
    list_display = ["code", "element", "form", "description", "verification"]
    list_filter = ["element", "form", "verification"]
    search_fields = ["code", "description"]


class SuspensionInline(admin.TabularInline):
    model = Suspension
    fk_name = "provision"
    extra = 0


@admin.register(Provision)
class ProvisionAdmin(AuditedAdmin):
    list_display = ["measure", "code", "effective_from", "effective_until", "verification"]
    filter_horizontal = ["items"]
    inlines = [SuspensionInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        services.save_reference_formset(formset, by=request.user)


@admin.register(Measure)
class MeasureAdmin(AuditedAdmin):
    list_display = ["code", "title", "issued_on", "verification"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedAdmin):
    list_display = ["date", "is_working_day", "source"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.save_calendar_override(
            obj.date, by=request.user, is_working_day=obj.is_working_day, source=obj.source
        )


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "credit_code", "country"]
    search_fields = ["name", "credit_code"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "organisation", "role"]


@admin.register(RestrictedParty)
class RestrictedPartyAdmin(AuditedAdmin):
    list_display = ["name", "list_name", "country", "verification"]
    list_filter = ["list_name"]
    search_fields = ["name"]
