"""Idempotency, ETag/If-Match, conflicts, throttling, pagination, filters, query counts."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from rest_framework.test import APIClient

from licensing import webhooks
from licensing.models import ApiKey, Application, WebhookDelivery, WebhookEndpoint
from licensing.workflow import Status
from tests.factories import application_in, complete_draft


def test_idempotent_post_replays_and_creates_nothing(
    as_applicant: APIClient, organisation: Any
) -> None:
    body = {"destination_country": "DE"}
    first = as_applicant.post(
        "/api/v1/applications/", body, format="json", HTTP_IDEMPOTENCY_KEY="a1"
    )
    again = as_applicant.post(
        "/api/v1/applications/", body, format="json", HTTP_IDEMPOTENCY_KEY="a1"
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert organisation.applications.count() == 1


def test_idempotency_key_reused_with_other_body_is_422(
    as_applicant: APIClient, organisation: Any
) -> None:
    as_applicant.post("/api/v1/applications/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    response = as_applicant.post(
        "/api/v1/applications/",
        {"destination_country": "FR"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert organisation.applications.count() == 1


def test_idempotent_replay_of_an_error_is_the_same_error(
    as_applicant: APIClient, actors: dict[str, Any]
) -> None:
    app = complete_draft(actors["organisation"], actors["applicant"])
    url = f"/api/v1/applications/{app.pk}/accept/"
    first = as_applicant.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="x")
    again = as_applicant.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="x")
    assert first.status_code == again.status_code
    assert again.json() == first.json()


def test_stale_if_match_is_412_and_changes_nothing(
    as_applicant: APIClient, actors: dict[str, Any]
) -> None:
    app = complete_draft(actors["organisation"], actors["applicant"])
    url = f"/api/v1/applications/{app.pk}/"
    etag = as_applicant.get(url)["ETag"]
    fresh = as_applicant.patch(
        url, {"destination_country": "FR"}, format="json", HTTP_IF_MATCH=etag
    )
    stale = as_applicant.patch(
        url, {"destination_country": "JP"}, format="json", HTTP_IF_MATCH=etag
    )
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag
    assert stale.status_code == 412
    assert Application.objects.get(pk=app.pk).destination_country == "FR"


def test_stale_if_match_on_delete_is_412(as_applicant: APIClient, actors: dict[str, Any]) -> None:
    app = complete_draft(actors["organisation"], actors["applicant"])
    line = app.lines.get()
    response = as_applicant.delete(
        f"/api/v1/applications/{app.pk}/lines/{line.pk}/", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 412
    assert app.lines.count() == 1


def test_workflow_conflict_is_409(as_officer: APIClient, actors: dict[str, Any]) -> None:
    app = application_in(Status.UNDER_REVIEW, **actors)
    response = as_officer.post(f"/api/v1/applications/{app.pk}/accept/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["type"] == "/api/problems/workflow-conflict"


def test_incomplete_submission_is_409_listing_problems(
    as_applicant: APIClient, organisation: Any
) -> None:
    app = as_applicant.post("/api/v1/applications/", {}, format="json").json()
    response = as_applicant.post(f"/api/v1/applications/{app['id']}/submit/", {}, format="json")
    assert response.status_code == 409
    assert "Name the end user." in response.json()["problems"]
    assert Application.objects.get(pk=app["id"]).status == Status.DRAFT


def test_applicant_cannot_take_reviewer_actions(
    as_applicant: APIClient, actors: dict[str, Any]
) -> None:
    app = application_in(Status.SUBMITTED, **actors)
    response = as_applicant.post(f"/api/v1/applications/{app.pk}/accept/", {}, format="json")
    assert response.status_code == 403
    assert Application.objects.get(pk=app.pk).status == Status.SUBMITTED


def test_disallowed_upload_is_400_and_nothing_saved(
    as_applicant: APIClient, actors: dict[str, Any]
) -> None:
    app = complete_draft(actors["organisation"], actors["applicant"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = as_applicant.post(
        f"/api/v1/applications/{app.pk}/documents/",
        {"kind": "other", "file": fake},
        format="multipart",
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert app.documents.count() == 3


def test_throttle_per_key_with_retry_after(as_applicant: APIClient, settings: Any) -> None:
    settings.API_THROTTLE_RATE = "2/min"
    codes = [as_applicant.get("/api/v1/organisation/").status_code for _ in range(3)]
    response = as_applicant.get("/api/v1/organisation/")
    assert codes == [200, 200, 429]
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"] == "application/problem+json"


def test_filter_and_order(as_applicant: APIClient, actors: dict[str, Any]) -> None:
    draft = complete_draft(actors["organisation"], actors["applicant"], destination_country="JP")
    submitted = application_in(Status.SUBMITTED, **actors)
    by_status = as_applicant.get("/api/v1/applications/?status=submitted").json()["results"]
    by_destination = as_applicant.get("/api/v1/applications/?destination=jp").json()["results"]
    by_item = as_applicant.get("/api/v1/applications/?item_code=1C904.a.4&ordering=reference")
    assert [a["id"] for a in by_status] == [submitted.pk]
    assert [a["id"] for a in by_destination] == [draft.pk]
    assert [a["id"] for a in by_item.json()["results"]] == [draft.pk, submitted.pk]


def test_bad_filter_value_is_400_naming_it(as_applicant: APIClient) -> None:
    response = as_applicant.get("/api/v1/applications/?submitted_after=2025-02-30")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["submitted_after"]


@pytest.mark.parametrize("rows", [2, 8])
def test_list_queries_do_not_grow_with_rows(
    as_applicant: APIClient,
    actors: dict[str, Any],
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(rows):
        complete_draft(actors["organisation"], actors["applicant"])
    application_in(Status.APPROVED, **actors)
    for path in ("/api/v1/applications/", "/api/v1/licences/"):
        with django_assert_max_num_queries(13):
            assert as_applicant.get(path).status_code == 200


def test_org_admin_creates_and_revokes_keys_in_session_with_csrf(
    applicant: User, organisation: Any
) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(applicant)
    refused = client.post("/api/v1/api-keys/", {"name": "ERP"}, format="json")
    client.get("/api/v1/organisation/")  # any page; the CSRF cookie comes from the login form
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    created = client.post(
        "/api/v1/api-keys/", {"name": "ERP", "scope": "read"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    key = ApiKey.objects.get(name="ERP")
    revoked = client.delete(f"/api/v1/api-keys/{key.pk}/", HTTP_X_CSRFTOKEN=token)
    assert refused.status_code == 403
    assert created.status_code == 201
    assert created.json()["key"].startswith("ls_")
    assert revoked.status_code == 204
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None


def test_member_who_is_not_admin_cannot_create_keys(organisation: Any) -> None:
    from tests.factories import MembershipFactory

    member = MembershipFactory(organisation=organisation, role="member").user
    client = APIClient()
    client.force_login(member)
    response = client.post("/api/v1/api-keys/", {"name": "x"}, format="json")
    assert response.status_code == 403
    assert not ApiKey.objects.filter(name="x").exists()


@override_settings(WEBHOOK_ALLOW_PRIVATE_TARGETS=False)
@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/hook", "http://10.0.0.5/x", "http://[::1]/x", "http://169.254.169.254/"],
)
def test_private_webhook_target_is_refused(as_applicant: APIClient, url: str) -> None:
    response = as_applicant.post(
        "/api/v1/webhooks/", {"url": url, "events": ["licence.issued"]}, format="json"
    )
    assert response.status_code == 400
    assert "url" in response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_measures_changed_goes_to_every_subscribed_endpoint(
    as_applicant: APIClient, as_other: APIClient
) -> None:
    for client, events in ((as_applicant, ["measures.changed"]), (as_other, ["licence.issued"])):
        client.post(
            "/api/v1/webhooks/", {"url": "http://127.0.0.1:9/", "events": events}, format="json"
        )
    ids = webhooks.record_measures_changed({"starts": ["MOFCOM-2025-61 I(1)"], "stops": []})
    assert len(ids) == 1
    assert WebhookDelivery.objects.get().payload["data"]["starts"] == ["MOFCOM-2025-61 I(1)"]


def test_failed_delivery_is_retried_later_then_given_up(as_applicant: APIClient) -> None:
    as_applicant.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/", "events": ["measures.changed"]},
        format="json",
    )
    (pk,) = webhooks.record_measures_changed({"starts": [], "stops": []})
    assert webhooks.deliver(pk) is False
    assert webhooks.deliver(pk) is False  # not due again yet: nothing sent
    delivery = WebhookDelivery.objects.get(pk=pk)
    assert delivery.attempts == 1
    assert delivery.status == "pending"
    assert delivery.last_error


def test_a_key_cannot_create_or_revoke_keys(applicant: User, as_applicant: APIClient) -> None:
    created = as_applicant.post("/api/v1/api-keys/", {"name": "successor"}, format="json")
    own = ApiKey.objects.get()
    revoked = as_applicant.delete(f"/api/v1/api-keys/{own.pk}/")

    assert created.status_code == revoked.status_code == 403
    assert created.headers["content-type"] == "application/problem+json"
    assert not ApiKey.objects.filter(name="successor").exists()
    assert ApiKey.objects.get(pk=own.pk).revoked_at is None


def test_a_malformed_key_is_401_not_500(db: Any) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer ls_ab\x00cd_x")
    response = client.get("/api/v1/organisation/")
    assert response.status_code == 401


def test_stale_if_match_on_a_workflow_action_is_412_and_nothing_changes(
    actors: dict[str, Any], as_applicant: APIClient
) -> None:
    draft = complete_draft(actors["organisation"], actors["applicant"])
    stale = f'"{draft.version - 1}"'

    submitted = as_applicant.post(
        f"/api/v1/applications/{draft.pk}/submit/", {}, format="json", HTTP_IF_MATCH=stale
    )
    fresh = as_applicant.post(
        f"/api/v1/applications/{draft.pk}/submit/",
        {},
        format="json",
        HTTP_IF_MATCH=f'"{draft.version}"',
    )

    assert submitted.status_code == 412
    assert submitted.headers["content-type"] == "application/problem+json"
    assert fresh.status_code == 200
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_member_who_is_not_admin_cannot_add_webhooks(organisation: Any) -> None:
    from tests.factories import MembershipFactory

    member = MembershipFactory(organisation=organisation, role="member").user
    client = APIClient()
    client.force_login(member)
    response = client.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/", "events": ["licence.issued"]},
        format="json",
    )
    assert response.status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_a_member_of_two_organisations_says_which_in_a_session(
    applicant: User, organisation: Any
) -> None:
    from tests.factories import MembershipFactory

    second = MembershipFactory(user=applicant).organisation
    client = APIClient()
    client.force_login(applicant)

    unsaid = client.get("/api/v1/organisation/")
    said = client.get(f"/api/v1/organisation/?organisation={second.pk}")
    created = client.post(
        f"/api/v1/webhooks/?organisation={second.pk}",
        {"url": "http://127.0.0.1:9/", "events": ["licence.issued"]},
        format="json",
    )
    listed = client.get("/api/v1/webhooks/").json()["results"]
    bad = client.get("/api/v1/organisation/?organisation=x")

    assert unsaid.status_code == 400
    assert "organisation" in unsaid.json()["errors"]
    assert said.json()["id"] == second.pk
    assert created.status_code == 201
    assert WebhookEndpoint.objects.get().organisation == second
    assert [e["id"] for e in listed] == [created.json()["id"]]
    assert bad.status_code == 400
