"""Reads shared by the portal, the dashboard, the API and tasks, scoped to the user."""

from typing import Any

from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404

from licensing import permissions
from licensing.models import Application, Event, Notification, Organisation, Provision, RulesCheck
from licensing.rules import ProvisionRule, Window
from licensing.workflow import OPEN, Status


def applications_for(user: Any) -> QuerySet[Application]:
    """Applicants see their organisations' cases; reviewers see every submitted case."""
    qs = Application.objects.select_related("organisation", "assigned_officer")
    if permissions.is_reviewer(user):
        return qs.exclude(status=Status.DRAFT)
    return qs.filter(organisation_id__in=permissions.organisation_ids(user))


def get_application_for(user: Any, pk: int | str) -> Application:
    """The only way a surface loads an application: 404 when the user may not see it."""
    return get_object_or_404(applications_for(user), pk=pk)


def organisations_for(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=permissions.organisation_ids(user))


def application_events(application: Application) -> QuerySet[Event]:
    return application.events.select_related("actor").order_by("at", "pk")


def case_file(application: Application) -> dict[str, Any]:
    """What a case page shows beside the application: its lines, parties, documents, history."""
    return {
        "lines": application.lines.select_related("item"),
        "parties": application.parties.all(),
        "documents": application.documents.all(),
        "events": application_events(application),
        "flags": application.flags.all(),
        "escalation": application.events.filter(
            verb="deadline_breached", payload__decision_due=str(application.decision_due)
        ).first(),
    }


def current_rules() -> list[ProvisionRule]:
    """Snapshot the provisions with their suspensions and items (3 queries)."""
    provisions = Provision.objects.select_related("measure").prefetch_related(
        "suspensions", "items"
    )
    return [
        ProvisionRule(
            measure=p.measure.code,
            code=p.code,
            effective=Window(p.effective_from, p.effective_until),
            suspensions=tuple(Window(s.starts_at, s.ends_at) for s in p.suspensions.all()),
            items=frozenset(item.code for item in p.items.all()),
            scope=p.scope,
        )
        for p in provisions
    ]


def notifications_for(user: Any) -> QuerySet[Notification]:
    """A person's own notifications, newest first; nobody sees anyone else's."""
    return Notification.objects.filter(recipient_id=user.pk).select_related("application")


def unread_notification_count(user: Any) -> int:
    if not user.is_authenticated:
        return 0
    return notifications_for(user).filter(read_at__isnull=True).count()


def rules_changes() -> QuerySet[RulesCheck]:
    """The rules checks, newest first (one row per change of the rules in force)."""
    return RulesCheck.objects.order_by("-checked_at", "-pk")


def review_queue(reviewer: Any) -> QuerySet[Application]:
    """The reviewers' work queue: every open case, the soonest decision first."""
    return (
        applications_for(reviewer)
        .filter(status__in=OPEN)
        .order_by(F("decision_due").asc(nulls_last=True), "submitted_at", "pk")
    )
