"""make run's demo: seed_demo creates published API keys, and runstack prints them."""

from io import StringIO
from typing import Any

from django.core.management import call_command

from licensing.management.commands.runstack import Command as RunStack
from licensing.management.commands.seed_demo import DEMO_API_KEYS
from licensing.models import ApiKey
from tests.api.conftest import client_with


def test_seed_demo_creates_working_demo_keys_once(db: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    (org_key, officer_key, _) = (key for *_, key in DEMO_API_KEYS)
    applications = client_with(org_key).get("/api/v1/applications/")
    queue = client_with(officer_key).get("/api/v1/queue/")
    assert ApiKey.objects.count() == 3
    assert applications.status_code == 200
    assert applications.json()["count"] == 6
    assert queue.status_code == 200
    assert queue.json()["count"] == 4


def test_runstack_prints_the_demo_keys(db: Any) -> None:
    out = StringIO()
    command = RunStack(stdout=out)
    command._announce("127.0.0.1", 8000)
    assert all(key in out.getvalue() for *_, key in DEMO_API_KEYS)
