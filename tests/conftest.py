from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from licensing import permissions
from licensing.models import ControlledItem, Organisation
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


@pytest.fixture
def reference_data(transactional_db: Any) -> None:
    """Transactional tests flush the database after each test, including what the data
    migration loaded; put the reviewer groups and the catalogue back."""
    for name in (permissions.CASE_OFFICER_GROUP, permissions.SUPERVISOR_GROUP):
        Group.objects.get_or_create(name=name)
    if not ControlledItem.objects.exists():
        call_command("load_catalogue", stdout=StringIO())
