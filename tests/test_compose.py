"""docker-compose.yml and the Dockerfile, checked by structure: these machines have no Docker
engine, so the files cannot be built or run here; their structure is what this test can check.

Plain functions, no Django: run with `pytest -p no:django tests/test_compose.py`."""

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


@pytest.mark.parametrize("name", ["web", "worker"])
def test_web_and_worker_share_the_media_volume(compose: dict[str, Any], name: str) -> None:
    service = compose["services"][name]
    media_root = service["environment"]["MEDIA_ROOT"]
    assert f"media:{media_root}" in service["volumes"]
    assert "media" in compose["volumes"]


def test_the_web_healthcheck_asks_for_an_allowed_host(compose: dict[str, Any]) -> None:
    web = compose["services"]["web"]
    probe = " ".join(web["healthcheck"]["test"])
    assert "urllib" in probe
    assert "http://127.0.0.1:8000/healthz" in probe
    assert "127.0.0.1" in web["environment"]["DJANGO_ALLOWED_HOSTS"].split(",")


def _dockerfile_lines() -> list[str]:
    return (ROOT / "Dockerfile").read_text().splitlines()


def test_dockerfile_runs_gunicorn_as_a_non_root_user() -> None:
    lines = _dockerfile_lines()
    assert "EXPOSE 8000" in lines
    cmd = next(line for line in lines if line.startswith("CMD"))
    assert "gunicorn" in cmd
    assert "licensing.wsgi:application" in cmd
    assert "0.0.0.0:8000" in cmd
    users = [line.split()[1] for line in lines if line.startswith("USER")]
    assert users
    assert users[-1] not in {"root", "0"}


def test_dockerfile_copies_only_what_exists() -> None:
    copies = [line for line in _dockerfile_lines() if line.startswith("COPY")]
    assert copies
    for line in copies:
        sources = [word for word in line.split()[1:-1] if not word.startswith("--")]
        assert sources, line
        for source in sources:
            assert (ROOT / source).exists(), source


def test_dockerfile_creates_the_media_mount_point(compose: dict[str, Any]) -> None:
    # A named volume takes the owner of the image's folder; if the folder is missing, root.
    media_root = compose["services"]["web"]["environment"]["MEDIA_ROOT"]
    assert any(media_root in line for line in _dockerfile_lines() if "mkdir" in line)
