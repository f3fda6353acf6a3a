from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.factories import UserFactory, api_key

Client = Callable[[str], APIClient]


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def as_applicant(applicant: User) -> APIClient:
    return client_with(api_key(applicant))


@pytest.fixture
def as_other(other_applicant: User) -> APIClient:
    return client_with(api_key(other_applicant))


@pytest.fixture
def as_officer(officer: User) -> APIClient:
    return client_with(api_key(officer, staff=True))


@pytest.fixture
def as_supervisor(supervisor: User) -> APIClient:
    return client_with(api_key(supervisor, staff=True))


@pytest.fixture
def second_supervisor(db: Any) -> User:
    return UserFactory(supervisor=True)
