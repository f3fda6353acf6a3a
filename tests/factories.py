"""Test data. Applications reach a status only through the services, as in real life."""

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from licensing import permissions, services
from licensing.models import (
    Application,
    Document,
    IdempotencyRecord,
    Membership,
    Organisation,
    Party,
)
from licensing.validators import uscc_check_character
from licensing.workflow import Status

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def valid_credit_code(n: int) -> str:
    body = f"91110000{n:09d}"
    return body + uscc_check_character(body)


def pdf(name: str = "file.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.LazyFunction(lambda: make_password("pw"))

    class Params:
        officer = factory.Trait(
            groups=factory.PostGeneration(
                lambda user, create, extracted, **kw: user.groups.add(
                    Group.objects.get(name=permissions.CASE_OFFICER_GROUP)
                )
            )
        )
        supervisor = factory.Trait(
            groups=factory.PostGeneration(
                lambda user, create, extracted, **kw: user.groups.add(
                    Group.objects.get(name=permissions.SUPERVISOR_GROUP)
                )
            )
        )


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Exporter {n} Co., Ltd.")
    credit_code = factory.Sequence(valid_credit_code)
    address = "1 Export Road, Ganzhou"
    country = "CN"


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.ADMIN


def complete_draft(organisation: Organisation, by: User, **overrides: Any) -> Application:
    """A draft with everything a submission needs."""
    app = services.create_draft(
        organisation,
        by=by,
        intended_export_date=overrides.pop(
            "intended_export_date", timezone.localdate() + dt.timedelta(days=90)
        ),
        destination_country=overrides.pop("destination_country", "DE"),
    )
    services.add_line(
        app,
        by=by,
        item_code=overrides.pop("item_code", "1C904.a.4"),
        quantity=Decimal("10"),
        unit_value=Decimal("500"),
        **overrides.pop("line", {}),
    )
    services.add_party(app, by=by, role=Party.Role.END_USER, name="Motorwerk GmbH", country="DE")
    services.set_end_use(
        app,
        by=by,
        category="civil_manufacturing",
        description="Electric motors",
        no_reexport_undertaking=True,
        military=overrides.pop("military", False),
    )
    for kind in (
        Document.Kind.CONTRACT,
        Document.Kind.TECHNICAL_DESCRIPTION,
        Document.Kind.END_USER_CERTIFICATE,
    ):
        services.upload_document(app, by=by, kind=kind, file=pdf(f"{kind}.pdf"))
    app.refresh_from_db()
    return app


# How to reach each status from a complete draft, through the real services.
def application_in(
    status: Status, *, applicant: User, officer: User, supervisor: User, organisation: Organisation
) -> Application:
    app = complete_draft(organisation, applicant)
    if status == Status.DRAFT:
        return app
    if status == Status.WITHDRAWN:
        return services.withdraw_application(app, by=applicant)
    app = services.submit_application(app, by=applicant)
    if status == Status.SUBMITTED:
        return app
    if status in (Status.DEFICIENT, Status.LAPSED):
        app = services.issue_deficiency_notice(app, by=officer, deficiencies=["Sign the contract"])
        return app if status == Status.DEFICIENT else services.lapse_application(app)
    app = services.accept_application(app, by=officer)
    steps = {
        Status.UNDER_REVIEW: [],
        Status.INFORMATION_REQUESTED: [
            lambda a: services.request_information(a, by=officer, question="Which motors?")
        ],
        Status.PAUSED: [
            lambda a: services.pause_clock(a, by=officer, reason="expert_consultation")
        ],
        Status.AWAITING_COUNTERSIGN: [
            lambda a: services.recommend_decision(a, by=officer, outcome="approve")
        ],
        Status.APPROVED: [lambda a: services.approve_application(a, by=officer)],
        Status.REFUSED: [
            lambda a: services.recommend_decision(
                a, by=officer, outcome="refuse", note="End user not credible"
            ),
            lambda a: services.refuse_application(a, by=supervisor),
        ],
    }[status]
    for step in steps:
        app = step(app)
    return app


def api_key(user: User, *, scope: str = "read_write", staff: bool = False) -> str:
    """A real API key for the user, made through the service: an organisation key for its
    administrator, or (``staff``) a reviewer's own key. Returns the secret to send."""
    organisation = None if staff else user.membership_set.get().organisation
    _, secret = services.create_api_key(
        by=user, name=f"{user.username} key", scope=scope, organisation=organisation
    )
    return secret


class IdempotencyRecordFactory(factory.django.DjangoModelFactory[IdempotencyRecord]):
    """A claimed Idempotency-Key; without a status code its request is still running."""

    class Meta:
        model = IdempotencyRecord

    key = factory.Sequence(lambda n: f"key-{n}")
    method = "POST"
    path = "/api/v1/applications/"
    fingerprint = ""
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=1))
