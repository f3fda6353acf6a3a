"""Another organisation's ids are a 404 on every object endpoint, and nothing changes; a read
key gets 403 on every write, and no key a 401, on the same endpoints."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from licensing import services
from licensing.models import ApiKey, Event, WebhookEndpoint
from licensing.workflow import Status
from tests.api.conftest import client_with
from tests.factories import MembershipFactory, api_key, application_in, complete_draft, pdf

END_USE = {"category": "research", "description": "x", "no_reexport_undertaking": True}
ENDPOINTS = [
    ("get", "/api/v1/applications/{app}/", None),
    ("patch", "/api/v1/applications/{app}/", {"destination_country": "FR"}),
    ("get", "/api/v1/applications/{app}/lines/", None),
    (
        "post",
        "/api/v1/applications/{app}/lines/",
        {"item_code": "1C904.a.4", "quantity": "1", "unit_value": "1"},
    ),
    ("delete", "/api/v1/applications/{app}/lines/{line}/", None),
    ("get", "/api/v1/applications/{app}/parties/", None),
    (
        "post",
        "/api/v1/applications/{app}/parties/",
        {"role": "importer", "name": "X", "country": "FR"},
    ),
    ("delete", "/api/v1/applications/{app}/parties/{party}/", None),
    ("get", "/api/v1/applications/{app}/end-use/", None),
    ("put", "/api/v1/applications/{app}/end-use/", END_USE),
    ("get", "/api/v1/applications/{app}/documents/", None),
    ("post-file", "/api/v1/applications/{app}/documents/", None),
    ("delete", "/api/v1/applications/{app}/documents/{document}/", None),
    ("get", "/api/v1/applications/{app}/events/", None),
    ("get", "/api/v1/applications/{app}/information-requests/", None),
    ("post", "/api/v1/applications/{app}/information-requests/", {"question": "Why?"}),
    ("get", "/api/v1/applications/{app}/clock/", None),
    ("get", "/api/v1/applications/{app}/screening-flags/", None),
    ("post", "/api/v1/applications/{app}/submit/", {}),
    ("post", "/api/v1/applications/{app}/withdraw/", {}),
    ("post", "/api/v1/applications/{app}/resubmit/", {}),
    ("post", "/api/v1/applications/{app}/answer/", {"answer": "x"}),
    ("post", "/api/v1/applications/{app}/claim/", {}),
    ("post", "/api/v1/applications/{app}/accept/", {}),
    ("post", "/api/v1/applications/{app}/deficiency-notice/", {"deficiencies": ["x"]}),
    ("post", "/api/v1/applications/{app}/pause/", {"reason": "expert_consultation"}),
    ("post", "/api/v1/applications/{app}/resume/", {}),
    ("post", "/api/v1/applications/{app}/recommend/", {"outcome": "approve"}),
    ("post", "/api/v1/applications/{app}/countersign/", {"agree": True}),
    ("post", "/api/v1/applications/{app}/refer/", {"note": "x"}),
    ("get", "/api/v1/licences/{licence}/", None),
    ("get", "/api/v1/webhooks/{webhook}/", None),
    ("delete", "/api/v1/webhooks/{webhook}/", None),
    ("get", "/api/v1/webhooks/{webhook}/deliveries/", None),
    ("delete", "/api/v1/api-keys/{key}/", None),
]


@pytest.fixture
def theirs(actors: dict[str, Any]) -> dict[str, Any]:
    """Objects of the applicant's organisation: a complete draft and an approved case."""
    applicant, organisation = actors["applicant"], actors["organisation"]
    draft = complete_draft(organisation, applicant)
    approved = application_in(Status.APPROVED, **actors)
    webhook = services.create_webhook_endpoint(
        organisation, by=applicant, url="http://127.0.0.1:9/", events=["licence.issued"]
    )
    key, _ = services.create_api_key(
        by=applicant, name="theirs", scope="read_write", organisation=organisation
    )
    return {
        "app": draft.pk,
        "line": draft.lines.get().pk,
        "party": draft.parties.get().pk,
        "document": draft.documents.first().pk,  # type: ignore[union-attr]
        "licence": approved.licence.pk,
        "webhook": webhook.pk,
        "key": key.pk,
    }


def call(client: APIClient, method: str, path: str, body: Any) -> Any:
    if method == "post-file":
        return client.post(path, {"kind": "other", "file": pdf()}, format="multipart")
    return getattr(client, method)(path, body, format="json")


@pytest.mark.parametrize(("method", "template", "body"), ENDPOINTS)
def test_other_organisation_gets_404_and_nothing_changes(
    theirs: dict[str, Any], as_other: APIClient, method: str, template: str, body: Any
) -> None:
    events_before = Event.objects.count()
    response = call(as_other, method, template.format(**theirs), body)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert Event.objects.count() == events_before
    assert WebhookEndpoint.objects.get(pk=theirs["webhook"]).deleted_at is None
    assert ApiKey.objects.get(pk=theirs["key"]).revoked_at is None


def test_lists_show_nothing_of_another_organisation(
    theirs: dict[str, Any], as_other: APIClient
) -> None:
    for path in ("/api/v1/applications/", "/api/v1/licences/", "/api/v1/webhooks/"):
        assert as_other.get(path).json()["count"] == 0, path
    keys = as_other.get("/api/v1/api-keys/").json()["results"]
    assert theirs["key"] not in [k["id"] for k in keys]


def test_key_of_a_member_of_two_organisations_sees_only_its_own(
    theirs: dict[str, Any], applicant: User, other_applicant: User
) -> None:
    other_org = other_applicant.membership_set.get().organisation
    MembershipFactory(user=applicant, organisation=other_org)
    _, secret = services.create_api_key(
        by=applicant, name="k", scope="read", organisation=other_org
    )
    response = client_with(secret).get(f"/api/v1/applications/{theirs['app']}/")
    assert response.status_code == 404


WRITES = [e for e in ENDPOINTS if e[0] != "get"]


@pytest.mark.parametrize(("method", "template", "body"), WRITES)
def test_read_key_gets_403_on_every_write_and_nothing_changes(
    theirs: dict[str, Any], applicant: User, method: str, template: str, body: Any
) -> None:
    read_only = client_with(api_key(applicant, scope="read"))
    events_before = Event.objects.count()
    response = call(read_only, method, template.format(**theirs), body)
    assert response.status_code == 403
    assert Event.objects.count() == events_before


@pytest.mark.parametrize(("method", "template", "body"), ENDPOINTS)
def test_no_key_gets_401_everywhere(
    theirs: dict[str, Any], method: str, template: str, body: Any
) -> None:
    response = call(APIClient(), method, template.format(**theirs), body)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
