"""Idempotency under concurrency and failure: one application per key, and a server error
frees the key for a retry."""

import threading
from typing import Any
from unittest.mock import patch

import pytest
from django.db import connection
from rest_framework.test import APIClient

from licensing import services
from licensing.api import idempotency
from licensing.models import Application
from tests.api.conftest import client_with
from tests.factories import MembershipFactory, api_key


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_once(reference_data: Any) -> None:
    key = api_key(MembershipFactory().user)
    start = threading.Barrier(2)
    codes: list[int] = []

    def post() -> None:
        client: APIClient = client_with(key)
        start.wait()
        response = client.post(
            "/api/v1/applications/",
            {"destination_country": "DE"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="same",
        )
        codes.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Application.objects.count() == 1
    assert sorted(codes) in ([201, 201], [201, 409])


def test_server_error_frees_the_idempotency_key(applicant: Any, organisation: Any) -> None:
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key(applicant)}")
    with patch.object(services, "create_draft", side_effect=RuntimeError("bug")):
        failed = client.post("/api/v1/applications/", {}, format="json", HTTP_IDEMPOTENCY_KEY="r")
    retried = client.post("/api/v1/applications/", {}, format="json", HTTP_IDEMPOTENCY_KEY="r")
    assert failed.status_code == 500
    assert retried.status_code == 201
    assert organisation.applications.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_writers_with_the_same_etag_one_wins(reference_data: Any) -> None:
    applicant = MembershipFactory().user
    draft = services.create_draft(applicant.membership_set.get().organisation, by=applicant)
    key, etag = api_key(applicant), f'"{draft.version}"'
    start = threading.Barrier(2)
    codes: list[int] = []

    def add_line() -> None:
        client: APIClient = client_with(key)
        start.wait()
        response = client.post(
            f"/api/v1/applications/{draft.pk}/lines/",
            {"item_code": "1C904.a.4", "quantity": "1", "unit_value": "10"},
            format="json",
            HTTP_IF_MATCH=etag,
        )
        codes.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=add_line) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [201, 412]
    assert draft.lines.count() == 1


def test_a_crash_before_the_response_is_stored_leaves_nothing_behind(
    applicant: Any, organisation: Any
) -> None:
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key(applicant)}")
    # The draft is created, then the process fails while storing the response.
    with patch.object(idempotency, "finish", side_effect=RuntimeError("killed")):
        failed = client.post("/api/v1/applications/", {}, format="json", HTTP_IDEMPOTENCY_KEY="c")
    assert failed.status_code == 500
    assert organisation.applications.count() == 0  # the draft went with the response

    retried = client.post("/api/v1/applications/", {}, format="json", HTTP_IDEMPOTENCY_KEY="c")
    replayed = client.post("/api/v1/applications/", {}, format="json", HTTP_IDEMPOTENCY_KEY="c")
    assert (retried.status_code, replayed.status_code) == (201, 201)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert organisation.applications.count() == 1
