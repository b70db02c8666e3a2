"""The page benchmark's server (scripts/bench_pages.sh): production-like (DEBUG off, persistent
database connections, no debug toolbar), plus what only the benchmark needs: a baseline page at
/__bench__/baseline and an X-Queries header counting each response's database queries.

Never deploy with these settings: the secret key is public and the baseline page is extra."""

from .base import *  # noqa: F403
from .base import MIDDLEWARE, env

DEBUG = False
SECRET_KEY = "bench-only-secret-key-never-in-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "config.urls_bench"
# Counts the queries from the first middleware on, so sessions and the user are included.
MIDDLEWARE = ["config.bench.QueryCountMiddleware", *MIDDLEWARE]

DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
# The log-ins of a benchmark run are many and fast: no lock-out.
AXES_ENABLED = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
