import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError

from licensing.models import Application
from licensing.workflow import Status
from tests.factories import application_in

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LODESTONE_"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_production_mode_requires_a_secret_key(tmp_path: Path) -> None:
    result = _manage("check", LODESTONE_PRODUCTION="1", LODESTONE_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_production_settings_pass_the_deploy_checks(tmp_path: Path) -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        LODESTONE_PRODUCTION="1",
        LODESTONE_VAR_DIR=str(tmp_path),
        DJANGO_SECRET_KEY="x" * 60 + "-production-only-test-key-0123456789",
        DJANGO_ALLOWED_HOSTS="lodestone.example.com",
    )
    assert result.returncode == 0, result.stderr


def test_secret_key_is_generated_once_outside_production(tmp_path: Path) -> None:
    _manage("check", LODESTONE_VAR_DIR=str(tmp_path))
    first = (tmp_path / "secret_key").read_text()
    _manage("check", LODESTONE_VAR_DIR=str(tmp_path))
    assert (tmp_path / "secret_key").read_text() == first
    assert len(first) >= 50


def test_database_refuses_an_unknown_status(actors: Any) -> None:
    app = application_in(Status.DRAFT, **actors)
    with pytest.raises(IntegrityError):
        Application.objects.filter(pk=app.pk).update(status="teleported")


def test_status_is_not_editable_in_forms() -> None:
    assert Application._meta.get_field("status").editable is False
