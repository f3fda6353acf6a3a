"""The landing page, sign-in, and the scoping of portal and dashboard pages."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from licensing import services
from licensing.models import Application
from licensing.workflow import Status
from tests.factories import application_in, complete_draft


def test_landing_page_offers_sign_in(client: Client, db: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("login") in response.content.decode()


def test_login_page_renders(client: Client, db: Any) -> None:
    assert client.get(reverse("login")).status_code == 200


def test_healthz(client: Client, db: Any) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_applicant_sees_own_application(client: Client, actors: Any) -> None:
    app = application_in(Status.SUBMITTED, **actors)
    client.force_login(actors["applicant"])
    listing = client.get(reverse("applicants:application-list")).content.decode()
    detail = client.get(reverse("applicants:application-detail", args=[app.pk]))
    assert app.reference in listing
    assert detail.status_code == 200
    assert "Motorwerk GmbH" in detail.content.decode()


def test_other_organisation_gets_404_and_nothing_changes(
    client: Client, actors: Any, other_applicant: Any
) -> None:
    app = application_in(Status.SUBMITTED, **actors)
    client.force_login(other_applicant)
    listing = client.get(reverse("applicants:application-list")).content.decode()
    detail = client.get(reverse("applicants:application-detail", args=[app.pk]))
    assert app.reference not in listing
    assert detail.status_code == 404
    assert Application.objects.get(pk=app.pk).version == app.version


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.UNDER_REVIEW])
def test_reviewer_queue_shows_open_cases(client: Client, actors: Any, status: Status) -> None:
    app = application_in(status, **actors)
    client.force_login(actors["officer"])
    assert app.reference in client.get(reverse("reviews:queue")).content.decode()
    assert client.get(reverse("reviews:application-detail", args=[app.pk])).status_code == 200


def test_reviewer_never_sees_drafts(client: Client, actors: Any) -> None:
    app = application_in(Status.DRAFT, **actors)
    client.force_login(actors["officer"])
    assert client.get(reverse("reviews:application-detail", args=[app.pk])).status_code == 404


def test_applicant_cannot_open_the_dashboard(client: Client, actors: Any) -> None:
    client.force_login(actors["applicant"])
    assert client.get(reverse("reviews:queue")).status_code == 403


def test_queue_query_count_does_not_grow_with_rows(
    client: Client, actors: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        application_in(Status.SUBMITTED, **actors)
    client.force_login(actors["officer"])
    with django_assert_max_num_queries(6):
        client.get(reverse("reviews:queue"))


def test_licence_check_page_answers_with_the_provision(client: Client, applicant: Any) -> None:
    client.force_login(applicant)
    response = client.post(
        reverse("applicants:licence-check"),
        {
            "item_code": "1C904.a.4",
            "export_date": "2099-01-15",
        },
    )
    body = response.content.decode()
    assert "A licence is needed" in body
    assert "MOFCOM-GAC-2025-18 main" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"item_code": "1C904.a.4", "export_date": "2099-02-30"}, "Enter a valid date"),
        ({"hs_code": "12", "export_date": "2099-01-15"}, "8 or 10 digits"),
        (
            {
                "item_code": "1C904.a.4",
                "export_date": "2099-01-15",
                "foreign_made": "on",
                "chinese_content_value": "5",
                "product_value": "0",
            },
            "more than zero",
        ),
    ],
)
def test_licence_check_page_names_the_bad_field(
    client: Client, applicant: Any, data: dict[str, str], message: str
) -> None:
    client.force_login(applicant)
    response = client.post(reverse("applicants:licence-check"), data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_case_page_explains_screening_flags(client: Client, actors: Any) -> None:
    app = complete_draft(actors["organisation"], actors["applicant"])
    services.add_party(
        app, by=actors["applicant"], role="importer", name="Northwind Defense Systems", country="US"
    )
    services.submit_application(app, by=actors["applicant"])
    client.force_login(actors["officer"])
    body = client.get(reverse("reviews:application-detail", args=[app.pk])).content.decode()
    assert "restricted_party.control" in body
    assert "Northwind Defence Systems Ltd" in body
