"""Demo data: an exporter with two users, a case officer, a supervisor, and cases in several
states, all made through the services. Running it again changes nothing."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from licensing import permissions, services
from licensing.models import ApiKey, Application, Document, Membership, Organisation, Party

DEMO_PASSWORD = "lodestone-demo"  # noqa: S105 - printed for everyone by make run
DEMO_USERS = [
    # username, full name, role
    ("alice", "Alice Wang", "applicant admin"),
    ("bob", "Bob Li", "applicant"),
    ("olga", "Olga Chen", "case officer"),
    ("sam", "Sam Zhou", "supervisor"),
]
DEMO_ORGANISATION = {
    "name": "Baotou Rare Earth Magnetics Co., Ltd.",
    "credit_code": "91350100M000100Y43",
    "address": "8 Rare Earth Avenue, Baotou, Inner Mongolia",
    "country": "CN",
}
# Published demo API keys (make run prints them): the organisation's, acting as alice, and the
# case officer's and the supervisor's staff keys (so the README's journey can be run). Only
# their hashes are stored, like any other key.
DEMO_API_KEYS = [
    # username, key name, scope, staff key, the key
    ("alice", "Demo ERP", "read_write", False, "ls_demoorg1_lodestone-demo-organisation-key"),
    ("olga", "Demo officer", "read_write", True, "ls_demooff1_lodestone-demo-officer-key"),
    ("sam", "Demo supervisor", "read_write", True, "ls_demosup1_lodestone-demo-supervisor-key"),
]
# A minimal well-formed PDF, so the demo documents pass the content-type check.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def demo_pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


class Command(BaseCommand):
    help = "Create the demo organisation, users and applications (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:  # published passwords and keys, a superuser among them
            raise CommandError("The demo data is for development: not with LODESTONE_PRODUCTION.")
        users = {name: self._user(name, full, role) for name, full, role in DEMO_USERS}
        organisation = Organisation.objects.filter(
            credit_code=DEMO_ORGANISATION["credit_code"]
        ).first() or services.save_reference_data(Organisation(**DEMO_ORGANISATION), by=None)
        for name, role in (("alice", Membership.Role.ADMIN), ("bob", Membership.Role.MEMBER)):
            if not Membership.objects.filter(user=users[name], organisation=organisation).exists():
                services.save_reference_data(
                    Membership(user=users[name], organisation=organisation, role=role), by=None
                )
        self._api_keys(organisation, users)
        if organisation.applications.exists():
            self.stdout.write("Demo data already present: nothing to do.")
            return
        self._applications(organisation, users)
        self.stdout.write(self.style.SUCCESS("Demo data created."))

    def _api_keys(self, organisation: Organisation, users: dict[str, User]) -> None:
        for username, name, scope, staff, key in DEMO_API_KEYS:
            if not ApiKey.objects.filter(prefix=key.split("_", 2)[1]).exists():
                services.create_api_key(
                    by=users[username],
                    name=name,
                    scope=scope,
                    organisation=None if staff else organisation,
                    known_key=key,
                )

    def _user(self, username: str, full_name: str, role: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            first, last = full_name.split(" ", 1)
            user = User.objects.create_user(
                username,
                f"{username}@example.com",
                DEMO_PASSWORD,
                first_name=first,
                last_name=last,
            )
        group = {
            "case officer": permissions.CASE_OFFICER_GROUP,
            "supervisor": permissions.SUPERVISOR_GROUP,
        }.get(role)
        if group:
            user.groups.add(Group.objects.get(name=group))
            user.is_staff = role == "supervisor"
            user.is_superuser = role == "supervisor"
            user.save(update_fields=["is_staff", "is_superuser"])
        return user

    def _complete_draft(
        self,
        organisation: Organisation,
        by: User,
        *,
        destination: str,
        item: str,
        quantity: str,
        end_user: str,
    ) -> Application:
        export_date = timezone.localdate() + dt.timedelta(days=60)
        app = services.create_draft(
            organisation, by=by, intended_export_date=export_date, destination_country=destination
        )
        services.add_line(
            app, by=by, item_code=item, quantity=Decimal(quantity), unit_value=Decimal("850.00")
        )
        services.add_party(
            app, by=by, role=Party.Role.IMPORTER, name=f"{end_user} Trading", country=destination
        )
        services.add_party(
            app,
            by=by,
            role=Party.Role.END_USER,
            name=end_user,
            country=destination,
            address="Industrial Park 3",
        )
        services.set_end_use(
            app,
            by=by,
            category="civil_manufacturing",
            description="Traction motors for electric buses.",
            no_reexport_undertaking=True,
        )
        for kind in (
            Document.Kind.CONTRACT,
            Document.Kind.TECHNICAL_DESCRIPTION,
            Document.Kind.END_USER_CERTIFICATE,
        ):
            services.upload_document(app, by=by, kind=kind, file=demo_pdf(f"{kind}.pdf"))
        return app

    def _applications(self, organisation: Organisation, users: dict[str, User]) -> None:
        alice, bob, olga, sam = (users[n] for n in ("alice", "bob", "olga", "sam"))
        services.create_draft(organisation, by=bob, destination_country="DE")
        submitted = self._complete_draft(
            organisation,
            alice,
            destination="DE",
            item="1C904.a.4",
            quantity="120",
            end_user="Motorwerk GmbH",
        )
        services.submit_application(submitted, by=alice)
        reviewing = self._complete_draft(
            organisation,
            alice,
            destination="JP",
            item="1C903.b",
            quantity="40",
            end_user="Kobe Optics KK",
        )
        services.submit_application(reviewing, by=alice)
        services.accept_application(reviewing, by=olga)
        asked = self._complete_draft(
            organisation,
            bob,
            destination="KR",
            item="1C908.b",
            quantity="15",
            end_user="Hanbit Ceramics",
        )
        services.submit_application(asked, by=bob)
        services.accept_application(asked, by=olga)
        services.request_information(
            asked, by=olga, question="Please describe the ceramic product and its buyers."
        )
        countersign = self._complete_draft(
            organisation,
            alice,
            destination="FR",
            item="1C902.a.4",
            quantity="300",
            end_user="Aéro Moteurs SA",
        )
        services.submit_application(countersign, by=alice)
        services.accept_application(countersign, by=olga)
        services.recommend_decision(
            countersign,
            by=olga,
            outcome="approve",
            note="Civil aerospace actuators; end user verified.",
        )
        approved = self._complete_draft(
            organisation,
            alice,
            destination="IT",
            item="1C905.a.4",
            quantity="80",
            end_user="Turbina SpA",
        )
        services.submit_application(approved, by=alice)
        services.accept_application(approved, by=olga)
        services.recommend_decision(approved, by=olga, outcome="approve")
        services.countersign_decision(
            approved, by=sam, agree=True, note="Agreed: standard conditions."
        )
