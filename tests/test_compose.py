"""docker-compose.yml and the Dockerfile, checked by structure: these machines have no Docker
engine, so the file cannot be run here."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_the_five_services_exist(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"postgres", "redis", *APP_SERVICES}


def test_backing_services_use_pinned_official_images(compose: dict[str, Any]) -> None:
    assert re.fullmatch(r"postgres:\d+", compose["services"]["postgres"]["image"])
    assert re.fullmatch(r"redis:\d+", compose["services"]["redis"]["image"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_share_the_build_and_point_at_postgres_and_redis(
    compose: dict[str, Any], name: str
) -> None:
    service = compose["services"][name]
    env = service["environment"]
    assert service["build"] == "."
    assert env["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:" in env["DATABASE_URL"]
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert env["LODESTONE_PRODUCTION"] == "1"
    assert {dep: c["condition"] for dep, c in service["depends_on"].items()} == {
        "postgres": "service_healthy",
        "redis": "service_healthy",
    }
    assert env == compose["services"]["web"]["environment"]


@pytest.mark.parametrize("name", ["postgres", "redis", *APP_SERVICES])
def test_every_service_has_a_healthcheck(compose: dict[str, Any], name: str) -> None:
    assert compose["services"][name]["healthcheck"]["test"]


def test_there_is_exactly_one_beat(compose: dict[str, Any]) -> None:
    beat = compose["services"]["beat"]
    assert "beat" in beat["command"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert sum("beat" in s.get("command", "") for s in compose["services"].values()) == 1


def test_dockerfile_runs_gunicorn_and_copies_what_exists() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "EXPOSE 8000" in dockerfile
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    assert "gunicorn" in cmd
    assert "licensing.wsgi:application" in cmd
    for line in dockerfile.splitlines():
        if line.startswith("COPY"):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
