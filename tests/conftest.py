from typing import Any

import pytest
from django.contrib.auth.models import User

from licensing.models import Organisation
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def organisation(applicant: User) -> Organisation:
    return applicant.membership_set.get().organisation


@pytest.fixture
def applicant(db: Any) -> User:
    return MembershipFactory().user


@pytest.fixture
def other_applicant(db: Any) -> User:
    """A member of another organisation: must never see or change our cases."""
    return MembershipFactory().user


@pytest.fixture
def officer(db: Any) -> User:
    return UserFactory(officer=True)


@pytest.fixture
def supervisor(db: Any) -> User:
    return UserFactory(supervisor=True)


@pytest.fixture
def actors(
    applicant: User, officer: User, supervisor: User, organisation: Organisation
) -> dict[str, Any]:
    return {
        "applicant": applicant,
        "officer": officer,
        "supervisor": supervisor,
        "organisation": organisation,
    }
