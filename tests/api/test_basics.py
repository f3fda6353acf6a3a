"""Authentication, the error shape, conventions: through the real path with real keys."""

from typing import Any

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from licensing import services
from licensing.models import ApiKey
from tests.api.conftest import client_with
from tests.factories import api_key


def test_organisation_is_the_callers(as_applicant: APIClient, organisation: Any) -> None:
    response = as_applicant.get("/api/v1/organisation/")
    assert response.status_code == 200
    assert response.json()["credit_code"] == organisation.credit_code


def test_no_key_is_401_problem(db: Any) -> None:
    response = APIClient().get("/api/v1/applications/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_key_is_401(applicant: User) -> None:
    secret = api_key(applicant)
    client = client_with(secret)
    assert client.get("/api/v1/applications/").status_code == 200
    services.revoke_api_key(ApiKey.objects.get(user=applicant), by=applicant)
    response = client.get("/api/v1/applications/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown or revoked API key."


def test_unknown_key_is_401(db: Any) -> None:
    response = client_with("ls_deadbeef_notakey").get("/api/v1/applications/")
    assert response.status_code == 401


def test_key_is_stored_only_as_hash_and_records_last_use(applicant: User) -> None:
    secret = api_key(applicant)
    client_with(secret).get("/api/v1/organisation/")
    key = ApiKey.objects.get(user=applicant)
    assert secret not in (key.hashed_secret, key.prefix)
    assert key.last_used_at is not None


def test_read_key_cannot_write(applicant: User) -> None:
    client = client_with(api_key(applicant, scope="read"))
    response = client.post("/api/v1/applications/", {"destination_country": "DE"}, format="json")
    assert response.status_code == 403
    assert client.get("/api/v1/applications/").status_code == 200


def test_malformed_json_is_400_problem(as_applicant: APIClient) -> None:
    response = as_applicant.post(
        "/api/v1/applications/", b"{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_unknown_field_is_400_naming_it(as_applicant: APIClient) -> None:
    response = as_applicant.post(
        "/api/v1/applications/", {"destination_country": "DE", "colour": "red"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"colour": ["Unknown field."]}


def test_wrong_type_is_400_and_nothing_saved(as_applicant: APIClient, organisation: Any) -> None:
    response = as_applicant.post(
        "/api/v1/applications/", {"intended_export_date": 12}, format="json"
    )
    assert response.status_code == 400
    assert "intended_export_date" in response.json()["errors"]
    assert organisation.applications.count() == 0


def test_unknown_query_parameter_is_400(as_applicant: APIClient) -> None:
    response = as_applicant.get("/api/v1/applications/?stauts=draft")
    assert response.status_code == 400
    assert "stauts" in response.json()["errors"]


def test_unknown_api_path_is_404_problem(as_applicant: APIClient) -> None:
    response = as_applicant.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_due_date_on_china_calendar(as_applicant: APIClient) -> None:
    # 2025-09-30 + 5 working days: National Day (Oct 1-8) is skipped, Sat Oct 11 is worked.
    response = as_applicant.get("/api/v1/calendar/due-date/?start=2025-09-30&working_days=5")
    assert response.status_code == 200
    assert response.json() == {"due_date": "2025-10-14", "provisional": False}


def test_due_date_rejects_impossible_date_naming_it(as_applicant: APIClient) -> None:
    response = as_applicant.get("/api/v1/calendar/due-date/?start=2025-02-30&working_days=5")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["start"]


def test_due_date_rejects_negative_count_naming_it(as_applicant: APIClient) -> None:
    response = as_applicant.get("/api/v1/calendar/due-date/?start=2025-02-03&working_days=-1")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["working_days"]


def test_measures_at_instant_show_suspension(as_applicant: APIClient) -> None:
    response = as_applicant.get("/api/v1/measures/?at=2026-01-15T00:00:00Z")
    provisions = {p["label"]: p for p in response.json()["provisions"]}
    assert response.status_code == 200
    assert provisions["MOFCOM-GAC-2025-18 main"]["in_force"] is True
    assert any(p["suspended"] for p in provisions.values())


def test_measures_rejects_bad_instant(as_applicant: APIClient) -> None:
    response = as_applicant.get("/api/v1/measures/?at=2025-13-45")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["at"]


def test_licence_requirement(as_applicant: APIClient) -> None:
    response = as_applicant.post(
        "/api/v1/licence-requirement/",
        {"export_date": "2099-01-10", "lines": [{"item_code": "1C904.a.4"}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["lines"][0]["licence_required"] is True


def test_licence_requirement_bad_line_names_it(as_applicant: APIClient) -> None:
    response = as_applicant.post(
        "/api/v1/licence-requirement/",
        {"export_date": "2099-01-10", "lines": [{"item_code": "9Z999"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "lines[0].item_code" in response.json()["errors"]


def test_control_list_at_instant(as_applicant: APIClient) -> None:
    response = as_applicant.get("/api/v1/control-list/?at=2026-01-15T00:00:00Z&page_size=100")
    items = {i["code"]: i for i in response.json()["results"]}
    assert response.status_code == 200
    assert items["1C904.a.4"]["controlled"] is True


def test_negative_page_is_400_naming_it(as_applicant: APIClient) -> None:
    response = as_applicant.get("/api/v1/applications/?page=-1")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page"]


def test_docs_and_schema_are_served_by_the_app(as_applicant: APIClient) -> None:
    docs = as_applicant.get("/api/docs/").content.decode()
    schema = as_applicant.get("/api/schema/")
    assert schema.status_code == 200
    assert "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs


def test_oversize_json_body_is_413_problem(as_applicant: APIClient) -> None:
    body = b'{"destination_country": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    response = as_applicant.post("/api/v1/applications/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_form_body_is_415_problem(as_applicant: APIClient) -> None:
    response = as_applicant.post(
        "/api/v1/applications/", "a=1", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
