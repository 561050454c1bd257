"""Joined Forces settings: one module, every value read from the environment.

Nothing configured gives the embedded default (SQLite, tasks run in-process, e-mail on the
console). `DATABASE_URL` and `REDIS_URL` switch to PostgreSQL and Redis. With `DEBUG` off the
process refuses to start without a secret key and allowed hosts.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

SECRET_KEY_MIN_DISTINCT = 12
"""A random key of 50 characters from any usual alphabet (hex included) has far more."""


def secret_key_is_guessable(key: str) -> bool:
    """Too few different characters, one short pattern repeated, or a development key."""
    repeated = any(
        key == (key[:period] * (len(key) // period + 1))[: len(key)]
        for period in range(1, len(key) // 2 + 1)
    )
    development = key.startswith("django-insecure") or "insecure-development-key" in key
    return len(set(key)) < SECRET_KEY_MIN_DISTINCT or repeated or development


DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-never-used-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
        )
    if secret_key_is_guessable(SECRET_KEY):
        raise ImproperlyConfigured(
            "SECRET_KEY looks guessable (too few different characters, a repeated pattern or "
            "a development key): generate one, for example with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name this site's host(s) when DEBUG is off.")
    if "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must name this site's host(s), not '*', when DEBUG is off."
        )

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Our own apps, in the order they depend on each other (a later one may import an earlier one).
PROJECT_APPS = [
    "accounts",
    "secondments",
    "strategy",
    "missions",
    "lessons",
    "capabilities",
    "funding",
    "outreach",
    "publication",
    "reports",
    "offline",
    "benchmarks",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The language and time zone of each answer: the person's, the switcher's or the browser's.
    "accounts.locale.PersonalLocaleMiddleware",
    # The public pages are read as by someone not signed in: no session, no cookie, cacheable.
    "publication.middleware.PublicPagesAreAnonymous",
    # What each person holds on each object, fetched once per request (accounts/authority.py).
    "accounts.object_permissions.ObjectPermissionsMiddleware",
    # Whether the session was verified with a second factor; then the guard that holds back
    # a session that still owes one (see accounts/two_factor.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends idle and over-age sessions (saying so), marks signed-in answers `no-store`, and
    # makes the request known to the audit trail of decisions (accounts/audit.py).
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "accounts.audit.AuditRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the "locked out" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Off: services own their transactions, and the audit record of a refused request is written
# after the refused service rolled back (accounts/audit.py); a request-wide transaction would
# roll the record back with it.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Kept open between requests (a new connection costs 3-7 ms) where CONN_MAX_AGE says so, as the
# full stack does; checked before reuse, so one the database has dropped is replaced rather than
# failing the request. Off by default: the development server opens a thread per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # A username nobody can have (too long, NUL) fails at once, as a wrong one.
    "accounts.inputs.ImpossibleUsernameBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# English and French, the working languages of NATO and the UN. Each person's choice (their
# profile) comes first; before they choose, the login page's switcher or the browser's
# Accept-Language; the API answers in the language of Accept-Language (accounts/locale.py).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Stored in UTC; shown in each person's time zone (their profile), this one before they choose.
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from npm (package.json); only the files the pages use are exposed.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
    # IndexedDB for the outbox (static/js/outbox.js imports its ES module build).
    ("vendor/idb", BASE_DIR / "node_modules" / "idb" / "build"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("STATIC_USE_FINDERS", default=DEBUG)

# --- Redis: broker and cache when configured, in-process otherwise --------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = timedelta(hours=6)
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
# Redis redelivers an unacknowledged task after the visibility timeout; it must outlast the
# longest task, or a slow task runs twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT * 2)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "memberships-sync": {
        "task": "accounts.tasks.memberships_sync_task",
        "schedule": timedelta(minutes=env.int("MEMBERSHIP_SYNC_MINUTES", default=15)),
    },
    "notification-emails-sweep": {
        "task": "accounts.tasks.notification_emails_sweep",
        "schedule": timedelta(minutes=10),
    },
    "notification-digests": {
        "task": "accounts.tasks.notification_digests_send",
        "schedule": crontab(hour=env.int("DIGEST_HOUR_UTC", default=6), minute=0),
    },
    "reminders": {
        "task": "accounts.tasks.reminders_send_task",
        "schedule": crontab(hour=env.int("REMINDER_HOUR_UTC", default=7), minute=0),
    },
    "reports-sweep": {
        "task": "reports.tasks.reports_sweep",
        "schedule": timedelta(minutes=5),
    },
    "reports-cleanup": {
        "task": "reports.tasks.reports_cleanup",
        "schedule": timedelta(hours=6),
    },
    "audit-denials-flag": {
        "task": "accounts.tasks.audit_denials_flag_task",
        "schedule": crontab(hour=env.int("AUDIT_ALERT_HOUR_UTC", default=5), minute=0),
    },
    "field-report-attachments-sweep": {
        "task": "missions.tasks.attachments_sweep",
        "schedule": timedelta(hours=6),
    },
    "idempotency-keys-forget": {
        "task": "accounts.tasks.idempotency_keys_forget_task",
        "schedule": crontab(hour=4, minute=30),
    },
    # Requests past their instrument's target: the owner's approvers and the plan's lead hear
    # of each once (funding/services/disbursements.py).
    "funding-disbursements-overdue": {
        "task": "funding.tasks.disbursements_overdue_alert_task",
        "schedule": crontab(hour=env.int("FUNDING_ALERT_HOUR_UTC", default=7), minute=15),
    },
}

# --- E-mail ---------------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_RETRY_BACKOFF_SECONDS = env.float("EMAIL_RETRY_BACKOFF_SECONDS", default=30.0)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Joined Forces <noreply@joined-forces.local>"
)

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: a request without credentials answers 401 with `WWW-Authenticate: Token`
    # (DRF takes that header from the first class; sessions have none and would answer 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token authentication that also refuses a locked-out user's tokens (429).
        "accounts.authentication.LockoutAwareTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.ObjectRulesPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "accounts.schema.ApiSchema",  # every status, with its body
    "EXCEPTION_HANDLER": "accounts.drf.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    # JSON nested too deep is a 400 (accounts/inputs.py), never a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "accounts.inputs.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Joined Forces API",
    "DESCRIPTION": "Joined-up mission planning: strategies, plans, people and lessons.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "accounts.models.OrganisationKind",
        "DriverKindEnum": "strategy.models.DriverKind",
        "StrategyStatusEnum": "strategy.models.StrategyStatus",
        "ReportStatusEnum": "reports.models.ReportStatus",
        "GlossaryStatusEnum": "strategy.models.GlossaryStatus",
        "RoleEnum": "accounts.models.Role",
        "ParticipantRoleEnum": "missions.models.ParticipantRole",
        "PlanStatusEnum": "missions.models.PlanStatus",
        "ActivityStatusEnum": "missions.models.ActivityStatus",
        "ReportFormatEnum": [("pdf", "pdf"), ("csv", "csv")],
        "PdfFormatEnum": [("pdf", "pdf")],
        "SecondmentStatusEnum": "secondments.models.SecondmentStatus",
        "SecondmentKindEnum": "secondments.models.SecondmentKind",
        "DomainEnum": "missions.models.Domain",
        "LessonStatusEnum": "lessons.models.LessonStatus",
        "ClassificationEnum": "lessons.models.Classification",
        "ReleasabilityEnum": "lessons.models.Releasability",
        "RemedialActionStatusEnum": "lessons.models.ActionStatus",
        "DisbursementStatusEnum": "funding.models.DisbursementStatus",
        "FundingInstrumentKindEnum": "funding.models.InstrumentKind",
        "CapabilityKindEnum": "capabilities.models.CapabilityKind",
        "PledgeStatusEnum": "capabilities.models.PledgeStatus",
        "PledgeSideEnum": "capabilities.models.PledgeSide",
        "CommunicationStatusEnum": "outreach.models.CommunicationStatus",
    },
}

# --- Security -------------------------------------------------------------------------------
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Records each failed sign-in in the audit trail as well (accounts/audit.py).
AXES_HANDLER = "accounts.audit.AuditedAxesHandler"
# What axes stores and looks up, cut to what its table holds (accounts/inputs.py).
AXES_USERNAME_CALLABLE = "accounts.inputs.lockout_username"
# Two-factor sign-in: staff and superusers must use it when this is on (the default when
# DEBUG is off; `make run` leaves it off so the demo users sign in with a password alone).
REQUIRE_STAFF_2FA = env.bool("REQUIRE_STAFF_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "Joined Forces"
# Behind proxies, the client address comes from X-Forwarded-For (read by django-ipware);
# otherwise everyone would share the proxy's address and lock each other out.
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# A session ends SESSION_IDLE_TIMEOUT seconds after its last activity and SESSION_MAX_AGE
# seconds after sign-in, whatever the activity (accounts/middleware.py). SESSION_COOKIE_AGE
# is still read, as the former name of the absolute lifetime.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_MAX_AGE = env.int(
    "SESSION_MAX_AGE", default=env.int("SESSION_COOKIE_AGE", default=12 * 3600)
)
SESSION_COOKIE_AGE = SESSION_MAX_AGE

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Audit -----------------------------------------------------------------------------------
# A person refused this many times in 24 hours is reported to staff by the daily check.
AUDIT_DENIAL_ALERT_COUNT = env.int("AUDIT_DENIAL_ALERT_COUNT", default=20)

# --- Strategies -------------------------------------------------------------------------------
STRATEGY_ENDORSEMENT_REMINDER_DAYS = env.int("STRATEGY_ENDORSEMENT_REMINDER_DAYS", default=3)
# The slug of the organisation whose administrators curate the glossary (staff always do).
# Empty: only staff curate.
GLOSSARY_STEWARD_ORGANISATION = env.str("GLOSSARY_STEWARD_ORGANISATION", default="").strip()
if GLOSSARY_STEWARD_ORGANISATION and not re.fullmatch(r"[-\w]+", GLOSSARY_STEWARD_ORGANISATION):
    raise ImproperlyConfigured(
        "GLOSSARY_STEWARD_ORGANISATION must be an organisation's slug, such as 'mfa'."
    )

# --- Secondments --------------------------------------------------------------------------------
# Days a post may stay vacant after its last holder left before its host is told.
POST_VACANCY_ALERT_DAYS = env.int("POST_VACANCY_ALERT_DAYS", default=30)

# --- Integrated plans ---------------------------------------------------------------------------
PLAN_REVIEW_REMINDER_DAYS = env.int("PLAN_REVIEW_REMINDER_DAYS", default=3)
FIELD_REPORT_ATTACHMENT_MAX_MB = env.int("FIELD_REPORT_ATTACHMENT_MAX_MB", default=10)
FIELD_REPORT_MAX_ATTACHMENTS = env.int("FIELD_REPORT_MAX_ATTACHMENTS", default=5)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FIELD_REPORT_PDF_MAX_PAGES = env.int("FIELD_REPORT_PDF_MAX_PAGES", default=200)
FIELD_REPORT_PHOTO_MAX_MEGAPIXELS = env.int("FIELD_REPORT_PHOTO_MAX_MEGAPIXELS", default=40)

# --- Lessons learned ------------------------------------------------------------------------------
# The PostgreSQL text search configuration of the lessons' search vector (stemming, stop words).
LESSONS_SEARCH_CONFIG = env.str("LESSONS_SEARCH_CONFIG", default="english")
# A remedial action past its due date is chased on its first day overdue, then every this
# many days.
LESSON_ACTION_OVERDUE_EVERY_DAYS = env.int("LESSON_ACTION_OVERDUE_EVERY_DAYS", default=7)
# How long a request sent with an Idempotency-Key answers the same when sent again.
IDEMPOTENCY_KEY_DAYS = env.int("IDEMPOTENCY_KEY_DAYS", default=30)

# --- Reports ---------------------------------------------------------------------------------
REPORT_RETENTION_DAYS = env.int("REPORT_RETENTION_DAYS", default=7)
REPORT_MAX_ACTIVE_PER_USER = env.int("REPORT_MAX_ACTIVE_PER_USER", default=5)

# --- Domain ---------------------------------------------------------------------------------
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="joined-forces-demo")
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
