"""Test settings: the real PostgreSQL by default (CI has it), fast hashing, files in a tmp dir."""

import os
import tempfile

import dj_database_url

from licensing.settings import *  # noqa: F403

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lodestone")
    )
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="lodestone-test-media-")
# A worker started by a test in its own process is told which backend and folder to use.
EMAIL_BACKEND = os.environ.get(
    "TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
EMAIL_FILE_PATH = os.environ.get("TEST_EMAIL_FILE_PATH", tempfile.gettempdir())
# The real broker: Redis runs on every machine this suite runs on (CI included).
CELERY_BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": int(os.environ.get("TEST_BROKER_VISIBILITY_TIMEOUT", "3600"))
}
WEBHOOK_ALLOW_PRIVATE_TARGETS = True
API_THROTTLE_RATE = "100000/min"
