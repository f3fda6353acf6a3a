"""The core domain's tables. Status fields change only through licensing.services."""

from licensing.models.api import ApiKey, IdempotencyRecord, WebhookDelivery, WebhookEndpoint
from licensing.models.applications import (
    Application,
    ApplicationLine,
    ClockPause,
    Document,
    EndUseDeclaration,
    InformationRequest,
    Party,
    ReferenceCounter,
    ScreeningFlag,
)
from licensing.models.audit import Event
from licensing.models.catalogue import (
    ControlledItem,
    Measure,
    Provision,
    RestrictedParty,
    Suspension,
)
from licensing.models.decisions import Decision, Licence, LicenceLine
from licensing.models.jobs import Notification, RulesCheck
from licensing.models.organisations import CalendarOverride, Membership, Organisation

__all__ = [
    "ApiKey",
    "Application",
    "ApplicationLine",
    "CalendarOverride",
    "ClockPause",
    "ControlledItem",
    "Decision",
    "Document",
    "EndUseDeclaration",
    "Event",
    "IdempotencyRecord",
    "InformationRequest",
    "Licence",
    "LicenceLine",
    "Measure",
    "Membership",
    "Notification",
    "Organisation",
    "Party",
    "Provision",
    "ReferenceCounter",
    "RestrictedParty",
    "RulesCheck",
    "ScreeningFlag",
    "Suspension",
    "WebhookDelivery",
    "WebhookEndpoint",
]
