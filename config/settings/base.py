"""Settings shared by every environment.

Configuration comes from the environment (12-factor). With nothing set, the portal runs on an
embedded SQLite database and Celery runs tasks eagerly in the web process, so a newcomer needs
nothing but Python. DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# Applications ------------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]
# django-axes and django-otp under the Chinese names the admin shows (config/apps.py).
THIRD_PARTY_APPS = [
    "config.apps.AxesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_celery_beat",
    "django_filters",
    "django_htmx",
    "django_otp",
    "config.apps.OTPStaticConfig",
    "config.apps.OTPTOTPConfig",
    "simple_history",
    # The read API (/api/v1/), its OpenAPI document and the vendored Swagger UI files.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
LOCAL_APPS = [
    "accounts",
    "core",
    "projects",
    "branches",
    "members",
    "activities",
    "assessments",
    "home",
    "api",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    # First: /healthz answers before the session and auth middleware touch the database.
    "core.middleware.HealthzFirstMiddleware",
    # The request id of its log lines and jobs, and its metrics (core/observability.py).
    "core.observability.RequestIdMiddleware",
    "core.observability.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before LocaleMiddleware: Chinese unless the user chose English (not the browser's language).
    "core.middleware.ChineseUnlessChosenMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a log-in unless its view says otherwise (@login_not_required).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages (it leaves one for the log-in page): ends a session left idle too long.
    "accounts.middleware.IdleTimeoutMiddleware",
    # Enrol / verify the second factor, change a password that must be changed: until then no
    # other page (after LoginRequiredMiddleware, whose process_view runs first).
    "accounts.middleware.AccountStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lock-out into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Every template's {% url %} reverses a link once per shape (core/reversing.py).
            "builtins": ["core.reversing"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "home.context_processors.navigation",
            ],
        },
    },
    {
        # The rows of the long lists, written into their Django pages by {% rows %}
        # (core/jinja_env.py); only `.jinja` files are asked of it.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "core.jinja_env.environment"},
    },
]

# Cache: one per process, values kept as they are (core/cache.py) --------------------------------
CACHES = {"default": {"BACKEND": "core.cache.ProcessCache", "LOCATION": "portal"}}

# Database ----------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Authentication ----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Committee admins hold every permission of the admin site by their role.
    "accounts.backends.CommitteeAdminBackend",
]
# MLPS level 3: passwords of some complexity (10 characters, three kinds of character).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterKindsValidator", "OPTIONS": {"kinds": 3}},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed log-ins are counted per account, whatever address they come from (an attacker with many
# addresses gets no more guesses); each failure during a lock-out starts the cool-off again.
# A committee admin can unlock an account in the admin (Users → "Unlock after failed log-ins").
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# How many reverse proxies stand in front of the portal (0: none; 1: the usual nginx/haproxy that
# appends the client to X-Forwarded-For). The access log and the lock-out record the client's
# address through it (accounts/addresses.py).
# The street workbench's figures (aggregates over every branch) are kept this many seconds.
PORTAL_WORKBENCH_CACHE_SECONDS = env.int("PORTAL_WORKBENCH_CACHE_SECONDS", default=60)
PORTAL_TRUSTED_PROXIES = env.int("PORTAL_TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.addresses.client_ip"
# axes.W006 asks for the address among the parameters: counting per account alone is the point
# (an address rotated per guess must not earn more guesses), so the warning is silenced.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True

# Internationalisation ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static and uploaded files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Uploads (photos, rule documents, handover archives) go to the media folder, or to an
# S3-compatible bucket (a Chinese cloud's object store, MinIO) when DJANGO_S3_BUCKET is set, so
# that every web host sees every file. They stay private either way: the bucket is never public,
# and a user gets a file only through the portal's scoped pages, which stream it.
S3_BUCKET = env.str("DJANGO_S3_BUCKET", default="")
if S3_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("DJANGO_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("DJANGO_S3_REGION", default="") or None,
            "access_key": env.str("DJANGO_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("DJANGO_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("DJANGO_S3_PREFIX", default=""),
            "addressing_style": env.str("DJANGO_S3_ADDRESSING_STYLE", default="") or None,
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Forms -------------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
# Django's widget templates, with the plain widgets written in Python (core/renderers.py).
FORM_RENDERER = "core.renderers.PortalFormRenderer"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy: everything from this server, nothing inline, nothing from elsewhere.
# data: images are Bootstrap's own form-control glyphs (SVG embedded in its CSS).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Security defaults that hold everywhere ----------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Sessions end with the browser, after PORTAL_IDLE_TIMEOUT_MINUTES without a request, and in any
# case after a working day.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 12 * 60 * 60
PORTAL_IDLE_TIMEOUT_MINUTES = env.int("PORTAL_IDLE_TIMEOUT_MINUTES", default=30)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Celery ------------------------------------------------------------------------------------------
# No broker configured: tasks run eagerly in the calling process (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# A worker logs through LOGGING below (with the request id, JSON in production), not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# A task is acknowledged when it has run (late), and given back to the queue when the process
# running it dies (kill -9, out of memory): no message is lost with a worker, so every task must
# be safe to run twice (a delivery claims its row before it sends).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every task is stopped after these (a delivery has shorter ones, assessments/tasks.py).
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
# Redis hands a message not yet acknowledged to another worker after this long: it must exceed
# the longest task (CELERY_TASK_TIME_LIMIT) and the longest countdown of a retried task, or a
# task still running would be started a second time.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat writes when a periodic task last ran right after sending it. Celery's default writes every
# three minutes: a beat host that crashed and was started again sent once more every task it had
# sent in those minutes (found by the rehearsal, scripts/rehearse.py).
CELERY_BEAT_SYNC_EVERY = 1

# E-mail ------------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="portal@localhost")
# Seconds an SMTP server may stay silent before a send fails (and is retried later): without it a
# server that accepts the connection and never answers holds a worker forever.
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)

# Logging -----------------------------------------------------------------------------------------
# Log lines carry the request id (core/observability.py); PORTAL_LOG_FORMAT=json writes one JSON
# object per line for a log collector (the default in production), "plain" for a terminal.
PORTAL_LOG_FORMAT = env.str("PORTAL_LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": PORTAL_LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"axes": {"level": "WARNING"}},
}
# The Prometheus endpoint /metrics answers only with this token (Authorization: Bearer …); with
# none set it does not exist (404).
PORTAL_METRICS_TOKEN = env.str("PORTAL_METRICS_TOKEN", default="")

# Portal rules ------------------------------------------------------------------------------------
# 同步组建 / 同步配备: the branch (secretary) must follow the engineering department (project
# manager) within this many days, either way.
SYNC_TOLERANCE_DAYS = env.int("PORTAL_SYNC_TOLERANCE_DAYS", default=30)

# Reminders: the channels besides the in-app list, and how their deliveries are retried
# (assessments/deliveries.py). A failed delivery is tried again after RETRY_SECONDS, then after
# intervals that double up to RETRY_MAX_INTERVAL, for RETRY_DAYS; then it stays failed.
PORTAL_NOTIFICATION_CHANNELS = env.list(
    "PORTAL_NOTIFICATION_CHANNELS", default=["assessments.channels.EmailChannel"]
)
PORTAL_REMINDER_RETRY_SECONDS = env.int("PORTAL_REMINDER_RETRY_SECONDS", default=60)
PORTAL_REMINDER_RETRY_MAX_INTERVAL_SECONDS = env.int(
    "PORTAL_REMINDER_RETRY_MAX_INTERVAL_SECONDS", default=6 * 60 * 60
)
PORTAL_REMINDER_RETRY_DAYS = env.int("PORTAL_REMINDER_RETRY_DAYS", default=3)
# A worker's claim on a delivery lasts this long: longer than a delivery may run (its hard time
# limit), so that only a dead worker's claim expires and the delivery is taken over.
PORTAL_REMINDER_LEASE_SECONDS = env.int("PORTAL_REMINDER_LEASE_SECONDS", default=5 * 60)
# A delivery still pending this long after it was handed to the broker is handed over again.
PORTAL_REMINDER_REQUEUE_AFTER_SECONDS = env.int(
    "PORTAL_REMINDER_REQUEUE_AFTER_SECONDS", default=5 * 60
)
# Staff see a delivery not sent this long after it was created (and every failed one).
PORTAL_REMINDER_LONG_PENDING_MINUTES = env.int("PORTAL_REMINDER_LONG_PENDING_MINUTES", default=15)
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# A group robot or webhook that does not answer within this fails the delivery (retried later).
PORTAL_ROBOT_TIMEOUT_SECONDS = env.int("PORTAL_ROBOT_TIMEOUT_SECONDS", default=10)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")

# /healthz tells the database's and broker's state (and why they are down) only to logged-in
# staff and to monitors sending `Authorization: Bearer <this token>`; others get ok/unavailable.
PORTAL_HEALTH_TOKEN = env("PORTAL_HEALTH_TOKEN", default="")

# The access log (访问日志) of personal data and security events is kept this many days (never
# less than 183: the Cybersecurity Law's six months), then pruned by a daily beat task.
PORTAL_ACCESS_LOG_DAYS = env.int("PORTAL_ACCESS_LOG_DAYS", default=183)

# Two-factor log-in (双因素认证): street staff and committee admins must use it, secretaries may.
# The demo log-ins skip it only while DEBUG is on (accounts.twofactor).
OTP_TOTP_ISSUER = env("PORTAL_TWO_FACTOR_ISSUER", default="项目党建工作平台")
PORTAL_RECOVERY_CODES = 10

# The read API (/api/v1/, api/) --------------------------------------------------------------------
# Read-only, for the consumers a committee admin registers (a token each, a scope, an expiry):
# calls are throttled per consumer, counted from the calls recorded over the last minute, the
# same on every host (api/throttling.py).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ConsumerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsConsumer"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ConsumerRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.UpdatedCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": _("Project Party-Building Portal API"),
    "DESCRIPTION": _(
        "A read-only API for the district's platforms: the street's projects, branches, members "
        "(masked), activities, compliance, campaigns, suggestions and assessments. Send the "
        "token a committee admin gave you as `Authorization: Bearer <token>`. Lists are paged "
        "with a cursor (follow `next`) and accept `updated_since` to fetch changes only."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
}
