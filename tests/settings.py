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
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "memory://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
WEBHOOK_ALLOW_PRIVATE_TARGETS = True
API_THROTTLE_RATE = "100000/min"
