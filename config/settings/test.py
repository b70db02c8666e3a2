"""The test suite: the embedded defaults unless DATABASE_URL / CELERY_BROKER_URL are set."""

import tempfile

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

# Hashing with PBKDF2 costs seconds across a suite; tests don't need it to be slow.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="portal-test-static-")
# A worker process started by a test writes its e-mails where the test can count them.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("DJANGO_EMAIL_FILE_PATH", default=tempfile.gettempdir())
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
# Tests change the data between two looks at the workbench: its figures are computed each time
# (one test turns the cache on).
PORTAL_WORKBENCH_CACHE_SECONDS = 0
