from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from licensing import catalogue, services
from licensing.models import ControlledItem, Measure, Provision, RestrictedParty, Suspension


class Command(BaseCommand):
    help = "Load licensing/data/control_list.yaml into the database and print what changed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", default=str(catalogue.CATALOGUE_FILE))

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        data = catalogue.read_catalogue(Path(options["file"]))
        diff = catalogue.load_catalogue(
            data, catalogue.Models(ControlledItem, Measure, Provision, Suspension, RestrictedParty)
        )
        if not diff:
            self.stdout.write("The catalogue is up to date: nothing changed.")
            return
        services.record_catalogue_load(diff, version=data.get("version"))
        for line in diff.lines():
            self.stdout.write(line)
        counts = f"{len(diff.added)} added, {len(diff.changed)} changed"
        self.stdout.write(self.style.SUCCESS(f"{counts}, {len(diff.removed)} removed."))
